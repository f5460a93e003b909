#include "floe/iceberg/update/merge_rows.h"

#include <arrow/array/array_nested.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include <unordered_map>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/update/row_key_internal.h"
#include "floe/iceberg/update/row_level_change_internal.h"
#include "floe/iceberg/update/row_values_internal.h"

namespace floe::iceberg {
namespace {

namespace cp = arrow::compute;
using row_level_internal::BatchChange;

// The source, one row per key: the rows that can match, and those that cannot (NULL keys).
struct PreparedSource {
  std::shared_ptr<arrow::RecordBatch> rows;
  std::unordered_map<std::string, int64_t> by_key;  // row index in `rows`
  std::vector<int64_t> null_key_rows;
};

arrow::Status CheckKeys(const Schema& schema, const MergeOptions& options,
                        const std::string& table) {
  if (options.on.empty()) {
    return arrow::Status::Invalid(table, ": a merge needs key columns (--on)");
  }
  for (const auto& key : options.on) {
    const NestedField* field = schema.FindFieldByName(key);
    bool top_level = false;
    for (const auto& f : schema.fields()) top_level |= f.name == key;
    if (!field || !top_level || !field->type->is_primitive()) {
      return arrow::Status::Invalid(table, ": merge key '", key,
                                    "' is not a top-level primitive column of the table");
    }
  }
  if (!options.dedupe_latest_by.empty() && !schema.FindFieldByName(options.dedupe_latest_by)) {
    return arrow::Status::Invalid(table, ": --dedupe latest-by column '", options.dedupe_latest_by,
                                  "' is not in the table");
  }
  return arrow::Status::OK();
}

arrow::Result<PreparedSource> Prepare(const arrow::Table& source, const Schema& schema,
                                      const MergeOptions& options, const std::string& table) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(schema));
  if (!source.schema()->Equals(*arrow_schema, /*check_metadata=*/false)) {
    return arrow::Status::Invalid(table, ": the merge source is not in the table schema's form (",
                                  source.schema()->ToString(), "); conform it first");
  }
  ARROW_ASSIGN_OR_RAISE(auto batch, source.CombineChunksToBatch());
  batch = arrow::RecordBatch::Make(arrow_schema, batch->num_rows(), batch->columns());
  std::vector<bool> has_null;
  ARROW_ASSIGN_OR_RAISE(auto keys,
                        row_level_internal::EncodeRowKeys(*batch, options.on, &has_null));
  // The order rows are taken in: as given, or by the dedupe column (stable, NULL first), so
  // that the last row seen for a key is the one that wins.
  std::vector<int64_t> order(static_cast<size_t>(batch->num_rows()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  if (!options.dedupe_latest_by.empty()) {
    cp::SortOptions sort({cp::SortKey(options.dedupe_latest_by, cp::SortOrder::Ascending,
                                      cp::NullPlacement::AtStart)});
    ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(arrow::Datum(batch), sort));
    auto& idx = static_cast<const arrow::UInt64Array&>(*indices);
    for (int64_t i = 0; i < idx.length(); ++i) order[static_cast<size_t>(i)] = idx.Value(i);
  }
  std::unordered_map<std::string, int64_t> winner;  // key -> source row
  std::vector<int64_t> null_rows;
  for (int64_t row : order) {
    if (has_null[static_cast<size_t>(row)]) {
      null_rows.push_back(row);
      continue;
    }
    auto [it, inserted] = winner.try_emplace(keys[static_cast<size_t>(row)], row);
    if (inserted) continue;
    if (options.dedupe_latest_by.empty()) {
      int64_t first = std::min(it->second, row), second = std::max(it->second, row);
      return arrow::Status::Invalid(table, ": the merge source has more than one row with key ",
                                    row_level_internal::DescribeRowKey(*batch, options.on, first),
                                    " (rows ", first + 1, " and ", second + 1,
                                    "); remove the duplicates or pick one per key with "
                                    "--dedupe latest-by COLUMN");
    }
    it->second = row;
  }
  // Keep the winners in source order.
  std::vector<int64_t> kept;
  for (const auto& [key, row] : winner) kept.push_back(row);
  for (int64_t row : null_rows) kept.push_back(row);
  std::sort(kept.begin(), kept.end());
  arrow::Int64Builder take_builder;
  ARROW_RETURN_NOT_OK(take_builder.AppendValues(kept));
  ARROW_ASSIGN_OR_RAISE(auto take, take_builder.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(batch), take));
  PreparedSource prepared;
  prepared.rows = taken.record_batch();
  std::vector<bool> kept_null;
  ARROW_ASSIGN_OR_RAISE(auto kept_keys,
                        row_level_internal::EncodeRowKeys(*prepared.rows, options.on, &kept_null));
  for (int64_t i = 0; i < prepared.rows->num_rows(); ++i) {
    if (kept_null[static_cast<size_t>(i)]) {
      prepared.null_key_rows.push_back(i);
    } else {
      prepared.by_key.emplace(std::move(kept_keys[static_cast<size_t>(i)]), i);
    }
  }
  return prepared;
}

constexpr const char* kSourceColumn = "source";

NestedField Reid(const NestedField& field, int32_t& next_id) {
  NestedField out = field;
  out.id = next_id++;
  const Type& t = *field.type;
  if (t.id() == TypeId::kStruct) {
    std::vector<NestedField> children;
    for (const auto& child : t.fields()) children.push_back(Reid(child, next_id));
    out.type = Type::Struct(std::move(children));
  } else if (t.id() == TypeId::kList) {
    out.type = Type::List(Reid(t.fields()[0], next_id));
  } else if (t.id() == TypeId::kMap) {
    NestedField key = Reid(t.fields()[0], next_id);
    out.type = Type::Map(std::move(key), Reid(t.fields()[1], next_id));
  }
  return out;
}

// The table schema plus a struct column `source` holding the source row: what the matched
// SET expressions are checked and evaluated against.
arrow::Result<Schema> SchemaWithSource(const Schema& schema, const std::string& table) {
  if (schema.FindFieldByName(kSourceColumn)) {
    return arrow::Status::Invalid(table, ": the table has a column named '", kSourceColumn,
                                  "', which a merge's SET uses for the source row; rename it or "
                                  "merge without --set");
  }
  int32_t next_id = schema.HighestFieldId() + 1;
  std::vector<NestedField> source_fields;
  for (const auto& f : schema.fields()) source_fields.push_back(Reid(f, next_id));
  std::vector<NestedField> fields = schema.fields();
  fields.push_back({next_id, kSourceColumn, Type::Struct(std::move(source_fields)), false, ""});
  return Schema(schema.schema_id(), std::move(fields));
}

class MergeStatement final : public row_level_internal::RowLevelStatement {
 public:
  MergeStatement(const MergeOptions& options, const PreparedSource& source, ExprPtr filter,
                 std::optional<Schema> set_schema)
      : options_(options),
        source_(source),
        filter_(std::move(filter)),
        set_schema_(std::move(set_schema)) {}

  RowLevelOperation operation() const override { return RowLevelOperation::kMerge; }
  ExprPtr scan_filter() const override { return filter_; }

  arrow::Status Begin(const Schema&) override {
    matched_.assign(static_cast<size_t>(source_.rows->num_rows()), false);
    rows_updated = rows_deleted = rows_inserted = 0;
    return arrow::Status::OK();
  }

  arrow::Result<BatchChange> Visit(const FileScanTask&,
                                   const std::shared_ptr<arrow::RecordBatch>& rows) override {
    std::vector<bool> has_null;
    ARROW_ASSIGN_OR_RAISE(auto keys,
                          row_level_internal::EncodeRowKeys(*rows, options_.on, &has_null));
    arrow::BooleanBuilder removed;
    arrow::Int64Builder updates;  // source rows replacing removed target rows
    arrow::Int64Builder updated;  // the target rows they replace
    ARROW_RETURN_NOT_OK(removed.Reserve(rows->num_rows()));
    bool any = false;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      const auto it = has_null[static_cast<size_t>(i)]
                          ? source_.by_key.end()
                          : source_.by_key.find(keys[static_cast<size_t>(i)]);
      bool remove = false;
      if (it != source_.by_key.end()) {
        matched_[static_cast<size_t>(it->second)] = true;
        if (options_.when_matched == MergeMatchedAction::kUpdate) {
          remove = true;
          ++rows_updated;
          ARROW_RETURN_NOT_OK(updates.Append(it->second));
          ARROW_RETURN_NOT_OK(updated.Append(i));
        } else if (options_.when_matched == MergeMatchedAction::kDelete) {
          remove = true;
          ++rows_deleted;
        }
      } else if (options_.delete_not_matched_by_source) {
        remove = true;
        ++rows_deleted;
      }
      any |= remove;
      removed.UnsafeAppend(remove);
    }
    BatchChange change;
    if (!any) return change;
    ARROW_RETURN_NOT_OK(removed.Finish(&change.removed));
    if (updates.length() > 0) {
      ARROW_ASSIGN_OR_RAISE(auto take, updates.Finish());
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(source_.rows), take));
      change.added = taken.record_batch();
      if (set_schema_) {
        ARROW_ASSIGN_OR_RAISE(auto target_take, updated.Finish());
        ARROW_ASSIGN_OR_RAISE(auto target, cp::Take(arrow::Datum(rows), target_take));
        ARROW_ASSIGN_OR_RAISE(change.added, ApplySet(target.record_batch(), change.added));
      }
    }
    return change;
  }

  // The target rows with the SET columns computed from them and their source rows.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> ApplySet(
      const std::shared_ptr<arrow::RecordBatch>& target,
      const std::shared_ptr<arrow::RecordBatch>& source) {
    ARROW_ASSIGN_OR_RAISE(auto source_struct,
                          arrow::StructArray::Make(source->columns(), source->schema()->fields()));
    ARROW_ASSIGN_OR_RAISE(auto combined,
                          target->AddColumn(target->num_columns(), kSourceColumn, source_struct));
    ARROW_ASSIGN_OR_RAISE(auto applied,
                          ApplyAssignments(options_.matched_set, combined, *set_schema_));
    ARROW_ASSIGN_OR_RAISE(auto without, applied->RemoveColumn(applied->num_columns() - 1));
    return arrow::RecordBatch::Make(target->schema(), without->num_rows(), without->columns());
  }

  arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> Finish() override {
    std::vector<std::shared_ptr<arrow::RecordBatch>> out;
    if (options_.when_not_matched != MergeNotMatchedAction::kInsert) return out;
    arrow::Int64Builder inserts;
    for (size_t i = 0; i < matched_.size(); ++i) {
      if (!matched_[i]) ARROW_RETURN_NOT_OK(inserts.Append(static_cast<int64_t>(i)));
    }
    rows_inserted = inserts.length();
    if (rows_inserted == 0) return out;
    ARROW_ASSIGN_OR_RAISE(auto take, inserts.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(source_.rows), take));
    out.push_back(taken.record_batch());
    return out;
  }

  int64_t rows_updated = 0, rows_deleted = 0, rows_inserted = 0;

 private:
  const MergeOptions& options_;
  const PreparedSource& source_;
  ExprPtr filter_;
  std::optional<Schema> set_schema_;
  std::vector<bool> matched_;
};

// A filter every target row with one of the source keys matches: per key column, IN of its
// values when few, else their range. Columns whose values cannot be literals do not prune.
arrow::Result<ExprPtr> KeyFilter(const PreparedSource& source, const Schema& schema,
                                 const MergeOptions& options) {
  if (source.by_key.empty()) return Expression::False();
  std::vector<int64_t> rows;
  for (const auto& [key, row] : source.by_key) rows.push_back(row);
  ExprPtr filter = Expression::True();
  for (const auto& key : options.on) {
    const NestedField* field = schema.FindFieldByName(key);
    auto array = source.rows->GetColumnByName(key);
    ARROW_ASSIGN_OR_RAISE(auto literals,
                          row_level_internal::DistinctLiterals(*array, field->type, rows));
    if (!literals) continue;
    if (literals->size() <= options.in_filter_limit) {
      filter = Expression::And(filter, In(key, *literals));
    } else {
      filter = Expression::And(
          filter, Expression::And(GtEq(key, literals->front()), LtEq(key, literals->back())));
    }
  }
  return filter;
}

}  // namespace

arrow::Result<RowLevelResult> MergeRows(const std::shared_ptr<Table>& table,
                                        const arrow::Table& source, const MergeOptions& options) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());  // Arrow registers kernels on request
  const std::string name = table->identifier().ToString();
  auto schema = table->metadata().CurrentSchema();
  ARROW_RETURN_NOT_OK(CheckKeys(*schema, options, name));
  ARROW_ASSIGN_OR_RAISE(auto prepared, Prepare(source, *schema, options, name));
  ExprPtr filter;
  if (!options.delete_not_matched_by_source) {
    ARROW_ASSIGN_OR_RAISE(filter, KeyFilter(prepared, *schema, options));
  }
  std::optional<Schema> set_schema;
  if (!options.matched_set.empty()) {
    if (options.when_matched != MergeMatchedAction::kUpdate) {
      return arrow::Status::Invalid(name, ": SET assignments apply only to WHEN MATCHED UPDATE");
    }
    ARROW_ASSIGN_OR_RAISE(set_schema, SchemaWithSource(*schema, name));
    for (const auto& a : options.matched_set) {
      if (a.column.rfind(std::string(kSourceColumn) + ".", 0) == 0) {
        return arrow::Status::Invalid(name, ": SET ", a.column,
                                      ": only target columns can be assigned");
      }
    }
    ARROW_RETURN_NOT_OK(ValidateAssignments(options.matched_set, *set_schema));
  }
  MergeStatement statement(options, prepared, filter, std::move(set_schema));
  row_level_internal::RowLevelOverrides overrides{options.mode, options.isolation,
                                                  options.max_executions};
  ARROW_ASSIGN_OR_RAISE(auto outcome, row_level_internal::Execute(table, statement, overrides));
  RowLevelResult result;
  result.snapshot = outcome.snapshot;
  result.mode = outcome.mode;
  result.isolation = outcome.isolation;
  result.rows_updated = statement.rows_updated;
  result.rows_deleted = statement.rows_deleted;
  result.rows_inserted = statement.rows_inserted;
  result.data_files_added = outcome.data_files_added;
  result.data_files_removed = outcome.data_files_removed;
  result.delete_files_added = outcome.delete_files_added;
  result.executions = outcome.executions;
  return result;
}

}  // namespace floe::iceberg
