#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/io/file_io.h"

namespace floe::ingest {

/// One log file below an app folder, identified by where it is, its size and when it was
/// last modified: a file that changes is a new file to ingest.
struct SourceFile {
  std::string location;
  int64_t size = 0;
  int64_t mtime_ns = 0;

  /// "location|size|mtime": the key the ledger remembers ingested files by.
  std::string Key() const;
};

/// A Spark application's folder: `<source>/spark-<id>/`, with every regular file below it.
struct AppFolder {
  std::string name;      ///< "spark-1b3b…", also the app selector
  std::string location;  ///< the folder's URI (the processing table's `s3_path`)
  std::vector<SourceFile> files;  ///< sorted by location
  std::string error;  ///< set when the folder could not be listed (it then fails alone)
};

/// The app folders directly below `source`: immediate children that are folders named
/// `spark-*`; anything else is ignored. Sorted by name.
arrow::Result<std::vector<AppFolder>> ListAppFolders(io::FileIO& io, const std::string& source);

}  // namespace floe::ingest
