#include "floe/iceberg/update/update_properties.h"

#include <algorithm>

namespace floe::iceberg {

UpdateProperties& UpdateProperties::Set(const std::string& key, const std::string& value) {
  set_[key] = value;
  remove_.erase(std::remove(remove_.begin(), remove_.end(), key), remove_.end());
  return *this;
}

UpdateProperties& UpdateProperties::Remove(const std::string& key) {
  set_.erase(key);
  remove_.push_back(key);
  return *this;
}

arrow::Status UpdateProperties::Apply(TableMetadataBuilder& builder) {
  std::map<std::string, std::string> set = set_;
  auto version = set.find(property::kFormatVersion);
  if (version != set.end()) {
    // As Java's TableMetadata.replaceProperties: the reserved property upgrades the format
    // version (as `ALTER TABLE … SET TBLPROPERTIES ('format-version'='3')` does in Spark).
    const std::string& text = version->second;
    if (text.size() != 1 || text[0] < '1' || text[0] > '9') {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                    ": format-version '", text, "' is not a format version");
    }
    ARROW_RETURN_NOT_OK(builder.UpgradeFormatVersion(text[0] - '0'));
    set.erase(version);  // reserved: a metadata field, not a property
  }
  std::vector<std::string> remove;
  for (const auto& key : remove_) {
    if (builder.current().properties.count(key)) remove.push_back(key);
  }
  std::map<std::string, std::string> changed;
  for (const auto& [key, value] : set) {
    auto it = builder.current().properties.find(key);
    if (it == builder.current().properties.end() || it->second != value) changed[key] = value;
  }
  ARROW_RETURN_NOT_OK(builder.RemoveProperties(remove));
  return builder.SetProperties(changed);
}

arrow::Status SetTableProperties(const std::shared_ptr<Table>& table,
                                 const std::map<std::string, std::string>& set,
                                 const std::vector<std::string>& remove) {
  UpdateProperties update(table);
  for (const auto& key : remove) update.Remove(key);
  for (const auto& [key, value] : set) update.Set(key, value);
  return update.Commit();
}

}  // namespace floe::iceberg
