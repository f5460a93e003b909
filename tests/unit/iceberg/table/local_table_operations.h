#pragma once

// A TableOperations for unit tests of the iceberg layer: commits by compare-and-swap of an
// in-memory pointer, applying requirements and updates as a catalog does, without a catalog.

#include <memory>
#include <utility>
#include <vector>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_operations.h"

namespace floe::iceberg::testing {

class LocalTableOperations final : public TableOperations {
 public:
  LocalTableOperations(std::shared_ptr<io::FileIO> io, TableState state)
      : io_(std::move(io)), state_(std::move(state)) {}

  const TableIdentifier& identifier() const override { return id_; }
  std::shared_ptr<io::FileIO> io() const override { return io_; }
  arrow::Result<TableState> Refresh() override { return state_; }
  arrow::Result<TableState> Commit(const std::vector<TableRequirement>& requirements,
                                   const std::vector<TableUpdate>& updates) override {
    ARROW_RETURN_NOT_OK(CheckRequirements(requirements, state_.metadata.get()));
    TableMetadataBuilder builder(*state_.metadata);
    ARROW_RETURN_NOT_OK(builder.ApplyAll(updates));
    ARROW_ASSIGN_OR_RAISE(TableMetadata updated, builder.Build());
    return Replace(updated);
  }
  /// Makes `updated` current as it is (for metadata no update of the model produces).
  arrow::Result<TableState> Replace(const TableMetadata& updated) {
    TableMetadata next = WithMetadataLogEntry(updated, *state_.metadata, state_.metadata_location);
    ARROW_ASSIGN_OR_RAISE(auto location, WriteMetadataFile(*io_, next, state_.metadata_location));
    state_ = TableState{std::make_shared<const TableMetadata>(std::move(next)), location};
    return state_;
  }

 private:
  TableIdentifier id_{{"db"}, "t"};
  std::shared_ptr<io::FileIO> io_;
  TableState state_;
};

}  // namespace floe::iceberg::testing
