#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/format/puffin/puffin_metadata.h"

namespace floe::puffin {

/// A blob to add to a Puffin file; offset and length are assigned by the writer.
struct Blob {
  std::string type;
  std::vector<int32_t> fields;
  int64_t snapshot_id = -1;
  int64_t sequence_number = -1;
  std::string payload;  ///< uncompressed bytes
  std::map<std::string, std::string> properties;
};

/// Writes a Puffin file (spec: Puffin file format, mirrors Java's PuffinWriter): the magic,
/// then each blob as it is added, then the footer on Finish. The footer is written
/// uncompressed, as Java does by default.
class PuffinWriter {
 public:
  /// `properties` go into the footer's FileMetadata (e.g. created-by).
  static arrow::Result<std::unique_ptr<PuffinWriter>> Open(
      std::shared_ptr<arrow::io::OutputStream> out, std::string location,
      std::map<std::string, std::string> properties = {});
  ~PuffinWriter();

  /// Appends a blob, compressed with `codec` ("lz4", "zstd") or stored as is; returns its
  /// footer entry (with offset and length).
  arrow::Result<BlobMetadata> Add(const Blob& blob,
                                  std::optional<std::string> codec = std::nullopt);
  /// Writes the footer and closes the stream; the file exists only after this succeeds.
  arrow::Status Finish();

  /// The file's length (final after Finish).
  int64_t file_size() const { return written_; }
  const std::string& location() const { return location_; }
  const std::vector<BlobMetadata>& blobs() const { return metadata_.blobs; }

 private:
  PuffinWriter(std::shared_ptr<arrow::io::OutputStream> out, std::string location,
               std::map<std::string, std::string> properties);
  arrow::Status Write(std::string_view bytes);

  std::shared_ptr<arrow::io::OutputStream> out_;
  std::string location_;
  FileMetadata metadata_;
  int64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace floe::puffin
