#include "floe/catalog/glue/glue_schema.h"

#include <gtest/gtest.h>

namespace floe::catalog::glue {
namespace {

using iceberg::NestedField;
using iceberg::Type;

TEST(GlueSchemaTest, PrimitiveTypesGetTheirHiveNames) {
  EXPECT_EQ(GlueTypeString(*Type::Boolean()), "boolean");
  EXPECT_EQ(GlueTypeString(*Type::Int()), "int");
  EXPECT_EQ(GlueTypeString(*Type::Long()), "bigint");
  EXPECT_EQ(GlueTypeString(*Type::Float()), "float");
  EXPECT_EQ(GlueTypeString(*Type::Double()), "double");
  EXPECT_EQ(GlueTypeString(*Type::Decimal(9, 2)), "decimal(9,2)");
  EXPECT_EQ(GlueTypeString(*Type::Date()), "date");
  EXPECT_EQ(GlueTypeString(*Type::Time()), "string");
  EXPECT_EQ(GlueTypeString(*Type::Timestamp()), "timestamp");
  EXPECT_EQ(GlueTypeString(*Type::TimestampTz()), "timestamp");
  EXPECT_EQ(GlueTypeString(*Type::String()), "string");
  EXPECT_EQ(GlueTypeString(*Type::Uuid()), "string");
  EXPECT_EQ(GlueTypeString(*Type::Fixed(16)), "binary");
  EXPECT_EQ(GlueTypeString(*Type::Binary()), "binary");
}

TEST(GlueSchemaTest, NestedTypesSpellTheirParts) {
  auto point = Type::Struct({NestedField{3, "x", Type::Double(), true},
                             NestedField{4, "tags", Type::List({5, "element", Type::String()})}});
  EXPECT_EQ(GlueTypeString(*point), "struct<x:double,tags:array<string>>");
  auto map = Type::Map({6, "key", Type::String(), true}, {7, "value", point});
  EXPECT_EQ(GlueTypeString(*map), "map<string,struct<x:double,tags:array<string>>>");
}

TEST(GlueSchemaTest, CurrentColumnsComeFirstThenDroppedOnesMarkedNotCurrent) {
  iceberg::TableMetadata metadata;
  auto old_schema = std::make_shared<iceberg::Schema>(
      0, std::vector<NestedField>{{1, "id", Type::Long(), true},
                                  {2, "legacy", Type::String(), false, "gone now"}});
  auto current = std::make_shared<iceberg::Schema>(
      1, std::vector<NestedField>{{1, "id", Type::Long(), true, "the key"},
                                  {3, "ts", Type::TimestampTz(), false}});
  metadata.schemas = {old_schema, current};
  metadata.current_schema_id = 1;
  auto columns = GlueColumns(metadata);
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].name, "id");
  EXPECT_EQ(columns[0].type, "bigint");
  EXPECT_EQ(columns[0].comment, "the key");
  EXPECT_EQ(columns[0].parameters.at("iceberg.field.id"), "1");
  EXPECT_EQ(columns[0].parameters.at("iceberg.field.optional"), "false");
  EXPECT_EQ(columns[0].parameters.at("iceberg.field.current"), "true");
  EXPECT_EQ(columns[1].name, "ts");
  EXPECT_EQ(columns[1].parameters.at("iceberg.field.optional"), "true");
  EXPECT_EQ(columns[2].name, "legacy");
  EXPECT_EQ(columns[2].parameters.at("iceberg.field.current"), "false");
  EXPECT_EQ(columns[2].comment, "gone now");
}

}  // namespace
}  // namespace floe::catalog::glue
