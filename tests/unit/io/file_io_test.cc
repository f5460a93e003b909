#include "floe/io/file_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace floe::io {
namespace {

class FileIOTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_file_io_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto io = MakeFileIO(dir_.string());
    ASSERT_TRUE(io.ok()) << io.status().ToString();
    io_ = *io;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
  std::shared_ptr<FileIO> io_;
};

std::vector<FileEntry> Sorted(std::vector<FileEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.location < b.location; });
  return entries;
}

TEST_F(FileIOTest, RecursiveListingNeverFollowsSymlinkedFolders) {
  namespace fs = std::filesystem;
  fs::create_directories(dir_ / "app" / "pod");
  Write("app/pod/a.json", "{}\n");
  fs::create_directory_symlink(".", dir_ / "app" / "pod" / "loop");  // a cycle
  fs::create_directory_symlink("..", dir_ / "app" / "pod" / "up");   // exponential paths
  auto listed = io_->List((dir_ / "app").string(), /*recursive=*/true);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  auto entries = Sorted(*listed);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].location, (dir_ / "app/pod/a.json").string());
  EXPECT_EQ(entries[0].kind, FileKind::kFile);
  EXPECT_EQ(entries[0].size, 3);
  for (int i : {1, 2}) {
    EXPECT_EQ(entries[i].kind, FileKind::kOther) << entries[i].location;
    EXPECT_EQ(entries[i].note, "symlink to a folder (not followed)");
  }
}

TEST_F(FileIOTest, SymlinkedFileHasItsTargetsIdentity) {
  namespace fs = std::filesystem;
  fs::create_directories(dir_ / "app");
  const std::string target = Write("app/real.json", "{\"a\":1}\n");
  fs::create_symlink("real.json", dir_ / "app" / "alias.json");
  fs::create_symlink("missing.json", dir_ / "app" / "broken.json");
  auto listed = io_->List((dir_ / "app").string(), /*recursive=*/true);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  auto entries = Sorted(*listed);
  ASSERT_EQ(entries.size(), 3u);
  const std::string canonical = fs::canonical(target).string();
  EXPECT_EQ(entries[0].kind, FileKind::kFile);  // alias.json
  EXPECT_EQ(entries[0].identity, canonical);
  EXPECT_EQ(entries[0].size, 8);
  EXPECT_EQ(entries[1].kind, FileKind::kOther);  // broken.json
  EXPECT_EQ(entries[1].note, "broken symlink");
  EXPECT_EQ(entries[2].identity, canonical);  // real.json
}

TEST_F(FileIOTest, NamedPipeIsListedAsOtherAndRefusedWithoutWaiting) {
  const std::string fifo = (dir_ / "pipe.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto listed = io_->List(dir_.string(), /*recursive=*/true);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].kind, FileKind::kOther);
  EXPECT_EQ((*listed)[0].note, "named pipe (FIFO)");
  // No writer ever opens the pipe: a blocking open would hang this test.
  auto opened = io_->OpenInput(fifo);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("not a regular file (named pipe (FIFO))"),
            std::string::npos)
      << opened.status().message();
}

TEST_F(FileIOTest, ImmediateListingHasFoldersAndTellsThemApart) {
  namespace fs = std::filesystem;
  fs::create_directories(dir_ / "spark-1" / "pod");
  fs::create_directory_symlink("spark-1", dir_ / "spark-2");
  Write("notes.txt", "x");
  auto listed = io_->List(dir_.string(), /*recursive=*/false);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  auto entries = Sorted(*listed);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].kind, FileKind::kFile);  // notes.txt
  EXPECT_TRUE(entries[1].is_dir());             // spark-1
  EXPECT_EQ(entries[2].kind, FileKind::kOther);  // spark-2
}

TEST_F(FileIOTest, CanonicalLocationIgnoresHowThePathIsSpelled) {
  namespace fs = std::filesystem;
  fs::create_directories(dir_ / "c200");
  fs::create_directory_symlink("c200", dir_ / "link");
  const std::string want = fs::canonical(dir_ / "c200").string();
  for (const std::string& spelling :
       {(dir_ / "c200").string(), (dir_ / "c200").string() + "//", (dir_ / "./c200/").string(),
        (dir_ / "c200/../c200").string(), "file://" + (dir_ / "c200").string(),
        (dir_ / "link").string()}) {
    auto got = io_->CanonicalLocation(spelling);
    ASSERT_TRUE(got.ok()) << spelling << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << spelling;
  }
  EXPECT_FALSE(io_->CanonicalLocation((dir_ / "missing").string()).ok());
}

TEST_F(FileIOTest, EveryLocalSpellingReadsTheSameFile) {
  Write("m.json", "{}");
  const std::string path = (dir_ / "m.json").string();
  // `file:/abs` is what Java writes for a `file:` warehouse.
  for (const std::string& location : {path, "file://" + path, "file:" + path}) {
    auto read = io_->ReadAll(location);
    ASSERT_TRUE(read.ok()) << location << ": " << read.status().ToString();
    EXPECT_EQ(*read, "{}") << location;
  }
}

TEST_F(FileIOTest, ReadAllOfAMissingFileNamesItAndTheReason) {
  const std::string path = (dir_ / "missing.json").string();
  auto read = io_->ReadAll(path);
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.status().IsIOError());
  EXPECT_NE(read.status().message().find(path), std::string::npos) << read.status().message();
  EXPECT_NE(read.status().message().find("No such file or directory"), std::string::npos)
      << read.status().message();
}

TEST_F(FileIOTest, ListingKeepsTheFormOfTheListedLocation) {
  Write("a.json", "1");
  for (const std::string& prefix : {std::string(), std::string("file:"), std::string("file://")}) {
    auto entries = io_->List(prefix + dir_.string(), /*recursive=*/true);
    ASSERT_TRUE(entries.ok()) << prefix << ": " << entries.status().ToString();
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0].location, prefix + (dir_ / "a.json").string());
    EXPECT_EQ((*entries)[0].identity, std::filesystem::canonical(dir_ / "a.json").string());
    EXPECT_EQ((*entries)[0].etag, "");  // local files have none
  }
}

TEST_F(FileIOTest, ListEachVisitsEveryEntryAndStopsOnError) {
  Write("a.json", "1");
  Write("b.json", "2");
  int seen = 0;
  ASSERT_TRUE(io_->ListEach(dir_.string(), true, [&](const FileEntry&) {
                   ++seen;
                   return arrow::Status::OK();
                 }).ok());
  EXPECT_EQ(seen, 2);
  seen = 0;
  auto st = io_->ListEach(dir_.string(), true, [&](const FileEntry&) {
    ++seen;
    return arrow::Status::Cancelled("enough");
  });
  EXPECT_TRUE(st.IsCancelled());
  EXPECT_EQ(seen, 1);
}

TEST_F(FileIOTest, DeleteFilesDeletesAllAndIgnoresMissingOnes) {
  const std::string a = Write("a.json", "1"), b = Write("b.json", "2");
  ASSERT_TRUE(io_->DeleteFiles({a, "file:" + b, (dir_ / "missing").string()}).ok());
  EXPECT_FALSE(std::filesystem::exists(a));
  EXPECT_FALSE(std::filesystem::exists(b));
}

TEST_F(FileIOTest, InputETagIsEmptyForLocalFiles) {
  const std::string a = Write("a.json", "1");
  auto in = io_->OpenInput(a);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(InputETag(**in), "");
}

}  // namespace
}  // namespace floe::io
