#include "floe/ingest/app_folder_source.h"

#include <algorithm>
#include <map>

namespace floe::ingest {

namespace {
std::string BaseName(const std::string& location) {
  std::string s = location;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}
}  // namespace

arrow::Result<std::vector<AppFolder>> ListAppFolders(io::FileIO& io, const std::string& source) {
  auto canonical = io.CanonicalLocation(source);
  if (!canonical.ok()) {
    return arrow::Status::IOError("cannot read source ", source, ": ",
                                  canonical.status().message());
  }
  auto children = io.List(*canonical, /*recursive=*/false);
  if (!children.ok()) {
    return arrow::Status::IOError("cannot list source ", source, ": ",
                                  children.status().message());
  }
  std::sort(children->begin(), children->end(),
            [](const io::FileEntry& a, const io::FileEntry& b) { return a.location < b.location; });
  std::vector<AppFolder> folders;
  std::map<std::string, std::string> seen;  // identity -> where it was first listed
  for (const auto& child : *children) {
    std::string name = BaseName(child.location);
    if (name.rfind("spark-", 0) != 0 || child.kind == io::FileKind::kFile) continue;
    AppFolder folder;
    folder.name = name;
    folder.location = child.location;
    if (child.kind != io::FileKind::kDirectory) {
      folder.skipped.push_back(SkippedEntry{child.location, child.note});
      folders.push_back(std::move(folder));
      continue;
    }
    auto entries = io.List(child.location, /*recursive=*/true);
    if (!entries.ok()) {
      folder.error = "cannot list folder: " + entries.status().message();
      folders.push_back(std::move(folder));
      continue;
    }
    std::sort(entries->begin(), entries->end(),
              [](const io::FileEntry& a, const io::FileEntry& b) { return a.location < b.location; });
    for (auto& e : *entries) {
      if (e.kind != io::FileKind::kFile) {
        folder.skipped.push_back(SkippedEntry{e.location, e.note});
        continue;
      }
      auto [it, first] = seen.emplace(e.identity, e.location);
      if (!first) {
        folder.skipped.push_back(SkippedEntry{e.location, "same file as " + it->second});
        continue;
      }
      folder.files.push_back(SourceFile{e.location, e.identity, e.size, e.mtime_ns, e.etag});
    }
    folders.push_back(std::move(folder));
  }
  return folders;
}

}  // namespace floe::ingest
