#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "floe/format/avro/avro_schema.h"
#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro {
namespace {

using internal::SchemaToJson;
using nlohmann::json;

// An attribute as JSON; a discarded value (equal to nothing) when it is absent.
json Prop(const AvroProps& props, std::string_view key) {
  const AvroPropValue* value = props.Find(key);
  return value ? internal::PropValueToJson(*value) : json(json::value_t::discarded);
}

AvroField Field(std::string name, AvroSchemaPtr schema) {
  AvroField f;
  f.name = std::move(name);
  f.schema = std::move(schema);
  return f;
}

AvroSchemaPtr MustParse(const std::string& text) {
  auto result = AvroSchema::Parse(text);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : nullptr;
}

// The manifest_entry schema as Iceberg writers produce it (trimmed), with the attributes
// Iceberg readers depend on: field-id, element-id, key-id/value-id, logicalType "map".
constexpr const char* kManifestEntrySchema = R"({
  "type": "record", "name": "manifest_entry", "fields": [
    {"name": "status", "type": "int", "field-id": 0},
    {"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1},
    {"name": "data_file", "field-id": 2, "type": {
      "type": "record", "name": "r2", "fields": [
        {"name": "file_path", "type": "string", "doc": "Location URI", "field-id": 100},
        {"name": "partition", "field-id": 102, "type": {"type": "record", "name": "r102",
          "fields": [{"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}],
                      "default": null, "field-id": 1000}]}},
        {"name": "column_sizes", "default": null, "field-id": 108, "type": ["null", {
          "type": "array", "logicalType": "map", "items": {
            "type": "record", "name": "k117_v118", "fields": [
              {"name": "key", "type": "int", "field-id": 117},
              {"name": "value", "type": "long", "field-id": 118}]}}]},
        {"name": "split_offsets", "default": null, "field-id": 132,
         "type": ["null", {"type": "array", "items": "long", "element-id": 133}]},
        {"name": "props", "field-id": 140,
         "type": {"type": "map", "values": "string", "key-id": 141, "value-id": 142}}
      ]}}
  ]})";

TEST(AvroSchemaTest, ParsesPrimitivesWrittenAsNamesOrObjects) {
  for (const char* name : {"null", "boolean", "int", "long", "float", "double", "bytes",
                           "string"}) {
    auto as_name = MustParse(json(name).dump());
    auto as_object = MustParse(json{{"type", name}}.dump());
    ASSERT_TRUE(as_name && as_object);
    EXPECT_EQ(as_name->type, as_object->type);
    EXPECT_EQ(internal::TypeName(as_name->type), name);
    EXPECT_EQ(SchemaToJson(*as_name), json(name));
  }
  auto ts = MustParse(R"({"type": "long", "logicalType": "timestamp-micros",
                          "adjust-to-utc": true})");
  EXPECT_EQ(ts->type, AvroType::kLong);
  EXPECT_EQ(Prop(ts->props, "logicalType"), "timestamp-micros");
  EXPECT_EQ(Prop(ts->props, "adjust-to-utc"), true);
  EXPECT_EQ(SchemaToJson(*ts)["type"], "long");
}

TEST(AvroSchemaTest, ManifestSchemaKeepsIcebergIdsThroughJsonRoundTrip) {
  auto schema = MustParse(kManifestEntrySchema);
  ASSERT_TRUE(schema);
  ASSERT_EQ(schema->type, AvroType::kRecord);
  EXPECT_EQ(schema->name, "manifest_entry");
  ASSERT_EQ(schema->fields.size(), 3u);
  EXPECT_EQ(schema->fields[1].field_id(), 1);
  EXPECT_EQ(Prop(schema->fields[1].props, "default"), nullptr);
  EXPECT_EQ(schema->FieldIndexById(2), 2);
  EXPECT_EQ(schema->FieldIndex("snapshot_id"), 1);
  EXPECT_EQ(schema->FieldIndex("nope"), -1);
  EXPECT_EQ(schema->FieldIndexById(99), -1);

  const AvroSchema& data_file = *schema->fields[2].schema;
  EXPECT_EQ(data_file.fields[0].doc, "Location URI");
  EXPECT_FALSE(data_file.fields[0].props.Contains("doc"));
  const AvroSchema& sizes = *data_file.fields[2].schema->branches[1];
  EXPECT_EQ(sizes.type, AvroType::kArray);
  EXPECT_EQ(Prop(sizes.props, "logicalType"), "map");
  EXPECT_EQ(sizes.items->fields[1].field_id(), 118);
  EXPECT_EQ(Prop(data_file.fields[3].schema->branches[1]->props, "element-id"), 133);
  const AvroSchema& props = *data_file.fields[4].schema;
  EXPECT_EQ(Prop(props.props, "key-id"), 141);
  EXPECT_EQ(Prop(props.props, "value-id"), 142);

  // Writing and re-reading gives the same JSON, attributes included.
  json written = SchemaToJson(*schema);
  auto reparsed = MustParse(written.dump());
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(SchemaToJson(*reparsed), written);
  EXPECT_EQ(written, json::parse(kManifestEntrySchema));
}

TEST(AvroSchemaTest, NamedTypesResolveThroughNamespaces) {
  auto schema = MustParse(R"({
    "type": "record", "name": "Outer", "namespace": "org.example", "fields": [
      {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 16}},
      {"name": "same_id", "type": "Id"},
      {"name": "full_id", "type": "org.example.Id"},
      {"name": "kind", "type": {"type": "enum", "name": "other.Kind", "symbols": ["A", "B"]}},
      {"name": "kind2", "type": "other.Kind"},
      {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "",
                                  "fields": [{"name": "x", "type": "int"}]}},
      {"name": "inner2", "type": ["null", "Inner"]}
    ]})");
  ASSERT_TRUE(schema);
  EXPECT_EQ(schema->name, "org.example.Outer");
  EXPECT_EQ(schema->fields[0].schema->name, "org.example.Id");
  EXPECT_EQ(schema->fields[1].schema, schema->fields[0].schema);
  EXPECT_EQ(schema->fields[2].schema, schema->fields[0].schema);
  EXPECT_EQ(schema->fields[3].schema->name, "other.Kind");
  EXPECT_EQ(schema->fields[4].schema, schema->fields[3].schema);
  EXPECT_EQ(schema->fields[5].schema->name, "Inner");
  EXPECT_EQ(schema->fields[6].schema->branches[1], schema->fields[5].schema);

  // Written back, each named type is defined once and the full names survive a reparse.
  json written = SchemaToJson(*schema);
  EXPECT_EQ(written["fields"][1]["type"], "org.example.Id");
  auto reparsed = MustParse(written.dump());
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->fields[5].schema->name, "Inner");
  EXPECT_EQ(reparsed->fields[0].schema->name, "org.example.Id");
  EXPECT_EQ(SchemaToJson(*reparsed), written);
}

TEST(AvroSchemaTest, KeepsUnknownAttributesOnEveryKindOfType) {
  auto schema = MustParse(R"({"type": "record", "name": "r", "doc": "top", "x-custom": [1, 2],
    "fields": [
      {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"], "default": "X"},
       "aliases": ["e_old"], "order": "descending"},
      {"name": "f", "type": {"type": "fixed", "name": "F", "size": 4,
                             "logicalType": "decimal", "precision": 9, "scale": 2}},
      {"name": "m", "type": {"type": "map", "values": {"type": "bytes", "foo": "bar"}}}
    ]})");
  ASSERT_TRUE(schema);
  EXPECT_EQ(Prop(schema->props, "doc"), "top");
  EXPECT_EQ(Prop(schema->props, "x-custom"), json({1, 2}));
  EXPECT_EQ(Prop(schema->fields[0].props, "aliases"), json({"e_old"}));
  EXPECT_EQ(Prop(schema->fields[0].schema->props, "default"), "X");
  EXPECT_EQ(Prop(schema->fields[1].schema->props, "precision"), 9);
  EXPECT_EQ(Prop(schema->fields[2].schema->values->props, "foo"), "bar");
  auto reparsed = MustParse(schema->ToJsonString());
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(SchemaToJson(*reparsed), SchemaToJson(*schema));
}

TEST(AvroSchemaTest, RejectsMalformedSchemasWithAClearMessage) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"{not json", "not valid JSON"},
      {"\"nosuch\"", "unknown type 'nosuch'"},
      {"42", "expected a type name"},
      {R"({"name": "x"})", "without \"type\""},
      {R"({"type": "record", "name": "r"})", "no \"fields\""},
      {R"({"type": "record", "fields": []})", "without a \"name\""},
      {R"({"type": "record", "name": "r", "fields": [{"name": "a"}]})", "has no \"type\""},
      {R"({"type": "record", "name": "r", "fields": [{"name": "a", "type": "int"},
          {"name": "a", "type": "int"}]})", "two fields named 'a'"},
      {R"({"type": "record", "name": "r", "fields": [{"name": "a", "type": "r"}]})",
       "recursive reference to 'r'"},
      {R"({"type": "record", "name": "r", "fields": [
          {"name": "a", "type": {"type": "fixed", "name": "f", "size": 1}},
          {"name": "b", "type": {"type": "fixed", "name": "f", "size": 2}}]})",
       "defined twice"},
      {R"({"type": "fixed", "name": "f", "size": -1})", "non-negative integer"},
      {R"({"type": "enum", "name": "e", "symbols": ["A", "A"]})", "repeated symbol"},
      {R"({"type": "array"})", "without \"items\""},
      {R"(["null", ["int", "long"]])", "may not contain a union"},
      {R"(["int", "int"])", "two branches of type int"},
      {R"({"type": "fixed", "name": "int", "size": 1})", "redefines a primitive"},
  };
  for (const auto& c : cases) {
    auto result = AvroSchema::Parse(c.json);
    ASSERT_FALSE(result.ok()) << c.json;
    EXPECT_TRUE(result.status().IsInvalid()) << c.json;
    EXPECT_NE(result.status().message().find(c.message), std::string::npos)
        << c.json << " -> " << result.status().ToString();
  }
}

TEST(AvroSchemaTest, RejectsNestingDeeperThanTheLimit) {
  std::string deep = "\"int\"";
  for (int i = 0; i < 500; ++i) deep = R"({"type": "array", "items": )" + deep + "}";
  auto result = AvroSchema::Parse(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("nesting deeper"), std::string::npos);
}

TEST(AvroSchemaTest, MakeHelpersBuildTheSchemasTheyName) {
  auto opt = MakeOptional(MakePrimitive(AvroType::kLong));
  EXPECT_EQ(SchemaToJson(*opt), json({"null", "long"}));
  EXPECT_EQ(MakeOptional(opt), opt);  // already nullable
  auto record = MakeRecord(
      "r1", {AvroField{"ids", MakeArray(MakePrimitive(AvroType::kInt), {{"element-id", 5}}), "",
                       {{"field-id", 4}}},
             AvroField{"m", MakeMap(MakePrimitive(AvroType::kString),
                                    {{"key-id", 7}, {"value-id", 8}}),
                       "", {{"field-id", 6}}},
             AvroField{"h", MakeFixed("md5", 16), "", {{"field-id", 9}}}});
  json expected = json::parse(R"({"type": "record", "name": "r1", "fields": [
      {"name": "ids", "field-id": 4, "type": {"type": "array", "items": "int", "element-id": 5}},
      {"name": "m", "field-id": 6, "type": {"type": "map", "values": "string",
                                            "key-id": 7, "value-id": 8}},
      {"name": "h", "field-id": 9, "type": {"type": "fixed", "name": "md5", "size": 16}}]})");
  EXPECT_EQ(SchemaToJson(*record), expected);
  EXPECT_EQ(record->FieldIndexById(6), 1);
}

TEST(AvroSchemaTest, WriteValidationRejectsSchemasOtherReadersWouldRefuse) {
  auto bad_name = MakeRecord("r", {Field("my-col", MakePrimitive(AvroType::kInt))});
  auto st = internal::ValidateForWriting(*bad_name);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("invalid field name 'my-col'"), std::string::npos);

  auto missing = MakeRecord("r", {Field("a", nullptr)});
  EXPECT_NE(internal::ValidateForWriting(*missing).message().find("missing schema"),
            std::string::npos);

  auto clash = MakeRecord("r", {Field("a", MakeFixed("f", 4)),
                                Field("b", MakeFixed("f", 8))});
  EXPECT_NE(internal::ValidateForWriting(*clash).message().find("two different types"),
            std::string::npos);

  // The same definition used twice is fine: the second use is written as a reference.
  auto reuse = MakeRecord("r", {Field("a", MakeFixed("f", 4)),
                                Field("b", MakeFixed("f", 4))});
  EXPECT_TRUE(internal::ValidateForWriting(*reuse).ok());
  EXPECT_EQ(SchemaToJson(*reuse)["fields"][1]["type"], "f");
  EXPECT_TRUE(internal::ValidateForWriting(*MustParse(kManifestEntrySchema)).ok());
}

TEST(AvroPropsTest, TypedAccessorsSeeOnlyTheirKind) {
  AvroProps props{{"field-id", 7},
                  {"logicalType", "map"},
                  {"adjust-to-utc", true},
                  {"default", nullptr},
                  {"ratio", 1.5}};
  EXPECT_EQ(props.size(), 5u);
  EXPECT_EQ(props.GetInt("field-id"), 7);
  EXPECT_EQ(props.GetString("logicalType"), "map");  // a string literal is a string, not a bool
  EXPECT_EQ(props.GetBool("adjust-to-utc"), true);
  ASSERT_NE(props.Find("default"), nullptr);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(*props.Find("default")));
  EXPECT_EQ(std::get<double>(*props.Find("ratio")), 1.5);
  EXPECT_EQ(props.GetInt("logicalType"), std::nullopt);
  EXPECT_EQ(props.GetString("field-id"), std::nullopt);
  EXPECT_EQ(props.GetBool("missing"), std::nullopt);
  EXPECT_EQ(props.Find("missing"), nullptr);

  // Set replaces in place and appends new keys; insertion order is kept.
  props.Set("field-id", int64_t{8});
  props.Set("doc", std::string("d"));
  EXPECT_TRUE(props.Erase("ratio"));
  EXPECT_FALSE(props.Erase("ratio"));
  std::vector<std::string> keys;
  for (const auto& [key, value] : props) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"field-id", "logicalType", "adjust-to-utc", "default",
                                            "doc"}));
  EXPECT_EQ(props.GetInt("field-id"), 8);
}

TEST(AvroPropsTest, EveryKindOfValueSurvivesSchemaJson) {
  const std::string text =
      R"({"type":"record","name":"r","x-nested":{"b":[1,{"c":null}],"a":"s"},"fields":[)"
      R"({"name":"f","type":{"type":"long","logicalType":"timestamp-micros",)"
      R"("adjust-to-utc":false},"field-id":1,"default":null,"weight":0.25,"big":18446744073709551615,"list":[1,2]}]})";
  auto schema = MustParse(text);
  ASSERT_TRUE(schema);
  const AvroProps& field = schema->fields[0].props;
  EXPECT_EQ(schema->fields[0].field_id(), 1);
  EXPECT_EQ(std::get<double>(*field.Find("weight")), 0.25);
  // Objects, arrays and integers beyond int64 are kept as their JSON text.
  ASSERT_NE(schema->props.Find("x-nested"), nullptr);
  const auto* nested = std::get_if<AvroRawJson>(schema->props.Find("x-nested"));
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(json::parse(nested->text), json::parse(R"({"a":"s","b":[1,{"c":null}]})"));
  ASSERT_NE(std::get_if<AvroRawJson>(field.Find("big")), nullptr);
  EXPECT_EQ(std::get<AvroRawJson>(*field.Find("list")).text, "[1,2]");
  EXPECT_EQ(schema->fields[0].schema->props.GetBool("adjust-to-utc"), false);

  // Members come out sorted by key, as before props had a type of their own.
  const std::string written = schema->ToJsonString();
  EXPECT_EQ(written,
            R"({"fields":[{"big":18446744073709551615,"default":null,"field-id":1,"list":[1,2],)"
            R"("name":"f","type":{"adjust-to-utc":false,"logicalType":"timestamp-micros",)"
            R"("type":"long"},"weight":0.25}],"name":"r","type":"record",)"
            R"("x-nested":{"a":"s","b":[1,{"c":null}]}})");
  auto reparsed = MustParse(written);
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->props, schema->props);
  EXPECT_EQ(reparsed->fields[0].props, field);
  EXPECT_EQ(reparsed->ToJsonString(), written);
}

TEST(AvroPropsTest, PropsSetInCodeAreWrittenSortedAndRawTextVerbatim) {
  auto schema = MakeRecord(
      "r", {AvroField{"a",
                      MakeArray(MakePrimitive(AvroType::kInt),
                                {{"element-id", 3}, {"x-meta", AvroRawJson{R"({"k":[true]})"}}}),
                      "",
                      {{"field-id", 2}, {"default", nullptr}}}});
  EXPECT_EQ(schema->ToJsonString(),
            R"({"fields":[{"default":null,"field-id":2,"name":"a","type":{"element-id":3,)"
            R"("items":"int","type":"array","x-meta":{"k":[true]}}}],"name":"r","type":"record"})");
  // Raw text that is not JSON cannot break the document: it is written as a string.
  auto odd = MakeArray(MakePrimitive(AvroType::kInt), {{"x", AvroRawJson{"{oops"}}});
  EXPECT_EQ(odd->ToJsonString(), R"({"items":"int","type":"array","x":"{oops"})");
}

}  // namespace
}  // namespace floe::avro
