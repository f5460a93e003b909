#include "floe/iceberg/type/schema_json_internal.h"

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

using nlohmann::json;

std::shared_ptr<const Schema> NestedSchema() {
  std::vector<NestedField> loc = {{11, "lat", Type::Double(), false, ""},
                                  {12, "lon", Type::Double(), true, "longitude"}};
  std::vector<NestedField> fields = {
      {1, "id", Type::Long(), true, "row id"},
      {2, "price", Type::Decimal(10, 2), false, ""},
      {3, "tags", Type::List({6, "element", Type::String(), true, ""}), false, ""},
      {4, "attrs",
       Type::Map({7, "key", Type::String(), true, ""}, {8, "value", Type::Long(), false, ""}),
       false, ""},
      {5, "loc", Type::Struct(loc), false, ""},
      {9, "blob", Type::Fixed(16), false, ""},
      {10, "when", Type::TimestampTz(), false, ""},
  };
  return std::make_shared<Schema>(3, fields, std::vector<int32_t>{1});
}

// Docs are not part of NestedField::Equals; compare them separately.
void ExpectSameDocs(const Type& a, const Type& b) {
  ASSERT_EQ(a.fields().size(), b.fields().size());
  for (size_t i = 0; i < a.fields().size(); ++i) {
    EXPECT_EQ(a.fields()[i].doc, b.fields()[i].doc) << a.fields()[i].name;
    ExpectSameDocs(*a.fields()[i].type, *b.fields()[i].type);
  }
}

TEST(SchemaJsonTest, PrimitivesWriteTheSpecNames) {
  EXPECT_EQ(TypeToJson(*Type::Decimal(10, 2)), "decimal(10, 2)");
  EXPECT_EQ(TypeToJson(*Type::Fixed(16)), "fixed[16]");
  EXPECT_EQ(TypeToJson(*Type::TimestampTz()), "timestamptz");
  EXPECT_EQ(TypeToJson(*Type::Uuid()), "uuid");
}

TEST(SchemaJsonTest, DecimalReadsWithOrWithoutSpace) {
  for (const char* text : {"decimal(10,2)", "decimal(10, 2)", " decimal( 10 , 2 ) "}) {
    auto type = TypeFromJson(json(text));
    ASSERT_TRUE(type.ok()) << text << ": " << type.status();
    EXPECT_TRUE((*type)->Equals(*Type::Decimal(10, 2))) << text;
  }
}

TEST(SchemaJsonTest, EveryPrimitiveRoundTrips) {
  for (const auto& type :
       {Type::Boolean(), Type::Int(), Type::Long(), Type::Float(), Type::Double(),
        Type::Decimal(38, 0), Type::Date(), Type::Time(), Type::Timestamp(), Type::TimestampTz(),
        Type::String(), Type::Uuid(), Type::Fixed(3), Type::Binary()}) {
    auto back = TypeFromJson(json::parse(TypeToJson(*type).dump()));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE((*back)->Equals(*type)) << type->ToString();
  }
}

TEST(SchemaJsonTest, NestedSchemaRoundTripsWithIdsDocsAndIdentifierFields) {
  auto schema = NestedSchema();
  std::string text = SerializeSchema(*schema);
  auto back = ParseSchemaJson(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ((*back)->schema_id(), 3);
  EXPECT_TRUE((*back)->SameFields(*schema));
  ExpectSameDocs(*(*back)->AsStruct(), *schema->AsStruct());
  EXPECT_EQ(SerializeSchema(**back), text);
}

TEST(SchemaJsonTest, WritesTheSpecLayoutForListsAndMaps) {
  json j = json::parse(SchemaToJson(*NestedSchema()).dump());
  EXPECT_EQ(j["type"], "struct");
  EXPECT_EQ(j["schema-id"], 3);
  EXPECT_EQ(j["identifier-field-ids"], json::array({1}));
  const json& tags = j["fields"][2];
  EXPECT_EQ(tags["id"], 3);
  EXPECT_EQ(tags["required"], false);
  EXPECT_EQ(tags["type"],
            json::parse(R"({"type":"list","element-id":6,"element":"string",
                            "element-required":true})"));
  EXPECT_EQ(j["fields"][3]["type"],
            json::parse(R"({"type":"map","key-id":7,"key":"string","value-id":8,
                            "value":"long","value-required":false})"));
  EXPECT_EQ(j["fields"][0]["doc"], "row id");
  EXPECT_FALSE(j["fields"][1].contains("doc"));
}

TEST(SchemaJsonTest, ReadsTheSpecExampleTypes) {
  auto type = TypeFromJson(json::parse(R"({
    "type": "map", "key-id": 4, "key": "string", "value-id": 5,
    "value": {"type": "list", "element-id": 6, "element": "double", "element-required": false},
    "value-required": true})"));
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ((*type)->id(), TypeId::kMap);
  EXPECT_EQ((*type)->key().id, 4);
  EXPECT_TRUE((*type)->key().required);
  EXPECT_EQ((*type)->value().id, 5);
  EXPECT_TRUE((*type)->value().required);
  EXPECT_EQ((*type)->value().type->element().id, 6);
  EXPECT_FALSE((*type)->value().type->element().required);
}

// A commit must not lose the defaults a v3 writer set: they are written back as read.
TEST(SchemaJsonTest, FieldDefaultsAreKeptAndWrittenBack) {
  auto schema = ParseSchemaJson(R"({"type":"struct","schema-id":0,"fields":[
      {"id":1,"name":"a","required":false,"type":"int","initial-default":34,"write-default":7},
      {"id":2,"name":"b","required":false,"type":"string","write-default":"x"}]})");
  ASSERT_TRUE(schema.ok()) << schema.status();
  ASSERT_EQ((*schema)->fields().size(), 2u);
  json written = json::parse(SerializeSchema(**schema));
  EXPECT_EQ(written["fields"][0]["initial-default"], 34);
  EXPECT_EQ(written["fields"][0]["write-default"], 7);
  EXPECT_FALSE(written["fields"][1].contains("initial-default"));
  EXPECT_EQ(written["fields"][1]["write-default"], "x");
}

TEST(SchemaJsonTest, MissingSchemaIdReadsAsZero) {
  auto schema = ParseSchemaJson(R"({"type":"struct","fields":[
      {"id":1,"name":"a","required":true,"type":"int"}]})");
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ((*schema)->schema_id(), 0);
}

TEST(SchemaJsonTest, ErrorsNameThePathAndTheField) {
  auto missing = ParseSchemaJson(R"({"type":"struct","schema-id":0,"fields":[
      {"id":1,"name":"a","required":true,"type":"int"},
      {"id":2,"name":"b","required":true}]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "schema JSON: fields[1]: missing required field 'type'");

  auto nested = ParseSchemaJson(R"({"type":"struct","fields":[
      {"id":1,"name":"l","required":true,"type":{"type":"list","element-id":2,
       "element":"varchar","element-required":true}}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("fields[0].type.element"), std::string::npos)
      << nested.status();
  EXPECT_NE(nested.status().message().find("varchar"), std::string::npos);

  auto wrong_type = ParseSchemaJson(R"({"type":"struct","fields":[
      {"id":"1","name":"a","required":true,"type":"int"}]})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("field 'id' must be an integer"),
            std::string::npos)
      << wrong_type.status();

  auto malformed = ParseSchemaJson("{\"type\": ");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.status().message(), "schema JSON: malformed JSON");
}

TEST(SchemaJsonTest, RejectsDuplicateIdsAndUnknownIdentifierFields) {
  auto duplicate = ParseSchemaJson(R"({"type":"struct","fields":[
      {"id":1,"name":"a","required":true,"type":"int"},
      {"id":1,"name":"b","required":true,"type":"int"}]})");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("field id 1 is used more than once"),
            std::string::npos);

  auto identifier = ParseSchemaJson(R"({"type":"struct","identifier-field-ids":[9],"fields":[
      {"id":1,"name":"a","required":true,"type":"int"}]})");
  ASSERT_FALSE(identifier.ok());
  EXPECT_NE(identifier.status().message().find("identifier field id 9"), std::string::npos);
}

TEST(PartitionSpecJsonTest, SpecRoundTripsAndWritesFieldArrays) {
  PartitionSpec spec(2, {{1, 1000, "id_bucket", Transform::Bucket(16)},
                         {2, 1001, "ts_day", Transform::Day()},
                         {3, 1002, "name_trunc", Transform::Truncate(4)}});
  json fields = json::parse(SerializePartitionFields(spec));
  EXPECT_EQ(fields[0], json::parse(R"({"name":"id_bucket","transform":"bucket[16]",
                                       "source-id":1,"field-id":1000})"));
  auto back = ParsePartitionSpecJson(PartitionSpecToJson(spec).dump(), 0);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->spec_id(), 2);
  EXPECT_EQ(back->fields(), spec.fields());

  auto from_array = ParsePartitionSpecJson(fields.dump(), 7);
  ASSERT_TRUE(from_array.ok()) << from_array.status();
  EXPECT_EQ(from_array->spec_id(), 7);
  EXPECT_EQ(from_array->fields(), spec.fields());
}

TEST(PartitionSpecJsonTest, V1FieldsWithoutIdsGetIdsFrom1000) {
  auto spec = ParsePartitionSpecJson(R"([{"name":"a","transform":"identity","source-id":1},
                                         {"name":"b","transform":"day","source-id":2}])",
                                     0);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->fields()[0].field_id, 1000);
  EXPECT_EQ(spec->fields()[1].field_id, 1001);
}

TEST(PartitionSpecJsonTest, UnknownTransformIsAnErrorNamingTheField) {
  auto spec = ParsePartitionSpecJson(
      R"({"spec-id":0,"fields":[{"name":"a","transform":"zorder","source-id":1,"field-id":1000}]})",
      0);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("fields[0]"), std::string::npos) << spec.status();
  EXPECT_NE(spec.status().message().find("zorder"), std::string::npos) << spec.status();
}

TEST(SortOrderJsonTest, RoundTripsDirectionsAndNullOrders) {
  SortOrder order{3,
                  {{Transform::Identity(), 2, SortDirection::kAsc, NullOrder::kNullsFirst},
                   {Transform::Bucket(4), 3, SortDirection::kDesc, NullOrder::kNullsLast}}};
  json j = json::parse(SortOrderToJson(order).dump());
  EXPECT_EQ(j["fields"][1], json::parse(R"({"transform":"bucket[4]","source-id":3,
                                            "direction":"desc","null-order":"nulls-last"})"));
  auto back = SortOrderFromJson(j, "sort-orders[0]");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, order);

  j["fields"][0]["direction"] = "up";
  auto bad = SortOrderFromJson(j, "sort-orders[0]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "sort-orders[0].fields[0]: unknown sort direction 'up'");
}

}  // namespace
}  // namespace floe::iceberg
