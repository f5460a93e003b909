#include "floe/catalog/metadata_commit.h"

#include <variant>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"

namespace floe::catalog {

arrow::Result<iceberg::TableState> ReadTableState(io::FileIO& io,
                                                  const std::string& metadata_location) {
  ARROW_ASSIGN_OR_RAISE(std::string text, io.ReadAll(metadata_location));
  ARROW_ASSIGN_OR_RAISE(auto metadata, iceberg::ParseTableMetadata(text, metadata_location));
  return iceberg::TableState{std::move(metadata), metadata_location};
}

bool IsCreateCommit(const std::vector<iceberg::TableRequirement>& requirements) {
  for (const auto& r : requirements) {
    if (std::holds_alternative<iceberg::AssertCreate>(r)) return true;
  }
  return false;
}

arrow::Result<iceberg::TableMetadata> NewTableMetadata(
    const iceberg::TableIdentifier& id, const std::vector<iceberg::TableUpdate>& updates) {
  auto builder = iceberg::TableMetadataBuilder::ForCreate();
  arrow::Status applied = builder.ApplyAll(updates);
  if (!applied.ok()) {
    return applied.WithMessage("cannot create table ", id.ToString(), ": ", applied.message());
  }
  return builder.Build();
}

arrow::Result<iceberg::TableMetadataBuilder> NewTableBuilder(const iceberg::TableIdentifier& id,
                                                             const CreateTableRequest& request,
                                                             const std::string& default_location) {
  const std::string& location = request.location.empty() ? default_location : request.location;
  auto builder = iceberg::NewTable(request.schema, request.spec, request.sort_order, location,
                                   request.properties);
  if (!builder.ok()) {
    return builder.status().WithMessage("cannot create table ", id.ToString(), ": ",
                                        builder.status().message());
  }
  return builder;
}

arrow::Result<std::optional<iceberg::TableState>> WriteNextMetadata(
    io::FileIO& io, const iceberg::TableIdentifier& id, const iceberg::TableState& base,
    const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates) {
  arrow::Status met = iceberg::CheckRequirements(requirements, base.metadata.get());
  if (!met.ok()) return met.WithMessage("table ", id.ToString(), ": ", met.message());
  if (updates.empty()) return std::nullopt;
  iceberg::TableMetadataBuilder builder(*base.metadata);
  arrow::Status applied = builder.ApplyAll(updates);
  if (!applied.ok()) {
    // Valid against the table it was planned on (the builder checked it then), so the table
    // moved on in a way the requirements do not capture: re-plan.
    return iceberg::CommitConflict("table " + id.ToString() +
                                   " changed during commit: " + applied.message());
  }
  ARROW_ASSIGN_OR_RAISE(iceberg::TableMetadata built, builder.Build());
  iceberg::TableMetadata next =
      iceberg::WithMetadataLogEntry(built, *base.metadata, base.metadata_location);
  ARROW_ASSIGN_OR_RAISE(std::string location,
                        iceberg::WriteMetadataFile(io, next, base.metadata_location));
  return iceberg::TableState{std::make_shared<const iceberg::TableMetadata>(std::move(next)),
                             location};
}

}  // namespace floe::catalog
