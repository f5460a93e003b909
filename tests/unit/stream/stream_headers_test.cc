// Kafka headers as columns: `header:` columns and `meta: _headers`, from the mapping's YAML
// through MapRecord to the Arrow rows of a batch (what the table receives).
#include <arrow/api.h>
#include <gtest/gtest.h>

#include "floe/stream/dead_letters.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_mapping.h"
#include "stream_test_util.h"

namespace floe::stream {
namespace {

std::string ParseError(const std::string& yaml) {
  auto m = StreamMapping::Parse(yaml, "m.yaml");
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().message();
}

MessageMeta WithHeaders(std::vector<MessageHeader> headers) {
  MessageMeta meta;
  meta.headers = std::move(headers);
  return meta;
}

TEST(StreamHeadersTest, HeaderColumnsParseWithStringDefault) {
  auto m = ParseMapping(R"(
columns:
  - {name: id, path: id, type: long}
  - {name: trace_id, header: trace-id}
  - {name: attempt, header: attempt, type: int, required: true}
  - {name: _headers}
  - {name: all_headers, meta: _headers}
)");
  ASSERT_EQ(m.columns().size(), 5u);
  EXPECT_EQ(m.columns()[1].header, "trace-id");
  EXPECT_EQ(m.columns()[1].meta, MetaField::kNone);
  EXPECT_EQ(m.columns()[1].type_text, "string");
  EXPECT_EQ(m.columns()[2].type_text, "int");
  EXPECT_EQ(m.columns()[3].meta, MetaField::kHeaders);
  EXPECT_EQ(m.columns()[4].meta, MetaField::kHeaders);
  auto schema = m.TableSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->fields()[1].type->ToString(), "string");
  EXPECT_TRUE(schema->fields()[2].required);
  EXPECT_EQ(schema->fields()[3].type->id(), iceberg::TypeId::kMap);
}

TEST(StreamHeadersTest, HeaderParseErrors) {
  EXPECT_NE(ParseError("columns:\n  - {name: x, header: h, path: x}").find("one of path, meta"),
            std::string::npos);
  EXPECT_NE(ParseError("columns:\n  - {name: x, header: h, meta: _offset}").find("one of path"),
            std::string::npos);
  EXPECT_NE(ParseError("columns:\n  - {name: x, header: ''}").find("name of a Kafka header"),
            std::string::npos);
  EXPECT_NE(ParseError("columns:\n  - {name: x, header: [a, b]}").find("column 'x'"),
            std::string::npos);
  // A column named like a metadata value but given a header takes the header.
  auto m = ParseMapping("columns:\n  - {name: _key, header: k}");
  EXPECT_EQ(m.columns()[0].meta, MetaField::kNone);
}

TEST(StreamHeadersTest, HeaderValuesMissingNullRepeatedAndTyped) {
  auto m = ParseMapping(R"(
columns:
  - {name: trace_id, header: trace-id}
  - {name: region, header: region, transform: [trim, upper]}
  - {name: attempt, header: attempt, type: int}
  - {name: sent_at, header: sent-at, type: timestamptz, transform: epoch_ms}
  - {name: absent, header: nobody-sends-this}
)");
  nlohmann::json row;
  auto meta = WithHeaders({{"trace-id", "first"},
                           {"region", " eu-west "},
                           {"attempt", "3"},
                           {"sent-at", "1000"},
                           {"trace-id", "second"}});
  ASSERT_FALSE(m.MapRecord(nlohmann::json::object(), meta, &row));
  EXPECT_EQ(row, nlohmann::json::parse(R"({"trace_id": "second", "region": "EU-WEST",
    "attempt": 3, "sent_at": "1970-01-01T00:00:01+00:00", "absent": null})"));

  // A header whose value is null is a null, like one the message does not have.
  ASSERT_FALSE(
      m.MapRecord(nlohmann::json::object(), WithHeaders({{"trace-id", std::nullopt}}), &row));
  EXPECT_TRUE(row["trace_id"].is_null());

  auto not_int = m.MapRecord(nlohmann::json::object(), WithHeaders({{"attempt", "three"}}), &row);
  ASSERT_TRUE(not_int);
  EXPECT_EQ(not_int->reason, kReasonCastFailed);
  EXPECT_NE(not_int->message.find("'attempt'"), std::string::npos);
}

TEST(StreamHeadersTest, RequiredHeaderMissingOrNullIsADeadLetterReason) {
  auto m = ParseMapping("columns:\n  - {name: tenant, header: tenant, required: true}");
  nlohmann::json row;
  ASSERT_FALSE(m.MapRecord(nlohmann::json::object(), WithHeaders({{"tenant", "acme"}}), &row));
  EXPECT_EQ(row["tenant"], "acme");
  for (const auto& headers : {std::vector<MessageHeader>{},
                              std::vector<MessageHeader>{{"tenant", std::nullopt}},
                              std::vector<MessageHeader>{{"Tenant", "acme"}}}) {
    auto error = m.MapRecord(nlohmann::json::object(), WithHeaders(headers), &row);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->reason, kReasonMissingRequired);
    EXPECT_NE(error->message.find("'tenant'"), std::string::npos);
  }
}

TEST(StreamHeadersTest, AllHeadersMapLastRepeatWinsNullValueKept) {
  auto m = ParseMapping("columns:\n  - {name: _headers}");
  nlohmann::json row;
  ASSERT_FALSE(m.MapRecord(nlohmann::json::object(),
                           WithHeaders({{"a", "1"}, {"b", std::nullopt}, {"a", "2"}}), &row));
  EXPECT_EQ(row["_headers"], nlohmann::json::parse(R"({"a": "2", "b": null})"));
  ASSERT_FALSE(m.MapRecord(nlohmann::json::object(), MessageMeta{}, &row));
  EXPECT_EQ(row["_headers"], nlohmann::json::object());
}

// Through the batch: the headers of each Kafka message arrive in the Arrow rows, the map column
// as an Arrow map of string to string.
TEST(StreamHeadersTest, BatchRowsCarryHeaders) {
  auto m = ParseMapping(R"(
columns:
  - {name: id, path: id, type: long}
  - {name: trace_id, header: trace-id}
  - {name: _headers}
key: id
)");
  auto schema = m.TableSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  BatchBuilder builder(&m, std::make_shared<const iceberg::Schema>(*schema));
  KafkaMessage one;
  one.topic = "t";
  one.offset = 0;
  one.value = R"({"id": 1})";
  one.headers = {{"trace-id", "abc"}, {"empty", std::nullopt}};
  KafkaMessage two = one;
  two.offset = 1;
  two.value = R"({"id": 2})";
  two.headers.clear();
  builder.Add(one);
  builder.Add(two);
  auto batch = builder.Finish();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_TRUE(batch->dead_letters.empty()) << batch->dead_letters[0].error;
  auto rows = batch->rows->CombineChunksToBatch().ValueOrDie();
  ASSERT_EQ(rows->num_rows(), 2);
  auto trace = std::static_pointer_cast<arrow::StringArray>(rows->GetColumnByName("trace_id"));
  EXPECT_EQ(trace->GetString(0), "abc");
  EXPECT_TRUE(trace->IsNull(1));
  auto headers = std::static_pointer_cast<arrow::MapArray>(rows->GetColumnByName("_headers"));
  ASSERT_EQ(headers->type_id(), arrow::Type::MAP);
  EXPECT_EQ(headers->value_length(0), 2);
  EXPECT_EQ(headers->value_length(1), 0);
  EXPECT_FALSE(headers->IsNull(1));
  auto keys = std::static_pointer_cast<arrow::StringArray>(headers->keys());
  auto items = std::static_pointer_cast<arrow::StringArray>(headers->items());
  std::map<std::string, std::optional<std::string>> first;
  for (int64_t i = headers->value_offset(0); i < headers->value_offset(1); ++i) {
    first[keys->GetString(i)] =
        items->IsNull(i) ? std::nullopt : std::optional<std::string>(items->GetString(i));
  }
  EXPECT_EQ(first, (std::map<std::string, std::optional<std::string>>{{"trace-id", "abc"},
                                                                        {"empty", std::nullopt}}));
}

// A bad message keeps its headers in the dead-letter table, as bytes; a dead-letter table made
// before the column existed still takes the rows, without them.
TEST(StreamHeadersTest, DeadLettersKeepHeaders) {
  auto m = ParseMapping("columns:\n  - {name: id, path: id, type: long, required: true}");
  auto schema = m.TableSchema();
  ASSERT_TRUE(schema.ok());
  BatchBuilder builder(&m, std::make_shared<const iceberg::Schema>(*schema));
  KafkaMessage bad;
  bad.topic = "t";
  bad.value = "{}";
  bad.headers = {{"trace-id", std::string("a\0b", 3)}, {"none", std::nullopt}};
  builder.Add(bad);
  auto batch = builder.Finish();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->dead_letters.size(), 1u);
  EXPECT_EQ(batch->dead_letters[0].headers.size(), 2u);

  auto rows = DeadLetterRows(batch->dead_letters, *DeadLetterSchema(), "s", 0);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto table = (*rows)->CombineChunksToBatch().ValueOrDie();
  auto headers = std::static_pointer_cast<arrow::MapArray>(table->GetColumnByName("headers"));
  ASSERT_NE(headers, nullptr);
  ASSERT_EQ(headers->value_length(0), 2);
  auto keys = std::static_pointer_cast<arrow::StringArray>(headers->keys());
  auto items = std::static_pointer_cast<arrow::BinaryArray>(headers->items());
  std::map<std::string, std::optional<std::string>> got;
  for (int64_t i = 0; i < 2; ++i) {
    got[keys->GetString(i)] =
        items->IsNull(i) ? std::nullopt : std::optional<std::string>(items->GetString(i));
  }
  EXPECT_EQ(got, (std::map<std::string, std::optional<std::string>>{
                     {"trace-id", std::string("a\0b", 3)}, {"none", std::nullopt}}));

  std::vector<iceberg::NestedField> before(DeadLetterSchema()->fields().begin(),
                                           DeadLetterSchema()->fields().end() - 1);
  auto old = DeadLetterRows(batch->dead_letters, iceberg::Schema(0, before), "s", 0);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ((*old)->num_columns(), 10);
}

}  // namespace
}  // namespace floe::stream
