#include "floe/iceberg/type/schema_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "floe/iceberg/metadata/table_metadata.h"

namespace floe::iceberg {
namespace {

Schema ParseOrDie(std::string_view text) {
  auto schema = ParseSchemaText(text);
  EXPECT_TRUE(schema.ok()) << schema.status();
  return schema.ok() ? *schema : Schema(0, {});
}

std::string ErrorOf(std::string_view text) {
  auto schema = ParseSchemaText(text);
  return schema.ok() ? "ok" : schema.status().message();
}

TEST(SchemaTextTest, ParsesTheExampleWithFreshIds) {
  Schema schema = ParseOrDie(
      "id long, ts timestamptz, name string not null, price decimal(10,2), tags list<string>, "
      "attrs map<string, long>, loc struct<lat: double, lon: double>");
  EXPECT_EQ(schema.schema_id(), 0);
  ASSERT_EQ(schema.fields().size(), 7u);
  EXPECT_EQ(schema.fields()[0].id, 1);
  EXPECT_FALSE(schema.fields()[0].required);
  EXPECT_TRUE(schema.fields()[2].required);
  EXPECT_TRUE(schema.fields()[3].type->Equals(*Type::Decimal(10, 2)));
  // Top-level fields take 1..7, then nested ids in field order.
  EXPECT_EQ(schema.fields()[6].id, 7);
  EXPECT_EQ(schema.FindFieldByName("tags.element")->id, 8);
  EXPECT_FALSE(schema.FindFieldByName("tags.element")->required);
  EXPECT_EQ(schema.FindFieldByName("attrs.key")->id, 9);
  EXPECT_TRUE(schema.FindFieldByName("attrs.key")->required);
  EXPECT_EQ(schema.FindFieldByName("attrs.value")->id, 10);
  EXPECT_EQ(schema.FindFieldByName("loc.lat")->id, 11);
  EXPECT_EQ(schema.FindFieldByName("loc.lon")->id, 12);
}

TEST(SchemaTextTest, IdsMatchPyIcebergFreshIdAssignment) {
  // The same columns PyIceberg created for the fixture; it assigned fresh ids on create.
  Schema schema = ParseOrDie(
      "id long not null comment 'row id', ts timestamptz, name string, price decimal(10, 2), "
      "tags list<string>, attrs map<string, long>, loc struct<lat: double, lon: double>, "
      "flag boolean, d date, blob fixed[16]");
  std::ifstream in(std::string(FLOE_TEST_DATA_DIR) + "/metadata/pyiceberg_v2.metadata.json");
  std::stringstream text;
  text << in.rdbuf();
  auto metadata = ParseTableMetadata(text.str(), "pyiceberg_v2.metadata.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  Schema expected(0, (*metadata)->CurrentSchema()->fields());
  EXPECT_TRUE(schema.SameFields(expected)) << schema.ToString() << "\n" << expected.ToString();
}

TEST(SchemaTextTest, DeeplyNestedIdsFollowStructFieldsThenTheirTypes) {
  Schema schema = ParseOrDie(
      "a struct<b: struct<c: int>, d: list<struct<e: int>>>, f map<string, struct<g: int>>");
  EXPECT_EQ(schema.FindFieldByName("a")->id, 1);
  EXPECT_EQ(schema.FindFieldByName("f")->id, 2);
  EXPECT_EQ(schema.FindFieldByName("a.b")->id, 3);
  EXPECT_EQ(schema.FindFieldByName("a.d")->id, 4);
  EXPECT_EQ(schema.FindFieldByName("a.b.c")->id, 5);
  EXPECT_EQ(schema.FindFieldByName("a.d.element")->id, 6);
  EXPECT_EQ(schema.FindFieldByName("a.d.element.e")->id, 7);
  EXPECT_EQ(schema.FindFieldByName("f.key")->id, 8);
  EXPECT_EQ(schema.FindFieldByName("f.value")->id, 9);
  EXPECT_EQ(schema.FindFieldByName("f.value.g")->id, 10);
  EXPECT_EQ(schema.HighestFieldId(), 10);
}

TEST(SchemaTextTest, AcceptsAliasesCaseAndRequiredSpellings) {
  Schema schema = ParseOrDie(
      "a BIGINT required, b integer, c bool, d varchar, e text, f timestamp_tz not null, "
      "g Decimal(38, 0) null, h fixed(4) optional, i: time, \"odd name\" uuid, `x y` binary, "
      "j list<int not null>, k map<string, double required>");
  const auto& f = schema.fields();
  EXPECT_TRUE(f[0].type->Equals(*Type::Long()));
  EXPECT_TRUE(f[0].required);
  EXPECT_TRUE(f[1].type->Equals(*Type::Int()));
  EXPECT_TRUE(f[2].type->Equals(*Type::Boolean()));
  EXPECT_TRUE(f[3].type->Equals(*Type::String()));
  EXPECT_TRUE(f[4].type->Equals(*Type::String()));
  EXPECT_TRUE(f[5].type->Equals(*Type::TimestampTz()));
  EXPECT_TRUE(f[5].required);
  EXPECT_TRUE(f[6].type->Equals(*Type::Decimal(38, 0)));
  EXPECT_FALSE(f[6].required);
  EXPECT_TRUE(f[7].type->Equals(*Type::Fixed(4)));
  EXPECT_TRUE(f[8].type->Equals(*Type::Time()));
  EXPECT_EQ(f[9].name, "odd name");
  EXPECT_EQ(f[10].name, "x y");
  EXPECT_TRUE(f[11].type->element().required);
  EXPECT_TRUE(f[12].type->value().required);
}

TEST(SchemaTextTest, SchemaToTextRoundTrips) {
  Schema schema = ParseOrDie(
      "id long not null comment 'it''s the id', price decimal(10,2), tags list<string not null>, "
      "attrs map<string, long not null>, loc struct<lat: double not null, lon: double>, "
      "\"we\"\"ird\" fixed[3], e struct<>");
  std::string text = SchemaToText(schema);
  EXPECT_EQ(text,
            "id long not null comment 'it''s the id', price decimal(10, 2), "
            "tags list<string not null>, attrs map<string, long not null>, "
            "loc struct<lat: double not null, lon: double>, \"we\"\"ird\" fixed[3], e struct<>");
  Schema back = ParseOrDie(text);
  EXPECT_TRUE(back.SameFields(schema));
  EXPECT_EQ(back.fields()[0].doc, "it's the id");
  EXPECT_EQ(back.fields()[5].name, "we\"ird");
}

TEST(SchemaTextTest, ErrorsGiveColumnAndToken) {
  EXPECT_EQ(ErrorOf("id long, ts foo"), "schema text: at column 13: unknown type 'foo'");
  EXPECT_EQ(ErrorOf("id long ts"),
            "schema text: at column 9: expected ',' or end of input, "
            "got 'ts'");
  EXPECT_EQ(ErrorOf("id"), "schema text: at column 3: expected a type, got end of input");
  EXPECT_EQ(ErrorOf(""), "schema text: at column 1: expected a field, got end of input");
  EXPECT_EQ(ErrorOf("a list<int"), "schema text: at column 11: expected '>', got end of input");
  EXPECT_EQ(ErrorOf("a int, a long"), "schema text: at column 8: duplicate field name 'a'");
  EXPECT_EQ(ErrorOf("a decimal(40, 2)"),
            "schema text: at column 11: decimal(40, 2) needs 1 <= precision <= 38 and scale <= "
            "precision");
  EXPECT_EQ(ErrorOf("a map<string null, int>"),
            "schema text: at column 14: map keys are always required");
  EXPECT_EQ(ErrorOf("a int not null null"), "schema text: at column 16: nullability given twice");
  EXPECT_EQ(ErrorOf("a int; b int"), "schema text: at column 6: unexpected character ';'");
  EXPECT_EQ(ErrorOf("\"a int"), "schema text: at column 1: unterminated quoted name");
  EXPECT_EQ(ErrorOf("s struct<x int y int>"),
            "schema text: at column 16: expected ',' or '>', got 'y'");
}

Schema PartitionSchema() {
  return ParseOrDie(
      "id long, ts timestamptz, name string, region string, d date, price decimal(9,2), "
      "loc struct<lat: double, city: string>, tags list<string>, attrs map<string, long>, "
      "flag boolean");
}

TEST(PartitionTextTest, ParsesTransformsWithJavaDefaultNames) {
  Schema schema = PartitionSchema();
  auto spec = ParsePartitionText(
      "day(ts), bucket(16, id), truncate(4, name), identity(region), d, void(flag), "
      "loc.city, truncate(price, 10)",
      schema);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->spec_id(), 0);
  const auto& f = spec->fields();
  ASSERT_EQ(f.size(), 8u);
  auto expect = [&](size_t i, const std::string& name, Transform t, const std::string& column) {
    EXPECT_EQ(f[i].name, name) << i;
    EXPECT_EQ(f[i].transform, t) << i;
    EXPECT_EQ(f[i].source_id, schema.FindFieldByName(column)->id) << i;
    EXPECT_EQ(f[i].field_id, 1000 + static_cast<int32_t>(i)) << i;
  };
  expect(0, "ts_day", Transform::Day(), "ts");
  expect(1, "id_bucket", Transform::Bucket(16), "id");
  expect(2, "name_trunc", Transform::Truncate(4), "name");
  expect(3, "region", Transform::Identity(), "region");
  expect(4, "d", Transform::Identity(), "d");
  expect(5, "flag_null", Transform::Void(), "flag");
  expect(6, "loc.city", Transform::Identity(), "loc.city");
  expect(7, "price_trunc", Transform::Truncate(10), "price");
}

TEST(PartitionTextTest, TimeTransformsAndCustomNames) {
  Schema schema = PartitionSchema();
  for (const auto& [text, transform, name] :
       std::vector<std::tuple<std::string, Transform, std::string>>{
           {"year(ts)", Transform::Year(), "ts_year"},
           {"months(ts)", Transform::Month(), "ts_month"},
           {"HOUR(ts)", Transform::Hour(), "ts_hour"},
           {"days(d)", Transform::Day(), "d_day"},
           {"day(ts) as day", Transform::Day(), "day"}}) {
    auto spec = ParsePartitionText(text, schema);
    ASSERT_TRUE(spec.ok()) << text << ": " << spec.status();
    EXPECT_EQ(spec->fields()[0].transform, transform) << text;
    EXPECT_EQ(spec->fields()[0].name, name) << text;
  }
  auto empty = ParsePartitionText("  ", schema);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->is_unpartitioned());
}

TEST(PartitionTextTest, ErrorsNameTheColumnOrTransform) {
  Schema schema = PartitionSchema();
  auto error = [&](std::string_view text) {
    auto spec = ParsePartitionText(text, schema);
    return spec.ok() ? std::string("ok") : spec.status().message();
  };
  EXPECT_EQ(error("day(nope)"), "partition text: at column 5: no column 'nope' in the schema");
  EXPECT_EQ(error("day(name)"),
            "partition text: at column 1: transform day does not apply to column 'name' of type "
            "string");
  EXPECT_EQ(error("bucket(0, id)"), "partition text: at column 8: bucket needs a positive number");
  EXPECT_EQ(error("zorder(id)"),
            "partition text: at column 1: unknown transform 'zorder' (expected identity, year, "
            "month, day, hour, bucket, truncate or void)");
  EXPECT_EQ(error("loc"),
            "partition text: at column 1: column 'loc' is a struct, not a primitive; "
            "partition by one of its fields");
  EXPECT_EQ(error("tags.element"),
            "partition text: at column 1: column 'tags.element' is inside a list or map and "
            "cannot be a partition source");
  EXPECT_EQ(error("day(ts), hour(ts)"),
            "partition text: at column 10: redundant partition: column 'ts' is already "
            "partitioned by a time transform (year, month, day or hour)");
  EXPECT_EQ(error("region, region"),
            "partition text: at column 9: partition field name 'region' is used twice; rename "
            "one with 'as'");
  EXPECT_EQ(error("day(ts) as name"),
            "partition text: at column 12: partition field name 'name' conflicts with a schema "
            "column; rename it with 'as'");
  EXPECT_EQ(error("day(ts) day(d)"),
            "partition text: at column 9: expected ',' or end of input, got 'day'");
  EXPECT_EQ(error("bucket(16)"), "partition text: at column 10: expected ',', got ')'");
}

TEST(PartitionTextTest, PartitionToTextRoundTrips) {
  Schema schema = PartitionSchema();
  std::string text =
      "day(ts), bucket(16, id), truncate(4, name), region, void(flag), loc.city, "
      "month(d) as \"d m\"";
  auto spec = ParsePartitionText(text, schema);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(PartitionToText(*spec, schema), text);
  auto back = ParsePartitionText(PartitionToText(*spec, schema), schema);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->fields(), spec->fields());
}

TEST(SchemaTextTest, ParseTypeTextParsesOneTypeAndRejectsTrailingText) {
  auto type = ParseTypeText("struct<a: int not null, b: list<string>>");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  EXPECT_EQ(TypeToText(**type), "struct<a: int not null, b: list<string>>");
  EXPECT_EQ((*ParseTypeText("decimal(10, 2)"))->ToString(), "decimal(10, 2)");
  EXPECT_FALSE(ParseTypeText("int long").ok());
  EXPECT_FALSE(ParseTypeText("").ok());
  EXPECT_FALSE(ParseTypeText("nope").ok());
}

}  // namespace
}  // namespace floe::iceberg
