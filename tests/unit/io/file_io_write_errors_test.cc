// Write and delete errors of the local FileIO name the file or folder and the system's reason
// (Arrow's own say only "Error writing bytes to file"), and a failed write leaves nothing.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "floe/io/file_io.h"
#include "floe/util/uuid.h"

namespace floe::io {
namespace {

namespace fs = std::filesystem;

class FileIOWriteErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_file_io_write_" + util::RandomUuid());
    fs::create_directories(dir_);
    io_ = *MakeFileIO(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static bool Says(const arrow::Status& st, const std::string& text) {
    return st.message().find(text) != std::string::npos;
  }

  fs::path dir_;
  std::shared_ptr<FileIO> io_;
};

// /dev/full takes no byte: every write fails with ENOSPC, as on a full disk.
TEST_F(FileIOWriteErrorsTest, AStreamOnAFullDiskNamesTheFileAndTheReason) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  auto out = io_->OpenOutput("/dev/full");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::string bytes(1 << 16, 'x');
  arrow::Status st = (*out)->Write(bytes.data(), static_cast<int64_t>(bytes.size()));
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.IsIOError());
  EXPECT_TRUE(Says(st, "cannot write /dev/full: No space left on device")) << st.message();
  (void)(*out)->Close();
}

TEST_F(FileIOWriteErrorsTest, AFolderThatCannotBeMadeIsNamedWithTheReason) {
  // A regular file where a folder should be.
  std::ofstream(dir_ / "plain") << "x";
  std::string folder = (dir_ / "plain" / "metadata").string();
  arrow::Status st = io_->WriteAll(folder + "/00000.metadata.json", "{}");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, "cannot create folder " + folder + ": Not a directory")) << st.message();
  auto out = io_->OpenOutput(folder + "/data.parquet");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Says(out.status(), folder)) << out.status().message();
}

TEST_F(FileIOWriteErrorsTest, AFileThatCannotBeCreatedIsNamedWithTheReason) {
  // A folder where the file should be.
  fs::create_directories(dir_ / "taken.json");
  std::string location = (dir_ / "taken.json").string();
  auto out = io_->OpenOutput(location);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Says(out.status(), "cannot create " + location + ": Is a directory"))
      << out.status().message();
  arrow::Status st = io_->WriteAll(location, "{}");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, location)) << st.message();
  // Nothing half-written beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

// DropTableData relies on this: a missing file is done, a folder goes only when empty.
TEST_F(FileIOWriteErrorsTest, DeleteTakesMissingFilesAndOnlyEmptyFolders) {
  EXPECT_TRUE(io_->Delete((dir_ / "never-there.parquet").string()).ok());
  fs::create_directories(dir_ / "full");
  std::ofstream(dir_ / "full" / "keep.txt") << "x";
  arrow::Status st = io_->Delete((dir_ / "full").string());
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, "cannot delete " + (dir_ / "full").string())) << st.message();
  EXPECT_TRUE(fs::exists(dir_ / "full" / "keep.txt"));
  fs::create_directories(dir_ / "empty");
  EXPECT_TRUE(io_->Delete((dir_ / "empty").string()).ok());
  EXPECT_FALSE(fs::exists(dir_ / "empty"));
}

}  // namespace
}  // namespace floe::io
