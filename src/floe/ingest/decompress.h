#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace floe::ingest {

/// How a file's bytes are compressed, told by their magic bytes whatever the file is called.
enum class Compression {
  kNone,  ///< anything else: taken as plain text
  kGzip,  ///< starts 1f 8b (RFC 1952)
  kZstd,  ///< starts 28 b5 2f fd (RFC 8878 frame magic, little-endian 0xFD2FB528)
};

Compression DetectCompression(std::string_view data);

/// A log file's content decoded as it is read: gzip and zstd (told by magic bytes) are inflated
/// piece by piece, anything else passes through. Memory stays bounded (a few MB) whatever the
/// ratio.
///
/// gzip: every member of a multi-member file (RFC 1952 §2.2) is inflated with ISA-L's igzip, and
/// each member's CRC-32 and ISIZE trailer is checked. zstd: every frame, skippable frames
/// skipped, through libzstd's streaming decoder with its default window limit (2^27 bytes: a
/// frame that needs a larger window, written with `--long=31` say, is refused as corrupt).
/// Corrupt or truncated data, and bytes after the last gzip member that do not start another
/// member, are Invalid errors naming the file and the compressed byte offset; once a Read has
/// failed, every later Read returns the same error. An empty input is empty content in any
/// format.
class ContentStream {
 public:
  /// Reads `input` from its current position to its end. `name` names the file in errors;
  /// `base_offset` is the input's position in the file (error offsets are file offsets).
  /// With `expect` set, the content must be in that format (an input not starting with its magic
  /// is an Invalid error: "gzip file NAME: bytes at offset N are not a gzip member"); without it
  /// the format is detected from the first bytes (kNone: plain text). `expect = kNone` passes the
  /// bytes through whatever they start with.
  static arrow::Result<std::unique_ptr<ContentStream>> Open(
      std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset = 0,
      std::optional<Compression> expect = std::nullopt);
  ~ContentStream();
  ContentStream(const ContentStream&) = delete;
  ContentStream& operator=(const ContentStream&) = delete;

  Compression compression() const;
  /// Writes up to `capacity` bytes of content to `out`; returns how many, 0 only at the end.
  /// Plain content is read straight into `out` (no intermediate copy).
  arrow::Result<int64_t> Read(char* out, int64_t capacity);

  class Decoder;  // one per format, in decompress.cc

 private:
  explicit ContentStream(std::unique_ptr<Decoder> decoder);
  std::unique_ptr<Decoder> decoder_;
  arrow::Status error_;  // the first failed Read's, returned by every later one
};

/// The whole content of a log file, through ContentStream: gzip and zstd data (by magic bytes)
/// are fully decoded; anything else is returned as is (moved, not copied). For tests and tools
/// that want one string; ingest reads through ContentStream.
arrow::Result<std::string> Decompress(std::string data, const std::string& name);

}  // namespace floe::ingest
