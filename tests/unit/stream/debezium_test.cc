// Debezium change events: envelope with and without the schema wrapper, the flattened form,
// deletes, tombstones and snapshot reads.
#include "floe/stream/debezium.h"

#include <gtest/gtest.h>

namespace floe::stream {
namespace {

ChangeEvent Decode(const std::string& text) {
  ChangeEvent event;
  auto error = DecodeChangeEvent(std::string_view(text), &event);
  EXPECT_FALSE(error) << *error;
  return event;
}

TEST(DebeziumTest, EnvelopeWithSchemaTakesAfter) {
  auto e = Decode(R"({"schema": {"type": "struct"}, "payload": {"before": null,
    "after": {"id": 1, "v": "x"}, "source": {"ts_ms": 1700000000123}, "op": "c",
    "ts_ms": 1700000000999}})");
  EXPECT_EQ(e.kind, ChangeEvent::Kind::kRecord);
  EXPECT_EQ(e.record, nlohmann::json::parse(R"({"id": 1, "v": "x"})"));
  EXPECT_EQ(e.op, "c");
  EXPECT_FALSE(e.deleted);
  EXPECT_EQ(e.source_ts_ms, 1700000000123);
}

TEST(DebeziumTest, DeleteTakesBefore) {
  auto e = Decode(R"({"before": {"id": 7}, "after": null, "op": "d", "ts_ms": 5})");
  EXPECT_EQ(e.record, nlohmann::json::parse(R"({"id": 7})"));
  EXPECT_TRUE(e.deleted);
  EXPECT_EQ(e.source_ts_ms, 5);  // no source block: the event time
  ChangeEvent missing;
  auto error = DecodeChangeEvent(std::string_view(R"({"before": null, "after": null, "op": "d"})"),
                                 &missing);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("'before'"), std::string::npos);
}

TEST(DebeziumTest, FlattenedForm) {
  auto r = Decode(R"({"id": 3, "__op": "r", "__source_ts_ms": "17"})");
  EXPECT_EQ(r.op, "r");
  EXPECT_FALSE(r.deleted);
  EXPECT_EQ(r.source_ts_ms, 17);
  EXPECT_EQ(r.record["id"], 3);
  auto d = Decode(R"({"id": 3, "__op": "d", "__deleted": "true"})");
  EXPECT_TRUE(d.deleted);
  auto rewritten = Decode(R"({"id": 3, "__deleted": true})");
  EXPECT_TRUE(rewritten.deleted);
  EXPECT_EQ(rewritten.op, "");
  auto wrapped = Decode(R"({"schema": null, "payload": {"id": 4, "__op": "u"}})");
  EXPECT_EQ(wrapped.record["id"], 4);
  EXPECT_EQ(wrapped.op, "u");
}

TEST(DebeziumTest, PlainJsonAndTombstonesAndGarbage) {
  auto plain = Decode(R"({"payload": 1, "other": 2})");  // not a wrapper: a plain record
  EXPECT_EQ(plain.record["other"], 2);
  EXPECT_EQ(plain.op, "");
  ChangeEvent tombstone;
  EXPECT_FALSE(DecodeChangeEvent(std::nullopt, &tombstone));
  EXPECT_EQ(tombstone.kind, ChangeEvent::Kind::kTombstone);
  ChangeEvent bad;
  EXPECT_TRUE(DecodeChangeEvent(std::string_view("{\"id\": 1"), &bad));
  EXPECT_TRUE(DecodeChangeEvent(std::string_view(""), &bad));
}

}  // namespace
}  // namespace floe::stream
