#include "floe/catalog/drop_table_data.h"

#include <algorithm>
#include <set>
#include <vector>

namespace floe::catalog {
namespace {

std::string ParentOf(const std::string& location) {
  auto slash = location.rfind('/');
  return slash == std::string::npos ? std::string() : location.substr(0, slash);
}

bool AtOrBelow(const std::string& folder, const std::string& root) {
  return folder == root ||
         (folder.size() > root.size() && folder.rfind(root, 0) == 0 && folder[root.size()] == '/');
}

// Removes the folders the deletions emptied, deepest first, up to the table's location. Only
// tidying: a folder that cannot be listed or removed is left as it is.
void RemoveEmptiedFolders(io::FileIO& io, std::string root, const std::vector<std::string>& files) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::set<std::string> folders;
  for (const auto& file : files) {
    for (std::string f = ParentOf(file); AtOrBelow(f, root); f = ParentOf(f)) {
      if (!folders.insert(f).second) break;  // its parents are in already
    }
  }
  std::vector<std::string> deepest_first(folders.begin(), folders.end());
  std::sort(deepest_first.begin(), deepest_first.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& folder : deepest_first) {
    auto children = io.List(folder, /*recursive=*/false);
    if (children.ok() && children->empty()) (void)io.Delete(folder);
  }
}

}  // namespace

arrow::Status DropTableData(io::FileIO& io, const iceberg::TableIdentifier& id,
                            const std::string& table_location,
                            const iceberg::ReachableFiles& files) {
  std::vector<std::string> all = files.All();
  arrow::Status first_error;
  size_t failed = 0;
  for (const auto& location : all) {
    arrow::Status st = io.Delete(location);  // a missing file is not an error
    if (st.ok()) continue;
    if (failed++ == 0) first_error = st;
  }
  RemoveEmptiedFolders(io, table_location, all);
  if (failed == 0) return arrow::Status::OK();
  std::string more = failed > 1 ? " (and " + std::to_string(failed - 1) + " more)" : "";
  return first_error.WithMessage("table ", id.ToString(), " was dropped but ", failed, " of its ",
                                 all.size(), " files could not be deleted: ", first_error.message(),
                                 more);
}

}  // namespace floe::catalog
