#include "floe/iceberg/update/update_properties.h"

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/update/commit_retry.h"

namespace floe::iceberg {

arrow::Status UpdateProperties(Table& table, const std::map<std::string, std::string>& set,
                               const std::vector<std::string>& remove) {
  if (set.count(property::kFormatVersion) && set.at(property::kFormatVersion) != "2") {
    return arrow::Status::Invalid("table ", table.identifier().ToString(),
                                  ": floe keeps tables at format version 2");
  }
  std::map<std::string, std::string> to_set = set;
  to_set.erase(property::kFormatVersion);  // reserved: a metadata field, not a property
  return CommitWithRetry(table, [&](const TableState& base) -> arrow::Result<TableMetadata> {
    return WithProperties(*base.metadata, to_set, remove);
  });
}

}  // namespace floe::iceberg
