#include "floe/iceberg/table/delete_file_index.h"

#include <algorithm>

#include "floe/iceberg/expression/evaluator_internal.h"
#include "floe/iceberg/manifest/manifest_group.h"

namespace floe::iceberg {
namespace {

// A partition as the spec compares them: the spec id and the tuple's values.
struct PartitionKey {
  int32_t spec_id = 0;
  std::vector<Literal> values;
};

struct PartitionKeyLess {
  bool operator()(const PartitionKey& a, const PartitionKey& b) const {
    if (a.spec_id != b.spec_id) return a.spec_id < b.spec_id;
    if (a.values.size() != b.values.size()) return a.values.size() < b.values.size();
    for (size_t i = 0; i < a.values.size(); ++i) {
      int c = a.values[i].Compare(b.values[i]);
      if (c != 0) return c < 0;
    }
    return false;
  }
};

// Delete files of one scope, ascending by data sequence number once sealed.
using Scope = std::vector<const DeleteFile*>;

void SortBySequence(Scope& scope) {
  std::stable_sort(scope.begin(), scope.end(), [](const DeleteFile* a, const DeleteFile* b) {
    return a->data_sequence_number < b->data_sequence_number;
  });
}

// Appends the files of `scope` whose sequence number is >= `min_sequence` (position deletes:
// min = the data file's; equality deletes: min = the data file's + 1).
void AppendFrom(const Scope& scope, int64_t min_sequence, std::vector<DeleteFile>& out) {
  auto first = std::lower_bound(
      scope.begin(), scope.end(), min_sequence,
      [](const DeleteFile* f, int64_t seq) { return f->data_sequence_number < seq; });
  for (auto it = first; it != scope.end(); ++it) out.push_back(**it);
}

// Whether a position delete file's file_path bounds allow it to name `path` (Java's
// ContentFileUtil / DeleteFileIndex.canContainPosDeletesForFile).
bool PathWithinBounds(const DataFile& deletes, const std::string& path) {
  auto lower = deletes.lower_bounds.find(kDeleteFilePathFieldId);
  if (lower != deletes.lower_bounds.end() && path < lower->second) return false;
  auto upper = deletes.upper_bounds.find(kDeleteFilePathFieldId);
  if (upper != deletes.upper_bounds.end() && path > upper->second) return false;
  return true;
}

std::optional<int64_t> Count(const std::map<int32_t, int64_t>& counts, int32_t id) {
  auto it = counts.find(id);
  if (it == counts.end()) return std::nullopt;
  return it->second;
}

std::optional<Literal> Bound(const std::map<int32_t, std::string>& bounds, int32_t id,
                             const TypePtr& type) {
  auto it = bounds.find(id);
  if (it == bounds.end()) return std::nullopt;
  auto v = internal::DecodeBound(type, it->second);
  if (v && internal::IsNaN(*v)) return std::nullopt;
  return v;
}

// Whether an equality delete file may delete rows of `data` by the two files' metrics (Java's
// DeleteFileIndex.canContainEqDeletesForFile): a row is deleted only when every equality
// column matches, so one column whose values cannot meet rules the file out — value ranges
// that do not overlap, or nulls only on one side and none on the other (null keys match only
// nulls). Columns with nulls possible on both sides, or without metrics, prove nothing.
bool EqualityDeleteMayApply(const DataFile& deletes, const DataFile& data,
                            const std::map<int32_t, TypePtr>& types) {
  for (int32_t id : deletes.equality_ids) {
    auto type = types.find(id);
    if (type == types.end() || !type->second->is_primitive()) continue;
    auto data_nulls = Count(data.null_value_counts, id);
    auto delete_nulls = Count(deletes.null_value_counts, id);
    const bool data_may_null = !data_nulls || *data_nulls > 0;
    const bool delete_may_null = !delete_nulls || *delete_nulls > 0;
    if (data_may_null && delete_may_null) continue;
    auto data_values = Count(data.value_counts, id);
    auto delete_values = Count(deletes.value_counts, id);
    if (data_values && data_nulls && *data_values == *data_nulls && !delete_may_null) return false;
    if (delete_values && delete_nulls && *delete_values == *delete_nulls && !data_may_null) {
      return false;
    }
    // Nulls are on one side at most, so only the non-null ranges can meet.
    auto data_lower = Bound(data.lower_bounds, id, type->second);
    auto data_upper = Bound(data.upper_bounds, id, type->second);
    auto delete_lower = Bound(deletes.lower_bounds, id, type->second);
    auto delete_upper = Bound(deletes.upper_bounds, id, type->second);
    if (!data_lower || !data_upper || !delete_lower || !delete_upper) continue;
    if (data_lower->Compare(*delete_upper) > 0 || delete_lower->Compare(*data_upper) > 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ReferencedDataFile(const DataFile& delete_file) {
  if (delete_file.content != DataFileContent::kPositionDeletes) return "";
  if (delete_file.referenced_data_file) return *delete_file.referenced_data_file;
  auto lower = delete_file.lower_bounds.find(kDeleteFilePathFieldId);
  auto upper = delete_file.upper_bounds.find(kDeleteFilePathFieldId);
  if (lower == delete_file.lower_bounds.end() || upper == delete_file.upper_bounds.end()) {
    return "";
  }
  return lower->second == upper->second ? lower->second : "";
}

struct DeleteFileIndex::Impl {
  Scope global_equality;
  std::map<PartitionKey, Scope, PartitionKeyLess> equality_by_partition;
  std::map<PartitionKey, Scope, PartitionKeyLess> position_by_partition;
  std::unordered_map<std::string, Scope> position_by_path;
  std::unordered_map<std::string, const DeleteFile*> vector_by_path;
  /// Equality field id → its type (the current schema's, else the newest schema having it).
  std::map<int32_t, TypePtr> equality_types;
};

DeleteFileIndex::DeleteFileIndex() : impl_(std::make_unique<Impl>()) {}
DeleteFileIndex::DeleteFileIndex(DeleteFileIndex&&) noexcept = default;
DeleteFileIndex& DeleteFileIndex::operator=(DeleteFileIndex&&) noexcept = default;
DeleteFileIndex::~DeleteFileIndex() = default;

arrow::Result<DeleteFileIndex> DeleteFileIndex::Build(io::FileIO& io, const TableMetadata& metadata,
                                                      const std::vector<ManifestFile>& manifests) {
  return Build(io, metadata, manifests, metadata.CurrentSchema(), Expression::True());
}

arrow::Result<DeleteFileIndex> DeleteFileIndex::Build(io::FileIO& io, const TableMetadata& metadata,
                                                      const std::vector<ManifestFile>& manifests,
                                                      std::shared_ptr<const Schema> schema,
                                                      ExprPtr bound_filter) {
  std::vector<DeleteFile> files;
  ManifestGroup group(io, metadata, std::move(schema),
                      bound_filter ? std::move(bound_filter) : Expression::True());
  for (const auto& manifest : manifests) {
    if (manifest.content != ManifestContent::kDeletes) continue;
    ARROW_ASSIGN_OR_RAISE(PlannedManifest planned, group.Plan(manifest));
    for (size_t i = 0; i < planned.entries.size(); ++i) {
      if (!planned.matches[i]) continue;
      ManifestEntry& entry = planned.entries[i];
      if (entry.data_file.content == DataFileContent::kData) {
        return arrow::Status::Invalid("delete manifest ", manifest.manifest_path,
                                      " lists data file ", entry.data_file.file_path);
      }
      if (!entry.sequence_number) {
        return arrow::Status::Invalid("delete manifest ", manifest.manifest_path, ": delete file ",
                                      entry.data_file.file_path, " has no data sequence number");
      }
      files.push_back(DeleteFile{std::move(entry.data_file), *entry.sequence_number});
    }
  }
  return FromFiles(metadata, std::move(files));
}

arrow::Result<DeleteFileIndex> DeleteFileIndex::FromFiles(const TableMetadata& metadata,
                                                          std::vector<DeleteFile> files) {
  DeleteFileIndex index;
  index.files_ = std::move(files);
  std::vector<std::shared_ptr<const Schema>> schemas;
  if (auto current = metadata.CurrentSchema()) schemas.push_back(current);
  schemas.insert(schemas.end(), metadata.schemas.rbegin(), metadata.schemas.rend());
  // files_ no longer changes size: the scopes may point into it.
  for (const DeleteFile& file : index.files_) {
    const PartitionSpec* spec = metadata.SpecById(file.file.spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("delete file ", file.file.file_path,
                                    " uses unknown partition spec ", file.file.spec_id);
    }
    PartitionKey key{file.file.spec_id, file.file.partition};
    switch (file.file.content) {
      case DataFileContent::kPositionDeletes: {
        std::string path = ReferencedDataFile(file.file);
        if (file.file.is_deletion_vector()) {
          if (path.empty()) {
            return arrow::Status::Invalid("deletion vector in ", file.file.file_path,
                                          " has no referenced_data_file");
          }
          auto [it, inserted] = index.impl_->vector_by_path.emplace(path, &file);
          if (!inserted) {
            return arrow::Status::Invalid("data file ", path, " has two deletion vectors (in ",
                                          it->second->file.file_path, " and ", file.file.file_path,
                                          "); a snapshot may hold one per data file");
          }
        } else if (!path.empty()) {
          index.impl_->position_by_path[path].push_back(&file);
        } else {
          index.impl_->position_by_partition[std::move(key)].push_back(&file);
        }
        break;
      }
      case DataFileContent::kEqualityDeletes:
        if (file.file.equality_ids.empty()) {
          return arrow::Status::Invalid("equality delete file ", file.file.file_path,
                                        " has no equality_ids");
        }
        for (int32_t id : file.file.equality_ids) {
          if (index.impl_->equality_types.count(id)) continue;
          for (const auto& schema : schemas) {
            const NestedField* field = schema ? schema->FindFieldById(id) : nullptr;
            if (field == nullptr) continue;
            index.impl_->equality_types.emplace(id, field->type);
            break;
          }
        }
        if (spec->is_unpartitioned()) {
          index.impl_->global_equality.push_back(&file);
        } else {
          index.impl_->equality_by_partition[std::move(key)].push_back(&file);
        }
        break;
      case DataFileContent::kData:
        return arrow::Status::Invalid("data file ", file.file.file_path, " is not a delete file");
    }
  }
  index.Seal();
  return index;
}

void DeleteFileIndex::Seal() {
  SortBySequence(impl_->global_equality);
  for (auto& [_, scope] : impl_->equality_by_partition) SortBySequence(scope);
  for (auto& [_, scope] : impl_->position_by_partition) SortBySequence(scope);
  for (auto& [_, scope] : impl_->position_by_path) SortBySequence(scope);
}

std::vector<DeleteFile> DeleteFileIndex::ForDataFile(int64_t data_sequence_number,
                                                     const DataFile& data_file) const {
  std::vector<DeleteFile> out;
  if (files_.empty()) return out;
  PartitionKey key{data_file.spec_id, data_file.partition};
  // Equality deletes: strictly newer than the data file, with values it may hold.
  AppendFrom(impl_->global_equality, data_sequence_number + 1, out);
  if (auto it = impl_->equality_by_partition.find(key); it != impl_->equality_by_partition.end()) {
    AppendFrom(it->second, data_sequence_number + 1, out);
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const DeleteFile& f) {
                             return !EqualityDeleteMayApply(f.file, data_file,
                                                            impl_->equality_types);
                           }),
            out.end());
  // A deletion vector replaces the position delete files of its data file.
  if (auto it = impl_->vector_by_path.find(data_file.file_path);
      it != impl_->vector_by_path.end() &&
      it->second->data_sequence_number >= data_sequence_number) {
    out.push_back(*it->second);
    return out;
  }
  if (auto it = impl_->position_by_path.find(data_file.file_path);
      it != impl_->position_by_path.end()) {
    AppendFrom(it->second, data_sequence_number, out);
  }
  if (auto it = impl_->position_by_partition.find(key); it != impl_->position_by_partition.end()) {
    size_t before = out.size();
    AppendFrom(it->second, data_sequence_number, out);
    out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                             [&](const DeleteFile& f) {
                               return !PathWithinBounds(f.file, data_file.file_path);
                             }),
              out.end());
  }
  return out;
}

}  // namespace floe::iceberg
