#include <arrow/util/compression.h>

#include <memory>

#include "floe/format/puffin/puffin_codec_internal.h"
#include "floe/format/puffin/puffin_metadata.h"

namespace floe::puffin::internal {
namespace {

arrow::Result<std::unique_ptr<arrow::util::Codec>> MakeCodec(std::string_view codec,
                                                             const std::string& what) {
  arrow::Compression::type type;
  if (codec == kCodecZstd) {
    type = arrow::Compression::ZSTD;
  } else if (codec == kCodecLz4) {
    type = arrow::Compression::LZ4_FRAME;
  } else {
    return arrow::Status::NotImplemented(what, ": compression codec '", codec,
                                         "' is not one of the Puffin spec's (lz4, zstd)");
  }
  if (!arrow::util::Codec::IsAvailable(type)) {
    return arrow::Status::NotImplemented(what, ": compression codec '", codec,
                                         "' is not built into this Arrow library");
  }
  return arrow::util::Codec::Create(type);
}

}  // namespace

arrow::Result<std::string> Compress(std::string_view codec, std::string_view data) {
  ARROW_ASSIGN_OR_RAISE(auto c, MakeCodec(codec, "Puffin blob"));
  const auto* in = reinterpret_cast<const uint8_t*>(data.data());
  std::string out(c->MaxCompressedLen(static_cast<int64_t>(data.size()), in), '\0');
  ARROW_ASSIGN_OR_RAISE(int64_t n, c->Compress(static_cast<int64_t>(data.size()), in,
                                               static_cast<int64_t>(out.size()),
                                               reinterpret_cast<uint8_t*>(out.data())));
  out.resize(static_cast<size_t>(n));
  return out;
}

arrow::Result<std::string> Decompress(std::string_view codec, std::string_view data,
                                      const std::string& what) {
  ARROW_ASSIGN_OR_RAISE(auto c, MakeCodec(codec, what));
  // The decompressed size is not recorded in the footer: stream into a growing buffer.
  ARROW_ASSIGN_OR_RAISE(auto decompressor, c->MakeDecompressor());
  std::string out(std::max<size_t>(data.size() * 4, 256), '\0');
  size_t written = 0;
  const auto* in = reinterpret_cast<const uint8_t*>(data.data());
  int64_t remaining = static_cast<int64_t>(data.size());
  while (!decompressor->IsFinished()) {
    if (written == out.size()) out.resize(out.size() * 2);
    ARROW_ASSIGN_OR_RAISE(
        auto r, decompressor->Decompress(remaining, in, static_cast<int64_t>(out.size() - written),
                                         reinterpret_cast<uint8_t*>(out.data() + written)));
    in += r.bytes_read;
    remaining -= r.bytes_read;
    written += static_cast<size_t>(r.bytes_written);
    if (r.need_more_output) {
      out.resize(out.size() * 2);
    } else if (r.bytes_read == 0 && r.bytes_written == 0 && !decompressor->IsFinished()) {
      return arrow::Status::Invalid(what, ": ", codec, " data ends before its frame does");
    }
  }
  if (remaining != 0) {
    return arrow::Status::Invalid(what, ": ", remaining, " bytes follow the ", codec,
                                  " frame; the spec allows one frame");
  }
  out.resize(written);
  return out;
}

}  // namespace floe::puffin::internal
