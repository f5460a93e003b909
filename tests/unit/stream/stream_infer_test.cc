// floe stream without --mapping: the mapping from a table's schema, and a new table's mapping
// from its first messages.
#include "floe/stream/stream_infer.h"

#include <gtest/gtest.h>

#include "floe/iceberg/type/schema_text.h"

namespace floe::stream {
namespace {

KafkaMessage Message(std::string value, std::optional<std::string> key = std::nullopt) {
  KafkaMessage m;
  m.topic = "t";
  m.value = std::move(value);
  m.key = std::move(key);
  return m;
}

StreamMapping Infer(const std::vector<KafkaMessage>& messages,
                    StreamMode mode = StreamMode::kAppend, std::vector<std::string> key = {}) {
  auto mapping = InferMapping(messages, mode, key);
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_TRUE(mapping->has_value());
  return **mapping;
}

nlohmann::json Map(const StreamMapping& mapping, const std::string& record,
                   const MessageMeta& meta = {}) {
  nlohmann::json row;
  if (auto error = mapping.MapRecord(nlohmann::json::parse(record), meta, &row)) {
    ADD_FAILURE() << error->message;
  }
  return row;
}

TEST(MappingFromSchemaTest, ColumnsReadTheirKeysAndMetaNamesTakeTheMessage) {
  auto schema = iceberg::ParseSchemaText(
      "id long not null, name string, at timestamptz, __op string, _offset long, "
      "__deleted string");
  ASSERT_TRUE(schema.ok());
  iceberg::Schema keyed(0, schema->fields(), {schema->FindFieldByName("id")->id});
  auto mapping = MappingFromSchema(keyed);
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_EQ(mapping->key(), std::vector<std::string>{"id"});
  MessageMeta meta;
  meta.offset = 42;
  meta.op = "u";
  meta.deleted = true;
  auto row = Map(*mapping,
                 R"({"id": 7, "name": {"first": "Ada"}, "at": "2026-01-02T03:04:05Z",
                     "__op": "ignored", "_offset": 1})",
                 meta);
  EXPECT_EQ(row["id"], 7);
  EXPECT_EQ(row["name"], R"({"first":"Ada"})");  // an object in a string column: its text
  EXPECT_EQ(row["at"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(row["__op"], "u");  // the message's op, not the record's key
  EXPECT_EQ(row["_offset"], 42);
  EXPECT_EQ(row["__deleted"], "true");  // the flag as text in a string column
}

TEST(MappingFromSchemaTest, RequiredColumnMissingIsAMappingError) {
  auto schema = iceberg::ParseSchemaText("id long not null, name string");
  auto mapping = MappingFromSchema(*schema);
  ASSERT_TRUE(mapping.ok());
  nlohmann::json row;
  auto error = mapping->MapRecord(nlohmann::json::parse(R"({"name": "x"})"), {}, &row);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, kReasonMissingRequired);
}

TEST(InferMappingTest, PlainJsonTypesLikeEvolveRecordByRecord) {
  auto mapping =
      Infer({Message(R"({"id": 1, "price": 2.5, "ok": true, "tags": [1], "gone": null})"),
             Message(R"({"id": 2, "city": "Oslo", "gone": null, "ID": 3})")});
  EXPECT_EQ(DescribeMapping(mapping),
            "id long, ok boolean, price double, tags string, city string; key []");
  auto row = Map(mapping, R"({"id": 3, "tags": {"a": 1}})");
  EXPECT_EQ(row["tags"], R"({"a":1})");
}

TEST(InferMappingTest, EnvelopeGivesTheAfterRowAndTheOpInAppendMode) {
  const std::string envelope =
      R"({"schema": {}, "payload": {"op": "c", "before": null, "ts_ms": 5,
          "after": {"id": 1, "name": "a"}, "source": {"ts_ms": 4}}})";
  auto mapping = Infer({Message(envelope, R"({"schema": {}, "payload": {"id": 1}})")});
  EXPECT_EQ(DescribeMapping(mapping),
            "id long not null, name string, __op string (op), __source_ts_ms long "
            "(source_ts_ms); key [id]");
  auto upsert = Infer({Message(envelope, R"({"id": 1})")}, StreamMode::kUpsert);
  EXPECT_EQ(DescribeMapping(upsert), "id long not null, name string; key [id]");
}

TEST(InferMappingTest, FlattenedDebeziumFieldsBecomeTheirMetadata) {
  auto mapping = Infer(
      {Message(R"({"id": 1, "__op": "c", "__deleted": "false", "__source_ts_ms": 9})")});
  EXPECT_EQ(DescribeMapping(mapping),
            "id long, __deleted boolean (deleted), __op string (op), __source_ts_ms long "
            "(source_ts_ms); key []");
}

TEST(InferMappingTest, GivenKeyWinsAndMustBeAColumn) {
  auto mapping = Infer({Message(R"({"id": 1, "region": "eu"})", R"({"id": 1})")},
                       StreamMode::kUpsert, {"region", "id"});
  EXPECT_EQ(mapping.key(), (std::vector<std::string>{"region", "id"}));
  EXPECT_EQ(DescribeMapping(mapping), "region string not null, id long not null; key [region, id]");
  auto missing = InferMapping({Message(R"({"id": 1})")}, StreamMode::kUpsert, {"nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--key nope"), std::string::npos);
}

TEST(InferMappingTest, MessageKeyWithFieldsThatAreNotColumnsGivesNoKey) {
  auto mapping = Infer({Message(R"({"id": 1})", R"({"tenant": 1, "id": 1})"),
                        Message(R"({"id": 2})", "plain-text-key")});
  EXPECT_TRUE(mapping.key().empty());
}

TEST(InferMappingTest, NoRecordToInferFrom) {
  KafkaMessage tombstone;
  auto mapping = InferMapping({Message("not json"), Message("[1, 2]"), tombstone},
                              StreamMode::kAppend, {});
  ASSERT_TRUE(mapping.ok());
  EXPECT_FALSE(mapping->has_value());
}

}  // namespace
}  // namespace floe::stream
