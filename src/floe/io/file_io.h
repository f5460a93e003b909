#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

namespace floe::io {

/// What a listed entry is. Only regular files hold data to read; anything else (a named
/// pipe, a socket, a device, a symlink to a folder, a broken symlink) is reported, never opened.
enum class FileKind { kFile, kDirectory, kOther };

/// One entry of a listing.
struct FileEntry {
  std::string location;  ///< same scheme as the listed location
  int64_t size = 0;
  int64_t mtime_ns = 0;
  FileKind kind = FileKind::kFile;
  /// The file's identity whatever it was reached by: for local files the canonical absolute
  /// path of the file itself (a symlink's final target). Two entries with the same identity
  /// are one file.
  std::string identity;
  /// kOther: what the entry is, e.g. "named pipe (FIFO)", "symlink to a folder (not followed)".
  std::string note;

  bool is_dir() const { return kind == FileKind::kDirectory; }
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
  /// Opens a regular file for reading; anything else (a named pipe, a device) is refused
  /// without waiting on it.
  virtual arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) = 0;
  /// Creates parent folders as needed.
  virtual arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) = 0;
  virtual arrow::Result<bool> Exists(const std::string& location) = 0;
  /// Deletes a file, or a folder only when it is empty; a missing one is not an error.
  virtual arrow::Status Delete(const std::string& location) = 0;
  /// The entries below a folder (recursive: every non-folder entry at any depth), or its
  /// immediate children (folders included). Symlinks to folders are never descended into
  /// (they are listed as kOther), so a listing always ends and never sees a file twice
  /// through a loop; a symlink to a regular file is listed as a file with its target's
  /// identity, size and time.
  virtual arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                                     bool recursive) = 0;
  /// The one spelling of a location that names it however it was written: for local paths
  /// the absolute path with `.`, `..`, repeated and trailing slashes and symlinks resolved.
  /// The location must exist.
  virtual arrow::Result<std::string> CanonicalLocation(const std::string& location) = 0;
};

/// The FileIO for a location's scheme: plain absolute paths and `file:` URIs are local.
/// `properties` configure the store (PyIceberg's names, e.g. `s3.endpoint`); local files
/// need none.
arrow::Result<std::shared_ptr<FileIO>> MakeFileIO(
    std::string_view location, const std::map<std::string, std::string>& properties = {});

/// Joins a folder location and a relative name with exactly one '/'.
std::string JoinLocation(std::string_view base, std::string_view name);

}  // namespace floe::io
