// Format v3 manifests and manifest lists (spec: "Manifests", "Manifest Lists", "Row
// Lineage"): the v3 data_file fields round-trip with the spec's field ids, first_row_id is
// inherited on read and assigned by the manifest list writer, and PyIceberg reads the files.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../interop_python.h"
#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "manifest_test_util.h"

namespace floe::iceberg {
namespace {

using testing::LocalIO;
using testing::ReadFile;
using testing::RunPythonJson;
using testing::ScratchDir;

std::shared_ptr<Schema> OneColumn() {
  return std::make_shared<Schema>(0, std::vector<NestedField>{{1, "id", Type::Long(), false, ""}});
}

DataFile Data(const std::string& path, int64_t records) {
  DataFile f;
  f.file_path = path;
  f.record_count = records;
  f.file_size_in_bytes = 100;
  return f;
}

DataFile Dv(const std::string& puffin, const std::string& data_file, int64_t offset) {
  DataFile f;
  f.content = DataFileContent::kPositionDeletes;
  f.file_path = puffin;
  f.file_format = "PUFFIN";
  f.record_count = 3;
  f.file_size_in_bytes = 200;
  f.referenced_data_file = data_file;
  f.content_offset = offset;
  f.content_size_in_bytes = 40;
  return f;
}

// Writes a v3 data manifest: two ADDED files without row ids, one EXISTING file with one,
// one DELETED file.
ManifestFile WriteDataManifest(io::FileIO& io, const std::string& path) {
  ManifestWriter::Options options;
  options.format_version = 3;
  auto writer =
      ManifestWriter::Make(io, path, PartitionSpec(0, {}), *OneColumn(), nullptr, 9, options);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_TRUE((*writer)->Add(Data("/t/a.parquet", 10)).ok());
  ManifestEntry existing;
  existing.snapshot_id = 5;
  existing.sequence_number = 1;
  existing.file_sequence_number = 1;
  existing.data_file = Data("/t/old.parquet", 7);
  existing.data_file.first_row_id = 1000;
  EXPECT_TRUE((*writer)->AddExisting(existing).ok());
  EXPECT_TRUE((*writer)->Add(Data("/t/b.parquet", 20)).ok());
  ManifestEntry deleted = existing;
  deleted.data_file = Data("/t/gone.parquet", 4);
  EXPECT_TRUE((*writer)->AddDeleted(deleted).ok());
  auto manifest = (*writer)->Close();
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  return *manifest;
}

TEST(ManifestV3, SchemaHasTheSpecFieldIds) {
  ScratchDir dir("manifest-v3");
  auto io = LocalIO();
  WriteDataManifest(*io, dir / "m.avro");
  auto reader = avro::ContainerReader::Open(ReadFile(dir / "m.avro"), "m");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->metadata().at("format-version"), "3");
  const std::string schema = (*reader)->metadata().at("avro.schema");
  auto json = nlohmann::json::parse(schema);
  std::map<std::string, int> ids;
  for (const auto& field : json["fields"]) {
    if (field["name"] != "data_file") continue;
    for (const auto& f : field["type"]["fields"]) ids[f["name"]] = f["field-id"];
  }
  EXPECT_EQ(ids["first_row_id"], 142);
  EXPECT_EQ(ids["referenced_data_file"], 143);
  EXPECT_EQ(ids["content_offset"], 144);
  EXPECT_EQ(ids["content_size_in_bytes"], 145);
}

TEST(ManifestV3, FirstRowIdIsInheritedByLiveFilesWithoutOne) {
  ScratchDir dir("manifest-v3");
  auto io = LocalIO();
  ManifestFile m = WriteDataManifest(*io, dir / "m.avro");
  m.sequence_number = 3;
  m.first_row_id = 500;
  auto entries = ReadManifestEntries(*io, m);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].data_file.first_row_id, 500);            // a: first in the manifest
  EXPECT_EQ((*entries)[1].data_file.first_row_id, 1000);           // kept its own
  EXPECT_EQ((*entries)[2].data_file.first_row_id, 510);            // b: after a's 10 rows
  EXPECT_FALSE((*entries)[3].data_file.first_row_id.has_value());  // DELETED: not assigned

  // A committed manifest without a first_row_id predates row lineage: no row ids at all.
  m.first_row_id.reset();
  entries = ReadManifestEntries(*io, m);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) EXPECT_FALSE(e.data_file.first_row_id.has_value());
}

TEST(ManifestV3, DeletionVectorFieldsRoundTrip) {
  ScratchDir dir("manifest-v3");
  auto io = LocalIO();
  ManifestWriter::Options options;
  options.format_version = 3;
  options.content = ManifestContent::kDeletes;
  auto writer = ManifestWriter::Make(*io, dir / "d.avro", PartitionSpec(0, {}), *OneColumn(),
                                     nullptr, 9, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(Dv("/t/dv.puffin", "/t/a.parquet", 4)).ok());
  ASSERT_TRUE((*writer)->Add(Dv("/t/dv.puffin", "/t/b.parquet", 44)).ok());
  auto m = (*writer)->Close();
  ASSERT_TRUE(m.ok());
  m->sequence_number = 2;
  auto entries = ReadManifestEntries(*io, *m);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  const DataFile& dv = (*entries)[1].data_file;
  EXPECT_TRUE(dv.is_deletion_vector());
  EXPECT_EQ(dv.referenced_data_file, "/t/b.parquet");
  EXPECT_EQ(dv.content_offset, 44);
  EXPECT_EQ(dv.content_size_in_bytes, 40);
  EXPECT_FALSE(dv.first_row_id.has_value());

  // v2 manifests cannot hold deletion vectors.
  options.format_version = 2;
  auto v2 = ManifestWriter::Make(*io, dir / "d2.avro", PartitionSpec(0, {}), *OneColumn(), nullptr,
                                 9, options);
  ASSERT_TRUE(v2.ok());
  EXPECT_TRUE((*v2)->Add(Dv("/t/dv.puffin", "/t/a.parquet", 4)).IsInvalid());
}

ManifestFile ListRow(const std::string& path, ManifestContent content, int64_t added,
                     int64_t existing, std::optional<int64_t> first_row_id) {
  ManifestFile m;
  m.manifest_path = path;
  m.content = content;
  m.sequence_number = 1;
  m.min_sequence_number = 1;
  m.added_snapshot_id = 1;
  m.added_rows_count = added;
  m.existing_rows_count = existing;
  m.first_row_id = first_row_id;
  return m;
}

TEST(ManifestV3, ListAssignsFirstRowIdsToDataManifestsWithoutOne) {
  ScratchDir dir("manifest-list-v3");
  auto io = LocalIO();
  ManifestListWriter::Options options;
  options.format_version = 3;
  options.first_row_id = 1000;
  auto writer = ManifestListWriter::Make(*io, dir / "snap.avro", 2, 1, 2, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  // The spec's example: existing manifest keeps its id; new ones start at the snapshot's.
  ASSERT_TRUE((*writer)->Add(ListRow("/m/new1", ManifestContent::kData, 100, 0, {})).ok());
  ASSERT_TRUE((*writer)->Add(ListRow("/m/dels", ManifestContent::kDeletes, 3, 0, {})).ok());
  ASSERT_TRUE((*writer)->Add(ListRow("/m/old", ManifestContent::kData, 0, 50, 0)).ok());
  ASSERT_TRUE((*writer)->Add(ListRow("/m/new2", ManifestContent::kData, 25, 100, {})).ok());
  EXPECT_EQ((*writer)->next_row_id(), 1000 + 100 + 125);
  ASSERT_TRUE((*writer)->Close().ok());

  auto container = avro::ContainerReader::Open(ReadFile(dir / "snap.avro"), "list");
  ASSERT_TRUE(container.ok());
  EXPECT_EQ((*container)->metadata().at("first-row-id"), "1000");
  EXPECT_EQ((*container)->metadata().at("format-version"), "3");

  auto rows = ReadManifestList(*io, dir / "snap.avro");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].first_row_id, 1000);
  EXPECT_FALSE((*rows)[1].first_row_id.has_value());
  EXPECT_EQ((*rows)[2].first_row_id, 0);
  EXPECT_EQ((*rows)[3].first_row_id, 1100);

  options.first_row_id.reset();
  EXPECT_TRUE(ManifestListWriter::Make(*io, dir / "x.avro", 2, 1, 2, options).status().IsInvalid());
}

// PyIceberg 0.12 reads v3 manifests with its v2 read schema (it does not read the v3 fields);
// fastavro, an independent Avro reader, shows the v3 fields by the spec's names.
constexpr const char* kPyIcebergV3 = R"PY(
import json, sys
import fastavro
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.manifest import read_manifest_list
io = PyArrowFileIO()
out = []
for m in read_manifest_list(io.new_input(sys.argv[1])):
    files = [{"path": e.data_file.file_path, "format": str(e.data_file.file_format.value),
              "records": e.data_file.record_count}
             for e in m.fetch_manifest_entry(io, discard_deleted=False)]
    with open(m.manifest_path, "rb") as f:
        raw = [r["data_file"] for r in fastavro.reader(f)]
    out.append({"path": m.manifest_path, "files": files,
                "raw": [{k: r.get(k, "absent") for k in
                         ("first_row_id", "referenced_data_file", "content_offset",
                          "content_size_in_bytes")} for r in raw]})
with open(sys.argv[1], "rb") as f:
    out = {"manifests": out, "list_first_row_ids": [r.get("first_row_id", "absent")
                                                   for r in fastavro.reader(f)]}
print(json.dumps(out))
)PY";

TEST(ManifestV3, PyIcebergReadsTheV3Fields) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  ScratchDir dir("manifest-v3-py");
  auto io = LocalIO();
  ManifestFile data = WriteDataManifest(*io, dir / "data.avro");
  ManifestWriter::Options options;
  options.format_version = 3;
  options.content = ManifestContent::kDeletes;
  auto writer = ManifestWriter::Make(*io, dir / "dels.avro", PartitionSpec(0, {}), *OneColumn(),
                                     nullptr, 9, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(Dv(dir / "dv.puffin", "/t/a.parquet", 4)).ok());
  auto dels = (*writer)->Close();
  ASSERT_TRUE(dels.ok());
  ManifestListWriter::Options list_options;
  list_options.format_version = 3;
  list_options.first_row_id = 40;
  auto list = ManifestListWriter::Make(*io, dir / "snap.avro", 9, std::nullopt, 1, list_options);
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE((*list)->Add(data).ok());
  ASSERT_TRUE((*list)->Add(*dels).ok());
  ASSERT_TRUE((*list)->Close().ok());

  auto out = RunPythonJson(python, dir, kPyIcebergV3, dir / "snap.avro");
  ASSERT_TRUE(out.is_object()) << out.dump();
  EXPECT_EQ(out["list_first_row_ids"], nlohmann::json({40, nullptr}));
  const auto& manifests = out["manifests"];
  ASSERT_EQ(manifests.size(), 2u);
  ASSERT_EQ(manifests[0]["files"].size(), 4u);
  EXPECT_EQ(manifests[0]["files"][0]["path"], "/t/a.parquet");
  EXPECT_EQ(manifests[0]["files"][2]["records"], 20);
  // Stored values: null on ADDED files (inherited at read), the EXISTING file's own id.
  const auto& raw = manifests[0]["raw"];
  EXPECT_TRUE(raw[0]["first_row_id"].is_null());
  EXPECT_EQ(raw[1]["first_row_id"], 1000);
  EXPECT_TRUE(raw[0]["referenced_data_file"].is_null());
  const auto& dv = manifests[1]["raw"][0];
  EXPECT_EQ(manifests[1]["files"][0]["format"], "PUFFIN");
  EXPECT_EQ(dv["referenced_data_file"], "/t/a.parquet");
  EXPECT_EQ(dv["content_offset"], 4);
  EXPECT_EQ(dv["content_size_in_bytes"], 40);
  EXPECT_TRUE(dv["first_row_id"].is_null());
}

}  // namespace
}  // namespace floe::iceberg
