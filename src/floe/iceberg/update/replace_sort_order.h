#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/type/sort_order.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Replaces the table's default sort order (Java's BaseReplaceSortOrder): the order is added
/// (or an equal one reused) and made the default. Files already written keep the order id they
/// were written with; writers sort the rows of every new data file by it. No fields make the
/// table unsorted (order 0).
class ReplaceSortOrder final : public PendingUpdate {
 public:
  explicit ReplaceSortOrder(std::shared_ptr<Table> table) : PendingUpdate(std::move(table)) {}

  /// Appends the fields of sort order text (sort_order_text.h): "ts desc nulls last, id".
  ReplaceSortOrder& Text(std::string text);
  /// Appends one field: a term of partition text ("id", "bucket(4, x)").
  ReplaceSortOrder& Asc(std::string term, NullOrder nulls = NullOrder::kNullsFirst);
  ReplaceSortOrder& Desc(std::string term, NullOrder nulls = NullOrder::kNullsLast);

  /// The order over `base`'s current schema (id 1 when sorted; the builder renumbers it).
  arrow::Result<SortOrder> Plan(const TableMetadata& base) const;

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  // Kept as text and bound at every attempt, so a retry binds to the schema of that attempt.
  std::vector<std::string> items_;
};

}  // namespace floe::iceberg
