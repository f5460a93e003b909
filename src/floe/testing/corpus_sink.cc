// Plain, gzip and zstd file sinks for generated corpora.
#include <cerrno>
#include <cstring>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "floe/testing/corpus_sink_internal.h"

namespace floe::testing::corpus {
namespace {

constexpr size_t kOutChunk = 1 << 18;

class PlainSink : public FileSink {
 public:
  PlainSink(std::string path, std::FILE* file) : FileSink(std::move(path), file) {}

 protected:
  arrow::Status Compress(std::string_view data, bool) override {
    return WriteDisk(data.data(), data.size());
  }
};

class GzipSink : public FileSink {
 public:
  GzipSink(std::string path, std::FILE* file) : FileSink(std::move(path), file) {
    std::memset(&z_, 0, sizeof(z_));
  }
  ~GzipSink() override {
    if (initialized_) deflateEnd(&z_);
  }
  arrow::Status Init() {
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream. Level 1 keeps
    // generation fast; the ratio on log text is still about 8:1.
    if (deflateInit2(&z_, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return arrow::Status::IOError(path_, ": cannot start gzip stream");
    }
    initialized_ = true;
    return arrow::Status::OK();
  }

 protected:
  arrow::Status Compress(std::string_view data, bool finish) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    int rc;
    do {
      z_.next_out = out_;
      z_.avail_out = sizeof(out_);
      rc = deflate(&z_, finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return arrow::Status::IOError(path_, ": gzip stream error");
      ARROW_RETURN_NOT_OK(WriteDisk(out_, sizeof(out_) - z_.avail_out));
    } while (z_.avail_out == 0 || (finish && rc != Z_STREAM_END));
    return arrow::Status::OK();
  }

 private:
  z_stream z_;
  bool initialized_ = false;
  Bytef out_[kOutChunk];
};

class ZstdSink : public FileSink {
 public:
  ZstdSink(std::string path, std::FILE* file)
      : FileSink(std::move(path), file), ctx_(ZSTD_createCCtx()), out_(kOutChunk) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 1);
  }
  ~ZstdSink() override { ZSTD_freeCCtx(ctx_); }

 protected:
  arrow::Status Compress(std::string_view data, bool finish) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    const ZSTD_EndDirective mode = finish ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(left)) {
        return arrow::Status::IOError(path_, ": zstd: ", ZSTD_getErrorName(left));
      }
      ARROW_RETURN_NOT_OK(WriteDisk(out_.data(), out.pos));
      if (finish ? left == 0 : in.pos == in.size) break;
    }
    return arrow::Status::OK();
  }

 private:
  ZSTD_CCtx* ctx_;
  std::vector<char> out_;
};

}  // namespace

arrow::Result<std::unique_ptr<FileSink>> FileSink::Open(const std::string& path,
                                                        Compression compression) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return arrow::Status::IOError(path, ": cannot create: ", std::strerror(errno));
  }
  switch (compression) {
    case Compression::kGzip: {
      auto sink = std::make_unique<GzipSink>(path, file);
      ARROW_RETURN_NOT_OK(sink->Init());
      return sink;
    }
    case Compression::kZstd:
      return std::make_unique<ZstdSink>(path, file);
    case Compression::kNone:
      break;
  }
  return std::make_unique<PlainSink>(path, file);
}

FileSink::~FileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

arrow::Status FileSink::Write(std::string_view data) { return Compress(data, false); }

arrow::Status FileSink::Close() {
  ARROW_RETURN_NOT_OK(Compress({}, true));
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    return arrow::Status::IOError(path_, ": cannot close: ", std::strerror(errno));
  }
  return arrow::Status::OK();
}

arrow::Status FileSink::WriteDisk(const void* data, size_t size) {
  if (size == 0) return arrow::Status::OK();
  if (std::fwrite(data, 1, size, file_) != size) {
    return arrow::Status::IOError(path_, ": write failed: ", std::strerror(errno));
  }
  disk_bytes_ += static_cast<int64_t>(size);
  return arrow::Status::OK();
}

}  // namespace floe::testing::corpus
