#include "floe/catalog/load_or_create_table.h"

#include "floe/iceberg/errors.h"

namespace floe::catalog {

arrow::Result<std::shared_ptr<iceberg::Table>> LoadOrCreateTable(
    Catalog& catalog, const iceberg::TableIdentifier& id, const iceberg::Schema& schema,
    const iceberg::PartitionSpec& spec) {
  ARROW_ASSIGN_OR_RAISE(bool exists, catalog.TableExists(id));
  if (!exists) {
    CreateTableRequest request;
    request.schema = schema;
    request.spec = spec;
    auto created = catalog.CreateTable(id, request);
    if (created.ok() || !iceberg::IsAlreadyExists(created.status())) return created;
  }
  ARROW_ASSIGN_OR_RAISE(auto table, catalog.LoadTable(id));
  auto current = table->metadata().CurrentSchema();
  for (const auto& field : schema.fields()) {
    const iceberg::NestedField* have = current->FindFieldByName(field.name);
    if (have == nullptr || !have->type->Equals(*field.type)) {
      return arrow::Status::Invalid("table ", id.ToString(), " exists but its column '",
                                    field.name, "' is ",
                                    have ? have->type->ToString() : std::string("missing"),
                                    ", not ", field.type->ToString());
    }
  }
  return table;
}

}  // namespace floe::catalog
