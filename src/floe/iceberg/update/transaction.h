#pragma once

#include <arrow/status.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Several changes to one table committed atomically, as one update list (Java's
/// BaseTransaction): e.g. add a column, append data that has it, set a property. Each change
/// is planned on top of the ones before it; on a conflict all of them are planned again
/// against the fresh table. Nothing is visible to readers until Commit succeeds, and a failure
/// in any change commits none of them.
///
///   Transaction txn(table);
///   txn.Add<UpdateSchema>().AddColumn("note", Type::String());
///   txn.Add<FastAppend>().AppendFiles(files);
///   ARROW_RETURN_NOT_OK(txn.Commit());
class Transaction {
 public:
  /// Changes to an existing table.
  explicit Transaction(std::shared_ptr<Table> table) : table_(std::move(table)) {}

  /// A table being created: `staged` holds the catalog's operations and the new metadata
  /// (without a metadata file yet); `create` is its update list. The table is created by
  /// Commit, together with the changes added, or not at all (assert-create).
  static std::unique_ptr<Transaction> ForCreate(std::shared_ptr<TableOperations> ops,
                                                const TableMetadataBuilder& create);

  /// The table the changes apply to (for a create: the staged table).
  const std::shared_ptr<Table>& table() const { return table_; }

  /// Adds a change built from the table and `args`; changes apply in the order added.
  template <class Change, class... Args>
  Change& Add(Args&&... args) {
    auto change = std::make_unique<Change>(table_, std::forward<Args>(args)...);
    Change& ref = *change;
    changes_.push_back(std::move(change));
    return ref;
  }
  void Add(std::unique_ptr<PendingUpdate> change) { changes_.push_back(std::move(change)); }

  /// Commits every change as one update list, with retries; once.
  arrow::Status Commit();

 private:
  std::shared_ptr<Table> table_;
  std::vector<std::unique_ptr<PendingUpdate>> changes_;
  std::optional<TableMetadataBuilder> create_;
  bool committed_ = false;
};

}  // namespace floe::iceberg
