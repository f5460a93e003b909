#include "floe/iceberg/type/single_value_json.h"

#include <gtest/gtest.h>

#include "floe/iceberg/type/schema_json_internal.h"

namespace floe::iceberg {
namespace {

using nlohmann::json;

// The examples of the spec's "JSON single-value serialization" table: each reads as the
// value and writes back as the same JSON.
struct Vector {
  TypePtr type;
  json form;
  Literal value;
};

std::vector<Vector> SpecVectors() {
  return {
      {Type::Boolean(), true, Literal::Boolean(true)},
      {Type::Int(), 34, Literal::Int(34)},
      {Type::Long(), 34, Literal::Long(34)},
      {Type::Float(), 1.0, Literal::Float(1.0f)},
      {Type::Double(), 1.0, Literal::Double(1.0)},
      {Type::Decimal(9, 2), "14.20", Literal::Decimal(1420, 9, 2)},
      {Type::Date(), "2017-11-16", Literal::Date(17486)},
      {Type::Time(), "22:31:08.123456", Literal::Time(81068123456)},
      {Type::Timestamp(), "2017-11-16T22:31:08.123456", Literal::Timestamp(1510871468123456)},
      {Type::TimestampTz(), "2017-11-16T22:31:08.123456+00:00",
       Literal::TimestampTz(1510871468123456)},
      {Type::TimestampNs(), "2017-11-16T22:31:08.123456789",
       Literal::TimestampNs(1510871468123456789)},
      {Type::TimestampTzNs(), "2017-11-16T22:31:08.123456789+00:00",
       Literal::TimestampTzNs(1510871468123456789)},
      {Type::String(), "iceberg", Literal::String("iceberg")},
      {Type::Uuid(), "f79c3e09-677c-4bbd-a479-3f349cb785e7",
       Literal::Uuid(
           std::string("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16))},
      {Type::Fixed(4), "000102ff", Literal::Fixed(std::string("\x00\x01\x02\xff", 4))},
      {Type::Binary(), "000102ff", Literal::Binary(std::string("\x00\x01\x02\xff", 4))},
  };
}

TEST(SingleValueJsonTest, SpecExamplesReadAndWriteBack) {
  for (const auto& v : SpecVectors()) {
    SCOPED_TRACE(v.type->ToString());
    auto read = LiteralFromJson(v.type, v.form, "d");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(*read, v.value) << read->ToString();
    EXPECT_TRUE(read->type()->Equals(*v.type));
    auto written = LiteralToJson(v.value);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(json(*written), v.form);
  }
}

TEST(SingleValueJsonTest, OtherValidFormsRead) {
  // Whole seconds, a different offset, and fewer fraction digits all name the same instants.
  EXPECT_EQ(*LiteralFromJson(Type::Timestamp(), "2017-11-16T22:31:08", "d"),
            Literal::Timestamp(1510871468000000));
  EXPECT_EQ(*LiteralFromJson(Type::TimestampTz(), "2017-11-16T23:31:08.5+01:00", "d"),
            Literal::TimestampTz(1510871468500000));
  EXPECT_EQ(*LiteralFromJson(Type::TimestampNs(), "1969-12-31T23:59:59.999999999", "d"),
            Literal::TimestampNs(-1));
  EXPECT_EQ(*LiteralFromJson(Type::Double(), 3, "d"), Literal::Double(3.0));
  EXPECT_EQ(*LiteralFromJson(Type::Binary(), "00FF", "d"),
            Literal::Binary(std::string("\x00\xff", 2)));
}

TEST(SingleValueJsonTest, WrongFormsAreErrorsNamingWhereAndType) {
  struct Bad {
    TypePtr type;
    json form;
    const char* says;
  };
  const Bad cases[] = {
      {Type::Int(), "34", "int"},
      {Type::Int(), int64_t{1} << 40, "32-bit"},
      {Type::Long(), 1.5, "64-bit integer"},
      {Type::Decimal(9, 2), "14.2", "scale 2"},
      {Type::Decimal(3, 2), "14.20", "scale 2"},
      {Type::Date(), 17486, "date"},
      {Type::Timestamp(), "2017-11-16T22:31:08+00:00", "without offset"},
      {Type::TimestampTz(), "2017-11-16T22:31:08", "with an offset"},
      {Type::Timestamp(), "2017-11-16", "without offset"},
      {Type::Uuid(), "not-a-uuid", "UUID"},
      {Type::Fixed(4), "0001", "4 bytes"},
      {Type::Binary(), "0g", "hex"},
      {Type::Unknown(), 1, "null"},
      {Type::Struct({}), json::object(), "primitive"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->ToString() + " " + c.form.dump());
    auto read = LiteralFromJson(c.type, c.form, "fields[0].initial-default");
    ASSERT_FALSE(read.ok());
    EXPECT_NE(read.status().message().find("fields[0].initial-default: "), std::string::npos)
        << read.status().message();
    EXPECT_NE(read.status().message().find(c.says), std::string::npos) << read.status().message();
  }
}

// Defaults in schema JSON: kept on the field, written back as read, part of equality.
TEST(SingleValueJsonTest, SchemaFieldDefaultsRoundTrip) {
  const json schema_json = json::parse(R"({
    "type": "struct", "schema-id": 1, "identifier-field-ids": [],
    "fields": [
      {"id": 1, "name": "id", "required": true, "type": "long"},
      {"id": 2, "name": "level", "required": true, "type": "int",
       "initial-default": 5, "write-default": 7},
      {"id": 3, "name": "s", "required": false, "type": {"type": "struct", "fields": [
        {"id": 4, "name": "at", "required": false, "type": "timestamptz_ns",
         "write-default": "2017-11-16T22:31:08.123456789+00:00"}]}},
      {"id": 5, "name": "none", "required": false, "type": "string", "initial-default": null}
    ]})");
  auto schema = SchemaFromJson(schema_json);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const NestedField* level = (*schema)->FindFieldById(2);
  ASSERT_NE(level->initial_default, nullptr);
  EXPECT_EQ(*level->initial_default, Literal::Int(5));
  EXPECT_EQ(*level->write_default, Literal::Int(7));
  const NestedField* at = (*schema)->FindFieldById(4);
  EXPECT_EQ(at->initial_default, nullptr);
  EXPECT_EQ(*at->write_default, Literal::TimestampTzNs(1510871468123456789));
  EXPECT_EQ((*schema)->FindFieldById(5)->initial_default, nullptr);

  json back = SchemaToJson(**schema);
  json expected = schema_json;
  expected["fields"][3].erase("initial-default");  // null is no default
  EXPECT_EQ(back, expected);

  auto again = ParseSchemaJson(SerializeSchema(**schema));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->SameFields(**schema));
  json changed = schema_json;
  changed["fields"][1]["write-default"] = 8;
  EXPECT_FALSE((*SchemaFromJson(changed))->SameFields(**schema));
  changed = schema_json;
  changed["fields"][1].erase("initial-default");
  EXPECT_FALSE((*SchemaFromJson(changed))->SameFields(**schema));
}

TEST(SingleValueJsonTest, BadDefaultsAndUnreadTypesNameTheField) {
  auto error = [](const char* field) {
    std::string text = std::string(R"({"type": "struct", "fields": [)") + field + "]}";
    auto schema = ParseSchemaJson(text);
    EXPECT_FALSE(schema.ok()) << text;
    return schema.ok() ? std::string() : schema.status().message();
  };
  EXPECT_NE(error(R"({"id": 1, "name": "c", "required": false, "type": "date",
                      "write-default": "yesterday"})")
                .find("fields[0].write-default: "),
            std::string::npos);
  EXPECT_NE(error(R"({"id": 1, "name": "payload", "required": false, "type": "variant"})")
                .find("column payload has type variant, which floe does not read yet"),
            std::string::npos);
  EXPECT_NE(error(R"j({"id": 1, "name": "shape", "required": false,
                        "type": "geometry(srid:4326)"})j")
                .find("column shape has type geometry(srid:4326), which floe does not read yet"),
            std::string::npos);
  EXPECT_NE(error(R"({"id": 1, "name": "area", "required": false, "type": "geography"})")
                .find("column area has type geography"),
            std::string::npos);
}

TEST(SingleValueJsonTest, V3TypesHaveTheirSpecNames) {
  EXPECT_EQ(TypeToJson(*Type::TimestampNs()), "timestamp_ns");
  EXPECT_EQ(TypeToJson(*Type::TimestampTzNs()), "timestamptz_ns");
  EXPECT_EQ(TypeToJson(*Type::Unknown()), "unknown");
  for (const char* name : {"timestamp_ns", "timestamptz_ns", "unknown"}) {
    auto type = TypeFromJson(json(name));
    ASSERT_TRUE(type.ok()) << name;
    EXPECT_EQ((*type)->ToString(), name);
  }
}

}  // namespace
}  // namespace floe::iceberg
