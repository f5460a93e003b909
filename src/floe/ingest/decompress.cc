#include "floe/ingest/decompress.h"

#include <algorithm>
#include <cstring>

#include <arrow/buffer.h>
#include <arrow/status.h>
#include <zlib.h>
#include <zstd.h>

namespace floe::ingest {
namespace {

constexpr size_t kMinOutput = 64 * 1024;
// The declared sizes in compressed headers are hints from untrusted data: never reserve more
// than this up front, growing by doubling past it.
constexpr size_t kMaxInitialOutput = size_t{1} << 30;

bool StartsWith(std::string_view data, std::string_view magic) {
  return data.size() >= magic.size() && std::memcmp(data.data(), magic.data(), magic.size()) == 0;
}

const std::string_view kGzipMagic("\x1f\x8b", 2);
const std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);

/// Makes room for more output: doubles the buffer once it is full.
void Grow(std::string* out, size_t used) {
  if (used < out->size()) return;
  out->resize(std::max(kMinOutput, out->size() * 2));
}

arrow::Result<std::string> Gunzip(const std::string& data, const std::string& name) {
  z_stream zs{};
  // 16 + 15: gzip wrapper only, 32 KiB window.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return arrow::Status::OutOfMemory("gzip file ", name, ": cannot start zlib");
  }
  struct Ender {
    z_stream* zs;
    ~Ender() { inflateEnd(zs); }
  } ender{&zs};
  std::string out;
  out.resize(std::clamp<size_t>(data.size() * 4, kMinOutput, kMaxInitialOutput));
  size_t used = 0;
  size_t consumed = 0;  // bytes of `data` handed to zlib so far
  // zlib counts in uInt: feed and drain in chunks of at most 1 GiB.
  constexpr size_t kChunk = size_t{1} << 30;
  while (true) {
    Grow(&out, used);
    if (zs.avail_in == 0 && consumed < data.size()) {
      const size_t take = std::min(kChunk, data.size() - consumed);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
      zs.avail_in = static_cast<uInt>(take);
      consumed += take;
    }
    const size_t room = std::min(kChunk, out.size() - used);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    used += room - zs.avail_out;
    const size_t position = consumed - zs.avail_in;  // compressed bytes read
    if (rc == Z_STREAM_END) {
      if (position == data.size()) break;
      // Another member may follow (RFC 1952 §2.2: a gzip file is a series of members).
      if (!StartsWith(std::string_view(data).substr(position), kGzipMagic)) {
        return arrow::Status::Invalid("gzip file ", name, ": ", data.size() - position,
                                      " bytes after the gzip member ending at byte ", position,
                                      " are not another gzip member");
      }
      if (inflateReset(&zs) != Z_OK) {
        return arrow::Status::Invalid("gzip file ", name, ": cannot restart at byte ", position);
      }
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {
      // No progress: fine when zlib only needs more room or the next input chunk.
      if (zs.avail_out == 0 || (zs.avail_in == 0 && consumed < data.size())) continue;
      return arrow::Status::Invalid("gzip file ", name, ": truncated (the data ends at byte ",
                                    position, " inside a gzip member)");
    }
    if (rc == Z_MEM_ERROR) {
      return arrow::Status::OutOfMemory("gzip file ", name, ": zlib ran out of memory");
    }
    return arrow::Status::Invalid("gzip file ", name, ": corrupt data near compressed byte ",
                                  position, " (zlib: ", zs.msg ? zs.msg : "error", ")");
  }
  out.resize(used);
  return out;
}

arrow::Result<std::string> Unzstd(const std::string& data, const std::string& name) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return arrow::Status::OutOfMemory("zstd file ", name, ": no context");
  struct Freer {
    ZSTD_DCtx* d;
    ~Freer() { ZSTD_freeDCtx(d); }
  } freer{dctx};
  std::string out;
  // The first frame's declared size, a hint for the whole content.
  const unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
  size_t initial = data.size() * 4;
  if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    initial = static_cast<size_t>(std::min<unsigned long long>(declared + 1, kMaxInitialOutput));
  }
  out.resize(std::clamp<size_t>(initial, kMinOutput, kMaxInitialOutput));
  size_t used = 0;
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (true) {
    Grow(&out, used);
    ZSTD_outBuffer ob{out.data(), out.size(), used};
    // Decodes frame after frame: a finished frame is followed by the next one in the input.
    const size_t rc = ZSTD_decompressStream(dctx, &ob, &in);
    used = ob.pos;
    if (ZSTD_isError(rc)) {
      return arrow::Status::Invalid("zstd file ", name, ": corrupt data near compressed byte ",
                                    in.pos, " (zstd: ", ZSTD_getErrorName(rc), ")");
    }
    if (in.pos == in.size) {
      if (rc == 0) break;  // the last frame is complete
      if (ob.pos < ob.size) {
        return arrow::Status::Invalid("zstd file ", name, ": truncated (the data ends at byte ",
                                      in.pos, " inside a zstd frame)");
      }
    }
  }
  out.resize(used);
  return out;
}

}  // namespace

Compression DetectCompression(std::string_view data) {
  if (StartsWith(data, kGzipMagic)) return Compression::kGzip;
  if (StartsWith(data, kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

ContentStream::~ContentStream() = default;

Compression ContentStream::compression() const { return compression_; }

arrow::Result<std::unique_ptr<ContentStream>> ContentStream::Open(
    std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset,
    std::optional<Compression> expect) {
  std::unique_ptr<ContentStream> stream(new ContentStream());
  ARROW_ASSIGN_OR_RAISE(auto head, input->Read(4));
  const std::string_view head_view(reinterpret_cast<const char*>(head->data()),
                                   static_cast<size_t>(head->size()));
  stream->compression_ = expect ? *expect : DetectCompression(head_view);
  if (expect && *expect != Compression::kNone && DetectCompression(head_view) != *expect) {
    return arrow::Status::Invalid(*expect == Compression::kGzip ? "gzip" : "zstd", " file ",
                                  name, ": bytes at offset ", base_offset,
                                  " do not start a new member");
  }
  stream->pending_.assign(head_view);
  if (stream->compression_ != Compression::kNone) {
    std::string all = stream->pending_;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, input->Read(1 << 20));
      if (chunk->size() == 0) break;
      all.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
    }
    ARROW_ASSIGN_OR_RAISE(stream->pending_, Decompress(std::move(all), name));
  }
  stream->input_ = std::move(input);
  return stream;
}

arrow::Result<int64_t> ContentStream::Read(char* out, int64_t capacity) {
  if (pending_pos_ < pending_.size()) {
    const size_t n = std::min<size_t>(capacity, pending_.size() - pending_pos_);
    std::memcpy(out, pending_.data() + pending_pos_, n);
    pending_pos_ += n;
    return static_cast<int64_t>(n);
  }
  if (compression_ != Compression::kNone) return 0;
  return input_->Read(capacity, out);
}

arrow::Result<std::string> Decompress(std::string data, const std::string& name) {
  switch (DetectCompression(data)) {
    case Compression::kGzip:
      return Gunzip(data, name);
    case Compression::kZstd:
      return Unzstd(data, name);
    case Compression::kNone:
      break;
  }
  return data;
}

}  // namespace floe::ingest
