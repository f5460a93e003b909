#include "floe/iceberg/update/replace_sort_order.h"

#include "floe/iceberg/type/sort_order_text.h"

namespace floe::iceberg {

ReplaceSortOrder& ReplaceSortOrder::Text(std::string text) {
  // Only whitespace is the unsorted order: nothing to append.
  if (text.find_first_not_of(" \t\r\n") != std::string::npos) items_.push_back(std::move(text));
  return *this;
}

ReplaceSortOrder& ReplaceSortOrder::Asc(std::string term, NullOrder nulls) {
  items_.push_back(term + " asc " +
                   (nulls == NullOrder::kNullsFirst ? "nulls first" : "nulls last"));
  return *this;
}

ReplaceSortOrder& ReplaceSortOrder::Desc(std::string term, NullOrder nulls) {
  items_.push_back(term + " desc " +
                   (nulls == NullOrder::kNullsFirst ? "nulls first" : "nulls last"));
  return *this;
}

arrow::Result<SortOrder> ReplaceSortOrder::Plan(const TableMetadata& base) const {
  auto schema = base.CurrentSchema();
  if (schema == nullptr) return arrow::Status::Invalid("cannot sort a table without a schema");
  std::string text;
  for (const auto& item : items_) text += (text.empty() ? "" : ", ") + item;
  auto order = ParseSortOrderText(text, *schema);
  if (!order.ok()) {
    return arrow::Status::Invalid("cannot replace the sort order: ", order.status().message());
  }
  return order;
}

arrow::Status ReplaceSortOrder::Apply(TableMetadataBuilder& builder) {
  const TableMetadata& base = builder.current();
  ARROW_ASSIGN_OR_RAISE(SortOrder order, Plan(base));
  // An order the table already has (the unsorted one included) is made the default by its id:
  // the update list then holds no add-sort-order for a "last added" (-1) to refer to.
  for (const auto& existing : base.sort_orders) {
    if (existing.fields == order.fields) return builder.SetDefaultSortOrder(existing.order_id);
  }
  ARROW_RETURN_NOT_OK(builder.AddSortOrder(order).status());
  return builder.SetDefaultSortOrder(kLastAdded);
}

}  // namespace floe::iceberg
