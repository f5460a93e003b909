// A batch's counts and offsets when partitions are revoked from under it.
#include "floe/stream/stream_batch.h"

#include <gtest/gtest.h>

namespace floe::stream {
namespace {

KafkaMessage Message(int32_t partition, int64_t offset, std::optional<std::string> value) {
  KafkaMessage m;
  m.topic = "t";
  m.partition = partition;
  m.offset = offset;
  m.value = std::move(value);
  return m;
}

TEST(BatchBuilderTest, RevokingSomePartitionsTakesOnlyTheirShare) {
  auto mapping = StreamMapping::Parse("columns:\n  - {name: id, path: id, type: long}\n", "m");
  ASSERT_TRUE(mapping.ok());
  auto schema = std::make_shared<const iceberg::Schema>(*mapping->TableSchema());
  BatchBuilder builder(&*mapping, schema);
  builder.Add(Message(0, 10, R"({"id": 1})"));
  builder.Add(Message(1, 20, R"({"id": 2})"));
  builder.Add(Message(1, 21, std::nullopt));  // a tombstone
  builder.Add(Message(2, 30, "not json"));
  builder.Add(Message(0, 11, R"({"id": 3})"));
  EXPECT_EQ(builder.messages(), 5);
  builder.DropPartitions({{"t", 1}, {"t", 2}});
  EXPECT_EQ(builder.messages(), 2);
  EXPECT_EQ(builder.bytes(), 18);
  EXPECT_EQ(builder.dead_letters(), 0);
  auto batch = builder.Finish();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->messages, 2);
  EXPECT_EQ(batch->tombstones, 0);
  EXPECT_EQ(batch->partitions, (std::set<TopicPartition>{{"t", 0}}));
  EXPECT_EQ(batch->next, (PartitionOffsets{{{"t", 0}, 12}}));
  ASSERT_NE(batch->rows, nullptr);
  EXPECT_EQ(batch->rows->num_rows(), 2);
}

}  // namespace
}  // namespace floe::stream
