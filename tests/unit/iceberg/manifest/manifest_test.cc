#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/type/single_value.h"
#include "manifest_test_util.h"

namespace floe::iceberg {
namespace {

using testing::AllTypes;
using testing::BigUnscaled;
using testing::FileWithMetrics;
using testing::FullPartition;
using testing::LocalIO;
using testing::MakeAllTypes;
using testing::NullPartition;
using testing::ReadFile;
using testing::ScratchDir;
using testing::UuidBytes;
using testing::WriteFourEntries;

void ExpectSamePartition(const std::vector<Literal>& a, const std::vector<Literal>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(a[i].type() && b[i].type());
    EXPECT_TRUE(a[i].type()->Equals(*b[i].type()))
        << i << ": " << a[i].type()->ToString() << " vs " << b[i].type()->ToString();
    EXPECT_EQ(a[i].is_null(), b[i].is_null()) << i;
    if (!a[i].is_null() && !b[i].is_null()) {
      EXPECT_TRUE(a[i] == b[i]) << i << ": " << a[i].ToString() << " vs " << b[i].ToString();
    }
  }
}

void ExpectSameFile(const DataFile& a, const DataFile& b) {
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.file_path, b.file_path);
  EXPECT_EQ(a.file_format, b.file_format);
  ExpectSamePartition(a.partition, b.partition);
  EXPECT_EQ(a.record_count, b.record_count);
  EXPECT_EQ(a.file_size_in_bytes, b.file_size_in_bytes);
  EXPECT_EQ(a.column_sizes, b.column_sizes);
  EXPECT_EQ(a.value_counts, b.value_counts);
  EXPECT_EQ(a.null_value_counts, b.null_value_counts);
  EXPECT_EQ(a.nan_value_counts, b.nan_value_counts);
  EXPECT_EQ(a.lower_bounds, b.lower_bounds);
  EXPECT_EQ(a.upper_bounds, b.upper_bounds);
  EXPECT_EQ(a.key_metadata, b.key_metadata);
  EXPECT_EQ(a.split_offsets, b.split_offsets);
  EXPECT_EQ(a.equality_ids, b.equality_ids);
  EXPECT_EQ(a.sort_order_id, b.sort_order_id);
}

TEST(ManifestWriter, RoundTripsEveryPartitionTypeAndAllMetrics) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  m.sequence_number = 9;  // as the manifest list would record it

  auto entries = ReadManifestEntries(*io, m, t.partition_type);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 4u);
  const auto& e = *entries;
  EXPECT_EQ(e[0].status, ManifestEntryStatus::kAdded);
  ExpectSameFile(e[0].data_file, FileWithMetrics("/w/a.parquet", FullPartition()));
  ExpectSameFile(e[1].data_file, FileWithMetrics("/w/b.parquet", NullPartition(*t.partition_type)));
  EXPECT_EQ(e[2].status, ManifestEntryStatus::kExisting);
  EXPECT_TRUE(std::isnan(e[2].data_file.partition[4].AsDouble()));
  EXPECT_EQ(e[3].status, ManifestEntryStatus::kDeleted);
  for (const auto& entry : e) EXPECT_EQ(entry.data_file.spec_id, 4);
}

TEST(ManifestWriter, ComputesCountsAndPartitionSummaries) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);

  EXPECT_EQ(m.manifest_path, dir / "m0.avro");
  EXPECT_EQ(m.manifest_length, static_cast<int64_t>(std::filesystem::file_size(m.manifest_path)));
  EXPECT_EQ(m.partition_spec_id, 4);
  EXPECT_EQ(m.content, ManifestContent::kData);
  EXPECT_EQ(m.sequence_number, kUnassignedSequenceNumber);
  EXPECT_EQ(m.min_sequence_number, 3);  // the EXISTING entry; DELETED ones do not count
  EXPECT_EQ(m.added_snapshot_id, 99);
  EXPECT_EQ(m.added_files_count, 2);
  EXPECT_EQ(m.existing_files_count, 1);
  EXPECT_EQ(m.deleted_files_count, 1);
  EXPECT_EQ(m.added_rows_count, 200);
  EXPECT_EQ(m.existing_rows_count, 5);
  EXPECT_EQ(m.deleted_rows_count, 7);
  ASSERT_EQ(m.partitions.size(), 16u);
  for (const auto& s : m.partitions) EXPECT_TRUE(s.contains_null);  // entry b is all null

  // int field: -100 (deleted entry), -7, 42.
  const auto& ints = m.partitions[1];
  EXPECT_EQ(ints.contains_nan, false);
  ASSERT_TRUE(ints.lower_bound && ints.upper_bound);
  EXPECT_EQ(*ints.lower_bound, *SerializeValue(Literal::Int(-100)));
  EXPECT_EQ(*ints.upper_bound, *SerializeValue(Literal::Int(42)));
  // double field: NaN is flagged and kept out of the bounds.
  const auto& doubles = m.partitions[4];
  EXPECT_EQ(doubles.contains_nan, true);
  EXPECT_EQ(*doubles.lower_bound, *SerializeValue(Literal::Double(-2.25)));
  EXPECT_EQ(*doubles.upper_bound, *SerializeValue(Literal::Double(-2.25)));
  // decimal(38, 10) bounds use the minimal big-endian two's complement.
  EXPECT_EQ(*m.partitions[6].lower_bound,
            *SerializeValue(Literal::Decimal(BigUnscaled(), 38, 10)));
  EXPECT_EQ(*m.partitions[12].lower_bound, UuidBytes());
}

TEST(ManifestReader, InheritsSnapshotIdAndSequenceNumbersForAddedEntriesOnly) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  m.sequence_number = 9;
  auto entries = ReadManifestEntries(*io, m, t.partition_type);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  const auto& e = *entries;
  EXPECT_EQ(e[0].snapshot_id, 99);
  EXPECT_EQ(e[0].sequence_number, 9);
  EXPECT_EQ(e[0].file_sequence_number, 9);
  EXPECT_EQ(e[2].snapshot_id, 7);
  EXPECT_EQ(e[2].sequence_number, 3);
  EXPECT_EQ(e[2].file_sequence_number, 2);
  EXPECT_EQ(e[3].snapshot_id, 99);  // deleted by this snapshot
  EXPECT_EQ(e[3].sequence_number, 2);

  // The raw rows leave the ADDED entries' sequence numbers null.
  auto container = avro::ContainerReader::Open(ReadFile(m.manifest_path), "m0");
  ASSERT_TRUE(container.ok());
  avro::AvroValue row;
  ASSERT_TRUE(*(*container)->Next(&row));
  EXPECT_EQ(row[0].integer, 1);   // status ADDED
  EXPECT_EQ(row[1].integer, 99);  // snapshot_id written
  EXPECT_TRUE(row[2].is_null());  // sequence_number inherited
  EXPECT_TRUE(row[3].is_null());  // file_sequence_number inherited
}

TEST(ManifestReader, DerivesPartitionTypesFromAvroLogicalTypes) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  auto reader = ManifestReader::Open(*io, m);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->partition_type()->Equals(*t.partition_type))
      << (*reader)->partition_type()->ToString();
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok());
  ExpectSamePartition((*entries)[0].data_file.partition, FullPartition());
}

TEST(ManifestWriter, WritesHeaderMetadataAndSpecFieldIds) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  auto container = avro::ContainerReader::Open(ReadFile(m.manifest_path), "m0");
  ASSERT_TRUE(container.ok());
  const auto& meta = (*container)->metadata();
  EXPECT_EQ(meta.at("format-version"), "2");
  EXPECT_EQ(meta.at("content"), "data");
  EXPECT_EQ(meta.at("schema-id"), "3");
  EXPECT_EQ(meta.at("partition-spec-id"), "4");
  auto spec = nlohmann::json::parse(meta.at("partition-spec"));
  ASSERT_TRUE(spec.is_array());  // the fields array, not the spec object
  EXPECT_EQ(spec[0], nlohmann::json::parse(
                         R"({"name":"b","transform":"identity","source-id":1,"field-id":1000})"));
  auto schema = nlohmann::json::parse(meta.at("schema"));
  EXPECT_EQ(schema["type"], "struct");
  EXPECT_EQ(schema["schema-id"], 3);
  EXPECT_EQ(schema["fields"][5]["type"], "decimal(9, 2)");

  auto avro = nlohmann::json::parse((*container)->schema()->ToJsonString());
  EXPECT_EQ(avro["name"], "manifest_entry");
  const auto& df = avro["fields"][4];
  EXPECT_EQ(df["field-id"], 2);
  const auto& partition = df["type"]["fields"][3];
  EXPECT_EQ(partition["field-id"], 102);
  EXPECT_EQ(partition["type"]["name"], "r102");
  const auto& pfields = partition["type"]["fields"];
  EXPECT_EQ(pfields[0]["field-id"], 1000);
  EXPECT_EQ(pfields[7]["type"][1]["logicalType"], "date");
  EXPECT_EQ(pfields[9]["type"][1]["adjust-to-utc"], false);
  EXPECT_EQ(pfields[10]["type"][1]["adjust-to-utc"], true);
  EXPECT_EQ(pfields[12]["type"][1]["logicalType"], "uuid");
  EXPECT_EQ(pfields[5]["type"][1]["size"], 4);
  EXPECT_EQ(pfields[6]["type"][1]["size"], 16);
  EXPECT_EQ(pfields[15]["name"], "weird_x20name_x2D1");
  EXPECT_EQ(pfields[15]["iceberg-field-name"], "weird name-1");
  const auto& column_sizes = df["type"]["fields"][6];
  EXPECT_EQ(column_sizes["field-id"], 108);
  EXPECT_EQ(column_sizes["type"][1]["logicalType"], "map");
  EXPECT_EQ(column_sizes["type"][1]["items"]["name"], "k117_v118");
  EXPECT_EQ(column_sizes["type"][1]["items"]["fields"][0]["field-id"], 117);
  EXPECT_EQ(column_sizes["type"][1]["items"]["fields"][1]["field-id"], 118);
}

TEST(ManifestWriter, UnpartitionedManifestHasEmptyPartitionRecord) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  Schema schema(0, {NestedField{1, "x", Type::Long(), true, ""}});
  auto writer = ManifestWriter::Make(*io, dir / "u.avro", PartitionSpec::Unpartitioned(),
                                     schema, Type::Struct({}), 5);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  DataFile f;
  f.file_path = "/w/x.parquet";
  f.record_count = 3;
  ASSERT_TRUE((*writer)->Add(f).ok());
  auto m = (*writer)->Close();
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->partitions.empty());
  auto entries = ReadManifestEntries(*io, *m);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_TRUE((*entries)[0].data_file.partition.empty());
  EXPECT_EQ((*entries)[0].data_file.record_count, 3);
}

TEST(ManifestWriter, DerivesPartitionTypeFromSpecWhenNotGiven) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                    NestedField{2, "ts", Type::Timestamp(), false, ""}});
  PartitionSpec spec(1, {PartitionField{1, 1000, "id_bucket", Transform::Bucket(8)},
                         PartitionField{2, 1001, "ts_day", Transform::Day()}});
  auto writer = ManifestWriter::Make(*io, dir / "p.avro", spec, schema, nullptr, 5);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  DataFile f;
  f.file_path = "/w/x.parquet";
  f.partition = {Literal::Int(3), Literal::Date(19800)};
  ASSERT_TRUE((*writer)->Add(f).ok());
  auto m = (*writer)->Close();
  ASSERT_TRUE(m.ok());
  auto reader = ManifestReader::Open(*io, *m);
  ASSERT_TRUE(reader.ok());
  const auto& fields = (*reader)->partition_type()->fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].id, 1000);
  EXPECT_EQ(fields[0].type->id(), TypeId::kInt);
  EXPECT_EQ(fields[1].name, "ts_day");
  EXPECT_EQ(fields[1].type->id(), TypeId::kDate);
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok());
  ExpectSamePartition((*entries)[0].data_file.partition, f.partition);
}

TEST(ManifestWriter, DeleteManifestRoundTripsEqualityIds) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  Schema schema(0, {NestedField{1, "x", Type::Long(), true, ""}});
  ManifestWriter::Options options;
  options.content = ManifestContent::kDeletes;
  auto writer = ManifestWriter::Make(*io, dir / "d.avro", PartitionSpec::Unpartitioned(),
                                     schema, Type::Struct({}), 5, options);
  ASSERT_TRUE(writer.ok());
  DataFile data;
  data.file_path = "/w/data.parquet";
  EXPECT_FALSE((*writer)->Add(data).ok());  // a data file in a delete manifest
  DataFile f;
  f.content = DataFileContent::kEqualityDeletes;
  f.file_path = "/w/eq.parquet";
  f.equality_ids = {1};
  ASSERT_TRUE((*writer)->Add(f).ok());
  auto m = (*writer)->Close();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->content, ManifestContent::kDeletes);
  auto reader = ManifestReader::Open(*io, *m);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->content(), ManifestContent::kDeletes);
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].data_file.content, DataFileContent::kEqualityDeletes);
  EXPECT_EQ((*entries)[0].data_file.equality_ids, std::vector<int32_t>{1});
}

TEST(ManifestWriter, V1ManifestReadsWithV2Defaults) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestWriter::Options options;
  options.format_version = 1;
  auto writer = ManifestWriter::Make(*io, dir / "v1.avro", t.spec, *t.schema, t.partition_type,
                                     11, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Add(FileWithMetrics("/w/a.parquet", FullPartition())).ok());
  auto m = (*writer)->Close();
  ASSERT_TRUE(m.ok());
  m->sequence_number = 0;  // v1 manifest lists carry no sequence numbers
  auto reader = ManifestReader::Open(*io, *m);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->format_version(), 1);
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  const auto& e = (*entries)[0];
  EXPECT_EQ(e.snapshot_id, 11);
  EXPECT_EQ(e.sequence_number, 0);
  EXPECT_EQ(e.file_sequence_number, 0);
  EXPECT_EQ(e.data_file.content, DataFileContent::kData);
  ExpectSameFile(e.data_file, FileWithMetrics("/w/a.parquet", FullPartition()));
}

TEST(ManifestWriter, RejectsEntriesItCannotWrite) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  auto writer = ManifestWriter::Make(*io, dir / "bad.avro", t.spec, *t.schema,
                                     t.partition_type, 1);
  ASSERT_TRUE(writer.ok());
  ManifestEntry existing;
  existing.data_file = FileWithMetrics("/w/a.parquet", FullPartition());
  auto st = (*writer)->AddExisting(existing);
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("no sequence number"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(dir / "bad.avro"), std::string::npos) << st.message();

  DataFile short_partition = FileWithMetrics("/w/b.parquet", {Literal::Boolean(true)});
  EXPECT_TRUE((*writer)->Add(short_partition).IsInvalid());
  auto wrong_type = FullPartition();
  wrong_type[0] = Literal::String("not a bool");
  EXPECT_TRUE((*writer)->Add(FileWithMetrics("/w/c.parquet", wrong_type)).IsInvalid());
}

TEST(ManifestReader, TruncatedManifestErrorNamesTheFile) {
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  std::string bytes = ReadFile(m.manifest_path);
  for (size_t keep : {size_t{3}, size_t{100}, bytes.size() - 40}) {
    std::string cut = bytes.substr(0, keep);
    auto reader = ManifestReader::Open(cut, m);
    arrow::Status st = reader.ok() ? (*reader)->Entries().status() : reader.status();
    ASSERT_FALSE(st.ok()) << "kept " << keep << " bytes";
    EXPECT_EQ(st.message().rfind("manifest " + m.manifest_path + ": ", 0), 0u)
        << st.message();
    EXPECT_EQ(st.message().find(m.manifest_path), st.message().rfind(m.manifest_path))
        << "path named once: " << st.message();
  }
  auto missing = m;
  missing.manifest_path = dir / "missing.avro";
  auto st = ReadManifestEntries(*io, missing).status();
  EXPECT_NE(st.message().find(missing.manifest_path), std::string::npos) << st.message();
}

// Fixtures written by PyIceberg 0.12 (tests/data/manifests/make_fixtures.py): partitioned by
// identity(category string), identity(ts timestamptz), identity(price decimal(9, 2)).
std::string Fixture(const std::string& name) {
  return std::string(FLOE_TEST_DATA_DIR) + "/manifests/" + name;
}

TEST(ManifestReader, ReadsPyIcebergV2Manifests) {
  auto io = LocalIO();
  auto list = ReadManifestList(*io, Fixture("pyiceberg_v2_list.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  ManifestFile older = (*list)[1];
  older.manifest_path = Fixture("pyiceberg_v2_m1.avro");
  auto reader = ManifestReader::Open(*io, older);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->format_version(), 2);
  EXPECT_EQ((*reader)->partition_spec_id(), 0);
  EXPECT_FALSE((*reader)->schema_id().has_value());  // PyIceberg does not write it
  EXPECT_NE((*reader)->schema_json().find("\"timestamptz\""), std::string::npos);
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  const auto& e = *entries;
  EXPECT_EQ(e[0].status, ManifestEntryStatus::kAdded);
  EXPECT_EQ(e[0].snapshot_id, 5779378382578829584LL);
  EXPECT_EQ(e[0].sequence_number, 1);
  EXPECT_EQ(e[0].file_sequence_number, 1);
  ExpectSamePartition(e[1].data_file.partition,
                      {Literal::String("b"), Literal::TimestampTz(1709380800000000LL),
                       Literal::Decimal(-225, 9, 2)});
  ExpectSamePartition(e[2].data_file.partition,
                      {Literal::Null(Type::String()), Literal::Null(Type::TimestampTz()),
                       Literal::Null(Type::Decimal(9, 2))});
  const DataFile& f = e[1].data_file;
  EXPECT_EQ(f.file_format, "PARQUET");
  EXPECT_EQ(f.record_count, 1);
  EXPECT_EQ(f.file_size_in_bytes, 1984);
  EXPECT_EQ(f.column_sizes.at(5), 70);
  EXPECT_EQ(f.null_value_counts.at(2), 0);
  EXPECT_EQ(util::ToHex(f.lower_bounds.at(4)), "ff1f");
  EXPECT_EQ(f.split_offsets, std::vector<int64_t>{4});
  EXPECT_EQ(f.spec_id, 0);
}

TEST(ManifestReader, ReadsPyIcebergV1ManifestsWithDefaults) {
  auto io = LocalIO();
  auto list = ReadManifestList(*io, Fixture("pyiceberg_v1_list.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ManifestFile newest = (*list)[0];
  newest.manifest_path = Fixture("pyiceberg_v1_m0.avro");
  auto reader = ManifestReader::Open(*io, newest);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->format_version(), 1);
  auto entries = (*reader)->Entries();
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  for (const auto& e : *entries) {
    EXPECT_EQ(e.snapshot_id, 5457563135748370621LL);
    EXPECT_EQ(e.sequence_number, 0);
    EXPECT_EQ(e.file_sequence_number, 0);
    EXPECT_EQ(e.data_file.content, DataFileContent::kData);
  }
  ExpectSamePartition((*entries)[1].data_file.partition,
                      {Literal::String("c"), Literal::TimestampTz(1711886400000000LL),
                       Literal::Decimal(9999, 9, 2)});
}

}  // namespace
}  // namespace floe::iceberg
