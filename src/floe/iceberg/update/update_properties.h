#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Sets and removes table properties (no snapshot is made): set-properties and
/// remove-properties. `format-version` is a metadata field, not a property: setting it to a
/// higher version upgrades the table (as Java's TableMetadata.replaceProperties does), to
/// the current one changes nothing, to a lower one is refused.
class UpdateProperties final : public PendingUpdate {
 public:
  explicit UpdateProperties(std::shared_ptr<Table> table) : PendingUpdate(std::move(table)) {}

  UpdateProperties& Set(const std::string& key, const std::string& value);
  UpdateProperties& Remove(const std::string& key);

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  std::map<std::string, std::string> set_;
  std::vector<std::string> remove_;
};

/// Sets and removes properties in one commit.
arrow::Status SetTableProperties(const std::shared_ptr<Table>& table,
                                 const std::map<std::string, std::string>& set,
                                 const std::vector<std::string>& remove);

}  // namespace floe::iceberg
