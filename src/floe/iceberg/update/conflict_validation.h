#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Checks a change against the snapshots committed to its branch since the snapshot it read
/// (Java's MergingSnapshotProducer validations, used by RowDelta and copy-on-write
/// overwrites). Every failure is ValidationFailed (errors.h), naming the conflicting file and
/// the snapshot that committed it; it is not retried, because the change was planned from
/// data that is no longer current.
///
/// Built per commit attempt over the table as it is then (`base`, `parent` = the head of the
/// branch in it). Filters are unbound row filters (null: every row); they are bound to the
/// current schema and used to prune by partition and column metrics, as Java does.
class ConflictValidator {
 public:
  /// Fails when `starting_snapshot_id` is not an ancestor of `parent` (or was expired, so the
  /// history between them cannot be read). No starting snapshot: the whole branch history.
  static arrow::Result<ConflictValidator> Make(io::FileIO& io, const TableMetadata& base,
                                               const Snapshot* parent,
                                               std::optional<int64_t> starting_snapshot_id,
                                               std::string table_name);

  /// Data files added ("append" / "overwrite" snapshots) since the start that may hold rows
  /// matching `filter` (Java's validateAddedDataFiles): serializable isolation.
  arrow::Status ValidateNoConflictingDataFiles(const ExprPtr& filter) const;
  /// Delete files added ("overwrite" / "delete") since the start that may apply to rows
  /// matching `filter` (Java's validateNoNewDeleteFiles).
  arrow::Status ValidateNoNewDeleteFiles(const ExprPtr& filter) const;
  /// Delete files added since the start that apply to any of `data_files`, e.g. files this
  /// change rewrites or removes (Java's validateNoNewDeletesForDataFiles).
  arrow::Status ValidateNoNewDeletesForDataFiles(const ExprPtr& filter,
                                                 const std::vector<DataFile>& data_files) const;
  /// None of `paths` was removed since the start ("overwrite" / "replace", and "delete"
  /// unless `skip_delete_snapshots`) — the data files this change's position deletes
  /// reference (Java's validateDataFilesExist).
  arrow::Status ValidateDataFilesExist(const std::set<std::string>& paths,
                                       bool skip_delete_snapshots, const ExprPtr& filter) const;
  /// No deletion vector was added since the start for any of `data_file_paths` (the files
  /// this change adds DVs for): the spec allows one DV per data file (Java's
  /// validateAddedDVs).
  arrow::Status ValidateNoNewDeletionVectors(const std::set<std::string>& data_file_paths) const;

  /// The snapshots committed since the start, newest first.
  const std::vector<const Snapshot*>& new_snapshots() const { return new_snapshots_; }

 private:
  ConflictValidator() = default;
  /// Manifests of the given content added by new snapshots whose operation is in `operations`.
  std::vector<ManifestFile> NewManifests(const std::set<std::string>& operations,
                                         ManifestContent content,
                                         std::set<int64_t>* snapshot_ids) const;
  arrow::Result<ExprPtr> BindFilter(const ExprPtr& filter) const;
  /// Live ADDED entries of `manifests`, from the snapshots in `snapshot_ids`, that may match
  /// `filter`.
  arrow::Result<std::vector<ManifestEntry>> AddedEntries(const std::vector<ManifestFile>& manifests,
                                                         const std::set<int64_t>& snapshot_ids,
                                                         const ExprPtr& filter) const;
  std::string Since() const;

  io::FileIO* io_ = nullptr;
  const TableMetadata* base_ = nullptr;
  std::optional<int64_t> starting_snapshot_id_;
  std::string table_name_;
  std::vector<const Snapshot*> new_snapshots_;
  /// Manifest lists of new snapshots, read once.
  std::vector<std::vector<ManifestFile>> manifests_;
};

/// Whether a delete file added after `data_file` was written applies to it (spec: "Scan
/// Planning"): equality deletes of its partition or global ones; position deletes and DVs of
/// its partition whose referenced file, or file_path bounds, allow its path.
bool DeleteMayApply(const DataFile& delete_file, const DataFile& data_file,
                    const TableMetadata& metadata);

/// Whether a delete file applies to the data file at `data_file_path` alone, so that it goes
/// when that file goes: a DV or position delete file naming just it (by referenced_data_file,
/// or by file_path bounds that are both its path, as Java's ContentFileUtil reads them).
bool DeleteFileOnlyFor(const DataFile& delete_file, const std::string& data_file_path);

}  // namespace floe::iceberg
