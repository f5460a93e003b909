#include "floe/testing/corpus_generator.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>
#include <zstd.h>

namespace floe::testing {
namespace {

namespace fs = std::filesystem;

class CorpusGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("floe_corpus_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A small corpus with every quirk and every bad kind.
  CorpusOptions Small(const std::string& name, uint64_t seed = 7) {
    CorpusOptions o;
    o.output = (root_ / name).string();
    o.seed = seed;
    o.apps = 2;
    o.executors_per_app = 2;
    o.records_per_pod = 120;
    o.bad_line_rate = 0.3;
    o.gzip_share = 0.25;
    o.zstd_share = 0.25;
    o.decoy_folders = 8;
    return o;
  }

  fs::path root_;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file below `dir`, by relative path, with its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    out[rel] = e.is_regular_file() ? ReadAll(e.path()) : std::string("<dir>");
  }
  return out;
}

std::string Gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 32), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[1 << 16];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << "inflate: " << rc;
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the gzip stream";
  return out;
}

std::string Unzstd(const std::string& data) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string out;
  std::string buf(1 << 16, '\0');
  size_t rc = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    rc = ZSTD_decompressStream(ctx, &o, &in);
    if (ZSTD_isError(rc)) {
      ADD_FAILURE() << "zstd: " << ZSTD_getErrorName(rc);
      break;
    }
    out.append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(ctx);
  EXPECT_EQ(rc, 0u) << "zstd frame not complete";
  return out;
}

// What the files under the `spark-*` folders hold, counted from the bytes on disk.
struct Recount {
  int64_t files = 0, gzip = 0, zstd = 0, bytes = 0, uncompressed = 0;
  int64_t lines = 0, blank = 0, invalid_json = 0, valid_json = 0;
  int64_t bom_files = 0, crlf_files = 0, no_final_newline_files = 0, compressed_named_json = 0;
  std::map<std::string, int64_t> records_per_pod;  ///< non-blank lines per pod folder
  std::set<std::string> app_folders;
};

Recount CountCorpus(const fs::path& dir) {
  Recount r;
  for (const auto& app : fs::directory_iterator(dir)) {
    const std::string name = app.path().filename().string();
    if (!app.is_directory() || name.rfind("spark-", 0) != 0) continue;
    r.app_folders.insert(name);
    for (const auto& e : fs::recursive_directory_iterator(app.path())) {
      if (!e.is_regular_file()) continue;
      r.files++;
      std::string data = ReadAll(e.path());
      r.bytes += static_cast<int64_t>(data.size());
      const bool json_name = e.path().extension() == ".json";
      if (data.rfind("\x1f\x8b", 0) == 0) {
        r.gzip++;
        r.compressed_named_json += json_name;
        data = Gunzip(data);
      } else if (data.rfind("\x28\xb5\x2f\xfd", 0) == 0) {
        r.zstd++;
        r.compressed_named_json += json_name;
        data = Unzstd(data);
      }
      r.uncompressed += static_cast<int64_t>(data.size());
      std::string_view text = data;
      if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
        r.bom_files++;
        text.remove_prefix(3);
      }
      if (text.find("\r\n") != std::string_view::npos) r.crlf_files++;
      if (!text.empty() && text.back() != '\n') r.no_final_newline_files++;
      const std::string pod = e.path().parent_path().filename().string();
      while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        r.lines++;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {  // JSON whitespace
          r.blank++;
          continue;
        }
        r.records_per_pod[pod]++;
        const bool ok = nlohmann::json::accept(line) &&
                        nlohmann::json::parse(line, nullptr, false).is_object();
        (ok ? r.valid_json : r.invalid_json)++;
      }
    }
  }
  return r;
}

TEST_F(CorpusGeneratorTest, SameSeedWritesByteIdenticalCorpus) {
  auto a = GenerateCorpus(Small("a"));
  auto b = GenerateCorpus(Small("b"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const auto snap_a = Snapshot(root_ / "a");
  EXPECT_GT(snap_a.size(), 20u);
  EXPECT_EQ(snap_a, Snapshot(root_ / "b"));
  EXPECT_EQ(a->app_folders, b->app_folders);
  EXPECT_EQ(a->bad_by_kind, b->bad_by_kind);
}

TEST_F(CorpusGeneratorTest, DifferentSeedsWriteDifferentCorpora) {
  ASSERT_TRUE(GenerateCorpus(Small("a", 1)).ok());
  ASSERT_TRUE(GenerateCorpus(Small("b", 2)).ok());
  const auto snap_a = Snapshot(root_ / "a");
  const auto snap_b = Snapshot(root_ / "b");
  EXPECT_NE(snap_a, snap_b);
  std::set<std::string> names_a, names_b;
  for (const auto& [name, bytes] : snap_a) names_a.insert(name);
  for (const auto& [name, bytes] : snap_b) names_b.insert(name);
  EXPECT_NE(names_a, names_b) << "app selectors and file names come from the seed";
}

TEST_F(CorpusGeneratorTest, SummaryEqualsRecountOfWrittenFiles) {
  const CorpusOptions options = Small("c");
  auto summary = GenerateCorpus(options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const Recount r = CountCorpus(options.output);
  EXPECT_EQ(r.files, summary->files);
  EXPECT_EQ(r.gzip, summary->gzip_files);
  EXPECT_EQ(r.zstd, summary->zstd_files);
  EXPECT_EQ(r.bytes, summary->bytes);
  EXPECT_EQ(r.uncompressed, summary->uncompressed_bytes);
  EXPECT_EQ(r.lines, summary->lines);
  EXPECT_EQ(r.blank, summary->blank_lines);
  EXPECT_EQ(r.lines, summary->good_lines + summary->bad_lines + summary->blank_lines);
  EXPECT_EQ(r.invalid_json, summary->bad_by_reason["invalid_json"]);
  EXPECT_EQ(r.valid_json, summary->good_lines + summary->bad_lines - r.invalid_json);
  EXPECT_EQ(r.app_folders,
            std::set<std::string>(summary->app_folders.begin(), summary->app_folders.end()));
  // Records per pod are exact; pods are the driver and executors of each app.
  EXPECT_EQ(r.records_per_pod.size(), 6u);
  for (const auto& [pod, records] : r.records_per_pod) EXPECT_EQ(records, 120) << pod;
  int64_t by_kind = 0, by_reason = 0;
  for (const auto& [kind, count] : summary->bad_by_kind) by_kind += count;
  for (const auto& [reason, count] : summary->bad_by_reason) by_reason += count;
  EXPECT_EQ(by_kind, summary->bad_lines);
  EXPECT_EQ(by_reason, summary->bad_lines);
}

TEST_F(CorpusGeneratorTest, EveryBadKindAndFileQuirkIsPresent) {
  const CorpusOptions options = Small("d");
  auto summary = GenerateCorpus(options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_GE(summary->bad_lines, kBadKindCount);
  for (int k = 0; k < kBadKindCount; ++k) {
    const std::string name(BadKindName(static_cast<BadKind>(k)));
    EXPECT_GT(summary->bad_by_kind[name], 0) << name;
  }
  EXPECT_EQ(summary->bad_by_reason.size(), 9u) << "invalid_json, bad_timestamp, 7 missing";
  const Recount r = CountCorpus(options.output);
  EXPECT_GE(r.bom_files, 1);
  EXPECT_GE(r.crlf_files, 1);
  EXPECT_GE(r.no_final_newline_files, 1);
  EXPECT_GE(r.blank, 1);
  EXPECT_GE(r.compressed_named_json, 1) << "compressed files are found by magic, not name";
  // Exact shares: a quarter of the files each.
  EXPECT_EQ(r.gzip, std::llround(0.25 * static_cast<double>(r.files)));
  EXPECT_EQ(r.zstd, std::llround(0.25 * static_cast<double>(r.files)));
}

TEST_F(CorpusGeneratorTest, DecoysLookLikeLogsButAreNotSparkFolders) {
  const CorpusOptions options = Small("e");
  auto summary = GenerateCorpus(options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->decoy_entries, 8);
  EXPECT_EQ(summary->decoy_files, 8);
  const fs::path out(options.output);
  EXPECT_TRUE(fs::is_directory(out / "_tmp"));
  EXPECT_TRUE(fs::is_directory(out / "logs"));
  EXPECT_TRUE(fs::is_directory(out / "_spark_metadata"));
  EXPECT_TRUE(fs::is_regular_file(out / "spark-notes.txt"));
  int spark_folders = 0, spark_files = 0, near_misses = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("spark-", 0) == 0) (e.is_directory() ? spark_folders : spark_files)++;
    if (name.rfind("sparkapp-", 0) == 0 || name.rfind("Spark-", 0) == 0 ||
        name.rfind(".spark-", 0) == 0) {
      near_misses++;
    }
  }
  EXPECT_EQ(spark_folders, options.apps);
  EXPECT_EQ(spark_files, 2) << "spark-notes.txt and spark-<hex>.json are plain files";
  EXPECT_EQ(near_misses, 3);
  // Decoy files hold lines an ingest would accept, so reading one would show in the counts.
  const std::string notes = ReadAll(out / "spark-notes.txt");
  EXPECT_TRUE(nlohmann::json::parse(notes.substr(0, notes.find('\n')), nullptr, false)
                  .is_object());
}

TEST_F(CorpusGeneratorTest, SizeTargetIsMetByLineBytes) {
  CorpusOptions o = Small("f");
  o.records_per_pod = 0;
  o.target_bytes = 3 << 20;
  o.bom_share = 0;
  o.decoy_folders = 0;
  auto summary = GenerateCorpus(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GE(summary->uncompressed_bytes, o.target_bytes);
  // Each file stops at the first line past its share: overshoot is under a few lines per file.
  EXPECT_LT(summary->uncompressed_bytes, o.target_bytes + summary->files * 8000);
  EXPECT_LT(summary->bytes, summary->uncompressed_bytes) << "half the files are compressed";
}

TEST_F(CorpusGeneratorTest, CleanCorpusHasOnlyGoodLines) {
  CorpusOptions o = Small("g");
  o.bad_line_rate = 0;
  auto summary = GenerateCorpus(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->bad_lines, 0);
  EXPECT_TRUE(summary->bad_by_kind.empty());
  EXPECT_EQ(summary->good_lines, 6 * 120);
  EXPECT_EQ(CountCorpus(o.output).invalid_json, 0);
}

TEST_F(CorpusGeneratorTest, KindWeightsSelectKinds) {
  CorpusOptions o = Small("h");
  for (int k = 0; k < kBadKindCount; ++k) o.bad_kind_weights[static_cast<BadKind>(k)] = 0;
  o.bad_kind_weights[BadKind::kTimestampBoolean] = 1;
  o.bad_kind_weights[BadKind::kTruncated] = 3;
  auto summary = GenerateCorpus(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->bad_by_kind.size(), 2u);
  const int64_t truncated = summary->bad_by_kind["truncated"];
  const int64_t boolean = summary->bad_by_kind["timestamp_boolean"];
  EXPECT_LE(std::abs(truncated - 3 * boolean), 3) << "smooth round robin keeps exact shares";
}

TEST_F(CorpusGeneratorTest, RefusesNonEmptyOutputAndBadOptions) {
  fs::create_directories(root_ / "full");
  std::ofstream(root_ / "full" / "x") << "x";
  CorpusOptions o = Small("full");
  auto full = GenerateCorpus(o);
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.status().message().find("not empty"), std::string::npos);

  o = Small("bad");
  o.gzip_share = 0.7;
  o.zstd_share = 0.7;
  EXPECT_TRUE(GenerateCorpus(o).status().IsInvalid());
  o = Small("bad");
  o.apps = 0;
  EXPECT_TRUE(GenerateCorpus(o).status().IsInvalid());
  o = Small("bad");
  for (int k = 0; k < kBadKindCount; ++k) o.bad_kind_weights[static_cast<BadKind>(k)] = 0;
  EXPECT_TRUE(GenerateCorpus(o).status().IsInvalid());
  EXPECT_FALSE(fs::exists(root_ / "bad")) << "nothing written for invalid options";
}

TEST(BadKindTest, ReasonsFollowTheIngestRules) {
  EXPECT_EQ(BadKindReason(BadKind::kTruncated), "invalid_json");
  EXPECT_EQ(BadKindReason(BadKind::kPlainText), "invalid_json");
  EXPECT_EQ(BadKindReason(BadKind::kTimestampEmpty), "missing_field:timestamp");
  EXPECT_EQ(BadKindReason(BadKind::kPodNameNull), "missing_field:kubernetes.pod_name");
  EXPECT_EQ(BadKindReason(BadKind::kSelectorAbsent),
            "missing_field:kubernetes.labels.spark-app-selector");
  EXPECT_EQ(BadKindReason(BadKind::kKubernetesNotObject), "missing_field:kubernetes.pod_name");
  EXPECT_EQ(BadKindReason(BadKind::kLabelsNotObject), "missing_field:kubernetes.labels.app");
  EXPECT_EQ(BadKindReason(BadKind::kTimestampBoolean), "bad_timestamp");
  std::set<std::string_view> names;
  for (int k = 0; k < kBadKindCount; ++k) names.insert(BadKindName(static_cast<BadKind>(k)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kBadKindCount)) << "names are unique";
}

}  // namespace
}  // namespace floe::testing
