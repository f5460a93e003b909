#pragma once

#include <string>
#include <string_view>

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

}  // namespace floe::ingest
