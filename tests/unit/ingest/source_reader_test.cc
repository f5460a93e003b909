// The source reader: windows of whole lines, the checksummed prefix, unterminated and over-long
// lines, and files that shrink while they are read.
#include "floe/ingest/source_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "floe/util/crc64.h"
#include "ingest_test_util.h"
#include "spark_log_test_util.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

std::string Line(int i) {
  testing::LineSpec spec;
  spec.message = "\"message " + std::to_string(i) + "\"";
  return testing::Build(spec);
}

using testing::Gzip;

class SourceReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto io = io::MakeFileIO(dir_.string());
    ASSERT_TRUE(io.ok());
    io_ = *io;
  }

  std::string Write(const std::string& bytes, const std::string& name = "log.json") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
  }
  void Append(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
  }

  struct Got {
    ReadOutcome outcome;
    int64_t rows = 0;
    std::vector<RejectedLine> rejects;
    ParseCounts counts;
    int windows = 0;
  };

  arrow::Result<Got> Read(SourceReader& reader, const std::string& path, const ReadPlan& plan,
                          const std::function<void()>& between_windows = nullptr) {
    SparkLogParser parser;
    Got got;
    std::vector<RejectedLine> rejects;
    auto after = [&]() -> arrow::Status {
      ++got.windows;
      for (auto& r : rejects) got.rejects.push_back(std::move(r));
      rejects.clear();
      if (between_windows) between_windows();
      return arrow::Status::OK();
    };
    ARROW_ASSIGN_OR_RAISE(got.outcome,
                          reader.Read(*io_, path, plan, &parser, &rejects, &got.counts, after));
    for (auto& r : rejects) got.rejects.push_back(std::move(r));
    got.rows = parser.num_rows();
    return got;
  }

  static ReadPlan Whole(int64_t size) {
    ReadPlan plan;
    plan.end = size;
    return plan;
  }

  testing::ScratchDir scratch_{"floe_source_reader_test"};
  const fs::path& dir_ = scratch_.path();
  std::shared_ptr<io::FileIO> io_;
};

TEST_F(SourceReaderTest, ReadsAFileLargerThanItsWindowLineByLine) {
  std::string content;
  for (int i = 0; i < 30000; ++i) content += (i % 1000 == 7 ? "not json" : Line(i)) + "\n";
  ASSERT_GT(content.size(), 8u << 20);  // two windows at least
  const std::string path = Write(content);
  SourceReader reader;
  auto got = Read(reader, path, Whole(static_cast<int64_t>(content.size())));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_GE(got->windows, 2);
  EXPECT_EQ(got->rows, 30000 - 30);
  ASSERT_EQ(got->rejects.size(), 30u);
  for (size_t k = 0; k < got->rejects.size(); ++k) {
    EXPECT_EQ(got->rejects[k].line, static_cast<int64_t>(k * 1000 + 8));  // 1-based
    EXPECT_EQ(got->rejects[k].raw, "not json");
  }
  EXPECT_EQ(got->outcome.end, static_cast<int64_t>(content.size()));
  EXPECT_EQ(got->outcome.crc, util::Crc64(0, content));
  EXPECT_EQ(got->outcome.last_line, 30000);
  EXPECT_TRUE(got->outcome.at_line_start);
  EXPECT_EQ(got->outcome.rejected_tail_start, -1);
}

TEST_F(SourceReaderTest, ReadsOnlyTheBytesAfterAnUnchangedPrefix) {
  const std::string first = Line(1) + "\n" + Line(2) + "\nbad\n";
  const std::string path = Write(first);
  Append(path, Line(4) + "\nworse\n" + Line(6) + "\n");
  ReadPlan plan;
  plan.start = static_cast<int64_t>(first.size());
  plan.end = static_cast<int64_t>(fs::file_size(path));
  plan.prefix_crc = util::Crc64(0, first);
  plan.first_line = 4;
  SourceReader reader;
  auto got = Read(reader, path, plan);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->outcome.changed);
  EXPECT_EQ(got->rows, 2);
  ASSERT_EQ(got->rejects.size(), 1u);
  EXPECT_EQ(got->rejects[0].line, 5);
  EXPECT_EQ(got->rejects[0].raw, "worse");
  EXPECT_EQ(got->outcome.last_line, 6);
  std::ifstream in(path, std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got->outcome.crc, util::Crc64(0, whole));
}

TEST_F(SourceReaderTest, AChangedPrefixIsReportedAndNothingIsParsed) {
  const std::string first = Line(1) + "\n";
  std::string changed = first;
  changed[20] ^= 1;
  const std::string path = Write(changed + Line(2) + "\n");
  ReadPlan plan;
  plan.start = static_cast<int64_t>(first.size());
  plan.end = static_cast<int64_t>(fs::file_size(path));
  plan.prefix_crc = util::Crc64(0, first);
  plan.first_line = 2;
  SourceReader reader;
  auto got = Read(reader, path, plan);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->outcome.changed);
  EXPECT_EQ(got->rows, 0);
  EXPECT_EQ(got->counts.lines, 0);
}

TEST_F(SourceReaderTest, AnUnfinishedLastLineIsRejectedAndCanBeReadAgainWhole) {
  const std::string done = Line(1) + "\n";
  const std::string whole = Line(2);
  const std::string partial = whole.substr(0, 40);
  const std::string path = Write(done + partial);
  const int64_t size = static_cast<int64_t>(done.size() + partial.size());
  SourceReader reader;
  auto got = Read(reader, path, Whole(size));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->rows, 1);
  ASSERT_EQ(got->rejects.size(), 1u);
  EXPECT_EQ(got->rejects[0].line, 2);
  EXPECT_EQ(got->rejects[0].reason, "invalid_json");
  EXPECT_EQ(got->rejects[0].raw, partial);
  EXPECT_EQ(got->outcome.end, size);
  EXPECT_EQ(got->outcome.crc, util::Crc64(0, done + partial));
  EXPECT_EQ(got->outcome.last_line, 2);
  EXPECT_FALSE(got->outcome.at_line_start);
  EXPECT_EQ(got->outcome.rejected_tail_start, static_cast<int64_t>(done.size()));
  EXPECT_EQ(got->outcome.rejected_tail_crc, util::Crc64(0, done));

  // The writer finishes the line: read again from its start, it is a record.
  Append(path, whole.substr(40) + "\n" + Line(3) + "\n");
  ReadPlan again;
  again.start = got->outcome.rejected_tail_start;
  again.end = static_cast<int64_t>(fs::file_size(path));
  again.prefix_crc = got->outcome.rejected_tail_crc;
  again.first_line = 2;
  auto more = Read(reader, path, again);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_EQ(more->rows, 2);
  EXPECT_TRUE(more->rejects.empty());
  EXPECT_EQ(more->outcome.last_line, 3);
  EXPECT_TRUE(more->outcome.at_line_start);
  EXPECT_EQ(more->outcome.rejected_tail_start, -1);
}

TEST_F(SourceReaderTest, AValidUnterminatedLastLineIsARecordNow) {
  const std::string content = Line(1) + "\n" + Line(2);
  const std::string path = Write(content);
  SourceReader reader;
  auto got = Read(reader, path, Whole(static_cast<int64_t>(content.size())));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->rows, 2);
  EXPECT_EQ(got->outcome.rejected_tail_start, -1);
  EXPECT_EQ(got->outcome.last_line, 2);
  EXPECT_FALSE(got->outcome.at_line_start);
}

TEST_F(SourceReaderTest, AnOverLongLineIsRejectedUnparsedWithItsFirstBytes) {
  const std::string longline = "{\"message\":\"" + std::string(300000, 'x') + "\"}";
  const std::string content = Line(1) + "\n" + longline + "\n" + Line(3) + "\n" + longline;
  const std::string path = Write(content);
  SourceReader reader(/*max_line_bytes=*/100000);
  auto got = Read(reader, path, Whole(static_cast<int64_t>(content.size())));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->rows, 2);
  ASSERT_EQ(got->rejects.size(), 2u);
  for (int k : {0, 1}) {
    EXPECT_EQ(got->rejects[k].reason, "line_too_long");
    EXPECT_EQ(got->rejects[k].line, k == 0 ? 2 : 4);
    EXPECT_EQ(got->rejects[k].raw, longline.substr(0, got->rejects[k].raw.size()));
    EXPECT_GE(got->rejects[k].raw.size(), 100000u);
  }
  EXPECT_EQ(got->outcome.end, static_cast<int64_t>(content.size()));
  EXPECT_EQ(got->outcome.crc, util::Crc64(0, content));
  EXPECT_EQ(got->counts.lines, 4);
}

TEST_F(SourceReaderTest, AFileThatShrinksWhileReadIsAnErrorNamingIt) {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += Line(i) + "\n";
  const std::string path = Write(content);
  SourceReader reader;
  // copytruncate: the file is emptied after the first window was parsed.
  auto got = Read(reader, path, Whole(static_cast<int64_t>(content.size())),
                  [&] { fs::resize_file(path, 0); });
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("shrank"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status().message();
  // Already smaller than when listed: refused before reading.
  auto again = Read(reader, path, Whole(static_cast<int64_t>(content.size())));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("shrank"), std::string::npos);
}

TEST_F(SourceReaderTest, GzipMembersAppendedLaterAreReadAlone) {
  const std::string first = Line(1) + "\n" + Line(2) + "\n";
  const std::string member1 = Gzip(first);
  const std::string path = Write(member1, "log.json.gz");
  SourceReader reader;
  auto got = Read(reader, path, Whole(static_cast<int64_t>(member1.size())));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->rows, 2);
  EXPECT_EQ(got->outcome.compression, Compression::kGzip);
  EXPECT_EQ(got->outcome.crc, util::Crc64(0, member1));

  const std::string member2 = Gzip(Line(3) + "\nbad\n");
  Append(path, member2);
  ReadPlan plan;
  plan.start = got->outcome.end;
  plan.end = static_cast<int64_t>(member1.size() + member2.size());
  plan.prefix_crc = got->outcome.crc;
  plan.first_line = got->outcome.last_line + 1;
  plan.compression = Compression::kGzip;
  auto more = Read(reader, path, plan);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_EQ(more->rows, 1);
  ASSERT_EQ(more->rejects.size(), 1u);
  EXPECT_EQ(more->rejects[0].line, 4);
  EXPECT_EQ(more->outcome.crc, util::Crc64(0, member1 + member2));
}

TEST_F(SourceReaderTest, ANamedPipeIsRefusedWithoutWaiting) {
  const std::string fifo = (dir_ / "pipe.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  SourceReader reader;
  auto got = Read(reader, fifo, Whole(0));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace floe::ingest
