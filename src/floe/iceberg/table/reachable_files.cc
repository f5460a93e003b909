#include "floe/iceberg/table/reachable_files.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/metadata/snapshot.h"

namespace floe::iceberg {
namespace {

// Appends locations to one list, each once across all lists.
class Collector {
 public:
  bool Add(std::vector<std::string>& list, const std::string& location) {
    if (location.empty() || !seen_.insert(location).second) return false;
    list.push_back(location);
    return true;
  }

 private:
  std::unordered_set<std::string> seen_;
};

// spec: "Table Statistics" and "Partition Statistics".
void AddStatisticsFiles(const std::vector<StatisticsFile>& entries, Collector& seen,
                        std::vector<std::string>& out) {
  for (const auto& entry : entries) seen.Add(out, entry.statistics_path);
}

}  // namespace

std::vector<std::string> ReachableFiles::All() const {
  std::vector<std::string> out;
  for (const auto* list : {&content_files, &summary_files, &statistics_files, &manifests,
                           &manifest_lists, &metadata_files}) {
    out.insert(out.end(), list->begin(), list->end());
  }
  return out;
}

arrow::Result<ReachableFiles> ListReachableFiles(io::FileIO& io, const TableState& state) {
  const TableMetadata& md = *state.metadata;
  ReachableFiles out;
  Collector seen;
  seen.Add(out.metadata_files, state.metadata_location);
  for (const auto& entry : md.metadata_log) seen.Add(out.metadata_files, entry.metadata_file);
  AddStatisticsFiles(md.statistics, seen, out.statistics_files);
  AddStatisticsFiles(md.partition_statistics, seen, out.statistics_files);
  for (std::string_view key : kPropertyFileKeys) {
    auto it = md.properties.find(std::string(key));
    if (it != md.properties.end()) seen.Add(out.summary_files, it->second);
  }

  for (const auto& snapshot : md.snapshots) {
    for (std::string_view key : kSummaryFileKeys) {
      auto it = snapshot.summary.find(std::string(key));
      if (it != snapshot.summary.end()) seen.Add(out.summary_files, it->second);
    }
    if (!seen.Add(out.manifest_lists, snapshot.manifest_list)) continue;
    ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, snapshot.manifest_list));
    for (const auto& manifest : manifests) {
      // Manifests carry over from snapshot to snapshot: only a new one is read.
      if (!seen.Add(out.manifests, manifest.manifest_path)) continue;
      ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(io, manifest));
      for (const auto& entry : entries) {
        if (seen.Add(out.content_files, entry.data_file.file_path) &&
            entry.data_file.content != DataFileContent::kData) {
          out.delete_files.push_back(entry.data_file.file_path);
        }
      }
    }
  }
  return out;
}

}  // namespace floe::iceberg
