#include "floe/iceberg/manifest/manifest_group.h"

#include "floe/iceberg/expression/projection.h"
#include "floe/iceberg/manifest/manifest_reader.h"

namespace floe::iceberg {

ManifestGroup::ManifestGroup(io::FileIO& io, const TableMetadata& metadata,
                             std::shared_ptr<const Schema> schema, ExprPtr bound_filter)
    : io_(&io),
      metadata_(&metadata),
      schema_(std::move(schema)),
      bound_filter_(std::move(bound_filter)),
      metrics_(bound_filter_) {}

arrow::Result<const ManifestGroup::SpecEvaluators*> ManifestGroup::EvaluatorsFor(
    const ManifestFile& manifest) {
  auto it = by_spec_.find(manifest.partition_spec_id);
  if (it != by_spec_.end()) return &it->second;
  const PartitionSpec* spec = metadata_->SpecById(manifest.partition_spec_id);
  if (spec == nullptr) {
    return arrow::Status::Invalid("manifest ", manifest.manifest_path,
                                  " uses unknown partition spec ", manifest.partition_spec_id);
  }
  ARROW_ASSIGN_OR_RAISE(auto partition_type, spec->PartitionType(*schema_));
  ARROW_ASSIGN_OR_RAISE(ExprPtr partition_filter, ProjectInclusive(bound_filter_, *spec, *schema_));
  ARROW_ASSIGN_OR_RAISE(auto manifest_eval, ManifestEvaluator::MakeForPartitionFilter(
                                                *spec, *schema_, partition_filter));
  SpecEvaluators evaluators{spec, std::move(partition_type), std::move(manifest_eval),
                            PartitionEvaluator(*spec, partition_filter)};
  auto [inserted, _] = by_spec_.emplace(manifest.partition_spec_id, std::move(evaluators));
  return &inserted->second;
}

arrow::Result<PlannedManifest> ManifestGroup::Plan(const ManifestFile& manifest) {
  ++stats_.manifests_total;
  ARROW_ASSIGN_OR_RAISE(const SpecEvaluators* eval, EvaluatorsFor(manifest));
  PlannedManifest planned;
  planned.spec = eval->spec;
  planned.partition_type = eval->partition_type;
  if (!eval->manifest.MightMatch(manifest)) {
    ++stats_.manifests_skipped;
    planned.skipped = true;
    return planned;
  }
  ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(*io_, manifest, eval->partition_type));
  for (auto& entry : entries) {
    if (entry.status == ManifestEntryStatus::kDeleted) continue;
    ++stats_.files_total;
    bool match =
        eval->partition.MightMatch(entry.data_file) && metrics_.MightMatch(entry.data_file);
    if (!match) ++stats_.files_skipped;
    planned.matches.push_back(match);
    planned.entries.push_back(std::move(entry));
  }
  return planned;
}

arrow::Result<std::vector<DataFile>> ManifestGroup::PlanFiles(
    const std::vector<ManifestFile>& manifests) {
  std::vector<DataFile> files;
  for (const auto& manifest : manifests) {
    ARROW_ASSIGN_OR_RAISE(PlannedManifest planned, Plan(manifest));
    for (size_t i = 0; i < planned.entries.size(); ++i) {
      if (planned.matches[i]) files.push_back(std::move(planned.entries[i].data_file));
    }
  }
  return files;
}

}  // namespace floe::iceberg
