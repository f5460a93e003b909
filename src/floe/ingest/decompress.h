#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/io/interfaces.h>
#include <arrow/result.h>

namespace floe::ingest {

/// How a file's bytes are compressed, told by their magic bytes whatever the file is called.
enum class Compression {
  kNone,  ///< anything else: taken as plain text
  kGzip,  ///< starts 1f 8b (RFC 1952)
  kZstd,  ///< starts 28 b5 2f fd (RFC 8878 frame magic, little-endian 0xFD2FB528)
};

Compression DetectCompression(std::string_view data);

/// The content of a log file: gzip and zstd data (by magic bytes) are fully decoded,
/// including concatenated gzip members and zstd frames; anything else is returned as is
/// (moved, not copied). Corrupt or truncated compressed data, or bytes after the last gzip
/// member that do not start another member, give an Invalid status naming `name` and the
/// compressed byte offset; never a crash.
arrow::Result<std::string> Decompress(std::string data, const std::string& name);

/// A log file's content decoded as it is read: gzip and zstd (told by magic bytes) are
/// inflated piece by piece, anything else passes through.
class ContentStream {
 public:
  /// Reads `input` from its current position to its end. `name` names the file in errors;
  /// `base_offset` is the input's position in the file. With `expect` set, the content must
  /// be in that format; without it the format is detected from the first bytes.
  static arrow::Result<std::unique_ptr<ContentStream>> Open(
      std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset = 0,
      std::optional<Compression> expect = std::nullopt);
  ~ContentStream();
  Compression compression() const;
  /// Writes up to `capacity` bytes of content to `out`; returns how many, 0 only at the end.
  arrow::Result<int64_t> Read(char* out, int64_t capacity);

 private:
  ContentStream() = default;
  std::shared_ptr<arrow::io::InputStream> input_;
  Compression compression_ = Compression::kNone;
  std::string pending_;  // decoded content not yet handed out
  size_t pending_pos_ = 0;
};

}  // namespace floe::ingest
