#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// The data file a position delete file or deletion vector deletes rows from, when it names
/// only one: its referenced_data_file, or — as Java's ContentFileUtil infers it — the
/// file_path column when its lower and upper bounds are equal. Empty otherwise.
std::string ReferencedDataFile(const DataFile& delete_file);

/// The delete files of one snapshot, indexed for scan planning (Java's DeleteFileIndex;
/// spec: "Scan Planning"). The spec's scope rules:
/// - a deletion vector applies to the data file it references when the data file's data
///   sequence number is <= the vector's; position delete files of that data file are then
///   ignored (the vector holds their deletes);
/// - a position delete file applies to data files whose data sequence number is <= its own,
///   in the same spec and partition, and only to its referenced data file when it has one;
/// - an equality delete file applies to data files whose data sequence number is strictly
///   lower, in the same spec and partition — or to every data file when its spec is
///   unpartitioned (a global delete) — unless the column metrics of the two files show that
///   no equality column's values can meet (ranges apart, or nulls only on one side).
class DeleteFileIndex {
 public:
  /// Reads the live entries of the delete manifests among `manifests` (a snapshot's manifest
  /// list; data manifests are skipped), with data sequence numbers as inherited.
  static arrow::Result<DeleteFileIndex> Build(io::FileIO& io, const TableMetadata& metadata,
                                              const std::vector<ManifestFile>& manifests);
  /// The same, pruning delete manifests and files that cannot hold deletes of rows matching
  /// `bound_filter` (bound to `schema`, NOTs rewritten) by partition and column metrics, as
  /// data files are pruned. Partition values are typed over `schema`, as the data files of a
  /// ManifestGroup over the same schema are.
  static arrow::Result<DeleteFileIndex> Build(io::FileIO& io, const TableMetadata& metadata,
                                              const std::vector<ManifestFile>& manifests,
                                              std::shared_ptr<const Schema> schema,
                                              ExprPtr bound_filter);
  /// An index over delete files already known (e.g. those a change is about to commit).
  /// Each file's spec_id must name a spec of `metadata`.
  static arrow::Result<DeleteFileIndex> FromFiles(const TableMetadata& metadata,
                                                  std::vector<DeleteFile> files);

  DeleteFileIndex();
  DeleteFileIndex(DeleteFileIndex&&) noexcept;
  DeleteFileIndex& operator=(DeleteFileIndex&&) noexcept;
  ~DeleteFileIndex();

  /// The delete files that apply to a data file with this data sequence number (equality
  /// deletes first, then a deletion vector or position delete files).
  std::vector<DeleteFile> ForDataFile(int64_t data_sequence_number,
                                      const DataFile& data_file) const;
  bool empty() const { return files_.empty(); }
  /// Every indexed delete file.
  const std::vector<DeleteFile>& files() const { return files_; }

 private:
  struct Impl;
  void Seal();

  std::vector<DeleteFile> files_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::iceberg
