#include "floe/iceberg/maintenance/remove_orphan_files.h"

#include <filesystem>
#include <unordered_set>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/io/location.h"

namespace floe::iceberg {
namespace {

constexpr int64_t kDefaultOrphanAgeMs = 3LL * 24 * 60 * 60 * 1000;  // Java: 3 days

// The metadata files of the log chain: the current file's log, then the log of the oldest
// file in it, and so on (Java's ReachableFileUtil.metadataFileLocations, recursive), so
// versions dropped from the newest log by write.metadata.previous-versions-max still count.
arrow::Status AddMetadataChain(io::FileIO& io, const TableMetadata& current,
                               std::vector<std::string>& out) {
  std::unordered_set<std::string> listed(out.begin(), out.end());
  std::unordered_set<std::string> read;
  const TableMetadata* md = &current;
  std::shared_ptr<const TableMetadata> held;
  while (md != nullptr && !md->metadata_log.empty()) {
    for (const auto& entry : md->metadata_log) {
      if (listed.insert(entry.metadata_file).second) out.push_back(entry.metadata_file);
    }
    const std::string oldest = md->metadata_log.front().metadata_file;
    if (!read.insert(oldest).second) break;  // a log that loops back
    auto text = io.ReadAll(oldest);
    if (!text.ok()) break;  // already gone: nothing older can be referenced through it
    auto parsed = ParseTableMetadata(*text, oldest);
    if (!parsed.ok()) break;
    held = *parsed;
    md = held.get();
  }
  return arrow::Status::OK();
}

bool Under(const std::string& file, const std::string& folder) {
  return file.size() > folder.size() && file.compare(0, folder.size(), folder) == 0 &&
         (folder.back() == '/' || file[folder.size()] == '/');
}

}  // namespace

arrow::Result<std::string> NormalizedLocation(std::string_view location) {
  ARROW_ASSIGN_OR_RAISE(io::ParsedLocation parsed, io::ParseLocation(location));
  if (parsed.kind == io::StorageKind::kS3) return io::CanonicalS3Location(parsed);
  std::string path = std::filesystem::path(parsed.path).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

arrow::Result<OrphanFilesResult> RemoveOrphanFiles(Table& table, const OrphanFileOptions& options) {
  io::FileIO& io = *table.io();
  const std::string table_location = table.metadata().location;
  const std::string location = options.location.value_or(table_location);
  ARROW_ASSIGN_OR_RAISE(std::string normal_table, NormalizedLocation(table_location));
  ARROW_ASSIGN_OR_RAISE(std::string normal_location, NormalizedLocation(location));
  if (normal_location != normal_table && !Under(normal_location, normal_table)) {
    return arrow::Status::Invalid("location ", location, " is not below table ",
                                  table.identifier().ToString(), "'s location ", table_location,
                                  ": files there may belong to other tables");
  }
  const int64_t older_than = options.older_than_ms.value_or(NowMs() - kDefaultOrphanAgeMs);

  // List first, then collect the references of the table as it is after the listing.
  OrphanFilesResult result;
  std::vector<std::pair<std::string, std::string>> candidates;  // (location, normalized)
  ARROW_RETURN_NOT_OK(io.ListEach(location, true, [&](const io::FileEntry& entry) {
    if (entry.kind != io::FileKind::kFile) return arrow::Status::OK();
    ++result.files_listed;
    if (entry.mtime_ns / 1'000'000 >= older_than) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(std::string normal, NormalizedLocation(entry.location));
    candidates.emplace_back(entry.location, std::move(normal));
    return arrow::Status::OK();
  }));
  ARROW_RETURN_NOT_OK(table.Refresh());
  ARROW_ASSIGN_OR_RAISE(ReachableFiles reachable, ListReachableFiles(io, table.state()));
  std::vector<std::string> referenced = reachable.All();
  ARROW_RETURN_NOT_OK(AddMetadataChain(io, table.metadata(), referenced));
  referenced.push_back(io::JoinLocation(table.metadata().location, "metadata/version-hint.text"));
  std::unordered_set<std::string> valid;
  for (const auto& file : referenced) {
    auto normal = NormalizedLocation(file);
    if (!normal.ok()) {
      return arrow::Status::Invalid("table ", table.identifier().ToString(), " references ", file,
                                    ", which floe cannot compare with listed files (",
                                    normal.status().message(), "); nothing was deleted");
    }
    valid.insert(std::move(*normal));
  }
  for (auto& [file, normal] : candidates) {
    if (!valid.count(normal)) result.orphan_files.push_back(std::move(file));
  }
  if (options.dry_run || result.orphan_files.empty()) return result;
  arrow::Status deleted = io.DeleteFiles(result.orphan_files);
  if (!deleted.ok()) {
    result.not_deleted = result.orphan_files;
    result.delete_error = deleted.ToString();
  }
  return result;
}

}  // namespace floe::iceberg
