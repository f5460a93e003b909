// --evolve: which keys of a record become columns, with which types and values.
#include "floe/stream/stream_evolve.h"

#include <gtest/gtest.h>

#include "floe/iceberg/type/schema_text.h"

namespace floe::stream {
namespace {

struct Extended {
  nlohmann::json row;
  NewColumns found;
};

Extended Extend(const std::string& mapping_yaml, const iceberg::Schema& schema,
                const std::string& record) {
  auto mapping = StreamMapping::Parse(mapping_yaml, "mapping.yaml");
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  SchemaEvolver evolver(&*mapping);
  auto json = nlohmann::json::parse(record);
  Extended out;
  if (auto error = mapping->MapRecord(json, MessageMeta{}, &out.row)) {
    ADD_FAILURE() << error->message;
  }
  evolver.ExtendRow(json, schema, &out.row, &out.found);
  return out;
}

const char* kMapping = R"(
columns:
  - {name: id, path: id, type: long}
  - {name: city, path: [address, city], type: string}
  - {name: Name, path: full_name, type: string}
)";

iceberg::Schema MappedSchema() {
  auto mapping = StreamMapping::Parse(kMapping, "mapping.yaml");
  return *mapping->TableSchema();
}

TEST(StreamEvolveTest, NewKeysGetInferredTypes) {
  auto out = Extend(kMapping, MappedSchema(),
                    R"({"id": 1, "n": 5, "x": 1.5, "ok": false, "s": "t",
                        "obj": {"a": [1, "b"]}, "list": [1, 2], "nothing": null})");
  ASSERT_EQ(out.found.size(), 6u);
  EXPECT_TRUE(out.found["n"]->Equals(*iceberg::Type::Long()));
  EXPECT_TRUE(out.found["x"]->Equals(*iceberg::Type::Double()));
  EXPECT_TRUE(out.found["ok"]->Equals(*iceberg::Type::Boolean()));
  EXPECT_TRUE(out.found["s"]->Equals(*iceberg::Type::String()));
  EXPECT_TRUE(out.found["obj"]->Equals(*iceberg::Type::String()));
  EXPECT_TRUE(out.found["list"]->Equals(*iceberg::Type::String()));
  EXPECT_EQ(out.row["n"], 5);
  EXPECT_EQ(out.row["obj"], R"({"a":[1,"b"]})");
  EXPECT_EQ(out.row["list"], "[1,2]");
  EXPECT_FALSE(out.row.contains("nothing"));  // no type to infer from a null
}

TEST(StreamEvolveTest, MappedKeysAndClashingNamesAreLeftOut) {
  // address and full_name are read by mapped columns; "id" and "name" (any case) name mapped
  // columns; "a.b" would read as a nested path.
  auto out = Extend(kMapping, MappedSchema(),
                    R"({"id": 1, "address": {"city": "X"}, "full_name": "F", "NAME": "n",
                        "a.b": 1, "ID": 2})");
  EXPECT_TRUE(out.found.empty());
  EXPECT_EQ(out.row, nlohmann::json::parse(R"({"id": 1, "city": "X", "Name": "F"})"));
}

TEST(StreamEvolveTest, ColumnsAddedBeforeTakeTheirValues) {
  auto text = iceberg::ParseSchemaText("id long, city string, Name string, color string");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto out = Extend(kMapping, *text, R"({"id": 1, "color": "red", "COLOR": "x", "more": 2})");
  EXPECT_EQ(out.row["color"], "red");
  EXPECT_FALSE(out.row.contains("COLOR"));  // would read as `color`
  ASSERT_EQ(out.found.size(), 1u);
  EXPECT_TRUE(out.found.count("more"));
}

}  // namespace
}  // namespace floe::stream
