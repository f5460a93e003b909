#pragma once

#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/table/table_operations.h"

namespace floe::iceberg {

/// A loaded table: its operations (how it commits) and the metadata as of the last load or
/// commit. Table changes (update/…) and scans (table_scan.h) start from here.
class Table {
 public:
  Table(std::shared_ptr<TableOperations> ops, TableState state)
      : ops_(std::move(ops)), state_(std::move(state)) {}

  const TableIdentifier& identifier() const { return ops_->identifier(); }
  const TableMetadata& metadata() const { return *state_.metadata; }
  const std::shared_ptr<const TableMetadata>& metadata_ptr() const { return state_.metadata; }
  const std::string& metadata_location() const { return state_.metadata_location; }
  const TableState& state() const { return state_; }
  std::shared_ptr<io::FileIO> io() const { return ops_->io(); }
  TableOperations& operations() const { return *ops_; }

  /// Reloads the metadata from the catalog.
  arrow::Status Refresh() {
    ARROW_ASSIGN_OR_RAISE(state_, ops_->Refresh());
    return arrow::Status::OK();
  }
  /// Adopts the state a commit produced.
  void Adopt(TableState state) { state_ = std::move(state); }

 private:
  std::shared_ptr<TableOperations> ops_;
  TableState state_;
};

}  // namespace floe::iceberg
