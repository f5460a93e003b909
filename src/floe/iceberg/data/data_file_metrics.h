#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/schema.h"

namespace parquet {
class FileMetaData;
}  // namespace parquet

namespace floe::iceberg {

/// How much of a column's metrics a data file records (table properties
/// `write.metadata.metrics.default` and `write.metadata.metrics.column.<name>`).
struct MetricsMode {
  enum class Kind { kNone, kCounts, kTruncate, kFull };
  Kind kind = Kind::kTruncate;
  int length = 16;  ///< truncate(length) only

  bool operator==(const MetricsMode& other) const = default;
};

/// Parses "none", "counts", "full" or "truncate(N)" (N ≥ 1), case-insensitive.
arrow::Result<MetricsMode> ParseMetricsMode(std::string_view text);

/// Metrics modes per column; the default is truncate(16).
class MetricsConfig {
 public:
  MetricsConfig() = default;
  static arrow::Result<MetricsConfig> FromProperties(
      const std::map<std::string, std::string>& properties);

  /// Mode for a column by its full dotted name.
  MetricsMode ModeFor(const std::string& column_name) const;

 private:
  MetricsMode default_mode_;
  std::map<std::string, MetricsMode> per_column_;
};

/// Adds, per float / double leaf field id, the NaN values of a batch whose columns follow the
/// schema's top-level fields in order (Parquet statistics carry no NaN counts, so the writer
/// counts them from the data). Values under a null struct, list or map are not counted.
arrow::Status CountNaNs(const Schema& schema, const arrow::RecordBatch& batch,
                        std::map<int32_t, int64_t>* nan_counts);

/// Fills a data file's record_count, column_sizes, value_counts, null_value_counts,
/// nan_value_counts, lower_bounds, upper_bounds and split_offsets from the footer of the
/// Parquet file written for it (spec: "Manifests", data_file metrics):
/// - column_sizes: compressed bytes per leaf column summed over row groups, by field id;
/// - value_counts: values per leaf including nulls; null_value_counts from statistics;
/// - nan_value_counts: from `nan_counts` for float / double leaves;
/// - bounds: from Parquet min / max statistics in single-value serialization, for primitive
///   leaves not inside a list or map (like the Java writer), strings and binaries truncated
///   per the metrics mode; dropped when a row group lacks statistics;
/// - split_offsets: start offsets of the row groups, ascending.
/// Leaf columns without a field id, or whose id is not in the schema, get no metrics.
arrow::Status ComputeParquetMetrics(const ::parquet::FileMetaData& metadata,
                                    const Schema& schema, const MetricsConfig& config,
                                    const std::map<int32_t, int64_t>& nan_counts,
                                    DataFile* file);

}  // namespace floe::iceberg
