#include "floe/iceberg/update/update_rows.h"

#include <arrow/compute/api.h>

#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/update/row_level_change_internal.h"

namespace floe::iceberg {
namespace {

namespace cp = arrow::compute;
using row_level_internal::BatchChange;

class UpdateStatement final : public row_level_internal::RowLevelStatement {
 public:
  explicit UpdateStatement(const UpdateOptions& options) : options_(options) {}

  RowLevelOperation operation() const override { return RowLevelOperation::kUpdate; }
  ExprPtr scan_filter() const override { return options_.filter; }

  arrow::Status Begin(const Schema& schema) override {
    schema_ = &schema;
    ARROW_RETURN_NOT_OK(ValidateAssignments(options_.assignments, schema));
    bound_ = nullptr;
    if (options_.filter) {
      ARROW_ASSIGN_OR_RAISE(bound_, Bind(options_.filter, schema));
      bound_ = RewriteNot(bound_);
    }
    return arrow::Status::OK();
  }

  arrow::Result<BatchChange> Visit(const FileScanTask&,
                                   const std::shared_ptr<arrow::RecordBatch>& rows) override {
    BatchChange change;
    std::shared_ptr<arrow::RecordBatch> matched = rows;
    if (bound_) {
      ARROW_ASSIGN_OR_RAISE(change.removed, FilterMask(bound_, *schema_, *rows));
      ARROW_ASSIGN_OR_RAISE(auto filtered, cp::Filter(rows, change.removed));
      matched = filtered.record_batch();
    } else {
      auto mask = arrow::MakeArrayFromScalar(arrow::BooleanScalar(true), rows->num_rows());
      ARROW_RETURN_NOT_OK(mask.status());
      change.removed = std::static_pointer_cast<arrow::BooleanArray>(*mask);
    }
    if (matched->num_rows() == 0) {
      change.removed = nullptr;
      return change;
    }
    ARROW_ASSIGN_OR_RAISE(change.added, ApplyAssignments(options_.assignments, matched, *schema_));
    return change;
  }

  arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> Finish() override {
    return std::vector<std::shared_ptr<arrow::RecordBatch>>{};
  }

 private:
  const UpdateOptions& options_;
  const Schema* schema_ = nullptr;
  ExprPtr bound_;
};

}  // namespace

arrow::Result<RowLevelResult> UpdateRows(const std::shared_ptr<Table>& table,
                                         const UpdateOptions& options) {
  if (options.assignments.empty()) {
    return arrow::Status::Invalid(table->identifier().ToString(),
                                  ": an update needs at least one SET assignment");
  }
  UpdateStatement statement(options);
  row_level_internal::RowLevelOverrides overrides{options.mode, options.isolation,
                                                  options.max_executions};
  ARROW_ASSIGN_OR_RAISE(auto outcome, row_level_internal::Execute(table, statement, overrides));
  RowLevelResult result;
  result.snapshot = outcome.snapshot;
  result.mode = outcome.mode;
  result.isolation = outcome.isolation;
  result.rows_updated = outcome.rows_removed;
  result.data_files_added = outcome.data_files_added;
  result.data_files_removed = outcome.data_files_removed;
  result.delete_files_added = outcome.delete_files_added;
  result.executions = outcome.executions;
  return result;
}

}  // namespace floe::iceberg
