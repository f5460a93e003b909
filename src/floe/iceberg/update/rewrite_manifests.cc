#include "floe/iceberg/update/rewrite_manifests.h"

#include <algorithm>
#include <map>
#include <utility>

#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/util/properties.h"

namespace floe::iceberg {

arrow::Result<SnapshotPlan> RewriteManifests::Plan(const TableMetadata& base, int64_t snapshot_id) {
  replaced_ = created_ = kept_ = 0;
  SnapshotPlan plan;
  ARROW_ASSIGN_OR_RAISE(std::vector<ManifestFile> current, CurrentManifests(base));
  const int64_t target = util::IntPropertyOr(base.properties, property::kManifestTargetSizeBytes,
                                             property::kDefaultManifestTargetSizeBytes, 1);
  std::map<std::pair<ManifestContent, int32_t>, std::vector<const ManifestFile*>> groups;
  for (const auto& m : current) groups[{m.content, m.partition_spec_id}].push_back(&m);

  std::vector<ManifestFile> written;
  int64_t entries_processed = 0;
  auto schema = base.CurrentSchema();
  for (const auto& [key, manifests] : groups) {
    const bool oversized = manifests.size() == 1 && manifests[0]->manifest_length > target;
    if (manifests.size() < 2 && !oversized) {
      plan.manifests.push_back(*manifests[0]);
      ++kept_;
      continue;
    }
    const PartitionSpec* spec = base.SpecById(key.second);
    if (spec == nullptr) {
      return arrow::Status::Invalid("manifest ", manifests[0]->manifest_path,
                                    " names partition spec ", key.second,
                                    ", which the table does not have");
    }
    // Live entries, sorted by partition so that neighbours share a manifest.
    std::vector<std::pair<std::string, ManifestEntry>> entries;
    int64_t bytes = 0, read = 0;
    for (const ManifestFile* m : manifests) {
      ARROW_ASSIGN_OR_RAISE(auto in, ReadManifestEntries(*table_->io(), *m));
      bytes += m->manifest_length;
      read += static_cast<int64_t>(in.size());
      for (auto& e : in) {
        if (e.status == ManifestEntryStatus::kDeleted) continue;
        std::string partition = spec->PartitionPath(e.data_file.partition);
        entries.emplace_back(std::move(partition), std::move(e));
      }
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    entries_processed += static_cast<int64_t>(entries.size());
    replaced_ += static_cast<int64_t>(manifests.size());
    // Entries per manifest from the inputs' average entry size (the writer's size is only
    // known once it is closed).
    const int64_t per_entry = std::max<int64_t>(1, bytes / std::max<int64_t>(read, 1));
    const size_t per_manifest = static_cast<size_t>(std::max<int64_t>(1, target / per_entry));
    ManifestWriter::Options options;
    options.format_version = base.format_version;
    options.content = key.first;
    for (size_t start = 0; start < entries.size(); start += per_manifest) {
      ARROW_ASSIGN_OR_RAISE(
          auto writer, ManifestWriter::Make(*table_->io(), NewManifestLocation(base, snapshot_id),
                                            *spec, *schema, nullptr, snapshot_id, options));
      plan.attempt_files.push_back(writer->location());
      const size_t end = std::min(entries.size(), start + per_manifest);
      for (size_t i = start; i < end; ++i) {
        ARROW_RETURN_NOT_OK(writer->AddExisting(entries[i].second));
      }
      ARROW_ASSIGN_OR_RAISE(auto manifest, writer->Close());
      written.push_back(std::move(manifest));
      ++created_;
    }
  }
  // New manifests first, as Java lists them.
  plan.manifests.insert(plan.manifests.begin(), written.begin(), written.end());
  allow_empty_ = replaced_ > 0;
  summary_extra_["manifests-created"] = std::to_string(created_);
  summary_extra_["manifests-kept"] = std::to_string(kept_);
  summary_extra_["manifests-replaced"] = std::to_string(replaced_);
  summary_extra_["entries-processed"] = std::to_string(entries_processed);
  return plan;
}

}  // namespace floe::iceberg
