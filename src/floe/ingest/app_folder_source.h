#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/io/file_io.h"

namespace floe::ingest {

/// One log file below an app folder.
struct SourceFile {
  std::string location;  ///< where the listing found it (below the canonical source)
  /// What the file is, however it was reached: the canonical path of the file itself (a
  /// symlink's target). The ledger knows files by it.
  std::string identity;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  /// The object's ETag as read (S3), recorded with the batch: with the bucket and key (the
  /// identity) and the size it names the exact object version a batch took its bytes from.
  /// Listings do not give it; the read fills it in. Empty for local files.
  std::string etag;
};

/// An entry below an app folder that is not read, and why.
struct SkippedEntry {
  std::string location;
  std::string reason;  ///< e.g. "named pipe (FIFO)", "symlink to a folder (not followed)"
};

/// A Spark application's folder: `<source>/spark-<id>/`, with every regular file below it.
struct AppFolder {
  std::string name;      ///< "spark-1b3b…", also the app selector
  std::string location;  ///< the folder's canonical location (the processing table's `s3_path`)
  std::vector<SourceFile> files;  ///< sorted by location
  std::vector<SkippedEntry> skipped;
  std::string error;  ///< set when the folder could not be listed (it then fails alone)
};

/// The app folders directly below `source`: immediate children that are real folders named
/// `spark-*` (a symlink named so is skipped, like every symlinked folder); anything else is
/// ignored. Sorted by name. The source is resolved to its canonical location first, so a
/// folder has one location however the source was spelled. Below a folder only regular
/// files are kept, each once: a file reached again (through a symlink) is skipped with the
/// location it was first found at.
arrow::Result<std::vector<AppFolder>> ListAppFolders(io::FileIO& io, const std::string& source);

}  // namespace floe::ingest
