#pragma once

#include <cstdint>
#include <functional>
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
  /// The object's entity tag where the store has one and the call that made this entry
  /// learnt it. S3 listings (ListObjectsV2 through Arrow) do not carry it into Arrow's
  /// FileInfo, so listings leave it empty; `InputETag` reads it from an opened input (the HEAD
  /// request its opening made anyway).
  std::string etag;

  bool is_dir() const { return kind == FileKind::kDirectory; }
};

/// Reads and writes the files of a warehouse by location: an absolute path or a URI
/// (`file:/…`, `file:///…`, `s3://`, `s3a://`, `s3n://`; see location.h). Table metadata,
/// manifests and data files all go through it, so a new storage backend is one new subclass
/// (local/local_file_io.h, s3/s3_file_io.h).
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
  /// Streams a new file (replacing any old one); visible to readers only when closed without
  /// error. Local files get their parent folders created; object stores have no folders and
  /// write no folder markers (S3: a multipart upload, or one PUT for small files).
  virtual arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) = 0;
  virtual arrow::Result<bool> Exists(const std::string& location) = 0;
  /// Deletes a file, or a folder only when it is empty; a missing one is not an error. On
  /// object stores a "folder" is only a key prefix: deleting one does nothing.
  virtual arrow::Status Delete(const std::string& location) = 0;
  /// Deletes many files (missing ones are not an error); S3 sends them in bulk. The default
  /// deletes them one by one and reports the first failure after trying all.
  virtual arrow::Status DeleteFiles(const std::vector<std::string>& locations);
  /// The entries below a folder (recursive: every non-folder entry at any depth), or its
  /// immediate children (folders included). Symlinks to folders are never descended into
  /// (they are listed as kOther), so a listing always ends and never sees a file twice
  /// through a loop; a symlink to a regular file is listed as a file with its target's
  /// identity, size and time.
  virtual arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                                     bool recursive) = 0;
  /// As List, one entry at a time as the store returns them (S3: page by page), so a huge
  /// prefix is never held whole; an error `visit` returns stops the listing and is returned.
  /// The default lists into a vector and visits it.
  virtual arrow::Status ListEach(const std::string& location, bool recursive,
                                 const std::function<arrow::Status(const FileEntry&)>& visit);
  /// The one spelling of a location that names it however it was written: for local paths
  /// the absolute path with `.`, `..`, repeated and trailing slashes and symlinks resolved.
  /// A local location must exist; for S3 it is `s3://bucket/key` (scheme `s3` for `s3a`
  /// and `s3n` too, repeated and trailing slashes removed), existing or not.
  virtual arrow::Result<std::string> CanonicalLocation(const std::string& location) = 0;
};

/// FileIO properties, with the names PyIceberg and Java's S3FileIO use (see s3/s3_file_io.h).
using FileIOProperties = std::map<std::string, std::string>;

/// A FileIO for `location` and every other location of a supported form: local paths and
/// `file:` URIs are read from local disk, `s3://`/`s3a://`/`s3n://` through S3 with
/// `properties` (the S3 client is made on first use, so local work never starts the AWS
/// SDK). A table whose files are on another store than its catalog's warehouse is read all
/// the same. An unsupported scheme in `location` is an error naming it.
arrow::Result<std::shared_ptr<FileIO>> MakeFileIO(std::string_view location,
                                                  const FileIOProperties& properties = {});

/// The ETag of an opened input where the store reports one (S3: from the HEAD request of the
/// opening, quotes removed), else "".
std::string InputETag(arrow::io::RandomAccessFile& file);

/// Joins a folder location and a relative name with exactly one '/'.
std::string JoinLocation(std::string_view base, std::string_view name);

}  // namespace floe::io
