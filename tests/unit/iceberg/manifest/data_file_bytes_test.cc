// Data files handed between processes as manifest bytes: everything a commit needs survives.
#include "floe/iceberg/manifest/data_file_bytes.h"

#include <gtest/gtest.h>

#include "manifest_test_util.h"

namespace floe::iceberg {
namespace {

using testing::AllTypes;
using testing::FileWithMetrics;
using testing::FullPartition;
using testing::MakeAllTypes;

TableMetadata MetadataOf(const AllTypes& t, int format_version) {
  TableMetadata md;
  md.format_version = format_version;
  md.location = "/w";
  md.schemas = {t.schema};
  md.current_schema_id = t.schema->schema_id();
  md.partition_specs = {PartitionSpec::Unpartitioned(), t.spec};
  md.default_spec_id = t.spec.spec_id();
  return md;
}

TEST(DataFileBytes, RoundTripsFilesWithPartitionValuesAndMetrics) {
  AllTypes t = MakeAllTypes();
  for (int version : {2, 3}) {
    TableMetadata md = MetadataOf(t, version);
    DataFile a = FileWithMetrics("/w/data/a.parquet", FullPartition());
    DataFile b = FileWithMetrics("/w/data/b.parquet", FullPartition());
    a.spec_id = b.spec_id = t.spec.spec_id();
    b.record_count = 7;
    auto bytes = EncodeDataFiles(md, {a, b});
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    auto files = DecodeDataFiles(md, *bytes);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    ASSERT_EQ(files->size(), 2u);
    const DataFile& got = (*files)[0];
    EXPECT_EQ(got.file_path, a.file_path);
    EXPECT_EQ(got.spec_id, t.spec.spec_id());
    EXPECT_EQ(got.record_count, 100);
    EXPECT_EQ((*files)[1].record_count, 7);
    EXPECT_EQ(got.file_size_in_bytes, a.file_size_in_bytes);
    EXPECT_EQ(got.column_sizes, a.column_sizes);
    EXPECT_EQ(got.value_counts, a.value_counts);
    EXPECT_EQ(got.null_value_counts, a.null_value_counts);
    EXPECT_EQ(got.nan_value_counts, a.nan_value_counts);
    EXPECT_EQ(got.lower_bounds, a.lower_bounds);
    EXPECT_EQ(got.upper_bounds, a.upper_bounds);
    EXPECT_EQ(got.split_offsets, a.split_offsets);
    EXPECT_EQ(got.sort_order_id, a.sort_order_id);
    ASSERT_EQ(got.partition.size(), a.partition.size());
    for (size_t i = 0; i < got.partition.size(); ++i) {
      EXPECT_TRUE(got.partition[i].type()->Equals(*a.partition[i].type())) << i;
      EXPECT_EQ(got.partition[i].ToString(), a.partition[i].ToString()) << i;
    }
  }
}

TEST(DataFileBytes, NoFilesAndUnpartitionedFiles) {
  AllTypes t = MakeAllTypes();
  TableMetadata md = MetadataOf(t, 2);
  auto none = EncodeDataFiles(md, {});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  auto decoded = DecodeDataFiles(md, *none);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->empty());

  DataFile plain;
  plain.file_path = "/w/data/p.parquet";
  plain.record_count = 3;
  plain.file_size_in_bytes = 10;
  plain.spec_id = 0;
  auto bytes = EncodeDataFiles(md, {plain});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto files = DecodeDataFiles(md, *bytes);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].spec_id, 0);
  EXPECT_TRUE((*files)[0].partition.empty());
}

TEST(DataFileBytes, RefusesMixedSpecsDeleteFilesUnknownSpecsAndGarbage) {
  AllTypes t = MakeAllTypes();
  TableMetadata md = MetadataOf(t, 2);
  DataFile a = FileWithMetrics("/w/a.parquet", FullPartition());
  a.spec_id = t.spec.spec_id();
  DataFile plain;
  plain.file_path = "/w/p.parquet";
  EXPECT_TRUE(EncodeDataFiles(md, {a, plain}).status().IsInvalid());
  DataFile deletes = plain;
  deletes.content = DataFileContent::kPositionDeletes;
  EXPECT_TRUE(EncodeDataFiles(md, {deletes}).status().IsInvalid());
  DataFile unknown = plain;
  unknown.spec_id = 77;
  EXPECT_TRUE(EncodeDataFiles(md, {unknown}).status().IsInvalid());
  EXPECT_FALSE(DecodeDataFiles(md, "not a manifest").ok());
  // Bytes of a spec the reading table does not have.
  auto bytes = EncodeDataFiles(md, {a});
  ASSERT_TRUE(bytes.ok());
  TableMetadata other = md;
  other.partition_specs = {PartitionSpec::Unpartitioned()};
  EXPECT_TRUE(DecodeDataFiles(other, *bytes).status().IsInvalid());
}

}  // namespace
}  // namespace floe::iceberg
