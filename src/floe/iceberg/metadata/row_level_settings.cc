#include "floe/iceberg/metadata/row_level_settings.h"

#include <algorithm>
#include <cctype>

#include "floe/iceberg/metadata/table_properties.h"

namespace floe::iceberg {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Value(const std::map<std::string, std::string>& properties, const char* key,
                  const char* fallback) {
  auto it = properties.find(key);
  return it == properties.end() ? std::string(fallback) : Lower(it->second);
}

}  // namespace

arrow::Result<RowLevelSettings> RowLevelSettings::FromProperties(
    const std::map<std::string, std::string>& properties, RowLevelOperation operation) {
  const char* isolation_key = property::kDeleteIsolationLevel;
  const char* mode_key = property::kDeleteMode;
  if (operation == RowLevelOperation::kUpdate) {
    isolation_key = property::kUpdateIsolationLevel;
    mode_key = property::kUpdateMode;
  } else if (operation == RowLevelOperation::kMerge) {
    isolation_key = property::kMergeIsolationLevel;
    mode_key = property::kMergeMode;
  }
  RowLevelSettings settings;
  std::string isolation = Value(properties, isolation_key, property::kDefaultIsolationLevel);
  if (isolation == property::kIsolationSerializable) {
    settings.isolation = IsolationLevel::kSerializable;
  } else if (isolation == property::kIsolationSnapshot) {
    settings.isolation = IsolationLevel::kSnapshot;
  } else {
    return arrow::Status::Invalid(
        "table property ", isolation_key, " is '", properties.at(isolation_key), "'; expected ",
        property::kIsolationSerializable, " or ", property::kIsolationSnapshot);
  }
  std::string mode = Value(properties, mode_key, property::kDefaultRowLevelMode);
  if (mode == property::kModeCopyOnWrite) {
    settings.mode = RowLevelMode::kCopyOnWrite;
  } else if (mode == property::kModeMergeOnRead) {
    settings.mode = RowLevelMode::kMergeOnRead;
  } else {
    return arrow::Status::Invalid("table property ", mode_key, " is '", properties.at(mode_key),
                                  "'; expected ", property::kModeCopyOnWrite, " or ",
                                  property::kModeMergeOnRead);
  }
  return settings;
}

const char* ToString(IsolationLevel level) {
  return level == IsolationLevel::kSerializable ? property::kIsolationSerializable
                                                : property::kIsolationSnapshot;
}

const char* ToString(RowLevelMode mode) {
  return mode == RowLevelMode::kCopyOnWrite ? property::kModeCopyOnWrite
                                            : property::kModeMergeOnRead;
}

}  // namespace floe::iceberg
