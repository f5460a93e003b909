#pragma once

#include <map>
#include <string>
#include <vector>

#include <arrow/status.h>

#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// Sets and removes table properties in one commit (no snapshot is made).
arrow::Status UpdateProperties(Table& table, const std::map<std::string, std::string>& set,
                               const std::vector<std::string>& remove);

}  // namespace floe::iceberg
