// Property: for random small tables split into files and manifests with real statistics,
// every row that matches a random filter (SQL semantics) lies in a manifest the manifest
// evaluator keeps and in a file the partition and metrics evaluators keep.

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "filter_test_util.h"
#include "floe/iceberg/expression/inclusive_metrics_evaluator.h"
#include "floe/iceberg/expression/manifest_evaluator.h"
#include "floe/iceberg/expression/partition_evaluator.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {
namespace {

using testing::RandomData;
using testing::RandomSchema;
using testing::Row;

struct TestFile {
  DataFile file;
  std::vector<Row> rows;
};

std::vector<PartitionSpec> Specs() {
  auto one = [](int32_t source, Transform t) {
    return PartitionSpec(1, {PartitionField{source, 1000, "p", t}});
  };
  return {PartitionSpec::Unpartitioned(),
          one(1, Transform::Identity()),
          one(1, Transform::Bucket(3)),
          one(1, Transform::Truncate(5)),
          one(2, Transform::Identity()),
          one(3, Transform::Truncate(2)),
          one(3, Transform::Identity()),
          one(4, Transform::Identity()),
          one(5, Transform::Day()),
          one(5, Transform::Hour()),
          one(5, Transform::Month()),
          PartitionSpec(2, {PartitionField{5, 1000, "ts_day", Transform::Day()},
                            PartitionField{3, 1001, "s_trunc", Transform::Truncate(1)},
                            PartitionField{1, 1002, "a_bucket", Transform::Bucket(2)},
                            PartitionField{1, 1003, "a", Transform::Identity()}})};
}

bool IsNaNValue(const Literal& v) {
  return std::holds_alternative<double>(v.value()) && std::isnan(v.AsDouble());
}

// Column metrics the way a writer records them: value counts include nulls, bounds skip nulls
// and NaNs, and string bounds are truncated (sometimes to 1 character to stress truncation).
void AddMetrics(TestFile* tf, RandomData* rnd) {
  DataFile& f = tf->file;
  f.record_count = static_cast<int64_t>(tf->rows.size());
  const int width = rnd->Chance(50) ? 1 : 16;
  for (const NestedField& field : RandomSchema().fields()) {
    if (rnd->Chance(10)) continue;  // no stats for this column
    const int32_t id = field.id;
    int64_t nulls = 0, nans = 0;
    std::optional<Literal> lo, hi;
    for (const Row& r : tf->rows) {
      const Literal& v = r[id - 1];
      if (v.is_null()) {
        ++nulls;
        continue;
      }
      if (IsNaNValue(v)) {
        ++nans;
        continue;
      }
      if (!lo || v.Compare(*lo) < 0) lo = v;
      if (!hi || v.Compare(*hi) > 0) hi = v;
    }
    f.value_counts[id] = f.record_count;
    f.null_value_counts[id] = nulls;
    if (field.type->id() == TypeId::kDouble) f.nan_value_counts[id] = nans;
    if (lo) {
      Literal lower = TruncateLowerBound(*lo, width);
      Literal upper = TruncateUpperBound(*hi, width);
      f.lower_bounds[id] = *SerializeValue(lower);
      if (!upper.is_null()) f.upper_bounds[id] = *SerializeValue(upper);
    }
  }
}

std::vector<PartitionFieldSummary> Summaries(const std::vector<TestFile*>& files,
                                             const PartitionSpec& spec) {
  std::vector<PartitionFieldSummary> out(spec.fields().size());
  for (size_t k = 0; k < spec.fields().size(); ++k) {
    std::optional<Literal> lo, hi;
    PartitionFieldSummary& s = out[k];
    s.contains_nan = false;
    for (const TestFile* tf : files) {
      const Literal& v = tf->file.partition[k];
      if (v.is_null()) {
        s.contains_null = true;
      } else if (IsNaNValue(v)) {
        s.contains_nan = true;
      } else {
        if (!lo || v.Compare(*lo) < 0) lo = v;
        if (!hi || v.Compare(*hi) > 0) hi = v;
      }
    }
    if (lo) {
      s.lower_bound = *SerializeValue(*lo);
      s.upper_bound = *SerializeValue(*hi);
    }
  }
  return out;
}

TEST(PruningPropertyTest, EvaluatorsNeverPruneAMatchingRow) {
  const std::vector<PartitionSpec> specs = Specs();
  int matches_checked = 0, files_pruned = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomData rnd(seed);
    const PartitionSpec& spec = specs[seed % specs.size()];
    // Rows grouped by partition tuple, then split into files of at most 4 rows.
    std::map<std::string, std::pair<std::vector<Literal>, std::vector<Row>>> groups;
    const int n = rnd.Int(5, 40);
    for (int r = 0; r < n; ++r) {
      Row row = rnd.MakeRow();
      std::vector<Literal> tuple;
      std::string key;
      for (const PartitionField& pf : spec.fields()) {
        auto v = pf.transform.Apply(row[pf.source_id - 1]);
        ASSERT_TRUE(v.ok()) << v.status().ToString();
        key += (v->is_null() ? "∅" : v->ToString()) + "|";
        tuple.push_back(*v);
      }
      auto& g = groups[key];
      g.first = tuple;
      g.second.push_back(std::move(row));
    }
    std::vector<TestFile> files;
    for (auto& [key, g] : groups) {
      for (size_t start = 0; start < g.second.size(); start += 4) {
        TestFile tf;
        tf.file.partition = g.first;
        size_t end = std::min(start + 4, g.second.size());
        tf.rows.assign(g.second.begin() + start, g.second.begin() + end);
        AddMetrics(&tf, &rnd);
        files.push_back(std::move(tf));
      }
    }
    std::shuffle(files.begin(), files.end(), rnd.rng());
    // Manifests of up to 3 files.
    std::vector<std::pair<ManifestFile, std::vector<TestFile*>>> manifests;
    for (size_t start = 0; start < files.size(); start += 3) {
      std::vector<TestFile*> members;
      for (size_t k = start; k < std::min(start + 3, files.size()); ++k) {
        members.push_back(&files[k]);
      }
      ManifestFile m;
      m.partitions = Summaries(members, spec);
      manifests.emplace_back(std::move(m), std::move(members));
    }

    for (int q = 0; q < 20; ++q) {
      ExprPtr filter = rnd.Filter(3);
      auto bound = Bind(filter, RandomSchema());
      ASSERT_TRUE(bound.ok()) << filter->ToString() << ": " << bound.status().ToString();
      auto manifest_eval = ManifestEvaluator::Make(spec, RandomSchema(), *bound);
      ASSERT_TRUE(manifest_eval.ok()) << manifest_eval.status().ToString();
      auto partition_eval = PartitionEvaluator::Make(spec, RandomSchema(), *bound);
      ASSERT_TRUE(partition_eval.ok()) << partition_eval.status().ToString();
      InclusiveMetricsEvaluator metrics_eval(*bound);
      for (auto& [manifest, members] : manifests) {
        const bool keep_manifest = manifest_eval->MightMatch(manifest);
        for (const TestFile* tf : members) {
          const bool keep_partition = partition_eval->MightMatch(tf->file);
          const bool keep_metrics = metrics_eval.MightMatch(tf->file);
          files_pruned += !(keep_manifest && keep_partition && keep_metrics);
          for (const Row& row : tf->rows) {
            if (testing::Reference(*filter, row) != true) continue;
            ++matches_checked;
            std::string context = "seed " + std::to_string(seed) + ", spec " +
                                  std::to_string(seed % specs.size()) + ", filter " +
                                  filter->ToString() + ", bound " + (*bound)->ToString();
            ASSERT_TRUE(keep_manifest) << context << ", projected "
                                       << manifest_eval->partition_filter()->ToString();
            ASSERT_TRUE(keep_partition) << context << ", projected "
                                        << partition_eval->partition_filter()->ToString();
            ASSERT_TRUE(keep_metrics) << context;
          }
        }
      }
    }
  }
  // The property is only meaningful if both sides happen a lot.
  EXPECT_GT(matches_checked, 1000);
  EXPECT_GT(files_pruned, 1000);
}

}  // namespace
}  // namespace floe::iceberg
