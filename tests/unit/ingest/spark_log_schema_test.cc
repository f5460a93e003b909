#include "floe/ingest/spark_log_schema.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

namespace floe::ingest {
namespace {

TEST(SparkLogSchemaTest, FourteenFieldsWithIdsInOrder) {
  const auto& schema = SparkLogSchema();
  const std::vector<std::string> names = {
      "timestamp", "log_level", "message", "pod_name", "namespace_name", "app",
      "spark_app_selector", "queue", "spark_app_name", "spark_role", "spark_version",
      "submission_id", "container_name", "container_image"};
  ASSERT_EQ(schema->fields().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& field = schema->fields()[i];
    EXPECT_EQ(field.id, static_cast<int32_t>(i + 1));
    EXPECT_EQ(field.name, names[i]);
    if (i == 0) {
      EXPECT_EQ(field.type->id(), iceberg::TypeId::kTimestampTz);
      EXPECT_TRUE(field.required);
    } else {
      EXPECT_EQ(field.type->id(), iceberg::TypeId::kString);
      EXPECT_FALSE(field.required);
    }
  }
  EXPECT_EQ(schema->schema_id(), 0);
  EXPECT_EQ(&SparkLogSchema(), &schema);  // built once
}

TEST(SparkLogSchemaTest, ArrowSchemaCarriesFieldIdsAndTypes) {
  auto result = SparkLogArrowSchema();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& schema = *result;
  ASSERT_EQ(schema->num_fields(), 14);
  EXPECT_TRUE(schema->field(0)->type()->Equals(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  EXPECT_FALSE(schema->field(0)->nullable());
  for (int i = 0; i < 14; ++i) {
    const auto& field = schema->field(i);
    ASSERT_NE(field->metadata(), nullptr);
    EXPECT_EQ(field->metadata()->Get("PARQUET:field_id").ValueOr(""), std::to_string(i + 1));
    if (i > 0) {
      EXPECT_TRUE(field->type()->Equals(arrow::utf8()));
      EXPECT_TRUE(field->nullable());
    }
  }
  EXPECT_EQ(schema->field(6)->name(), "spark_app_selector");
}

TEST(SparkLogSchemaTest, BatchSchemaDictionaryEncodesAllStringsButMessage) {
  auto table = SparkLogArrowSchema();
  auto batch = SparkLogBatchSchema();
  ASSERT_TRUE(table.ok() && batch.ok());
  ASSERT_EQ((*batch)->num_fields(), 14);
  for (int i = 0; i < 14; ++i) {
    const auto& field = (*batch)->field(i);
    EXPECT_EQ(field->name(), (*table)->field(i)->name());
    EXPECT_TRUE(field->metadata()->Equals(*(*table)->field(i)->metadata()));
    EXPECT_EQ(field->nullable(), (*table)->field(i)->nullable());
    if (i == kTimestampColumn || i == kMessageColumn) {
      EXPECT_TRUE(field->type()->Equals((*table)->field(i)->type())) << field->ToString();
    } else {
      EXPECT_TRUE(field->type()->Equals(arrow::dictionary(arrow::int32(), arrow::utf8())))
          << field->ToString();
    }
  }
}

}  // namespace
}  // namespace floe::ingest
