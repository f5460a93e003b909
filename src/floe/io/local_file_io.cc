#include <arrow/filesystem/localfs.h>
#include <arrow/io/file.h>
#include <arrow/util/uri.h>

#include <filesystem>
#include <random>

#include "floe/io/file_io.h"

namespace floe::io {
namespace {

constexpr std::string_view kFileScheme = "file://";

// `file:///a/b` and `/a/b` both name the local path `/a/b`.
std::string ToPath(const std::string& location) {
  if (location.rfind(kFileScheme, 0) == 0) return location.substr(kFileScheme.size());
  return location;
}

class LocalFileIO final : public FileIO {
 public:
  arrow::Result<std::string> ReadAll(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(auto file, OpenInput(location));
    ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
    std::string out(static_cast<size_t>(size), '\0');
    ARROW_ASSIGN_OR_RAISE(int64_t got, file->ReadAt(0, size, out.data()));
    if (got != size) return arrow::Status::IOError("short read of ", location);
    return out;
  }

  arrow::Status WriteAll(const std::string& location, std::string_view data) override {
    // Write beside the target and rename over it: readers see the old file or the new one.
    std::string path = ToPath(location);
    std::string tmp = path + ".tmp-" + std::to_string(std::random_device{}());
    ARROW_RETURN_NOT_OK(MakeParents(path));
    {
      ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(tmp));
      ARROW_RETURN_NOT_OK(out->Write(data.data(), static_cast<int64_t>(data.size())));
      ARROW_RETURN_NOT_OK(out->Close());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      return arrow::Status::IOError("cannot write ", location, ": ", ec.message());
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) override {
    auto file = arrow::io::ReadableFile::Open(ToPath(location));
    if (!file.ok()) return arrow::Status::IOError("cannot open ", location, ": ",
                                                  file.status().message());
    return std::static_pointer_cast<arrow::io::RandomAccessFile>(*file);
  }

  // A read-only private mapping. A file truncated by another process while mapped makes
  // the reader fault (SIGBUS), which ingest survives like any crash: nothing of the batch
  // is committed and the next run redoes it.
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadBuffer(const std::string& location) override {
    auto file = arrow::io::MemoryMappedFile::Open(ToPath(location), arrow::io::FileMode::READ);
    if (!file.ok()) return arrow::Status::IOError("cannot open ", location, ": ",
                                                  file.status().message());
    ARROW_ASSIGN_OR_RAISE(int64_t size, (*file)->GetSize());
    // The returned buffer keeps the mapping alive; the file handle itself can go.
    return (*file)->ReadAt(0, size);
  }

  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) override {
    std::string path = ToPath(location);
    ARROW_RETURN_NOT_OK(MakeParents(path));
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(path));
    return std::static_pointer_cast<arrow::io::OutputStream>(out);
  }

  arrow::Result<bool> Exists(const std::string& location) override {
    std::error_code ec;
    bool exists = std::filesystem::exists(ToPath(location), ec);
    if (ec) return arrow::Status::IOError("cannot stat ", location, ": ", ec.message());
    return exists;
  }

  arrow::Result<FileEntry> Stat(const std::string& location) override {
    ARROW_ASSIGN_OR_RAISE(auto info, fs_.GetFileInfo(ToPath(location)));
    if (info.type() == arrow::fs::FileType::NotFound) {
      return arrow::Status::IOError("file not found: ", location);
    }
    return Entry(location, info);
  }

  arrow::Status Delete(const std::string& location) override {
    std::error_code ec;
    if (!std::filesystem::remove(ToPath(location), ec) && ec) {
      return arrow::Status::IOError("cannot delete ", location, ": ", ec.message());
    }
    return arrow::Status::OK();
  }

  arrow::Status DeleteDir(const std::string& location) override {
    std::error_code ec;
    std::filesystem::remove_all(ToPath(location), ec);
    if (ec) return arrow::Status::IOError("cannot delete ", location, ": ", ec.message());
    return arrow::Status::OK();
  }

  arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                             bool recursive) override {
    arrow::fs::FileSelector selector;
    selector.base_dir = ToPath(location);
    selector.recursive = recursive;
    ARROW_ASSIGN_OR_RAISE(auto infos, fs_.GetFileInfo(selector));
    bool uri = location.rfind(kFileScheme, 0) == 0;
    std::vector<FileEntry> out;
    for (const auto& info : infos) {
      if (recursive && info.type() == arrow::fs::FileType::Directory) continue;
      out.push_back(Entry(uri ? std::string(kFileScheme) + info.path() : info.path(), info));
    }
    return out;
  }

 private:
  static FileEntry Entry(std::string location, const arrow::fs::FileInfo& info) {
    FileEntry e;
    e.location = std::move(location);
    e.is_dir = info.type() == arrow::fs::FileType::Directory;
    e.size = e.is_dir ? 0 : info.size();
    e.mtime_ns = info.mtime().time_since_epoch().count();
    return e;
  }

  static arrow::Status MakeParents(const std::string& path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return arrow::Status::IOError("cannot create folder ", parent.string(), ": ",
                                          ec.message());
    return arrow::Status::OK();
  }

  arrow::fs::LocalFileSystem fs_;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::Buffer>> FileIO::ReadBuffer(const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(auto file, OpenInput(location));
  ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
  ARROW_ASSIGN_OR_RAISE(auto buffer, file->ReadAt(0, size));
  if (buffer->size() != size) {
    return arrow::Status::IOError("short read of ", location, ": ", buffer->size(), " of ",
                                  size, " bytes");
  }
  return buffer;
}

arrow::Result<std::shared_ptr<FileIO>> MakeFileIO(std::string_view location) {
  auto scheme_end = location.find("://");
  if (scheme_end == std::string_view::npos || location.substr(0, scheme_end) == "file") {
    return std::make_shared<LocalFileIO>();
  }
  return arrow::Status::Invalid("storage scheme '", location.substr(0, scheme_end),
                                       "://' is not supported yet (local paths and file:// are)");
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
