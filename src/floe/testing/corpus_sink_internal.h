#pragma once

// Streams one generated file to disk, plain or compressed (gzip or zstd), counting the bytes
// that reach the disk.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/status.h>

namespace floe::testing::corpus {

enum class Compression { kNone, kGzip, kZstd };

class FileSink {
 public:
  static arrow::Result<std::unique_ptr<FileSink>> Open(const std::string& path,
                                                       Compression compression);
  virtual ~FileSink();

  /// Appends uncompressed bytes.
  arrow::Status Write(std::string_view data);
  /// Flushes the compressor's end of stream and closes the file; call once.
  arrow::Status Close();
  int64_t disk_bytes() const { return disk_bytes_; }

 protected:
  FileSink(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  virtual arrow::Status Compress(std::string_view data, bool finish) = 0;
  arrow::Status WriteDisk(const void* data, size_t size);

  std::string path_;

 private:
  std::FILE* file_;
  int64_t disk_bytes_ = 0;
};

}  // namespace floe::testing::corpus
