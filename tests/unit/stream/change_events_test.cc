// The change events of `floe gen --kafka` (floe/testing/change_events.h) read by the stream
// with the shipped mapping (examples/stream/rides-mapping.yaml): each message becomes a row, a
// dead letter with the reason the generator says, or a skipped tombstone, and the rows replay
// to the rides the generator says are live.
#include "floe/testing/change_events.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream {
namespace {

using testing::ChangeEventFormat;
using testing::ChangeEventGenerator;
using testing::ChangeEventOptions;

StreamMapping ExampleMapping() {
  const std::string path =
      std::string(FLOE_TEST_DATA_DIR) + "/../../examples/stream/rides-mapping.yaml";
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  auto m = StreamMapping::Parse(text.str(), path);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : StreamMapping();
}

std::vector<testing::ChangeMessage> Generate(const ChangeEventOptions& options, int64_t n) {
  auto gen = ChangeEventGenerator::Make(options);
  EXPECT_TRUE(gen.ok()) << gen.status().ToString();
  std::vector<testing::ChangeMessage> out;
  for (int64_t i = 0; i < n; ++i) out.push_back((*gen)->Next());
  return out;
}

TEST(ChangeEventsTest, SameSeedSameBytes) {
  ChangeEventOptions options;
  options.bad_rate = 0.1;
  options.tombstones = true;
  auto a = Generate(options, 300);
  auto b = Generate(options, 300);
  options.seed = 2;
  auto c = Generate(options, 300);
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].value, b[i].value);
    differ += a[i].value != c[i].value;
  }
  EXPECT_GT(differ, 250);
}

TEST(ChangeEventsTest, OptionsAreChecked) {
  ChangeEventOptions options;
  options.keys = 0;
  EXPECT_FALSE(ChangeEventGenerator::Make(options).ok());
  options.keys = 5;
  options.bad_rate = 1.5;
  EXPECT_FALSE(ChangeEventGenerator::Make(options).ok());
  EXPECT_FALSE(testing::ParseChangeEventFormat("avro").ok());
  EXPECT_EQ(*testing::ParseChangeEventFormat("debezium-envelope"),
            ChangeEventFormat::kDebeziumEnvelope);
}

class ChangeEventsStreamTest : public ::testing::TestWithParam<ChangeEventFormat> {};

TEST_P(ChangeEventsStreamTest, StreamAccountsForEveryMessage) {
  const auto mapping = ExampleMapping();
  auto schema = mapping.TableSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ChangeEventOptions options;
  options.format = GetParam();
  options.keys = 40;
  options.bad_rate = 0.05;
  options.tombstones = true;
  options.seed = 7;
  auto gen = *ChangeEventGenerator::Make(options);
  BatchBuilder builder(&mapping, std::make_shared<const iceberg::Schema>(*schema));
  const int64_t n = 2000;
  for (int64_t i = 0; i < n; ++i) {
    auto m = gen->Next();
    KafkaMessage message;
    message.topic = "rides";
    message.offset = i;
    message.key = m.key;
    message.value = m.value;
    builder.Add(message);
  }
  auto batch = builder.Finish();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  const auto& s = gen->summary();
  EXPECT_EQ(s.messages, n);
  EXPECT_GT(s.tombstones, 0);
  EXPECT_EQ(s.bad_by_kind.size(), 3u);  // every kind dealt
  const int64_t rows = batch->rows ? batch->rows->num_rows() : 0;
  EXPECT_EQ(rows + static_cast<int64_t>(batch->dead_letters.size()) + batch->tombstones, n);
  EXPECT_EQ(batch->tombstones, s.tombstones);
  EXPECT_EQ(batch->dead_letters_by_reason, s.bad_by_kind);
  for (const auto& letter : batch->dead_letters) EXPECT_FALSE(letter.error.empty());

  // Replay the rows in order, keyed by id: the rides left are the ones the generator keeps.
  auto table = batch->rows->CombineChunksToBatch().ValueOrDie();
  auto ids = std::static_pointer_cast<arrow::Int64Array>(table->GetColumnByName("id"));
  auto op = std::static_pointer_cast<arrow::StringArray>(table->GetColumnByName("op"));
  auto deleted = std::static_pointer_cast<arrow::BooleanArray>(table->GetColumnByName("deleted"));
  auto value =
      std::static_pointer_cast<arrow::DoubleArray>(table->GetColumnByName("booking_value"));
  std::map<std::string, int64_t> ops;
  std::set<int64_t> live;
  for (int64_t i = 0; i < table->num_rows(); ++i) {
    ++ops[op->GetString(i)];
    EXPECT_EQ(deleted->Value(i), op->GetString(i) == "d");
    EXPECT_GE(value->Value(i), 50.0);
    EXPECT_EQ(batch->deletes[i], deleted->Value(i));
    if (deleted->Value(i)) {
      EXPECT_TRUE(live.erase(ids->Value(i))) << "a delete of a ride not live: " << ids->Value(i);
    } else if (op->GetString(i) == "u") {
      EXPECT_TRUE(live.count(ids->Value(i))) << "an update of a ride not live: " << ids->Value(i);
    } else {
      EXPECT_TRUE(live.insert(ids->Value(i)).second) << "a create of a live ride";
    }
  }
  EXPECT_EQ(ops, s.ops);
  EXPECT_EQ(static_cast<int64_t>(live.size()), s.live_keys);
  for (const char* o : {"c", "u", "d", "r"}) EXPECT_GT(ops[o], 0) << o;
}

INSTANTIATE_TEST_SUITE_P(Formats, ChangeEventsStreamTest,
                         ::testing::Values(ChangeEventFormat::kDebeziumFlat,
                                           ChangeEventFormat::kDebeziumEnvelope));

}  // namespace
}  // namespace floe::stream
