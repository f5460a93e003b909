#include <arrow/io/file.h>
#include <arrow/util/io_util.h>
#include <arrow/util/uri.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "floe/io/local/local_file_io.h"

#include "floe/io/location.h"

namespace floe::io {
namespace {

std::string ToPath(const std::string& location) { return LocalPath(location); }

// What a location writes before its path ("", "file:", "file://"), so that listed entries
// are spelt as the folder was.
std::string PrefixOf(const std::string& location) {
  return location.substr(0, location.size() - ToPath(location).size());
}

// "cannot <action> <location>: <OS reason>". Arrow's own I/O errors say only "Error writing
// bytes to file" and keep errno in a detail that Status::message() leaves out.
arrow::Status Named(const arrow::Status& st, const char* action, const std::string& location) {
  if (st.ok()) return st;
  int err = arrow::internal::ErrnoFromStatus(st);
  std::string reason = err > 0 ? std::strerror(err) : st.message();
  return arrow::Status::IOError("cannot ", action, " ", location, ": ", reason);
}

// A file being written, whose every error names it and the OS reason.
class NamedOutputStream final : public arrow::io::OutputStream {
 public:
  NamedOutputStream(std::shared_ptr<arrow::io::OutputStream> out, std::string location)
      : out_(std::move(out)), location_(std::move(location)) {}

  arrow::Status Write(const void* data, int64_t nbytes) {
    return Named(out_->Write(data, nbytes), "write", location_);
  }
  arrow::Status Write(const std::shared_ptr<arrow::Buffer>& data) {
    return Named(out_->Write(data), "write", location_);
  }
  arrow::Status Flush() { return Named(out_->Flush(), "write", location_); }
  arrow::Status Close() { return Named(out_->Close(), "write", location_); }
  arrow::Status Abort() { return Named(out_->Abort(), "close", location_); }
  arrow::Result<int64_t> Tell() const { return out_->Tell(); }
  bool closed() const { return out_->closed(); }

 private:
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::string location_;
};

class LocalFileIOImpl {
 public:
  arrow::Result<std::string> ReadAll(const std::string& location) {
    ARROW_ASSIGN_OR_RAISE(auto file, OpenInput(location));
    ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
    std::string out(static_cast<size_t>(size), '\0');
    ARROW_ASSIGN_OR_RAISE(int64_t got, file->ReadAt(0, size, out.data()));
    if (got != size) return arrow::Status::IOError("short read of ", location);
    return out;
  }

  arrow::Status WriteAll(const std::string& location, std::string_view data) {
    // Write beside the target and rename over it: readers see the old file or the new one.
    std::string path = ToPath(location);
    std::string tmp = path + ".tmp-" + std::to_string(std::random_device{}());
    ARROW_RETURN_NOT_OK(MakeParents(path));
    std::error_code ec;
    {
      auto out = arrow::io::FileOutputStream::Open(tmp);
      if (!out.ok()) return Named(out.status(), "write", location);
      arrow::Status st = (*out)->Write(data.data(), static_cast<int64_t>(data.size()));
      arrow::Status closed = (*out)->Close();
      if (st.ok()) st = closed;
      if (!st.ok()) {
        std::filesystem::remove(tmp, ec);  // no half-written file left beside the target
        return Named(st, "write", location);
      }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      return arrow::Status::IOError("cannot write ", location, ": ", ec.message());
    }
    return arrow::Status::OK();
  }

  // O_NONBLOCK: opening a named pipe must not wait for a writer; it is then refused. On a
  // regular file the flag changes nothing. Reads go through pread, never a mapping: a file
  // truncated while it is read gives a short read (which the reader reports), not SIGBUS.
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) {
    const std::string path = ToPath(location);
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return arrow::Status::IOError("cannot open ", location, ": ", std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return arrow::Status::IOError("cannot open ", location, ": ", std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      return arrow::Status::IOError("cannot open ", location, ": not a regular file (",
                                    KindName(st.st_mode), ")");
    }
    auto file = arrow::io::ReadableFile::Open(fd);
    if (!file.ok()) {
      ::close(fd);
      return arrow::Status::IOError("cannot open ", location, ": ", file.status().message());
    }
    return std::static_pointer_cast<arrow::io::RandomAccessFile>(*file);
  }

  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) {
    std::string path = ToPath(location);
    ARROW_RETURN_NOT_OK(MakeParents(path));
    auto out = arrow::io::FileOutputStream::Open(path);
    if (!out.ok()) return Named(out.status(), "create", location);
    return std::make_shared<NamedOutputStream>(std::move(*out), location);
  }

  arrow::Result<bool> Exists(const std::string& location) {
    std::error_code ec;
    bool exists = std::filesystem::exists(ToPath(location), ec);
    if (ec) return arrow::Status::IOError("cannot stat ", location, ": ", ec.message());
    return exists;
  }

  // A missing file is not an error; a folder is removed only when empty.
  arrow::Status Delete(const std::string& location) {
    std::error_code ec;
    if (!std::filesystem::remove(ToPath(location), ec) && ec) {
      return arrow::Status::IOError("cannot delete ", location, ": ", ec.message());
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                             bool recursive) {
    namespace fs = std::filesystem;
    const std::string base = ToPath(location);
    std::error_code ec;
    if (!fs::is_directory(base, ec)) {
      return arrow::Status::IOError("cannot list ", location, ": ",
                                    ec ? ec.message() : "not a folder");
    }
    const fs::path canonical_base = fs::canonical(base, ec);
    if (ec) return arrow::Status::IOError("cannot list ", location, ": ", ec.message());
    const std::string scheme = PrefixOf(location);
    std::vector<FileEntry> out;
    // Only real folders are entered; a symlinked folder is listed, not followed, so no loop
    // or second path to the same file is possible.
    std::vector<std::pair<fs::path, fs::path>> pending{{fs::path(base), canonical_base}};
    while (!pending.empty()) {
      auto [dir, canonical_dir] = std::move(pending.back());
      pending.pop_back();
      fs::directory_iterator it(dir, ec);
      if (ec) return arrow::Status::IOError("cannot list ", dir.string(), ": ", ec.message());
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        const fs::path& child = it->path();
        FileEntry e;
        e.location = scheme + child.string();
        ARROW_RETURN_NOT_OK(Describe(child, canonical_dir / child.filename(), &e));
        if (e.kind == FileKind::kDirectory && recursive) {
          pending.emplace_back(child, canonical_dir / child.filename());
          continue;
        }
        out.push_back(std::move(e));
      }
      if (ec) return arrow::Status::IOError("cannot list ", dir.string(), ": ", ec.message());
    }
    return out;
  }

  arrow::Result<std::string> CanonicalLocation(const std::string& location) {
    std::error_code ec;
    auto canonical = std::filesystem::canonical(ToPath(location), ec);
    if (ec) return arrow::Status::IOError("cannot resolve ", location, ": ", ec.message());
    return canonical.string();
  }

 private:
  static const char* KindName(mode_t mode) {
    if (S_ISDIR(mode)) return "folder";
    if (S_ISFIFO(mode)) return "named pipe (FIFO)";
    if (S_ISSOCK(mode)) return "socket";
    if (S_ISCHR(mode)) return "character device";
    if (S_ISBLK(mode)) return "block device";
    return "not a regular file";
  }

  static void Fill(const struct stat& st, FileEntry* e) {
    e->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (S_ISREG(st.st_mode)) {
      e->kind = FileKind::kFile;
      e->size = static_cast<int64_t>(st.st_size);
    } else if (S_ISDIR(st.st_mode)) {
      e->kind = FileKind::kDirectory;
    } else {
      e->kind = FileKind::kOther;
      e->note = KindName(st.st_mode);
    }
  }

  // What one listed path is; a symlink is described by its target, except that a symlink
  // to a folder stays a symlink (kOther) so that listings never follow it.
  static arrow::Status Describe(const std::filesystem::path& path,
                                const std::filesystem::path& canonical, FileEntry* e) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) {
        return arrow::Status::IOError("cannot stat ", path.string(), ": ", std::strerror(errno));
      }
      e->kind = FileKind::kOther;  // removed since it was listed
      e->note = "vanished while listed";
      return arrow::Status::OK();
    }
    e->identity = canonical.string();
    if (S_ISLNK(st.st_mode)) {
      if (::stat(path.c_str(), &st) != 0) {
        e->kind = FileKind::kOther;
        e->note = errno == ELOOP ? "symlink loop" : "broken symlink";
        return arrow::Status::OK();
      }
      if (S_ISDIR(st.st_mode)) {
        e->kind = FileKind::kOther;
        e->note = "symlink to a folder (not followed)";
        return arrow::Status::OK();
      }
      std::error_code ec;
      auto target = std::filesystem::canonical(path, ec);
      if (ec) {
        e->kind = FileKind::kOther;
        e->note = "unresolvable symlink: " + ec.message();
        return arrow::Status::OK();
      }
      e->identity = target.string();
    }
    Fill(st, e);
    return arrow::Status::OK();
  }

  static arrow::Status MakeParents(const std::string& path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return arrow::Status::IOError("cannot create folder ", parent.string(), ": ",
                                          ec.message());
    return arrow::Status::OK();
  }

};

}  // namespace

arrow::Result<std::string> LocalFileIO::ReadAll(const std::string& location) {
  return LocalFileIOImpl().ReadAll(location);
}
arrow::Status LocalFileIO::WriteAll(const std::string& location, std::string_view data) {
  return LocalFileIOImpl().WriteAll(location, data);
}
arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> LocalFileIO::OpenInput(
    const std::string& location) {
  return LocalFileIOImpl().OpenInput(location);
}
arrow::Result<std::shared_ptr<arrow::io::OutputStream>> LocalFileIO::OpenOutput(
    const std::string& location) {
  return LocalFileIOImpl().OpenOutput(location);
}
arrow::Result<bool> LocalFileIO::Exists(const std::string& location) {
  return LocalFileIOImpl().Exists(location);
}
arrow::Status LocalFileIO::Delete(const std::string& location) {
  return LocalFileIOImpl().Delete(location);
}
arrow::Result<std::vector<FileEntry>> LocalFileIO::List(const std::string& location,
                                                        bool recursive) {
  return LocalFileIOImpl().List(location, recursive);
}
arrow::Result<std::string> LocalFileIO::CanonicalLocation(const std::string& location) {
  return LocalFileIOImpl().CanonicalLocation(location);
}

}  // namespace floe::io
