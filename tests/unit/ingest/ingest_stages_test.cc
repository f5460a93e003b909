// The ingest stages before and after reading: the listing of app folders, the batch record,
// and the ledger that plans what to read from the committed batches.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "floe/iceberg/update/fast_append.h"
#include "floe/ingest/app_folder_source.h"
#include "floe/ingest/ingest_batch.h"
#include "floe/ingest/ingest_ledger.h"
#include "floe/ingest/ingest_tables.h"
#include "ingest_test_util.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

class IngestStagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto io = io::MakeFileIO(dir_.string());
    ASSERT_TRUE(io.ok());
    io_ = *io;
  }

  void Write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }

  testing::ScratchDir scratch_{"floe_ingest_stages_test"};
  const fs::path& dir_ = scratch_.path();
  std::shared_ptr<io::FileIO> io_;
};

TEST_F(IngestStagesTest, ListingHasOneCanonicalNameAndSkipsWhatItCannotRead) {
  const fs::path corpus = dir_ / "c200";
  const fs::path app = corpus / "spark-0123";
  Write(app / "driver" / "a.json", "{}\n");
  Write(app / "exec" / "b.json", "{}\n{}\n");
  fs::create_directory_symlink(".", app / "driver" / "loop");
  fs::create_directory_symlink("..", app / "driver" / "up");
  fs::create_symlink("a.json", app / "driver" / "again.json");
  ASSERT_EQ(::mkfifo((app / "exec" / "pipe.json").c_str(), 0600), 0);
  fs::create_directory_symlink("spark-0123", corpus / "spark-link");
  Write(corpus / "notes.txt", "not an app");

  const std::string canonical = fs::canonical(corpus).string();
  for (const std::string& spelling :
       {corpus.string(), corpus.string() + "//", (dir_ / "." / "c200").string(),
        (corpus / ".." / "c200").string()}) {
    auto folders = ListAppFolders(*io_, spelling);
    ASSERT_TRUE(folders.ok()) << folders.status().ToString();
    ASSERT_EQ(folders->size(), 2u) << spelling;
    const AppFolder& f = (*folders)[0];
    EXPECT_EQ(f.name, "spark-0123");
    EXPECT_EQ(f.location, canonical + "/spark-0123");
    ASSERT_EQ(f.files.size(), 2u);
    // a.json comes first by name; again.json is the same file by identity, skipped.
    EXPECT_EQ(f.files[0].location, canonical + "/spark-0123/driver/a.json");
    EXPECT_EQ(f.files[0].identity, canonical + "/spark-0123/driver/a.json");
    EXPECT_EQ(f.files[1].identity, canonical + "/spark-0123/exec/b.json");
    EXPECT_EQ(f.files[1].size, 6);
    std::map<std::string, std::string> skipped;
    for (const auto& s : f.skipped) skipped[fs::path(s.location).filename().string()] = s.reason;
    EXPECT_EQ(skipped.size(), 4u);
    EXPECT_EQ(skipped["again.json"], "same file as " + canonical + "/spark-0123/driver/a.json");
    EXPECT_EQ(skipped["loop"], "symlink to a folder (not followed)");
    EXPECT_EQ(skipped["up"], "symlink to a folder (not followed)");
    EXPECT_EQ(skipped["pipe.json"], "named pipe (FIFO)");
    const AppFolder& link = (*folders)[1];
    EXPECT_EQ(link.name, "spark-link");
    EXPECT_TRUE(link.files.empty());
    ASSERT_EQ(link.skipped.size(), 1u);
    EXPECT_EQ(link.skipped[0].reason, "symlink to a folder (not followed)");
  }
  EXPECT_FALSE(ListAppFolders(*io_, (dir_ / "missing").string()).ok());
}

TEST_F(IngestStagesTest, BatchRecordRoundTripsAndReadsOlderRecords) {
  IngestBatch batch;
  batch.batch_id = "job-0";
  batch.job_id = "job";
  batch.folders.push_back(FolderResult{"spark-1", "/s/spark-1", "SUCCESS", 3, 1, "", 10, 20});
  BatchFile f;
  f.folder = "spark-1";
  f.file = SourceFile{"/s/spark-1/link.json", "/s/spark-1/a.json", 120, 777};
  f.start = 40;
  f.rejected_tail_start = 100;
  f.rejected_tail_crc64 = 0x1111222233334444ull;
  f.crc64 = 0x0123456789abcdefull;
  f.start_crc64 = 0xfedcba9876543210ull;
  f.first_line = 3;
  f.last_line = 9;
  f.at_line_start = false;
  f.compression = "gzip";
  f.reingested = true;
  f.records = 5;
  f.rejects = 1;
  batch.files.push_back(f);
  auto back = IngestBatch::FromJson(batch.ToJson(), "record.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->files.size(), 1u);
  const BatchFile& g = back->files[0];
  EXPECT_EQ(g.file.location, f.file.location);
  EXPECT_EQ(g.file.identity, f.file.identity);
  EXPECT_EQ(g.file.size, 120);
  EXPECT_EQ(g.file.mtime_ns, 777);
  EXPECT_EQ(g.start, 40);
  EXPECT_EQ(g.rejected_tail_start, 100);
  EXPECT_EQ(g.rejected_tail_crc64, 0x1111222233334444ull);
  EXPECT_TRUE(g.has_crc);
  EXPECT_EQ(g.crc64, f.crc64);
  EXPECT_EQ(g.start_crc64, f.start_crc64);
  EXPECT_EQ(g.first_line, 3);
  EXPECT_EQ(g.last_line, 9);
  EXPECT_FALSE(g.at_line_start);
  EXPECT_EQ(g.compression, "gzip");
  EXPECT_TRUE(g.reingested);
  EXPECT_EQ(g.records, 5);
  EXPECT_EQ(g.rejects, 1);
  EXPECT_EQ(back->total_rejects(), 1);

  // A record from before checksums: files known by location, nothing to verify them with.
  auto old = IngestBatch::FromJson(
      R"({"batch-id":"b","job-id":"j","folders":[],"files":[{"folder":"spark-1",)"
      R"("location":"c200/spark-1/a.json","size":10,"mtime-ns":5,"records":1,"rejects":0}]})",
      "old.json");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->files[0].file.identity, "c200/spark-1/a.json");
  EXPECT_FALSE(old->files[0].has_crc);
  EXPECT_EQ(old->files[0].rejected_tail_start, -1);

  EXPECT_FALSE(IngestBatch::FromJson("[]", "x.json").ok());
  EXPECT_FALSE(
      IngestBatch::FromJson(R"({"batch-id":"b","folders":[],"files":[{"crc64":"xyz"}]})", "y.json")
          .ok());
}

// A ledger over real tables with one committed batch plans each kind of change.
TEST_F(IngestStagesTest, LedgerPlansFromTheCommittedBatches) {
  catalog::CatalogOptions options;
  options.warehouse = (dir_ / "warehouse").string();
  auto catalog = catalog::OpenCatalog(options);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto id = iceberg::TableIdentifier::Parse("logs.spark");
  ASSERT_TRUE(id.ok());
  auto tables = OpenIngestTables(**catalog, *id, "", /*rejects=*/true);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();

  auto empty = IngestLedger::Load(*tables);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  const SourceFile fresh{"/s/spark-1/new.json", "/s/spark-1/new.json", 50, 1};
  FilePlan plan = empty->Plan(fresh);
  EXPECT_EQ(plan.action, FilePlan::Action::kRead);
  EXPECT_EQ(plan.read.start, 0);
  EXPECT_EQ(plan.read.end, 50);
  EXPECT_FALSE(plan.earlier.has_value());

  IngestBatch batch;
  batch.batch_id = "job-0";
  batch.job_id = "job";
  BatchFile a;
  a.folder = "spark-1";
  a.file = SourceFile{"/s/spark-1/a.json", "/s/spark-1/a.json", 100, 1000};
  a.crc64 = 42;
  a.last_line = 7;
  BatchFile b = a;  // its unterminated last line, from byte 80 on, was rejected
  b.file = SourceFile{"/s/spark-1/b.json", "/s/spark-1/b.json", 100, 2000};
  b.at_line_start = false;
  b.rejected_tail_start = 80;
  b.rejected_tail_crc64 = 77;
  BatchFile z = a;  // ended in the middle of a line (a valid record without "\n")
  z.file = SourceFile{"/s/spark-1/z.json.gz", "/s/spark-1/z.json.gz", 60, 3000};
  z.at_line_start = false;
  z.compression = "gzip";
  batch.files = {a, b, z};
  const std::string location =
      (dir_ / "warehouse" / "logs" / "spark" / "metadata" / "floe-ingest" / "job-0.json").string();
  ASSERT_TRUE(io_->WriteAll(location, batch.ToJson()).ok());
  iceberg::FastAppend append(tables->data);
  append.SetSummary(kSummaryBatchId, batch.batch_id);
  append.SetSummary(kSummaryBatchFile, location);
  append.AllowEmpty();
  ASSERT_TRUE(append.Commit().ok());
  ASSERT_TRUE(tables->data->Refresh().ok());

  auto ledger = IngestLedger::Load(*tables);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  ASSERT_NE(ledger->Find("/s/spark-1/a.json"), nullptr);
  EXPECT_EQ(ledger->Find("/s/spark-1/other.json"), nullptr);
  EXPECT_EQ(ledger->committed_jobs(), std::set<std::string>{"job"});
  EXPECT_EQ(ledger->missing_metadata().size(), 1u);  // only the data commit was made here

  auto plan_of = [&](SourceFile f) { return ledger->Plan(f); };
  // Unchanged: not read.
  EXPECT_EQ(plan_of(a.file).action, FilePlan::Action::kSkip);
  // Touched: the whole prefix is checked, nothing after it.
  SourceFile touched = a.file;
  touched.mtime_ns = 1001;
  plan = plan_of(touched);
  EXPECT_EQ(plan.action, FilePlan::Action::kRead);
  EXPECT_EQ(plan.read.start, 100);
  EXPECT_EQ(plan.read.end, 100);
  EXPECT_EQ(plan.read.prefix_crc, 42u);
  // Grown: the new bytes, numbered on.
  SourceFile grown = a.file;
  grown.size = 130;
  grown.mtime_ns = 1002;
  plan = plan_of(grown);
  EXPECT_EQ(plan.action, FilePlan::Action::kRead);
  EXPECT_EQ(plan.read.start, 100);
  EXPECT_EQ(plan.read.end, 130);
  EXPECT_EQ(plan.read.first_line, 8);
  // Shrunk: changed, not read.
  SourceFile shrunk = a.file;
  shrunk.size = 99;
  EXPECT_EQ(plan_of(shrunk).action, FilePlan::Action::kChanged);
  // A rejected unterminated last line, the file as it was left: not read again.
  EXPECT_EQ(plan_of(b.file).action, FilePlan::Action::kSkip);
  // ... and the file grown: read again from the start of that line, under its number.
  SourceFile held = b.file;
  held.size = 130;
  held.mtime_ns = 2001;
  plan = plan_of(held);
  EXPECT_EQ(plan.action, FilePlan::Action::kRead);
  EXPECT_EQ(plan.read.start, 80);
  EXPECT_EQ(plan.read.prefix_crc, 77u);
  EXPECT_EQ(plan.read.first_line, 7);
  EXPECT_EQ(plan.read.end, 130);
  // Ended inside a line: appended bytes continue that line's number; the format is known.
  SourceFile z_grown = z.file;
  z_grown.size = 90;
  z_grown.mtime_ns = 3001;
  plan = plan_of(z_grown);
  EXPECT_EQ(plan.read.first_line, 7);
  EXPECT_EQ(plan.read.compression, Compression::kGzip);
}

}  // namespace
}  // namespace floe::ingest
