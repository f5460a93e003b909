#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/expression/inclusive_metrics_evaluator.h"
#include "floe/iceberg/expression/manifest_evaluator.h"
#include "floe/iceberg/expression/partition_evaluator.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// One manifest as the planner saw it.
struct PlannedManifest {
  const PartitionSpec* spec = nullptr;
  TypePtr partition_type;  ///< of `spec` over the planning schema
  /// True when the manifest's partition summaries rule out every row (its entries were not
  /// read; `entries` is empty).
  bool skipped = false;
  /// The live (added and existing) entries.
  std::vector<ManifestEntry> entries;
  /// Per entry: whether its partition and column metrics allow rows that match.
  std::vector<bool> matches;
};

/// Scan planning over manifests (spec: "Scan Planning"; Java's ManifestGroup): prunes
/// manifests by their partition field summaries, then data files by partition values and
/// column metrics. Every manifest is evaluated with its own partition spec — the row filter
/// projected through that spec — so a table whose spec evolved prunes the files of each spec
/// by that spec's partition values. Evaluators are built once per spec.
///
/// Used by scans and by changes that select files (overwrite). Holds references to the
/// metadata and io given; they must outlive the group.
class ManifestGroup {
 public:
  /// `bound_filter` is bound to `schema` (Bind, then RewriteNot); Expression::True() keeps
  /// every file. Partition types are built over `schema`.
  ManifestGroup(io::FileIO& io, const TableMetadata& metadata, std::shared_ptr<const Schema> schema,
                ExprPtr bound_filter);

  /// Plans one manifest of a snapshot of the table.
  arrow::Result<PlannedManifest> Plan(const ManifestFile& manifest);
  /// The live data files of `manifests` that might hold matching rows, in manifest order.
  arrow::Result<std::vector<DataFile>> PlanFiles(const std::vector<ManifestFile>& manifests);

  /// Counts over every Plan call so far.
  struct Stats {
    int64_t manifests_total = 0;
    int64_t manifests_skipped = 0;
    int64_t files_total = 0;
    int64_t files_skipped = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct SpecEvaluators {
    const PartitionSpec* spec = nullptr;
    TypePtr partition_type;
    ManifestEvaluator manifest;
    PartitionEvaluator partition;
  };
  arrow::Result<const SpecEvaluators*> EvaluatorsFor(const ManifestFile& manifest);

  io::FileIO* io_;
  const TableMetadata* metadata_;
  std::shared_ptr<const Schema> schema_;
  ExprPtr bound_filter_;
  InclusiveMetricsEvaluator metrics_;
  std::map<int32_t, SpecEvaluators> by_spec_;
  Stats stats_;
};

}  // namespace floe::iceberg
