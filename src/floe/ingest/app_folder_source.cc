#include "floe/ingest/app_folder_source.h"

#include <algorithm>

namespace floe::ingest {

std::string SourceFile::Key() const {
  return location + "|" + std::to_string(size) + "|" + std::to_string(mtime_ns);
}

namespace {
std::string BaseName(const std::string& location) {
  std::string s = location;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}
}  // namespace

arrow::Result<std::vector<AppFolder>> ListAppFolders(io::FileIO& io, const std::string& source) {
  auto children = io.List(source, /*recursive=*/false);
  if (!children.ok()) {
    return arrow::Status::IOError("cannot list source ", source, ": ",
                                  children.status().message());
  }
  std::vector<AppFolder> folders;
  for (const auto& child : *children) {
    std::string name = BaseName(child.location);
    if (!child.is_dir || name.rfind("spark-", 0) != 0) continue;
    AppFolder folder;
    folder.name = name;
    folder.location = child.location;
    auto entries = io.List(child.location, /*recursive=*/true);
    if (!entries.ok()) {
      folder.error = "cannot list folder: " + entries.status().message();
      folders.push_back(std::move(folder));
      continue;
    }
    for (const auto& e : *entries) {
      if (e.is_dir) continue;
      folder.files.push_back(SourceFile{e.location, e.size, e.mtime_ns});
    }
    std::sort(folder.files.begin(), folder.files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.location < b.location; });
    folders.push_back(std::move(folder));
  }
  std::sort(folders.begin(), folders.end(),
            [](const AppFolder& a, const AppFolder& b) { return a.name < b.name; });
  return folders;
}

}  // namespace floe::ingest
