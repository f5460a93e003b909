// Snapshot expiry: which snapshots and refs go (Java's RemoveSnapshots rules, checked on
// hand-made histories), and that the commit deletes exactly the files no remaining snapshot
// reaches — over random histories of appends, overwrites, branches and tags, every remaining
// snapshot reads the same rows after expiry as before.
#include "floe/iceberg/update/expire_snapshots.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "../table/local_table_operations.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/maintenance/remove_orphan_files.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/manage_snapshots.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/iceberg/update/rewrite_manifests.h"
#include "floe/iceberg/update/update_properties.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDay = 24LL * 60 * 60 * 1000;

SnapshotRef Ref(int64_t snapshot_id, SnapshotRefType type = SnapshotRefType::kBranch) {
  SnapshotRef ref;
  ref.snapshot_id = snapshot_id;
  ref.type = type;
  return ref;
}

// A history of snapshots 1..n, one a day, each the child of the one before.
TableMetadata Linear(int n, int64_t now) {
  TableMetadata md;
  for (int i = 1; i <= n; ++i) {
    Snapshot s;
    s.snapshot_id = i;
    if (i > 1) s.parent_snapshot_id = i - 1;
    s.sequence_number = i;
    s.timestamp_ms = now - (n - i + 1) * kDay;
    md.snapshots.push_back(s);
  }
  md.current_snapshot_id = n;
  md.refs[kMainBranch] = Ref(n);
  return md;
}

std::vector<int64_t> Expired(const TableMetadata& md, const ExpireOptions& options, int64_t now) {
  auto selected = SelectExpiredSnapshots(md, options, now);
  EXPECT_TRUE(selected.ok()) << selected.status().ToString();
  return selected.ok() ? selected->snapshot_ids : std::vector<int64_t>{};
}

TEST(SelectExpiredSnapshotsTest, DefaultsComeFromTheTablePropertiesAsInJava) {
  const int64_t now = 100 * kDay;
  TableMetadata md = Linear(8, now);  // snapshot i is 9-i days old
  // Default: older than 5 days expire, at least one stays.
  EXPECT_EQ(Expired(md, {}, now), (std::vector<int64_t>{1, 2, 3}));
  md.properties[property::kMaxSnapshotAgeMs] = std::to_string(2 * kDay);
  EXPECT_EQ(Expired(md, {}, now), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  md.properties[property::kMinSnapshotsToKeep] = "4";
  EXPECT_EQ(Expired(md, {}, now), (std::vector<int64_t>{1, 2, 3, 4}));
  // Options win over the properties.
  ExpireOptions options;
  options.older_than_ms = now;  // everything is older
  options.retain_last = 2;
  EXPECT_EQ(Expired(md, options, now), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  options.retain_last = 1;
  EXPECT_EQ(Expired(md, options, now), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  options.retain_last = 0;
  EXPECT_FALSE(SelectExpiredSnapshots(md, options, now).ok());
  md.properties[property::kMaxSnapshotAgeMs] = "five days";
  auto bad = SelectExpiredSnapshots(md, {}, now);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(property::kMaxSnapshotAgeMs), std::string::npos);
}

TEST(SelectExpiredSnapshotsTest, BranchesAndTagsKeepTheirSnapshotsUntilTheyAgeOut) {
  const int64_t now = 100 * kDay;
  TableMetadata md = Linear(6, now);  // main: 1..6, 6..1 days old
  // A branch forked at 3 with its own two snapshots 7, 8 (4 and 3 days old).
  for (int64_t id : {7, 8}) {
    Snapshot s;
    s.snapshot_id = id;
    s.parent_snapshot_id = id == 7 ? 3 : 7;
    s.sequence_number = id;
    s.timestamp_ms = now - (11 - id) * kDay;
    md.snapshots.push_back(s);
  }
  SnapshotRef audit = Ref(8);
  audit.min_snapshots_to_keep = 3;  // keeps 8, 7 and 3
  md.refs["audit"] = audit;
  SnapshotRef tag = Ref(2, SnapshotRefType::kTag);
  md.refs["v1"] = tag;  // keeps 2 while the tag lives
  SnapshotRef old_tag = Ref(1, SnapshotRefType::kTag);
  old_tag.max_ref_age_ms = 3 * kDay;  // 1 is 6 days old: the tag ages out
  md.refs["v0"] = old_tag;

  ExpireOptions options;
  options.older_than_ms = now;
  auto selected = SelectExpiredSnapshots(md, options, now);
  ASSERT_TRUE(selected.ok()) << selected.status().ToString();
  EXPECT_EQ(selected->snapshot_ids, (std::vector<int64_t>{1, 4, 5}));
  EXPECT_EQ(selected->refs, std::vector<std::string>{"v0"});

  // The table-wide max ref age ages the branch out too (its head is 3 days old), but never main.
  md.properties[property::kMaxRefAgeMs] = std::to_string(2 * kDay);
  selected = SelectExpiredSnapshots(md, options, now);
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected->refs, (std::vector<std::string>{"audit", "v0", "v1"}));
  EXPECT_EQ(selected->snapshot_ids, (std::vector<int64_t>{1, 2, 3, 4, 5, 7, 8}));

  // A snapshot no ref reaches stays while younger than the default age.
  md.properties.erase(property::kMaxRefAgeMs);
  md.refs.erase("audit");
  EXPECT_EQ(Expired(md, {}, now), (std::vector<int64_t>{1}));  // 7, 8 are young; 2 tagged
}

TEST(SelectExpiredSnapshotsTest, ExplicitIdsExpireButNotWhileARefPointsAtThem) {
  const int64_t now = 100 * kDay;
  TableMetadata md = Linear(4, now);
  md.refs["t"] = Ref(2, SnapshotRefType::kTag);
  ExpireOptions options;
  options.older_than_ms = 0;  // nothing is old
  options.snapshot_ids = {3};
  EXPECT_EQ(Expired(md, options, now), std::vector<int64_t>{3});
  options.snapshot_ids = {2};
  auto refused = SelectExpiredSnapshots(md, options, now);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("ref t"), std::string::npos);
  options.snapshot_ids = {99};
  EXPECT_FALSE(SelectExpiredSnapshots(md, options, now).ok());
}

class ExpireSnapshotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_expire_" + std::to_string(std::random_device{}()));
    location_ = (dir_ / "db.db" / "t").string();
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""}});
    auto md = NewTableMetadata(schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                               location_, {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto metadata_location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(metadata_location.ok());
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *metadata_location};
    ops_ = std::make_shared<testing::LocalTableOperations>(io_, state);
    table_ = std::make_shared<Table>(ops_, state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(int64_t from, int64_t to, const std::string& branch = kMainBranch) {
    arrow::Int64Builder ids;
    for (int64_t i = from; i < to; ++i) ASSERT_TRUE(ids.Append(i).ok());
    auto rows =
        arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()), {*ids.Finish()});
    auto snapshot = AppendRows(table_, *rows, {}, "", branch);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  }

  // The ids a snapshot reads, sorted.
  std::vector<int64_t> Ids(int64_t snapshot_id) {
    ScanOptions options;
    options.snapshot_id = snapshot_id;
    auto scan = TableScan::Make(*table_, options);
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    auto rows = scan->ToArrowTable();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<int64_t> out;
    for (const auto& chunk : (*rows)->GetColumnByName("id")->chunks()) {
      auto ids = std::static_pointer_cast<arrow::Int64Array>(chunk);
      for (int64_t i = 0; i < ids->length(); ++i) out.push_back(ids->Value(i));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::set<std::string> FilesOnDisk() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(location_)) {
      if (e.is_regular_file()) out.insert(e.path().string());
    }
    return out;
  }

  fs::path dir_;
  std::string location_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<testing::LocalTableOperations> ops_;
  std::shared_ptr<Table> table_;
};

TEST_F(ExpireSnapshotsTest, DeletesExactlyTheFilesOnlyExpiredSnapshotsReached) {
  Append(0, 10);
  Append(10, 20);
  Overwrite overwrite(table_, Lt("id", Literal::Long(5)));  // rewrites the first file
  ASSERT_TRUE(overwrite.Commit().ok());
  Append(20, 30);
  // Drops the DELETED entry of the first file: only the expired snapshots still reach it.
  ASSERT_TRUE(RewriteManifests(table_).Commit().ok());
  const int64_t current = *table_->metadata().current_snapshot_id;
  const std::vector<int64_t> rows = Ids(current);
  auto before = ListReachableFiles(*io_, table_->state());
  ASSERT_TRUE(before.ok());

  ExpireOptions options;
  options.older_than_ms = NowMs() + 1;
  ExpireSnapshots preview(table_, options);
  auto planned = preview.Preview();
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_EQ(planned->expired.snapshot_ids.size(), 4u);
  EXPECT_EQ(table_->metadata().snapshots.size(), 5u) << "a preview changes nothing";
  const std::set<std::string> on_disk_before = FilesOnDisk();

  ExpireSnapshots expire(table_, options);
  auto result = expire.Commit();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->not_deleted.empty()) << result->delete_error;
  ASSERT_EQ(table_->metadata().snapshots.size(), 1u);
  EXPECT_EQ(table_->metadata().snapshots[0].snapshot_id, current);
  EXPECT_EQ(result->expired.snapshot_ids, planned->expired.snapshot_ids);
  // The original first file (its rows 0..4 overwritten away), the four older manifest lists
  // and the manifests the rewrite replaced go.
  EXPECT_EQ(result->files.data_files.size(), 1u);
  EXPECT_EQ(result->files.manifest_lists.size(), 4u);
  EXPECT_GE(result->files.manifests.size(), 3u);
  EXPECT_EQ(result->files.data_files, planned->files.data_files);
  EXPECT_EQ(result->files.manifests, planned->files.manifests);

  auto after = ListReachableFiles(*io_, table_->state());
  ASSERT_TRUE(after.ok());
  std::set<std::string> expected;
  for (const auto& f : after->All()) expected.insert(f);
  std::set<std::string> on_disk = FilesOnDisk();
  // On disk: what the table reaches now, plus the metadata files of earlier versions.
  for (const auto& f : on_disk) {
    EXPECT_TRUE(expected.count(f) || f.ends_with(".metadata.json")) << "left behind: " << f;
  }
  for (const auto& f : expected) EXPECT_TRUE(on_disk.count(f)) << "deleted but reachable: " << f;
  EXPECT_EQ(on_disk_before.size() - on_disk.size() + 1,  // +1: the expiry's metadata file
            result->files.size());
  EXPECT_EQ(Ids(current), rows);
}

TEST_F(ExpireSnapshotsTest, RefusesTablesWithGcDisabled) {
  Append(0, 5);
  Append(5, 10);
  ASSERT_TRUE(SetTableProperties(table_, {{property::kGcEnabled, "false"}}, {}).ok());
  ExpireOptions options;
  options.older_than_ms = NowMs() + 1;
  auto refused = ExpireSnapshots(table_, options).Commit();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("gc.enabled"), std::string::npos);
  EXPECT_EQ(table_->metadata().snapshots.size(), 2u);
}

// Random histories: appends and overwrites on main and on branches, tags, then expiry with
// random parameters and an orphan sweep. No file a remaining snapshot reaches is deleted, and
// each remaining snapshot reads what it read before.
TEST_F(ExpireSnapshotsTest, RandomHistoriesNeverLoseAReachableFile) {
  for (int round = 0; round < 4; ++round) {
    TearDown();
    SetUp();
    std::mt19937 rng(1234 + round);
    int64_t next_id = 0;
    int branches = 0, tags = 0;
    for (int step = 0; step < 14; ++step) {
      const auto& md = table_->metadata();
      int kind = std::uniform_int_distribution<int>(0, 9)(rng);
      if (md.snapshots.empty()) kind = 0;
      auto any_snapshot = [&] {
        return md.snapshots[std::uniform_int_distribution<size_t>(0, md.snapshots.size() - 1)(rng)]
            .snapshot_id;
      };
      if (kind <= 4) {
        int64_t n = std::uniform_int_distribution<int64_t>(1, 6)(rng);
        Append(next_id, next_id + n);
        next_id += n;
      } else if (kind == 5) {
        int64_t below =
            std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(next_id, 1))(rng);
        Overwrite overwrite(table_, Lt("id", Literal::Long(below)));
        ASSERT_TRUE(overwrite.Commit().ok());
      } else if (kind == 6) {
        ManageSnapshots change(table_);
        RefRetention retention;
        if (rng() % 2) retention.min_snapshots_to_keep = 1 + rng() % 3;
        change.CreateBranch("b" + std::to_string(branches++), any_snapshot(), retention);
        ASSERT_TRUE(change.Commit().ok());
      } else if (kind == 7 && branches > 0) {
        Append(next_id, next_id + 3, "b" + std::to_string(rng() % branches));
        next_id += 3;
      } else {
        ManageSnapshots change(table_);
        std::optional<int64_t> max_age;
        if (rng() % 3 == 0) max_age = 0;  // ages out at once
        change.CreateTag("t" + std::to_string(tags++), any_snapshot(), max_age);
        ASSERT_TRUE(change.Commit().ok());
      }
    }
    const TableMetadata md = table_->metadata();  // a copy: the expiry replaces the state
    std::map<int64_t, std::vector<int64_t>> reads;
    for (const auto& s : md.snapshots) reads[s.snapshot_id] = Ids(s.snapshot_id);
    int64_t lo = md.snapshots.front().timestamp_ms, hi = md.snapshots.back().timestamp_ms + 1;
    ExpireOptions options;
    options.older_than_ms = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    options.retain_last = 1 + rng() % 3;
    auto result = ExpireSnapshots(table_, options).Commit();
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_TRUE(result->not_deleted.empty());

    auto after = ListReachableFiles(*io_, table_->state());
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    for (const auto& f : after->All()) ASSERT_TRUE(fs::exists(f)) << "round " << round << ": " << f;
    for (const auto& s : table_->metadata().snapshots) {
      EXPECT_EQ(Ids(s.snapshot_id), reads[s.snapshot_id]) << "round " << round;
    }
    for (const auto& [name, ref] : table_->metadata().refs) {
      EXPECT_NE(table_->metadata().SnapshotById(ref.snapshot_id), nullptr) << name;
    }
    EXPECT_EQ(md.snapshots.size() - result->expired.snapshot_ids.size(),
              table_->metadata().snapshots.size());

    // Then sweep for orphans with a cut-off in the future: only the strays go.
    const std::string stray = location_ + "/data/stray-" + std::to_string(round) + ".parquet";
    ASSERT_TRUE(io_->WriteAll(stray, "x").ok());
    OrphanFileOptions sweep;
    sweep.older_than_ms = NowMs() + 60'000;
    auto orphans = RemoveOrphanFiles(*table_, sweep);
    ASSERT_TRUE(orphans.ok()) << orphans.status().ToString();
    EXPECT_EQ(orphans->orphan_files, std::vector<std::string>{stray}) << "round " << round;
    for (const auto& f : after->All()) ASSERT_TRUE(fs::exists(f)) << "round " << round << ": " << f;
    for (const auto& s : table_->metadata().snapshots) {
      EXPECT_EQ(Ids(s.snapshot_id), reads[s.snapshot_id]) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace floe::iceberg
