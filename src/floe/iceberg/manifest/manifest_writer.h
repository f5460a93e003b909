#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Writes one manifest: an Avro file of manifest_entry rows for files of one partition spec
/// (spec: "Manifests"). Format version 2 by default; version 1 is written for v1 tables.
///
/// Close() returns the manifest list row for it, with sequence_number left as
/// kUnassignedSequenceNumber (and min_sequence_number too when no entry carries one) for
/// the manifest list writer to fill in at commit.
class ManifestWriter {
 public:
  struct Options {
    int format_version = 2;
    /// Data or delete files; v1 manifests only hold data files.
    ManifestContent content = ManifestContent::kData;
    avro::Codec codec = avro::Codec::kDeflate;
  };

  /// Writes to `location` through `io`; the file appears whole when Close() succeeds.
  /// `partition_type` is spec.PartitionType(schema); pass nullptr to have it derived.
  static arrow::Result<std::unique_ptr<ManifestWriter>> Make(
      io::FileIO& io, std::string location, const PartitionSpec& spec, const Schema& schema,
      TypePtr partition_type, int64_t snapshot_id, Options options);
  static arrow::Result<std::unique_ptr<ManifestWriter>> Make(
      io::FileIO& io, std::string location, const PartitionSpec& spec, const Schema& schema,
      TypePtr partition_type, int64_t snapshot_id) {
    return Make(io, std::move(location), spec, schema, std::move(partition_type), snapshot_id,
                Options{});
  }
  /// Writes to an open stream; `location` is what the manifest list will record.
  static arrow::Result<std::unique_ptr<ManifestWriter>> Make(
      std::shared_ptr<arrow::io::OutputStream> out, std::string location,
      const PartitionSpec& spec, const Schema& schema, TypePtr partition_type,
      int64_t snapshot_id, Options options);

  ~ManifestWriter();

  /// A file added by this snapshot: status ADDED, this writer's snapshot id, and sequence
  /// numbers left null so they are inherited at read time — unless the entry carries explicit
  /// ones (a file rewritten with its original data sequence number).
  arrow::Status Add(const ManifestEntry& entry);
  arrow::Status Add(const DataFile& file);
  /// A live file carried over from an earlier manifest: status EXISTING, keeping its snapshot
  /// id and sequence numbers (which must be known in v2).
  arrow::Status AddExisting(const ManifestEntry& entry);
  /// A file removed by this snapshot: status DELETED with this writer's snapshot id, keeping
  /// the file's sequence numbers.
  arrow::Status AddDeleted(const ManifestEntry& entry);

  /// Finishes the file and returns its manifest list row.
  arrow::Result<ManifestFile> Close();

  const std::string& location() const { return location_; }
  /// Number of entries written so far.
  int64_t entry_count() const { return added_files_ + existing_files_ + deleted_files_; }

 private:
  class SummaryBuilder;
  ManifestWriter() = default;
  arrow::Status Write(const ManifestEntry& entry);

  io::FileIO* io_ = nullptr;  ///< set when the bytes are buffered and written on Close()
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::unique_ptr<avro::ContainerWriter> writer_;
  std::string location_;
  int32_t spec_id_ = 0;
  TypePtr partition_type_;
  int64_t snapshot_id_ = 0;
  Options options_;
  bool closed_ = false;

  int32_t added_files_ = 0;
  int32_t existing_files_ = 0;
  int32_t deleted_files_ = 0;
  int64_t added_rows_ = 0;
  int64_t existing_rows_ = 0;
  int64_t deleted_rows_ = 0;
  std::optional<int64_t> min_sequence_number_;
  std::unique_ptr<SummaryBuilder> summaries_;
};

}  // namespace floe::iceberg
