// The parquet sink: batches become files and a manifest with the offsets; a restart resumes at
// the newest manifest's offsets and removes the files no manifest lists; a batch whose
// partitions another process committed meanwhile is refused and its files deleted.
#include "floe/stream/sinks/parquet_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "floe/io/file_io.h"
#include "floe/util/uuid.h"
#include "stream_test_util.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;

class ParquetSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe-parquet-sink-" + util::RandomUuid());
    auto mapping = StreamMapping::Parse(R"(
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: v, path: v, type: string}
)",
                                        "m");
    ASSERT_TRUE(mapping.ok());
    mapping_ = *mapping;
    schema_ = std::make_shared<const iceberg::Schema>(*mapping_.TableSchema());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<ParquetSink> Open() {
    ParquetSinkOptions options;
    options.path = dir_.string();
    options.stream_id = "s1";
    options.schema = schema_;
    auto sink = ParquetSink::Open(*io::MakeFileIO(dir_.string()), options);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return std::move(*sink);
  }

  StreamBatch Batch(int32_t partition, int64_t first, const std::vector<std::string>& values) {
    return BatchOf(&mapping_, schema_, partition, first, values);
  }

  nlohmann::json Manifest(int n) {
    char name[16];
    std::snprintf(name, sizeof(name), "%08d.json", n);
    std::ifstream in(dir_ / "_floe_stream" / "s1" / name);
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }

  std::vector<std::string> ParquetFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().extension() == ".parquet") out.push_back(fs::relative(e.path(), dir_).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  StreamMapping mapping_;
  std::shared_ptr<const iceberg::Schema> schema_;
};

TEST_F(ParquetSinkTest, CommitsFilesAndOffsetsInAManifest) {
  auto sink = Open();
  EXPECT_TRUE(sink->committed().empty());
  auto result = sink->Commit(Batch(0, 0, {R"({"id":1,"v":"a"})", "not json", R"({"id":2})"}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->committed);
  EXPECT_EQ(result->rows, 2);
  EXPECT_EQ(result->dead_letters, 1);
  auto manifest = Manifest(1);
  EXPECT_EQ(manifest["offsets"], nlohmann::json::parse(R"({"rides":{"0":3}})"));
  ASSERT_EQ(manifest["files"].size(), 2u);
  EXPECT_EQ(manifest["files"][0]["content"], "data");
  EXPECT_EQ(manifest["files"][0]["rows"], 2);
  EXPECT_EQ(manifest["files"][1]["content"], "dead-letters");
  EXPECT_EQ(manifest["files"][1]["path"].get<std::string>().rfind("_dlq/s1-00000001-", 0), 0u);
  EXPECT_EQ(ParquetFiles().size(), 2u);

  // Another partition: the manifest carries both partitions' offsets.
  ASSERT_TRUE(sink->Commit(Batch(1, 10, {R"({"id":3})"})).ok());
  EXPECT_EQ(Manifest(2)["offsets"], nlohmann::json::parse(R"({"rides":{"0":3,"1":11}})"));

  // A restart resumes at the newest manifest.
  auto again = Open();
  EXPECT_EQ(again->committed(), (PartitionOffsets{{{"rides", 0}, 3}, {{"rides", 1}, 11}}));
}

TEST_F(ParquetSinkTest, RefusesABatchAnotherProcessCommitted) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->Commit(Batch(0, 0, {R"({"id":1})"})).ok());
  auto refused = b->Commit(Batch(0, 0, {R"({"id":1})"}));
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->committed);
  EXPECT_NE(refused->refused_reason.find("another process"), std::string::npos);
  EXPECT_EQ(ParquetFiles().size(), 1u);  // refused before writing anything
  // Other partitions commit on top of a's manifest, keeping its offsets.
  auto other = b->Commit(Batch(2, 5, {R"({"id":9})"}));
  ASSERT_TRUE(other.ok() && other->committed);
  EXPECT_EQ(Manifest(2)["offsets"], nlohmann::json::parse(R"({"rides":{"0":1,"2":6}})"));
}

TEST_F(ParquetSinkTest, RestartRemovesFilesNoManifestLists) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink->Commit(Batch(0, 0, {R"({"id":1})"})).ok());
  }
  auto kept = ParquetFiles();
  // As a crash between files and manifest leaves them: one under the newest sequence (a
  // commit that lost its race) and one past it (possibly another process's commit in flight).
  fs::create_directories(dir_ / "_dlq");
  std::ofstream(dir_ / "s1-00000001-lost.parquet") << "x";
  std::ofstream(dir_ / "_dlq" / "s1-00000001-lost.parquet") << "x";
  std::ofstream(dir_ / "s1-00000002-inflight.parquet") << "x";
  std::ofstream(dir_ / "other-00000001-x.parquet") << "x";  // another stream's
  Open();
  auto left = ParquetFiles();
  auto expected = kept;
  expected.push_back("other-00000001-x.parquet");
  expected.push_back("s1-00000002-inflight.parquet");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(left, expected);
}

}  // namespace
}  // namespace floe::stream
