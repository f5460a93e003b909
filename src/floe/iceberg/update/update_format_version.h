#pragma once

#include <memory>

#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Raises a table's format version (the upgrade-format-version update; Java's
/// Transaction.upgradeFormatVersion / TableMetadata.Builder.upgradeFormatVersion). 1 -> 2 -> 3
/// or straight to 3; asking for the current version commits nothing, a lower one is refused.
/// Data and manifests are not rewritten: a table reaching v3 starts row lineage at
/// next-row-id 0 and its earlier files get row ids as later manifest lists carry them (spec:
/// "Row Lineage").
class UpdateFormatVersion final : public PendingUpdate {
 public:
  UpdateFormatVersion(std::shared_ptr<Table> table, int32_t format_version)
      : PendingUpdate(std::move(table)), format_version_(format_version) {}

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  int32_t format_version_;
};

}  // namespace floe::iceberg
