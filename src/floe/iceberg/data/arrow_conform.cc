#include "floe/iceberg/data/arrow_conform.h"

#include <arrow/array.h>
#include <arrow/compute/api.h>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/default_array.h"
#include "floe/iceberg/data/name_match_internal.h"

namespace floe::iceberg {
namespace {

int FindColumn(const arrow::Schema& schema, const std::string& name) {
  return internal::MatchName(
      schema.num_fields(),
      [&](size_t i) -> const std::string& { return schema.field(static_cast<int>(i))->name(); },
      name);
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ConformToSchema(
    const std::shared_ptr<arrow::Table>& data, const Schema& schema, const std::string& source) {
  ARROW_ASSIGN_OR_RAISE(auto target, ToArrowSchema(schema));
  std::vector<bool> used(data->num_columns(), false);
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (int i = 0; i < target->num_fields(); ++i) {
    const auto& field = target->field(i);
    int index = FindColumn(*data->schema(), field->name());
    if (index < 0) {
      // A column the data does not supply gets its write-default (spec: "Default values").
      const auto& write_default = schema.fields()[i].write_default;
      if (!field->nullable() && !write_default) {
        return arrow::Status::Invalid(source, ": required column '", field->name(),
                                      "' is missing");
      }
      ARROW_ASSIGN_OR_RAISE(auto filled,
                            MakeDefaultArray(write_default, field->type(), data->num_rows()));
      columns.push_back(
          std::make_shared<arrow::ChunkedArray>(arrow::ArrayVector{filled}, field->type()));
      continue;
    }
    used[index] = true;
    auto column = data->column(index);
    if (!column->type()->Equals(*field->type())) {
      arrow::compute::CastOptions options = arrow::compute::CastOptions::Safe(field->type());
      auto cast = arrow::compute::Cast(column, options);
      if (!cast.ok()) {
        return arrow::Status::Invalid(source, ": column '", field->name(), "' of type ",
                                      column->type()->ToString(), " cannot be read as ",
                                      field->type()->ToString(), ": ", cast.status().message());
      }
      column = cast->chunked_array();
    }
    if (!field->nullable() && column->null_count() > 0) {
      return arrow::Status::Invalid(source, ": required column '", field->name(), "' has ",
                                    column->null_count(), " null value(s)");
    }
    columns.push_back(std::move(column));
  }
  for (int i = 0; i < data->num_columns(); ++i) {
    if (!used[i]) {
      return arrow::Status::Invalid(source, ": column '", data->schema()->field(i)->name(),
                                    "' is not in the table schema");
    }
  }
  return arrow::Table::Make(target, std::move(columns), data->num_rows());
}

}  // namespace floe::iceberg
