#pragma once

#include <arrow/result.h>

#include <map>
#include <string>

namespace floe::iceberg {

/// How a row-level change treats concurrent commits (Java's IsolationLevel): serializable
/// also fails when rows were added meanwhile that the change's filter covers; snapshot only
/// when files the change read were removed or given new deletes.
enum class IsolationLevel { kSerializable, kSnapshot };

/// How rows are changed (Java's RowLevelOperationMode): copy-on-write rewrites the data files
/// holding them; merge-on-read writes delete files (and new rows) and leaves data files alone.
enum class RowLevelMode { kCopyOnWrite, kMergeOnRead };

/// The row-level SQL-style operations, each with its own properties.
enum class RowLevelOperation { kDelete, kUpdate, kMerge };

/// An operation's isolation level and mode, from table properties
/// write.<op>.isolation-level (serializable by default) and write.<op>.mode (copy-on-write by
/// default), case-insensitive.
struct RowLevelSettings {
  IsolationLevel isolation = IsolationLevel::kSerializable;
  RowLevelMode mode = RowLevelMode::kCopyOnWrite;

  /// Invalid, naming the property and the values it takes, for an unknown value.
  static arrow::Result<RowLevelSettings> FromProperties(
      const std::map<std::string, std::string>& properties, RowLevelOperation operation);
};

const char* ToString(IsolationLevel level);
const char* ToString(RowLevelMode mode);

}  // namespace floe::iceberg
