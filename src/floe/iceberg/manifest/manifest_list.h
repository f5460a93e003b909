#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Writes a snapshot's manifest list: an Avro file of manifest_file rows (spec: "Manifest
/// Lists"), format version 2 by default.
class ManifestListWriter {
 public:
  struct Options {
    int format_version = 2;
    avro::Codec codec = avro::Codec::kDeflate;
    /// v3 (required there): the new snapshot's first-row-id, the table's next-row-id.
    std::optional<int64_t> first_row_id;
  };

  /// Writes to `location` through `io`; the file appears whole when Close() succeeds.
  /// `sequence_number` is the new snapshot's (ignored for v1).
  static arrow::Result<std::unique_ptr<ManifestListWriter>> Make(
      io::FileIO& io, std::string location, int64_t snapshot_id,
      std::optional<int64_t> parent_snapshot_id, int64_t sequence_number, Options options);
  static arrow::Result<std::unique_ptr<ManifestListWriter>> Make(
      io::FileIO& io, std::string location, int64_t snapshot_id,
      std::optional<int64_t> parent_snapshot_id, int64_t sequence_number) {
    return Make(io, std::move(location), snapshot_id, parent_snapshot_id, sequence_number,
                Options{});
  }
  /// Writes to an open stream.
  static arrow::Result<std::unique_ptr<ManifestListWriter>> Make(
      std::shared_ptr<arrow::io::OutputStream> out, std::string location, int64_t snapshot_id,
      std::optional<int64_t> parent_snapshot_id, int64_t sequence_number, Options options);

  ~ManifestListWriter();

  /// Adds a manifest. Sequence numbers left as kUnassignedSequenceNumber — manifests written
  /// for this snapshot — become the snapshot's sequence number; such a manifest must have
  /// been added by this snapshot.
  arrow::Status Add(const ManifestFile& manifest);
  arrow::Status Add(const std::vector<ManifestFile>& manifests);
  /// v3 (spec: "First Row ID Assignment", Java's ManifestListWriter.V3Writer): each data
  /// manifest without a first_row_id is given the next row id, which then advances by the
  /// manifest's added and existing row counts; delete manifests never have one. After the
  /// last Add, next_row_id() - first_row_id is the snapshot's added-rows.
  std::optional<int64_t> next_row_id() const { return next_row_id_; }

  /// Finishes the file; returns its length in bytes.
  arrow::Result<int64_t> Close();

  const std::string& location() const { return location_; }

 private:
  ManifestListWriter() = default;

  io::FileIO* io_ = nullptr;
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::unique_ptr<avro::ContainerWriter> writer_;
  std::string location_;
  int64_t snapshot_id_ = 0;
  int64_t sequence_number_ = 0;
  Options options_;
  std::optional<int64_t> next_row_id_;
  bool closed_ = false;
};

/// Reads a manifest list (v1, v2 or v3), resolving fields by field id. v1 lists get the v2
/// defaults: content data, sequence numbers 0, and counts the file leaves out read as 0.
/// Errors name the location.
arrow::Result<std::vector<ManifestFile>> ReadManifestList(io::FileIO& io,
                                                          const std::string& location);
/// Same, over the file's bytes already in memory.
arrow::Result<std::vector<ManifestFile>> ReadManifestListData(std::string data,
                                                              const std::string& location);

}  // namespace floe::iceberg
