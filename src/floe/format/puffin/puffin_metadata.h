#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::puffin {

/// The four bytes that open a Puffin file and its footer (spec: Puffin "File structure").
inline constexpr std::string_view kMagic = "PFA1";
/// Compression codec names of the spec ("Compression codecs"); absent means uncompressed.
inline constexpr std::string_view kCodecLz4 = "lz4";
inline constexpr std::string_view kCodecZstd = "zstd";
/// FileMetadata property naming the writing application (spec: "created-by").
inline constexpr std::string_view kCreatedByProperty = "created-by";

/// One blob as the footer describes it (spec: Puffin "BlobMetadata").
struct BlobMetadata {
  std::string type;
  /// Field ids of the table columns the blob was computed from.
  std::vector<int32_t> fields;
  int64_t snapshot_id = -1;
  int64_t sequence_number = -1;
  /// Where the (possibly compressed) blob bytes sit in the file.
  int64_t offset = 0;
  int64_t length = 0;
  /// "lz4", "zstd", or none for an uncompressed blob.
  std::optional<std::string> compression_codec;
  std::map<std::string, std::string> properties;
};

/// The footer's payload (spec: Puffin "FileMetadata").
struct FileMetadata {
  std::vector<BlobMetadata> blobs;
  std::map<std::string, std::string> properties;
};

}  // namespace floe::puffin
