#pragma once

// Helpers shared by the manifest tests: a scratch folder, running a PyIceberg snippet with
// the project venv ($FLOE_PYTHON), and a manifest over every partition type.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"
#include "floe/util/hex.h"

namespace floe::iceberg::testing {

/// A fresh folder under the system temp dir, removed at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (tag + "-XXXXXX")).string();
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Runs a Python script (written to `dir`) with one argument and parses the JSON it prints on
/// stdout; a parse failure yields a discarded json value and the output is reported.
inline nlohmann::json RunPythonJson(const std::string& python, const ScratchDir& dir,
                                    const std::string& script, const std::string& arg) {
  std::string script_path = dir / "check.py";
  std::ofstream(script_path) << script;
  std::string cmd = python + " '" + script_path + "' '" + arg + "' 2>&1";
  std::string output;
  if (FILE* pipe = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
    pclose(pipe);
  }
  auto json = nlohmann::json::parse(output, nullptr, false);
  if (json.is_discarded()) ADD_FAILURE() << "python output is not JSON:\n" << output;
  return json;
}

// A table with one column of every primitive type, partitioned by identity on each.
struct AllTypes {
  std::shared_ptr<Schema> schema;
  PartitionSpec spec;
  TypePtr partition_type;
};

inline AllTypes MakeAllTypes() {
  std::vector<std::pair<std::string, TypePtr>> cols = {
      {"b", Type::Boolean()},       {"i", Type::Int()},
      {"l", Type::Long()},          {"f", Type::Float()},
      {"d", Type::Double()},        {"dec", Type::Decimal(9, 2)},
      {"big", Type::Decimal(38, 10)}, {"dt", Type::Date()},
      {"tm", Type::Time()},         {"ts", Type::Timestamp()},
      {"tstz", Type::TimestampTz()}, {"s", Type::String()},
      {"u", Type::Uuid()},          {"fx", Type::Fixed(4)},
      {"bin", Type::Binary()},      {"weird name-1", Type::Decimal(9, 2)},
  };
  std::vector<NestedField> fields;
  std::vector<PartitionField> pfields;
  std::vector<NestedField> ptype;
  for (size_t i = 0; i < cols.size(); ++i) {
    int32_t id = static_cast<int32_t>(i) + 1;
    int32_t pid = kFirstPartitionFieldId + static_cast<int32_t>(i);
    fields.push_back(NestedField{id, cols[i].first, cols[i].second, false, ""});
    pfields.push_back(PartitionField{id, pid, cols[i].first, Transform::Identity()});
    ptype.push_back(NestedField{pid, cols[i].first, cols[i].second, false, ""});
  }
  return {std::make_shared<Schema>(3, std::move(fields)), PartitionSpec(4, std::move(pfields)),
          Type::Struct(std::move(ptype))};
}

inline std::string UuidBytes() {
  return std::string("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
}

inline __int128 BigUnscaled() {
  // -(10^37 + 5): needs the full 16 bytes of decimal(38, 10).
  __int128 v = 1;
  for (int i = 0; i < 37; ++i) v *= 10;
  return -(v + 5);
}

inline std::vector<Literal> FullPartition() {
  return {Literal::Boolean(true),
          Literal::Int(-7),
          Literal::Long(1LL << 40),
          Literal::Float(1.5f),
          Literal::Double(-2.25),
          Literal::Decimal(12345, 9, 2),
          Literal::Decimal(BigUnscaled(), 38, 10),
          Literal::Date(19783),
          Literal::Time(3600000001LL),
          Literal::Timestamp(1709294400000000LL),
          Literal::TimestampTz(-1000000LL),
          Literal::String("h\xc3\xa9llo"),
          Literal::Uuid(UuidBytes()),
          Literal::Fixed(std::string("\x01\x02\x03\xff", 4)),
          Literal::Binary(std::string("\x00\xff", 2)),
          Literal::Decimal(-1, 9, 2)};
}

inline std::vector<Literal> NullPartition(const Type& ptype) {
  std::vector<Literal> out;
  for (const auto& f : ptype.fields()) out.push_back(Literal::Null(f.type));
  return out;
}

inline DataFile FileWithMetrics(const std::string& path, std::vector<Literal> partition) {
  DataFile f;
  f.file_path = path;
  f.partition = std::move(partition);
  f.record_count = 100;
  f.file_size_in_bytes = 4096;
  f.column_sizes = {{1, 10}, {2, 20}};
  f.value_counts = {{1, 100}, {2, 100}};
  f.null_value_counts = {{1, 0}, {2, 3}};
  f.nan_value_counts = {{4, 1}, {5, 0}};
  f.lower_bounds = {{2, std::string("\xf9\xff\xff\xff", 4)}, {12, "a"}};
  f.upper_bounds = {{2, std::string("\x07\x00\x00\x00", 4)}, {12, "z"}};
  f.key_metadata = std::string("\x00key", 4);
  f.split_offsets = {4, 1000, 1LL << 33};
  f.sort_order_id = 1;
  return f;
}

inline std::shared_ptr<io::FileIO> LocalIO() { return *io::MakeFileIO("/"); }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes ADDED (full partition), ADDED (null partition), EXISTING and DELETED entries.
inline ManifestFile WriteFourEntries(io::FileIO& io, const std::string& path, const AllTypes& t,
                              int64_t snapshot_id) {
  auto writer = ManifestWriter::Make(io, path, t.spec, *t.schema, t.partition_type,
                                     snapshot_id);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_TRUE((*writer)->Add(FileWithMetrics("/w/a.parquet", FullPartition())).ok());
  EXPECT_TRUE(
      (*writer)->Add(FileWithMetrics("/w/b.parquet", NullPartition(*t.partition_type))).ok());
  ManifestEntry existing;
  existing.snapshot_id = 7;
  existing.sequence_number = 3;
  existing.file_sequence_number = 2;
  existing.data_file = FileWithMetrics("/w/c.parquet", FullPartition());
  existing.data_file.partition[4] = Literal::Double(std::nan(""));
  existing.data_file.partition[1] = Literal::Int(42);
  existing.data_file.record_count = 5;
  EXPECT_TRUE((*writer)->AddExisting(existing).ok());
  ManifestEntry deleted;
  deleted.sequence_number = 2;
  deleted.file_sequence_number = 2;
  deleted.data_file = FileWithMetrics("/w/d.parquet", FullPartition());
  deleted.data_file.record_count = 7;
  deleted.data_file.partition[1] = Literal::Int(-100);
  EXPECT_TRUE((*writer)->AddDeleted(deleted).ok());
  auto manifest = (*writer)->Close();
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  return manifest.ok() ? *manifest : ManifestFile{};
}

}  // namespace floe::iceberg::testing
