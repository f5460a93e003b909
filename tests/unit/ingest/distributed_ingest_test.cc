// The distributed ingest in one process: a coordinator's shards read by ReadShard (as Ray tasks
// would read them) and committed once, against RunIngest on the same corpus.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/ingest/distributed_ingest.h"
#include "floe/ingest/ingest_tables.h"
#include "floe/testing/corpus_generator.h"
#include "ingest_test_util.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

class DistributedIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::floe::testing::CorpusOptions corpus;
    corpus.output = (dir_ / "corpus").string();
    corpus.seed = 11;
    corpus.apps = 3;
    corpus.records_per_pod = 60;
    corpus.bad_line_rate = 0.05;
    corpus.gzip_share = 0.3;
    auto summary = ::floe::testing::GenerateCorpus(corpus);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    summary_ = *summary;
  }

  std::shared_ptr<catalog::Catalog> Catalog(const std::string& name) {
    catalog::CatalogOptions options;
    options.warehouse = (dir_ / name).string();
    auto catalog = catalog::OpenCatalog(options);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? std::shared_ptr<catalog::Catalog>(std::move(*catalog)) : nullptr;
  }

  IngestOptions Options() const {
    IngestOptions options;
    options.source = (dir_ / "corpus").string();
    options.table = *iceberg::TableIdentifier::Parse("logs.spark");
    options.threads = 2;
    return options;
  }

  // Every shard read once, the results handed over last shard first.
  static void ReadAll(catalog::Catalog& catalog, IngestCoordinator& coordinator) {
    const auto& shards = coordinator.shards();
    for (size_t s = shards.size(); s-- > 0;) {
      auto result = ReadShard(catalog, shards[s], ShardReadOptions{});
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      ASSERT_TRUE(coordinator.AddShardResult(*result).ok());
    }
  }

  // Files below the data table's data folder that its metadata does not reference.
  static std::set<std::string> Unreferenced(catalog::Catalog& catalog, const fs::path& data) {
    auto table = catalog.LoadTable(*iceberg::TableIdentifier::Parse("logs.spark"));
    EXPECT_TRUE(table.ok());
    auto reachable = iceberg::ListReachableFiles(*(*table)->io(), (*table)->state());
    EXPECT_TRUE(reachable.ok());
    std::set<std::string> referenced;
    for (const auto& f : reachable->All()) referenced.insert(fs::path(f).filename().string());
    std::set<std::string> left;
    for (const auto& e : fs::recursive_directory_iterator(data)) {
      if (e.is_regular_file() && !referenced.count(e.path().filename().string())) {
        left.insert(e.path().string());
      }
    }
    return left;
  }

  testing::ScratchDir scratch_{"floe_distributed_ingest_test"};
  const fs::path& dir_ = scratch_.path();
  ::floe::testing::CorpusSummary summary_;
};

TEST_F(DistributedIngestTest, ShardsCommittedOnceAddWhatOneRunAdds) {
  auto single = Catalog("single");
  auto single_report = RunIngest(*single, Options());
  ASSERT_TRUE(single_report.ok()) << single_report.status().ToString();

  auto catalog = Catalog("shards");
  auto coordinator = IngestCoordinator::Start(*catalog, Options(), 4);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
  EXPECT_EQ((*coordinator)->shards().size(), 4u);
  ReadAll(*catalog, **coordinator);
  auto report = (*coordinator)->Commit();
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  EXPECT_EQ(report->records, summary_.good_lines);
  EXPECT_EQ(report->records, single_report->records);
  EXPECT_EQ(report->rejects, single_report->rejects);
  EXPECT_EQ(report->rejects_by_reason, single_report->rejects_by_reason);
  EXPECT_EQ(report->files, summary_.files);
  EXPECT_EQ(report->bytes, single_report->bytes);
  ASSERT_EQ(report->folders.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(report->folders[i].name, single_report->folders[i].name);
    EXPECT_EQ(report->folders[i].status, "SUCCESS");
    EXPECT_EQ(report->folders[i].records, single_report->folders[i].records);
  }
  EXPECT_EQ(report->commits, 3);  // data, rejects, processing metadata: one batch
  EXPECT_EQ(report->swept_files, 0);
  auto data = catalog->LoadTable(*iceberg::TableIdentifier::Parse("logs.spark"));
  ASSERT_TRUE(data.ok());
  EXPECT_EQ((*data)->metadata().snapshots.size(), 1u);

  // The batch record is the CLI's: a later run, distributed or not, finds nothing new.
  auto again = IngestCoordinator::Start(*catalog, Options(), 4);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->shards().empty());
  auto rerun = RunIngest(*catalog, Options());
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->records, 0);
  EXPECT_EQ(rerun->commits, 0);
}

TEST_F(DistributedIngestTest, FilesOfAnAbandonedAttemptAreRemovedAfterTheCommit) {
  auto catalog = Catalog("warehouse");
  auto coordinator = IngestCoordinator::Start(*catalog, Options(), 2);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
  ASSERT_EQ((*coordinator)->shards().size(), 2u);
  // A first attempt at shard 0 whose result never arrives (its worker died).
  auto lost = ReadShard(*catalog, (*coordinator)->shards()[0], ShardReadOptions{});
  ASSERT_TRUE(lost.ok()) << lost.status().ToString();
  const fs::path data = dir_ / "warehouse" / "logs.db" / "spark" / "data";
  EXPECT_FALSE(Unreferenced(*catalog, data).empty());
  ReadAll(*catalog, **coordinator);
  auto report = (*coordinator)->Commit();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, summary_.good_lines);
  EXPECT_GT(report->swept_files, 0);
  EXPECT_EQ(Unreferenced(*catalog, data), std::set<std::string>{});
}

TEST_F(DistributedIngestTest, ResultsAreCheckedAndAnAbortLeavesNothing) {
  auto catalog = Catalog("warehouse");
  auto coordinator = IngestCoordinator::Start(*catalog, Options(), 2);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
  auto& c = **coordinator;
  auto first = ReadShard(*catalog, c.shards()[0], ShardReadOptions{});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(c.AddShardResult(*first).ok());
  auto twice = c.AddShardResult(*first);
  EXPECT_TRUE(twice.IsInvalid());
  EXPECT_NE(twice.message().find("has a result already"), std::string::npos) << twice.message();
  EXPECT_TRUE(c.AddShardResult("{}").IsInvalid());
  EXPECT_TRUE(c.AddShardResult("not json").IsInvalid());
  auto missing = c.Commit();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("shard 1 has no result"), std::string::npos);
  EXPECT_TRUE(ReadShard(*catalog, "{\"format\":\"something else\"}", ShardReadOptions{})
                  .status()
                  .IsInvalid());

  // Another run's result is not this run's.
  auto other = IngestCoordinator::Start(*catalog, Options(), 2);
  ASSERT_TRUE(other.ok());
  auto foreign = ReadShard(*catalog, (*other)->shards()[1], ShardReadOptions{});
  ASSERT_TRUE(foreign.ok());
  auto refused = c.AddShardResult(*foreign);
  EXPECT_NE(refused.message().find("another run"), std::string::npos) << refused.message();
  ASSERT_TRUE((*other)->Abort().ok());

  ASSERT_TRUE(c.Abort().ok());
  const fs::path data = dir_ / "warehouse" / "logs.db" / "spark" / "data";
  EXPECT_EQ(Unreferenced(*catalog, data), std::set<std::string>{});
  auto table = catalog->LoadTable(*iceberg::TableIdentifier::Parse("logs.spark"));
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE((*table)->metadata().snapshots.empty());
  // The next run reads everything.
  auto rerun = RunIngest(*catalog, Options());
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->records, summary_.good_lines);
}

TEST_F(DistributedIngestTest, AnIngestOfTheSameFilesCommittedMeanwhileRefusesTheCommit) {
  auto catalog = Catalog("warehouse");
  auto coordinator = IngestCoordinator::Start(*catalog, Options(), 2);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
  ReadAll(*catalog, **coordinator);
  auto cli = RunIngest(*catalog, Options());
  ASSERT_TRUE(cli.ok()) << cli.status().ToString();
  ASSERT_EQ(cli->records, summary_.good_lines);

  auto refused = (*coordinator)->Commit();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("ingested meanwhile by another run"),
            std::string::npos)
      << refused.status().ToString();
  auto table = catalog->LoadTable(*iceberg::TableIdentifier::Parse("logs.spark"));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->metadata().snapshots.size(), 1u);  // the other ingest's alone
  const fs::path data = dir_ / "warehouse" / "logs.db" / "spark" / "data";
  EXPECT_EQ(Unreferenced(*catalog, data), std::set<std::string>{});
}

TEST_F(DistributedIngestTest, ACommitWithoutAnAnswerKeepsItsFilesAndMarkerForTheNextRun) {
  // Read once per process (tests run one per process): the data commit is never applied and
  // its answer lost.
  ASSERT_EQ(::setenv("FLOE_FAILPOINT", "data-commit-unanswered", 1), 0);
  auto catalog = Catalog("warehouse");
  auto coordinator = IngestCoordinator::Start(*catalog, Options(), 2);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
  ReadAll(*catalog, **coordinator);
  auto unknown = (*coordinator)->Commit();
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(iceberg::IsCommitStateUnknown(unknown.status())) << unknown.status().ToString();
  coordinator->reset();
  // Nothing deleted, and the marker the next run finds them by (once this process is gone).
  const fs::path data = dir_ / "warehouse" / "logs.db" / "spark" / "data";
  EXPECT_FALSE(Unreferenced(*catalog, data).empty());
  int markers = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "warehouse" / "logs.db" / "spark" /
                                              "metadata" / "floe-ingest")) {
    markers += e.path().filename().string().rfind("run-", 0) == 0;
  }
  EXPECT_EQ(markers, 1);
}

}  // namespace
}  // namespace floe::ingest
