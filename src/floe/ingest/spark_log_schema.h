#pragma once

#include <memory>
#include <iterator>
#include <string_view>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "floe/iceberg/type/schema.h"

namespace floe::ingest {

/// The columns of the Spark log table, in schema order; field id = column index + 1.
enum SparkLogColumn : int {
  kTimestampColumn = 0,      ///< timestamptz, required: when the line was logged (UTC, µs)
  kLogLevelColumn,           ///< log_level, upper-cased ASCII
  kMessageColumn,            ///< message
  kPodNameColumn,            ///< kubernetes.pod_name
  kNamespaceNameColumn,      ///< kubernetes.namespace_name
  kAppColumn,                ///< kubernetes.labels.app
  kSparkAppSelectorColumn,   ///< kubernetes.labels.spark-app-selector
  kQueueColumn,              ///< kubernetes.labels.queue
  kSparkAppNameColumn,       ///< kubernetes.labels.spark-app-name
  kSparkRoleColumn,          ///< kubernetes.labels.spark-role
  kSparkVersionColumn,       ///< kubernetes.labels.spark-version
  kSubmissionIdColumn,       ///< kubernetes.labels.sparkoperator.k8s.io/submission-id
  kContainerNameColumn,      ///< kubernetes.container_name
  kContainerImageColumn,     ///< kubernetes.container_image
  kNumSparkLogColumns,
};

/// The fields a line must carry (present, not null, not blank) to become a record: the JSON
/// paths of the first columns, in column order. A line missing one is rejected with the reason
/// "missing_field:<path>" of the first missing.
inline constexpr std::string_view kSparkLogRequiredPaths[] = {
    "timestamp",
    "log_level",
    "message",
    "kubernetes.pod_name",
    "kubernetes.namespace_name",
    "kubernetes.labels.app",
    "kubernetes.labels.spark-app-selector",
};
inline constexpr int kNumSparkLogRequired = 7;
static_assert(std::size(kSparkLogRequiredPaths) == kNumSparkLogRequired);

/// The Iceberg schema (id 0) of the table `floe ingest` fills from Fluent Bit Spark logs:
/// 1 timestamp (timestamptz, required), then optional strings 2 log_level, 3 message,
/// 4 pod_name, 5 namespace_name, 6 app, 7 spark_app_selector, 8 queue, 9 spark_app_name,
/// 10 spark_role, 11 spark_version, 12 submission_id, 13 container_name, 14 container_image.
/// Built once; safe to call from any thread.
const std::shared_ptr<const iceberg::Schema>& SparkLogSchema();

/// SparkLogSchema() in Arrow (ToArrowSchema: PARQUET:field_id metadata on every field,
/// timestamp[us, tz=UTC] non-nullable, utf8 nullable). Built once; safe from any thread.
arrow::Result<std::shared_ptr<arrow::Schema>> SparkLogArrowSchema();

/// The schema of the parser's batches: SparkLogArrowSchema() with every string column but
/// message dictionary-encoded (dictionary<int32, utf8>), as those hold few distinct values.
/// The data writer stores them as plain Parquet strings. Built once; safe from any thread.
arrow::Result<std::shared_ptr<arrow::Schema>> SparkLogBatchSchema();

}  // namespace floe::ingest
