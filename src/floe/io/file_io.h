#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

namespace floe::io {

/// One entry of a listing.
struct FileEntry {
  std::string location;  ///< same scheme as the listed location
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool is_dir = false;
};

/// Reads and writes the files of a warehouse by location: an absolute path or a URI
/// (`file:///…` now, object stores later). Table metadata, manifests and data files all go
/// through it, so a new storage backend is one new subclass.
class FileIO {
 public:
  virtual ~FileIO() = default;

  virtual arrow::Result<std::string> ReadAll(const std::string& location) = 0;
  /// Creates or replaces the file; readers never see a partial file.
  virtual arrow::Status WriteAll(const std::string& location, std::string_view data) = 0;
  virtual arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) = 0;
  /// The whole file as one buffer, for readers that scan all of it once. Backends that can
  /// map a file into memory do so (no copy, no fresh pages); the default reads it.
  virtual arrow::Result<std::shared_ptr<arrow::Buffer>> ReadBuffer(const std::string& location);
  /// Creates parent folders as needed.
  virtual arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) = 0;
  virtual arrow::Result<bool> Exists(const std::string& location) = 0;
  virtual arrow::Result<FileEntry> Stat(const std::string& location) = 0;
  virtual arrow::Status Delete(const std::string& location) = 0;
  /// Deletes a folder and all below it; a missing folder is not an error.
  virtual arrow::Status DeleteDir(const std::string& location) = 0;
  /// Regular files below a folder (recursive), or its immediate children.
  virtual arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                                     bool recursive) = 0;
};

/// The FileIO for a location's scheme: plain absolute paths and `file://` URIs are local.
arrow::Result<std::shared_ptr<FileIO>> MakeFileIO(std::string_view location);

/// Joins a folder location and a relative name with exactly one '/'.
std::string JoinLocation(std::string_view base, std::string_view name);

}  // namespace floe::io
