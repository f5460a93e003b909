// Which delete files apply to which data file (spec: "Scan Planning"): position deletes to data
// files with a data sequence number <= theirs, equality deletes to strictly older ones, both
// only in the same spec and partition — except equality deletes of an unpartitioned spec,
// which apply everywhere — and a deletion vector instead of its data file's position deletes.
#include "floe/iceberg/table/delete_file_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../manifest/manifest_test_util.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {
namespace {

class DeleteFileIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = std::make_shared<const Schema>(
        0, std::vector<NestedField>{{1, "id", Type::Long(), true, ""},
                                    {2, "region", Type::String(), false, ""}});
    unpartitioned_ = PartitionSpec(0, {});
    by_region_ = PartitionSpec(1, {PartitionField{2, 1000, "region", Transform::Identity()}});
    metadata_.schemas = {schema_};
    metadata_.partition_specs = {unpartitioned_, by_region_};
    metadata_.default_spec_id = 1;
  }

  static DataFile Data(const std::string& path, int32_t spec_id, std::vector<Literal> partition) {
    DataFile f;
    f.file_path = path;
    f.spec_id = spec_id;
    f.partition = std::move(partition);
    f.record_count = 10;
    return f;
  }
  static DeleteFile Positions(const std::string& path, int64_t seq, int32_t spec_id,
                              std::vector<Literal> partition) {
    DataFile f = Data(path, spec_id, std::move(partition));
    f.content = DataFileContent::kPositionDeletes;
    return DeleteFile{f, seq};
  }
  static DeleteFile Equality(const std::string& path, int64_t seq, int32_t spec_id,
                             std::vector<Literal> partition) {
    DataFile f = Data(path, spec_id, std::move(partition));
    f.content = DataFileContent::kEqualityDeletes;
    f.equality_ids = {1};
    return DeleteFile{f, seq};
  }
  static DeleteFile Vector(const std::string& path, const std::string& data_path, int64_t seq,
                           int32_t spec_id, std::vector<Literal> partition) {
    DeleteFile d = Positions(path, seq, spec_id, std::move(partition));
    d.file.file_format = "PUFFIN";
    d.file.referenced_data_file = data_path;
    d.file.content_offset = 4;
    d.file.content_size_in_bytes = 40;
    return d;
  }

  std::vector<std::string> Applying(const DeleteFileIndex& index, int64_t seq,
                                    const DataFile& data) {
    std::vector<std::string> names;
    for (const auto& d : index.ForDataFile(seq, data)) names.push_back(d.file.file_path);
    std::sort(names.begin(), names.end());
    return names;
  }

  DeleteFileIndex Index(std::vector<DeleteFile> files) {
    auto index = DeleteFileIndex::FromFiles(metadata_, std::move(files));
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(*index);
  }

  std::shared_ptr<const Schema> schema_;
  PartitionSpec unpartitioned_, by_region_;
  TableMetadata metadata_;
};

using Names = std::vector<std::string>;

TEST_F(DeleteFileIndexTest, PositionDeletesApplyToDataOfTheSameOrAnOlderSequenceNumber) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto index = Index({Positions("pos3", 3, 1, eu)});
  DataFile data = Data("data", 1, eu);
  EXPECT_EQ(Applying(index, 2, data), Names{"pos3"});
  EXPECT_EQ(Applying(index, 3, data), Names{"pos3"});  // same commit
  EXPECT_EQ(Applying(index, 4, data), Names{});
}

TEST_F(DeleteFileIndexTest, EqualityDeletesApplyOnlyToStrictlyOlderData) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto index = Index({Equality("eq3", 3, 1, eu)});
  DataFile data = Data("data", 1, eu);
  EXPECT_EQ(Applying(index, 2, data), Names{"eq3"});
  EXPECT_EQ(Applying(index, 3, data), Names{});
  EXPECT_EQ(Applying(index, 4, data), Names{});
}

TEST_F(DeleteFileIndexTest, PartitionScopedDeletesSkipOtherPartitionsAndSpecs) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto us = std::vector<Literal>{Literal::String("us")};
  auto null_region = std::vector<Literal>{Literal::Null(Type::String())};
  auto index = Index({Positions("pos-eu", 5, 1, eu), Equality("eq-eu", 5, 1, eu),
                      Positions("pos-null", 5, 1, null_region),
                      Equality("eq-null", 5, 1, null_region), Positions("pos-unpart", 5, 0, {})});
  EXPECT_EQ(Applying(index, 1, Data("d-eu", 1, eu)), (Names{"eq-eu", "pos-eu"}));
  EXPECT_EQ(Applying(index, 1, Data("d-us", 1, us)), Names{});
  // A null partition value is a partition of its own.
  EXPECT_EQ(Applying(index, 1, Data("d-null", 1, null_region)), (Names{"eq-null", "pos-null"}));
  // Position deletes of the unpartitioned spec apply only to that spec's data files.
  EXPECT_EQ(Applying(index, 1, Data("d-old", 0, {})), Names{"pos-unpart"});
}

TEST_F(DeleteFileIndexTest, EqualityDeletesOfAnUnpartitionedSpecAreGlobal) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto us = std::vector<Literal>{Literal::String("us")};
  auto index = Index({Equality("eq-global", 4, 0, {}), Equality("eq-us", 4, 1, us)});
  EXPECT_EQ(Applying(index, 2, Data("d-eu", 1, eu)), Names{"eq-global"});
  EXPECT_EQ(Applying(index, 2, Data("d-us", 1, us)), (Names{"eq-global", "eq-us"}));
  EXPECT_EQ(Applying(index, 2, Data("d-old", 0, {})), Names{"eq-global"});
  EXPECT_EQ(Applying(index, 4, Data("d-eu", 1, eu)), Names{});
}

TEST_F(DeleteFileIndexTest, PositionDeletesNamingOneFileApplyOnlyToIt) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  DeleteFile referenced = Positions("pos-ref", 5, 1, eu);
  referenced.file.referenced_data_file = "s3://b/t/data/a.parquet";
  // No referenced_data_file, but equal file_path bounds: inferred as Java does.
  DeleteFile inferred = Positions("pos-inferred", 5, 1, eu);
  inferred.file.lower_bounds[kDeleteFilePathFieldId] = "s3://b/t/data/b.parquet";
  inferred.file.upper_bounds[kDeleteFilePathFieldId] = "s3://b/t/data/b.parquet";
  // Bounds over a range: partition-scoped, but only for paths within the bounds.
  DeleteFile ranged = Positions("pos-range", 5, 1, eu);
  ranged.file.lower_bounds[kDeleteFilePathFieldId] = "s3://b/t/data/a.parquet";
  ranged.file.upper_bounds[kDeleteFilePathFieldId] = "s3://b/t/data/c.parquet";
  EXPECT_EQ(ReferencedDataFile(inferred.file), "s3://b/t/data/b.parquet");
  EXPECT_EQ(ReferencedDataFile(ranged.file), "");
  auto index = Index({referenced, inferred, ranged});
  EXPECT_EQ(Applying(index, 1, Data("s3://b/t/data/a.parquet", 1, eu)),
            (Names{"pos-range", "pos-ref"}));
  EXPECT_EQ(Applying(index, 1, Data("s3://b/t/data/b.parquet", 1, eu)),
            (Names{"pos-inferred", "pos-range"}));
  EXPECT_EQ(Applying(index, 1, Data("s3://b/t/data/d.parquet", 1, eu)), Names{});
}

TEST_F(DeleteFileIndexTest, ADeletionVectorReplacesPositionDeleteFilesButNotEqualityDeletes) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  DeleteFile old_positions = Positions("pos-old", 3, 1, eu);
  old_positions.file.referenced_data_file = "a.parquet";
  auto index = Index({old_positions, Positions("pos-part", 3, 1, eu),
                      Vector("dv.puffin", "a.parquet", 4, 1, eu), Equality("eq", 4, 1, eu)});
  EXPECT_EQ(Applying(index, 2, Data("a.parquet", 1, eu)), (Names{"dv.puffin", "eq"}));
  // The vector is older than this data file: position delete files are no longer replaced,
  // and none is new enough either.
  EXPECT_EQ(Applying(index, 5, Data("a.parquet", 1, eu)), Names{});
  EXPECT_EQ(Applying(index, 2, Data("b.parquet", 1, eu)), (Names{"eq", "pos-part"}));
}

TEST_F(DeleteFileIndexTest, TwoDeletionVectorsForOneDataFileAreAnError) {
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto index = DeleteFileIndex::FromFiles(metadata_, {Vector("dv1.puffin", "a.parquet", 4, 1, eu),
                                                      Vector("dv2.puffin", "a.parquet", 5, 1, eu)});
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.status().message().find("a.parquet"), std::string::npos);
}

TEST_F(DeleteFileIndexTest, BuildReadsOnlyLiveEntriesOfDeleteManifestsWithInheritedSequence) {
  testing::ScratchDir dir("floe_delete_index");
  auto io = *io::MakeFileIO(dir.path());
  auto eu = std::vector<Literal>{Literal::String("eu")};
  auto us = std::vector<Literal>{Literal::String("us")};
  ManifestWriter::Options options;
  options.content = ManifestContent::kDeletes;
  auto writer =
      ManifestWriter::Make(*io, dir / "deletes.avro", by_region_, *schema_, nullptr, 42, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Add(Equality(dir / "eq-eu.parquet", 0, 1, eu).file).ok());
  ASSERT_TRUE((*writer)->Add(Positions(dir / "pos-us.parquet", 0, 1, us).file).ok());
  ManifestEntry removed;
  removed.status = ManifestEntryStatus::kDeleted;
  removed.snapshot_id = 41;
  removed.sequence_number = 2;
  removed.file_sequence_number = 2;
  removed.data_file = Positions(dir / "pos-eu-removed.parquet", 0, 1, eu).file;
  ASSERT_TRUE((*writer)->AddDeleted(removed).ok());
  auto manifest = (*writer)->Close();
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  manifest->sequence_number = 7;
  manifest->min_sequence_number = 7;
  // A data manifest in the list is not read (it does not even exist).
  ManifestFile data_manifest;
  data_manifest.manifest_path = dir / "missing-data-manifest.avro";
  data_manifest.partition_spec_id = 1;

  auto index = DeleteFileIndex::Build(*io, metadata_, {data_manifest, *manifest});
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->files().size(), 2u);
  for (const auto& f : index->files()) EXPECT_EQ(f.data_sequence_number, 7);
  EXPECT_EQ(Applying(*index, 6, Data("d-eu", 1, eu)), Names{dir / "eq-eu.parquet"});
  EXPECT_EQ(Applying(*index, 7, Data("d-eu", 1, eu)), Names{});
  EXPECT_EQ(Applying(*index, 7, Data("d-us", 1, us)), Names{dir / "pos-us.parquet"});

  // A filter on the partition column prunes the delete files of other partitions.
  auto filter = Bind(*ParseFilter("region = 'us'"), *schema_);
  ASSERT_TRUE(filter.ok());
  auto pruned = DeleteFileIndex::Build(*io, metadata_, {*manifest}, schema_, *filter);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  ASSERT_EQ(pruned->files().size(), 1u);
  EXPECT_EQ(pruned->files()[0].file.file_path, dir / "pos-us.parquet");
}

// Java's canContainEqDeletesForFile: an equality delete file is pruned for a data file when
// one equality column's values cannot meet, by bounds or by null counts.
TEST_F(DeleteFileIndexTest, EqualityDeletesWhoseKeysCannotMeetTheDataAreSkipped) {
  auto ser = [](int64_t v) { return *SerializeValue(Literal::Long(v)); };
  auto with_ids = [&](DataFile f, int64_t lo, int64_t hi, int64_t nulls) {
    f.value_counts[1] = 10;
    f.null_value_counts[1] = nulls;
    f.lower_bounds[1] = ser(lo);
    f.upper_bounds[1] = ser(hi);
    return f;
  };
  DeleteFile low = Equality("eq-low", 5, 0, {});
  low.file = with_ids(low.file, 1, 10, 0);
  DeleteFile high = Equality("eq-high", 5, 0, {});
  high.file = with_ids(high.file, 100, 200, 0);
  DeleteFile nulls = Equality("eq-nulls", 5, 0, {});
  nulls.file.value_counts[1] = 3;
  nulls.file.null_value_counts[1] = 3;              // deletes only null keys
  DeleteFile bare = Equality("eq-bare", 5, 0, {});  // no metrics: always applies
  auto index = Index({low, high, nulls, bare});

  DataFile middle = with_ids(Data("middle", 1, {Literal::String("eu")}), 20, 50, 0);
  EXPECT_EQ(Applying(index, 2, middle), (Names{"eq-bare"}));
  DataFile touching = with_ids(Data("touching", 1, {Literal::String("eu")}), 10, 100, 0);
  EXPECT_EQ(Applying(index, 2, touching), (Names{"eq-bare", "eq-high", "eq-low"}));
  // Data with nulls meets the null-key deletes; their ranges still rule the others out.
  DataFile with_nulls = with_ids(Data("with-nulls", 1, {Literal::String("eu")}), 20, 50, 2);
  EXPECT_EQ(Applying(index, 2, with_nulls), (Names{"eq-bare", "eq-nulls"}));
  // Nulls on both sides prove nothing, even when the non-null ranges are apart.
  DeleteFile mixed = Equality("eq-mixed", 5, 0, {});
  mixed.file = with_ids(mixed.file, 100, 200, 1);
  auto mixed_index = Index({mixed});
  EXPECT_EQ(Applying(mixed_index, 2, with_nulls), (Names{"eq-mixed"}));
  EXPECT_EQ(Applying(mixed_index, 2, middle), (Names{}));
  // A data file without metrics gets every delete.
  EXPECT_EQ(Applying(index, 2, Data("bare", 1, {Literal::String("eu")})),
            (Names{"eq-bare", "eq-high", "eq-low", "eq-nulls"}));
}

}  // namespace
}  // namespace floe::iceberg
