#include "floe/ingest/ingest_tables.h"

#include "floe/catalog/load_or_create_table.h"
#include "floe/catalog/sql/sql_catalog_store.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/ingest/spark_log_schema.h"

namespace floe::ingest {
namespace {

using iceberg::NestedField;
using iceberg::Type;

NestedField Optional(int32_t id, const char* name, iceberg::TypePtr type) {
  NestedField f;
  f.id = id;
  f.name = name;
  f.type = std::move(type);
  f.required = false;
  return f;
}

}  // namespace

const std::shared_ptr<const iceberg::Schema>& ProcessingMetadataSchema() {
  static const auto kSchema = std::make_shared<const iceberg::Schema>(
      0, std::vector<NestedField>{
             Optional(1, "spark_app_selector", Type::String()),
             Optional(2, "s3_path", Type::String()),
             Optional(3, "status", Type::String()),
             Optional(4, "records_processed", Type::Int()),
             Optional(5, "processing_start_time", Type::TimestampTz()),
             Optional(6, "processing_end_time", Type::TimestampTz()),
             Optional(7, "error_message", Type::String()),
             Optional(8, "job_id", Type::String()),
             Optional(9, "updated_at", Type::TimestampTz()),
         });
  return kSchema;
}

const std::shared_ptr<const iceberg::Schema>& RejectsSchema() {
  static const auto kSchema = std::make_shared<const iceberg::Schema>(
      0, std::vector<NestedField>{
             Optional(1, "folder", Type::String()),
             Optional(2, "file", Type::String()),
             Optional(3, "line", Type::Long()),
             Optional(4, "reason", Type::String()),
             Optional(5, "raw", Type::Binary()),
             Optional(6, "job_id", Type::String()),
             Optional(7, "rejected_at", Type::TimestampTz()),
         });
  return kSchema;
}

iceberg::TableIdentifier MetadataTableId(const iceberg::TableIdentifier& data) {
  return {data.ns, data.name + "_processing_metadata"};
}

iceberg::TableIdentifier RejectsTableId(const iceberg::TableIdentifier& data) {
  return {data.ns, data.name + "_rejects"};
}

arrow::Result<IngestTables> OpenIngestTables(catalog::Catalog& catalog,
                                             const iceberg::TableIdentifier& data_id,
                                             const std::string& data_spec_text, bool rejects) {
  ARROW_ASSIGN_OR_RAISE(bool ns_exists, catalog.NamespaceExists(data_id.ns));
  if (!ns_exists) {
    auto st = catalog.CreateNamespace(data_id.ns, {});
    if (!st.ok() && !catalog::IsAlreadyExists(st)) return st;
  }
  const auto& log_schema = *SparkLogSchema();
  std::string spec_text = data_spec_text.empty() ? "day(timestamp)" : data_spec_text;
  auto spec = iceberg::ParsePartitionText(spec_text, log_schema);
  if (!spec.ok()) {
    return arrow::Status::Invalid("--partition-by: ", spec.status().message());
  }
  IngestTables tables;
  const auto unpartitioned = iceberg::PartitionSpec::Unpartitioned();
  ARROW_ASSIGN_OR_RAISE(tables.data,
                        catalog::LoadOrCreateTable(catalog, data_id, log_schema, *spec));
  ARROW_ASSIGN_OR_RAISE(tables.metadata,
                        catalog::LoadOrCreateTable(catalog, MetadataTableId(data_id),
                                                   *ProcessingMetadataSchema(), unpartitioned));
  if (rejects) {
    ARROW_ASSIGN_OR_RAISE(tables.rejects,
                          catalog::LoadOrCreateTable(catalog, RejectsTableId(data_id),
                                                     *RejectsSchema(), unpartitioned));
  }
  return tables;
}

}  // namespace floe::ingest
