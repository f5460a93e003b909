// Offsets in the snapshot summary, and the commit of stream batches: data and dead letters
// with their offsets, replays after a crash between the two tables, and the refusal of a
// batch whose partitions another consumer committed meanwhile.
#include "floe/stream/stream_commit.h"

#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/stream/stream_run.h"
#include "floe/util/uuid.h"
#include "stream_test_util.h"

namespace floe::stream {
namespace {

TEST(StreamOffsetsTest, EncodeDecode) {
  PartitionOffsets offsets = {{{"rides", 0}, 12}, {{"rides", 2}, 7}, {{"a.b", 1}, 0}};
  auto text = EncodeOffsets(offsets);
  EXPECT_EQ(text, R"({"a.b":{"1":0},"rides":{"0":12,"2":7}})");
  auto back = DecodeOffsets(text, "s");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, offsets);
  EXPECT_FALSE(DecodeOffsets(R"({"t":{"x":1}})", "s").ok());
  EXPECT_FALSE(DecodeOffsets(R"({"t":{"0":-1}})", "s").ok());
  EXPECT_FALSE(DecodeOffsets("[]", "snapshot 5").ok());
  EXPECT_EQ(OffsetsSummaryKey("s1"), "floe.stream.s1.offsets");
}

class StreamCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("floe-stream-" + util::RandomUuid());
    catalog_ = *catalog::SqlCatalog::Open(dir_.string(), "", "default");
    auto mapping = StreamMapping::Parse(R"(
columns:
  - {name: id, path: id, type: long}
  - {name: v, path: v, type: string}
key: id
)",
                                        "m");
    ASSERT_TRUE(mapping.ok());
    options_.mapping = *mapping;
    options_.table = {{"db"}, "t"};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<StreamCommitter> Committer(StreamMode mode = StreamMode::kAppend) {
    options_.mode = mode;
    auto tables = OpenStreamTables(*catalog_, options_);
    EXPECT_TRUE(tables.ok()) << tables.status().ToString();
    auto c = std::make_unique<StreamCommitter>(tables->first, tables->second, "s1", mode);
    EXPECT_TRUE(c->Refresh().ok());
    schema_ = tables->first->metadata().CurrentSchema();
    return c;
  }

  StreamBatch Batch(int32_t partition, int64_t first, const std::vector<std::string>& values) {
    return BatchOf(&options_.mapping, schema_, partition, first, values);
  }

  std::vector<std::string> Rows(const iceberg::TableIdentifier& id) {
    auto table = *catalog_->LoadTable(id);
    auto scan = iceberg::TableScan::Make(*table, {});
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    auto rows = scan->ToArrowTable();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    auto combined = *(*rows)->CombineChunksToBatch();
    for (int64_t i = 0; i < combined->num_rows(); ++i) {
      std::string row;
      for (int c = 0; c < combined->num_columns(); ++c) {
        auto s = *combined->column(c)->GetScalar(i);
        row += (c ? "|" : "") + s->ToString();
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  PartitionOffsets Offsets(const iceberg::TableIdentifier& id) {
    auto table = *catalog_->LoadTable(id);
    return *CommittedOffsets(table->metadata(), "s1");
  }

  std::filesystem::path dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  StreamOptions options_;
  std::shared_ptr<const iceberg::Schema> schema_;
};

// A dead-letter table made before `headers` existed gets the column, and takes headers.
TEST_F(StreamCommitTest, OlderDeadLetterTableGetsHeaders) {
  const auto& all = DeadLetterSchema()->fields();
  catalog::CreateTableRequest request;
  request.schema = iceberg::Schema(0, {all.begin(), all.end() - 1});
  request.spec = iceberg::PartitionSpec::Unpartitioned();
  ASSERT_TRUE(catalog_->CreateNamespace(options_.table.ns, {}).ok());
  auto created = catalog_->CreateTable(DeadLetterTableId(options_.table), request);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto c = Committer();
  auto dlq = *catalog_->LoadTable(DeadLetterTableId(options_.table));
  const auto* headers = dlq->metadata().CurrentSchema()->FindFieldByName("headers");
  ASSERT_NE(headers, nullptr);
  EXPECT_EQ(headers->type->ToString(), "map<string, binary>");
  EXPECT_FALSE(headers->required);
  auto batch = Batch(0, 0, {"not json"});
  batch.dead_letters[0].headers = {{"h", "v"}};
  auto result = c->Commit(std::move(batch));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->dead_letters, 1);
  // Opening again finds the column there and changes nothing.
  const auto schemas = dlq->metadata().schemas.size();
  Committer();
  ASSERT_TRUE(dlq->Refresh().ok());
  EXPECT_EQ(dlq->metadata().schemas.size(), schemas);
}

TEST_F(StreamCommitTest, CommitsRowsDeadLettersAndOffsets) {
  auto c = Committer();
  auto result = c->Commit(Batch(
      0, 0, {R"({"id": 1, "v": "a"})", "not json", R"({"id": "x"})", R"({"id": 2, "v": "b"})"}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->committed);
  EXPECT_EQ(result->rows, 2);
  EXPECT_EQ(result->dead_letters, 2);
  EXPECT_EQ(Rows(options_.table), (std::vector<std::string>{"1|a", "2|b"}));
  PartitionOffsets expected = {{{"rides", 0}, 4}};
  EXPECT_EQ(Offsets(options_.table), expected);
  EXPECT_EQ(Offsets(DeadLetterTableId(options_.table)), expected);
  auto summary = result->snapshot->summary;
  EXPECT_EQ(summary["floe.stream.s1.dead-letters.invalid-json"], "1");
  EXPECT_EQ(summary["floe.stream.s1.dead-letters.cast-failed"], "1");
  EXPECT_EQ(summary["floe.stream.s1.messages"], "4");
  EXPECT_EQ(Rows(DeadLetterTableId(options_.table)).size(), 2u);
}

TEST_F(StreamCommitTest, RefusesABatchWhosePartitionsMovedOn) {
  auto first = Committer();
  auto zombie = Committer();  // loaded the same offsets: none
  ASSERT_TRUE(first->Commit(Batch(0, 0, {R"({"id": 1})", "bad"})).ValueOrDie().committed);
  auto refused = zombie->Commit(Batch(0, 0, {R"({"id": 1})", "bad"}));
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->committed);
  EXPECT_NE(refused->refused_reason.find("rides[0]"), std::string::npos);
  EXPECT_EQ(Rows(options_.table).size(), 1u);
  EXPECT_EQ(Rows(DeadLetterTableId(options_.table)).size(), 1u);
  // Another partition is still the zombie's to commit, and keeps partition 0's offsets.
  auto other = zombie->Commit(Batch(1, 5, {R"({"id": 9})"}));
  ASSERT_TRUE(other.ok() && other->committed) << other.status().ToString();
  PartitionOffsets expected = {{{"rides", 0}, 2}, {{"rides", 1}, 6}};
  EXPECT_EQ(Offsets(options_.table), expected);
  auto states = *StreamStates((*catalog_->LoadTable(options_.table))->metadata());
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].stream_id, "s1");
  EXPECT_EQ(states[0].offsets, expected);
  EXPECT_EQ(states[0].snapshot_id, other->snapshot->snapshot_id);
  // Once refreshed it continues where the table is.
  ASSERT_TRUE(zombie->Refresh().ok());
  EXPECT_EQ(zombie->committed(), expected);
  EXPECT_TRUE(zombie->Commit(Batch(0, 2, {R"({"id": 3})"})).ValueOrDie().committed);
}

// A crash after the dead letters committed and before the data did: the replayed batch
// writes its rows and only the dead letters the dead-letter table does not hold yet.
TEST_F(StreamCommitTest, ReplayAfterCrashBetweenTablesWritesEachLetterOnce) {
  auto real = Committer();
  // The crashed process: its dead letters reached the real dead-letter table, its data commit
  // never reached the data table (here it went to a scratch table instead).
  StreamOptions scratch_options = options_;
  scratch_options.table = {{"db"}, "scratch"};
  auto scratch = *OpenStreamTables(*catalog_, scratch_options);
  auto dlq = *catalog_->LoadTable(DeadLetterTableId(options_.table));
  StreamCommitter crashed(scratch.first, dlq, "s1", StreamMode::kAppend);
  ASSERT_TRUE(crashed.Refresh().ok());
  ASSERT_TRUE(
      crashed.Commit(Batch(0, 0, {"bad-1", R"({"id": 1})", "bad-2"})).ValueOrDie().committed);
  EXPECT_TRUE(Offsets(options_.table).empty());
  // The restart reads from the data table's offsets (none) with a longer batch.
  ASSERT_TRUE(real->Refresh().ok());
  auto replay = real->Commit(Batch(0, 0, {"bad-1", R"({"id": 1})", "bad-2", "bad-3"}));
  ASSERT_TRUE(replay.ok() && replay->committed) << replay.status().ToString();
  EXPECT_EQ(replay->dead_letters, 1);  // only bad-3 is new
  EXPECT_EQ(Rows(options_.table).size(), 1u);
  auto letters = Rows(DeadLetterTableId(options_.table));
  ASSERT_EQ(letters.size(), 3u);
  PartitionOffsets expected = {{{"rides", 0}, 4}};
  EXPECT_EQ(Offsets(options_.table), expected);
  EXPECT_EQ(Offsets(DeadLetterTableId(options_.table)), expected);
}

TEST_F(StreamCommitTest, UpsertKeepsTheLastStatePerKeyAndDeletes) {
  auto c = Committer(StreamMode::kUpsert);
  ASSERT_TRUE(
      c->Commit(Batch(0, 0,
                      {R"({"id": 1, "v": "a", "__op": "c"})", R"({"id": 2, "v": "b", "__op": "c"})",
                       R"({"id": 1, "v": "a2", "__op": "u"})"}))
          .ValueOrDie()
          .committed);
  EXPECT_EQ(Rows(options_.table), (std::vector<std::string>{"1|a2", "2|b"}));
  ASSERT_TRUE(c->Commit(Batch(0, 3,
                              {R"({"before": {"id": 2, "v": "b"}, "after": null, "op": "d"})",
                               R"({"id": 3, "v": "c", "__op": "c"})"}))
                  .ValueOrDie()
                  .committed);
  EXPECT_EQ(Rows(options_.table), (std::vector<std::string>{"1|a2", "3|c"}));
}

}  // namespace
}  // namespace floe::stream
