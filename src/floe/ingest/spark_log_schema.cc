#include "floe/ingest/spark_log_schema.h"

#include <string>
#include <utility>
#include <vector>

#include <arrow/type.h>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/type/type.h"

namespace floe::ingest {

const std::shared_ptr<const iceberg::Schema>& SparkLogSchema() {
  static const std::shared_ptr<const iceberg::Schema> schema = [] {
    static constexpr const char* kStringColumns[] = {
        "log_level", "message", "pod_name", "namespace_name", "app", "spark_app_selector",
        "queue", "spark_app_name", "spark_role", "spark_version", "submission_id",
        "container_name", "container_image"};
    std::vector<iceberg::NestedField> fields;
    fields.push_back({1, "timestamp", iceberg::Type::TimestampTz(), /*required=*/true, ""});
    int32_t id = 2;
    for (const char* name : kStringColumns) {
      fields.push_back({id++, name, iceberg::Type::String(), /*required=*/false, ""});
    }
    return std::make_shared<const iceberg::Schema>(0, std::move(fields));
  }();
  return schema;
}

arrow::Result<std::shared_ptr<arrow::Schema>> SparkLogArrowSchema() {
  static const arrow::Result<std::shared_ptr<arrow::Schema>> schema =
      iceberg::ToArrowSchema(*SparkLogSchema());
  return schema;
}

arrow::Result<std::shared_ptr<arrow::Schema>> SparkLogBatchSchema() {
  static const arrow::Result<std::shared_ptr<arrow::Schema>> schema =
      []() -> arrow::Result<std::shared_ptr<arrow::Schema>> {
    ARROW_ASSIGN_OR_RAISE(auto table_schema, SparkLogArrowSchema());
    arrow::FieldVector fields = table_schema->fields();
    for (int c = 1; c < kNumSparkLogColumns; ++c) {
      if (c == kMessageColumn) continue;
      fields[c] = fields[c]->WithType(arrow::dictionary(arrow::int32(), arrow::utf8()));
    }
    return arrow::schema(std::move(fields));
  }();
  return schema;
}

}  // namespace floe::ingest
