// The ingest ledger checkpoint: its file keeps every field of the entries it folds, and an
// expiry of a batch record no checkpoint covers is refused.
#include "floe/ingest/ledger_checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "floe/io/file_io.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

BatchFile Entry(const std::string& identity, int64_t size) {
  BatchFile f;
  f.folder = "spark-1";
  f.file.location = "/src/spark-1/" + identity;
  f.file.identity = identity;
  f.file.size = size;
  f.file.mtime_ns = 1234567;
  f.start = 10;
  f.crc64 = 0x0123456789abcdefULL;
  f.start_crc64 = 0xfedcba9876543210ULL;
  f.first_line = 3;
  f.last_line = 9;
  f.at_line_start = false;
  f.compression = "gzip";
  f.rejected_tail_start = 40;
  f.rejected_tail_crc64 = 42;
  f.records = 6;
  f.rejects = 1;
  return f;
}

TEST(LedgerCheckpointTest, RoundTripsEveryField) {
  LedgerCheckpoint checkpoint;
  checkpoint.files = {Entry("a.json", 100), Entry("b.json", 200)};
  checkpoint.committed_jobs = {"job-1", "job-2"};
  checkpoint.covered_batches = {"b-1", "b-2", "b-3"};
  auto back = LedgerCheckpoint::FromJson(checkpoint.ToJson(), "c.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->committed_jobs, checkpoint.committed_jobs);
  EXPECT_EQ(back->covered_batches, checkpoint.covered_batches);
  ASSERT_EQ(back->files.size(), 2u);
  const BatchFile& f = back->files[1];
  const BatchFile want = Entry("b.json", 200);
  EXPECT_EQ(f.file.identity, want.file.identity);
  EXPECT_EQ(f.file.size, want.file.size);
  EXPECT_EQ(f.file.mtime_ns, want.file.mtime_ns);
  EXPECT_EQ(f.crc64, want.crc64);
  EXPECT_EQ(f.start_crc64, want.start_crc64);
  EXPECT_EQ(f.last_line, want.last_line);
  EXPECT_EQ(f.at_line_start, want.at_line_start);
  EXPECT_EQ(f.compression, want.compression);
  EXPECT_EQ(f.rejected_tail_start, want.rejected_tail_start);
  EXPECT_EQ(f.rejected_tail_crc64, want.rejected_tail_crc64);

  auto bad = LedgerCheckpoint::FromJson(R"({"batch-id": "x", "folders": [], "files": []})", "c");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ingest ledger checkpoint c: missing"), std::string::npos)
      << bad.status().ToString();
}

TEST(LedgerCheckpointTest, ExpiryOfAnUncoveredBatchRecordIsRefused) {
  fs::path dir =
      fs::temp_directory_path() / ("floe_ckpt_" + std::to_string(std::random_device{}()));
  auto io = *io::MakeFileIO(dir.string());
  iceberg::TableMetadata md;
  for (int64_t id : {1, 2, 3}) {
    iceberg::Snapshot s;
    s.snapshot_id = id;
    s.summary = {{kSummaryBatchId, "b-" + std::to_string(id)},
                 {kSummaryBatchFile, "/t/metadata/floe-ingest/floe-b-" + std::to_string(id)}};
    md.snapshots.push_back(s);
  }
  iceberg::Snapshot compaction;  // no batch record
  compaction.snapshot_id = 4;
  md.snapshots.push_back(compaction);
  // No checkpoint yet: nothing with a batch record may expire.
  EXPECT_TRUE(CheckExpiryKeepsLedger(*io, md, {4}).ok());
  EXPECT_FALSE(CheckExpiryKeepsLedger(*io, md, {1}).ok());

  LedgerCheckpoint checkpoint;
  checkpoint.covered_batches = {"b-1", "b-2"};
  const std::string location = (dir / "ckpt.json").string();
  ASSERT_TRUE(io->WriteAll(location, checkpoint.ToJson()).ok());
  md.properties[kLedgerCheckpointProperty] = location;
  EXPECT_TRUE(CheckExpiryKeepsLedger(*io, md, {1, 2, 4}).ok());
  auto refused = CheckExpiryKeepsLedger(*io, md, {2, 3});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("b-3"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace floe::ingest
