#include "floe/io/file_io.h"

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

/// Uses FileIO's default ReadBuffer (read, not mapped) over local files.
class ReadOnlyIO final : public FileIO {
 public:
  explicit ReadOnlyIO(std::shared_ptr<FileIO> local) : local_(std::move(local)) {}
  arrow::Result<std::string> ReadAll(const std::string& l) override { return local_->ReadAll(l); }
  arrow::Status WriteAll(const std::string& l, std::string_view d) override {
    return local_->WriteAll(l, d);
  }
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& l) override {
    return local_->OpenInput(l);
  }
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& l) override {
    return local_->OpenOutput(l);
  }
  arrow::Result<bool> Exists(const std::string& l) override { return local_->Exists(l); }
  arrow::Result<FileEntry> Stat(const std::string& l) override { return local_->Stat(l); }
  arrow::Status Delete(const std::string& l) override { return local_->Delete(l); }
  arrow::Status DeleteDir(const std::string& l) override { return local_->DeleteDir(l); }
  arrow::Result<std::vector<FileEntry>> List(const std::string& l, bool r) override {
    return local_->List(l, r);
  }

 private:
  std::shared_ptr<FileIO> local_;
};

TEST_F(FileIOTest, ReadBufferHoldsTheWholeFile) {
  std::string bytes(3 * 4096 + 17, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 + 7);
  const std::string path = Write("data.bin", bytes);
  ReadOnlyIO read_only(io_);
  for (FileIO* io : {io_.get(), static_cast<FileIO*>(&read_only)}) {
    auto buffer = io->ReadBuffer(path);
    ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
    EXPECT_EQ((*buffer)->ToString(), bytes);
  }
  // Also through a file:// URI.
  auto buffer = io_->ReadBuffer("file://" + path);
  ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
  EXPECT_EQ((*buffer)->ToString(), bytes);
}

TEST_F(FileIOTest, ReadBufferOutlivesTheFile) {
  const std::string path = Write("gone.txt", "still here");
  auto buffer = io_->ReadBuffer(path);
  ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
  ASSERT_TRUE(io_->Delete(path).ok());
  EXPECT_EQ((*buffer)->ToString(), "still here");
}

TEST_F(FileIOTest, ReadBufferOfAnEmptyFileIsEmpty) {
  const std::string path = Write("empty.json", "");
  ReadOnlyIO read_only(io_);
  for (FileIO* io : {io_.get(), static_cast<FileIO*>(&read_only)}) {
    auto buffer = io->ReadBuffer(path);
    ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
    EXPECT_EQ((*buffer)->size(), 0);
  }
}

TEST_F(FileIOTest, ReadBufferOfAMissingFileNamesIt) {
  const std::string path = (dir_ / "missing.json").string();
  auto buffer = io_->ReadBuffer(path);
  ASSERT_FALSE(buffer.ok());
  EXPECT_TRUE(buffer.status().IsIOError());
  EXPECT_NE(buffer.status().message().find(path), std::string::npos) << buffer.status().message();
}

}  // namespace
}  // namespace floe::io
