#include "floe/format/avro/avro_codec_internal.h"

#include <algorithm>
#include <climits>
#include <memory>

#include <zlib.h>
#include <zstd.h>

namespace floe::avro::internal {
namespace {

constexpr int kZstdLevel = 3;  // zstd's default: fast, and well compressed for manifests

// First output buffer size: grows by doubling, never past max_size + 1 (to detect overflow).
size_t InitialCapacity(size_t in_size, size_t max_size) {
  return std::min(max_size + 1, std::max<size_t>(in_size * 4, 64 * 1024));
}

bool Grow(std::string* out, size_t max_size) {
  if (out->size() > max_size) return false;
  out->resize(std::min(max_size + 1, out->size() * 2));
  return true;
}

arrow::Status TooLarge(std::string_view codec, size_t max_size) {
  return arrow::Status::Invalid(codec, " block decompresses to more than ", max_size,
                                " bytes");
}

arrow::Status DeflateCompress(std::string_view in, std::string* out) {
  if (in.size() > UINT_MAX) return arrow::Status::Invalid("deflate: block too large");
  z_stream z{};
  // Negative window bits: raw deflate, without the zlib header and adler32 trailer.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return arrow::Status::OutOfMemory("deflate: cannot initialise");
  }
  out->resize(deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&z, Z_FINISH);
  size_t produced = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return arrow::Status::UnknownError("deflate failed: code ", rc);
  out->resize(produced);
  return arrow::Status::OK();
}

arrow::Status DeflateDecompress(std::string_view in, size_t max_size, std::string* out) {
  if (in.size() > UINT_MAX) return arrow::Status::Invalid("deflate: block too large");
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) return arrow::Status::OutOfMemory("inflate: cannot init");
  std::unique_ptr<z_stream, int (*)(z_streamp)> guard(&z, inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  out->resize(InitialCapacity(in.size(), max_size));
  size_t produced = 0;
  while (true) {
    if (produced == out->size() && !Grow(out, max_size)) return TooLarge("deflate", max_size);
    size_t room = std::min<size_t>(out->size() - produced, UINT_MAX);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    z.avail_out = static_cast<uInt>(room);
    int rc = inflate(&z, Z_NO_FLUSH);
    produced += room - z.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      return arrow::Status::IOError("deflate data ends before the end of the stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return arrow::Status::Invalid("deflate data is corrupt (", z.msg ? z.msg : "code",
                                    z.msg ? "" : std::to_string(rc), ")");
    }
    if (produced > max_size) return TooLarge("deflate", max_size);
  }
  if (produced > max_size) return TooLarge("deflate", max_size);
  out->resize(produced);
  return arrow::Status::OK();
}

arrow::Status ZstdCompress(std::string_view in, std::string* out) {
  out->resize(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out->data(), out->size(), in.data(), in.size(), kZstdLevel);
  if (ZSTD_isError(n)) return arrow::Status::UnknownError("zstd: ", ZSTD_getErrorName(n));
  out->resize(n);
  return arrow::Status::OK();
}

arrow::Status ZstdDecompress(std::string_view in, size_t max_size, std::string* out) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(),
                                                              ZSTD_freeDStream);
  if (!ds) return arrow::Status::OutOfMemory("zstd: cannot create a decompression stream");
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  out->resize(InitialCapacity(in.size(), max_size));
  size_t produced = 0;
  size_t last = 0;
  // Loop until all input is consumed and the last frame is complete; a block may hold
  // several frames.
  while (input.pos < input.size || last != 0) {
    if (produced == out->size() && !Grow(out, max_size)) return TooLarge("zstandard", max_size);
    ZSTD_outBuffer output{out->data() + produced, out->size() - produced, 0};
    size_t before_in = input.pos;
    last = ZSTD_decompressStream(ds.get(), &output, &input);
    if (ZSTD_isError(last)) {
      return arrow::Status::Invalid("zstandard data is corrupt (", ZSTD_getErrorName(last), ")");
    }
    produced += output.pos;
    if (produced > max_size) return TooLarge("zstandard", max_size);
    // No progress with all input consumed and a frame still open: the data is cut short.
    if (last != 0 && input.pos == input.size && output.pos < output.size &&
        input.pos == before_in) {
      return arrow::Status::IOError("zstandard data ends before the end of the frame");
    }
  }
  out->resize(produced);
  return arrow::Status::OK();
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNull: return "null";
    case Codec::kDeflate: return "deflate";
    case Codec::kZstandard: return "zstandard";
  }
  return "null";
}

std::optional<Codec> CodecFromName(std::string_view name) {
  if (name == "null") return Codec::kNull;
  if (name == "deflate") return Codec::kDeflate;
  if (name == "zstandard") return Codec::kZstandard;
  return std::nullopt;
}

arrow::Status Compress(Codec codec, std::string_view in, std::string* out) {
  switch (codec) {
    case Codec::kNull:
      out->assign(in.data(), in.size());
      return arrow::Status::OK();
    case Codec::kDeflate: return DeflateCompress(in, out);
    case Codec::kZstandard: return ZstdCompress(in, out);
  }
  return arrow::Status::Invalid("unknown codec");
}

arrow::Status Decompress(Codec codec, std::string_view in, size_t max_size, std::string* out) {
  switch (codec) {
    case Codec::kNull:
      if (in.size() > max_size) return TooLarge("null-codec", max_size);
      out->assign(in.data(), in.size());
      return arrow::Status::OK();
    case Codec::kDeflate: return DeflateDecompress(in, max_size, out);
    case Codec::kZstandard: return ZstdDecompress(in, max_size, out);
  }
  return arrow::Status::Invalid("unknown codec");
}

}  // namespace floe::avro::internal
