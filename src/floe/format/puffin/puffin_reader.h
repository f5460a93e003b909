#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "floe/format/puffin/puffin_metadata.h"

namespace floe::puffin {

/// Reads a Puffin file (spec: Puffin file format, mirrors Java's PuffinReader): the footer
/// when opened, blobs on demand. Footers compressed with LZ4 and blobs compressed with LZ4 or
/// Zstandard are decompressed; a file that is not Puffin, is truncated, or whose footer does
/// not parse is an error naming the location.
class PuffinReader {
 public:
  /// `file_size`, when known (a manifest's file_size_in_bytes), saves a size request.
  static arrow::Result<std::unique_ptr<PuffinReader>> Open(
      std::shared_ptr<arrow::io::RandomAccessFile> file, std::string location,
      std::optional<int64_t> file_size = std::nullopt);

  const FileMetadata& metadata() const { return metadata_; }
  const std::string& location() const { return location_; }

  /// The blob's bytes, decompressed.
  arrow::Result<std::string> ReadBlob(const BlobMetadata& blob) const;

 private:
  PuffinReader(std::shared_ptr<arrow::io::RandomAccessFile> file, std::string location,
               int64_t file_size)
      : file_(std::move(file)), location_(std::move(location)), file_size_(file_size) {}

  std::shared_ptr<arrow::io::RandomAccessFile> file_;
  std::string location_;
  int64_t file_size_;
  FileMetadata metadata_;
};

/// Reads `length` bytes at `offset` of a Puffin file without its footer: deletion vectors are
/// found through a manifest's content_offset / content_size_in_bytes (spec: "Deletion Vectors").
/// The range must lie between the header magic and the footer.
arrow::Result<std::string> ReadBlobAt(arrow::io::RandomAccessFile& file,
                                      const std::string& location, int64_t offset, int64_t length);

/// The footer payload as JSON text, and back (spec: Puffin "FileMetadata"); errors name `what`.
std::string FileMetadataToJson(const FileMetadata& metadata);
arrow::Result<FileMetadata> FileMetadataFromJson(std::string_view json, const std::string& what);

}  // namespace floe::puffin
