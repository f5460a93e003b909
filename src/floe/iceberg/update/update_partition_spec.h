#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Partition evolution (spec: "Partition Evolution"; Java's BaseUpdatePartitionSpec,
/// PyIceberg's UpdateSpec): adds, removes and renames fields of the default spec, producing a
/// new spec that becomes the default. Data already written keeps the spec it was written
/// with; scans evaluate every manifest with its own spec.
///
/// Format v2 rules: a removed field is dropped from the new spec (not replaced by void); an
/// added field equal to one of any earlier spec (same source column and transform) gets that
/// field's id back, and its name unless another is given; otherwise it takes
/// last-partition-id + 1 and a default name as Java and PyIceberg give it in evolution
/// (`id`, `id_bucket_16`, `name_trunc_4`, `ts_day`, ...). A change that ends in a spec equal
/// to an earlier one makes that spec the default again. In a v1 table a removed field stays
/// in place as a void transform, as v1 readers need, and ids are not recycled.
class UpdatePartitionSpec final : public PendingUpdate {
 public:
  explicit UpdatePartitionSpec(std::shared_ptr<Table> table) : PendingUpdate(std::move(table)) {}

  /// Adds a field from partition text for one term: "bucket(16, id)", "day(ts)", "id"
  /// (schema_text.h). `name` overrides the default name (so does "as name" in the text).
  UpdatePartitionSpec& AddField(std::string term, std::optional<std::string> name = {});
  /// Removes the default spec's field of this name.
  UpdatePartitionSpec& RemoveField(std::string name);
  /// Renames a field of the default spec (its id and values stay).
  UpdatePartitionSpec& RenameField(std::string name, std::string new_name);

  /// The spec this change makes from `base`'s default spec (spec id as `base` would number
  /// it: an existing compatible spec's id, or one past the highest).
  arrow::Result<PartitionSpec> Plan(const TableMetadata& base) const;

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  struct Add {
    std::string term;
    std::optional<std::string> name;
  };
  std::vector<Add> adds_;
  std::vector<std::string> removes_;
  std::vector<std::pair<std::string, std::string>> renames_;
};

}  // namespace floe::iceberg
