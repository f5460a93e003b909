#pragma once

#include <memory>
#include <string>
#include <vector>

#include "floe/io/file_io.h"

namespace floe::io {

/// Files on local disk, named by plain paths or `file:` URIs (`file:/abs`, `file:///abs`,
/// `file://localhost/abs`). Listings give entries in the form the listed location was
/// written in. Writes of whole files go to a temporary file beside the target and are renamed
/// over it, so readers see the old file or the new one.
class LocalFileIO final : public FileIO {
 public:
  arrow::Result<std::string> ReadAll(const std::string& location) override;
  arrow::Status WriteAll(const std::string& location, std::string_view data) override;
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) override;
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) override;
  arrow::Result<bool> Exists(const std::string& location) override;
  arrow::Status Delete(const std::string& location) override;
  arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                             bool recursive) override;
  arrow::Result<std::string> CanonicalLocation(const std::string& location) override;
};

}  // namespace floe::io
