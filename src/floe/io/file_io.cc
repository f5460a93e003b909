#include "floe/io/file_io.h"

#include <mutex>

#include <arrow/util/key_value_metadata.h>

#include "floe/io/local/local_file_io.h"
#include "floe/io/location.h"
#include "floe/io/s3/s3_file_io.h"

namespace floe::io {
namespace {

// Sends each location to the FileIO of its store. One table may have files on more than
// one store (a table registered from elsewhere, a manifest naming s3a:// files of an s3://
// table), and one FileIO per table is what the iceberg layer holds.
class RoutingFileIO final : public FileIO {
 public:
  explicit RoutingFileIO(FileIOProperties properties) : properties_(std::move(properties)) {}

  arrow::Result<std::string> ReadAll(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->ReadAll(location);
  }
  arrow::Status WriteAll(const std::string& location, std::string_view data) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->WriteAll(location, data);
  }
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->OpenInput(location);
  }
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->OpenOutput(location);
  }
  arrow::Result<bool> Exists(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->Exists(location);
  }
  arrow::Status Delete(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->Delete(location);
  }
  arrow::Status DeleteFiles(const std::vector<std::string>& locations) override {
    std::vector<std::string> local, s3;
    for (const auto& l : locations) (IsS3Location(l) ? s3 : local).push_back(l);
    arrow::Status st;
    if (!local.empty()) {
      ARROW_ASSIGN_OR_RAISE(FileIO * io, For(local.front()));
      st &= io->DeleteFiles(local);
    }
    if (!s3.empty()) {
      ARROW_ASSIGN_OR_RAISE(FileIO * io, For(s3.front()));
      st &= io->DeleteFiles(s3);
    }
    return st;
  }
  arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                             bool recursive) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->List(location, recursive);
  }
  arrow::Status ListEach(const std::string& location, bool recursive,
                         const std::function<arrow::Status(const FileEntry&)>& visit) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->ListEach(location, recursive, visit);
  }
  arrow::Result<std::string> CanonicalLocation(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(FileIO * io, For(location));
    return io->CanonicalLocation(location);
  }

 private:
  arrow::Result<FileIO*> For(const std::string& location) {
    ARROW_ASSIGN_OR_RAISE(ParsedLocation parsed, ParseLocation(location));
    if (parsed.kind == StorageKind::kLocal) return &local_;
    std::lock_guard<std::mutex> lock(mu_);
    if (!s3_) {
      ARROW_ASSIGN_OR_RAISE(s3_, S3FileIO::Make(properties_));
    }
    return s3_.get();
  }

  FileIOProperties properties_;
  LocalFileIO local_;
  std::mutex mu_;
  std::unique_ptr<S3FileIO> s3_;
};

}  // namespace

arrow::Status FileIO::DeleteFiles(const std::vector<std::string>& locations) {
  arrow::Status st;
  for (const auto& location : locations) st &= Delete(location);
  return st;
}

arrow::Status FileIO::ListEach(const std::string& location, bool recursive,
                               const std::function<arrow::Status(const FileEntry&)>& visit) {
  ARROW_ASSIGN_OR_RAISE(auto entries, List(location, recursive));
  for (const auto& e : entries) ARROW_RETURN_NOT_OK(visit(e));
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<FileIO>> MakeFileIO(std::string_view location,
                                                  const FileIOProperties& properties) {
  ARROW_ASSIGN_OR_RAISE(ParsedLocation parsed, ParseLocation(location));
  if (parsed.kind == StorageKind::kS3) {
    // Settle the S3 configuration now, so a bad property fails where it was given.
    ARROW_RETURN_NOT_OK(S3FileIO::ValidateProperties(properties));
  }
  return std::make_shared<RoutingFileIO>(properties);
}

std::string InputETag(arrow::io::RandomAccessFile& file) {
  auto metadata = file.ReadMetadata();
  if (!metadata.ok() || !*metadata) return "";
  auto etag = (*metadata)->Get("ETag");
  if (!etag.ok()) return "";
  std::string out = *etag;
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"') out = out.substr(1, out.size() - 2);
  return out;
}

std::string JoinLocation(std::string_view base, std::string_view name) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  size_t start = 0;
  while (start < name.size() && name[start] == '/') ++start;
  out += '/';
  out += name.substr(start);
  return out;
}

}  // namespace floe::io
