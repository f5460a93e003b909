#include "floe/iceberg/update/transaction.h"

namespace floe::iceberg {

std::unique_ptr<Transaction> Transaction::ForCreate(std::shared_ptr<TableOperations> ops,
                                                    const TableMetadataBuilder& create) {
  // The staged table is what the changes plan against: the new table's metadata, no file yet.
  auto built = create.Build();
  auto metadata = std::make_shared<const TableMetadata>(built.ok() ? *built : create.current());
  auto staged = std::make_shared<Table>(std::move(ops), TableState{std::move(metadata), ""});
  auto txn = std::make_unique<Transaction>(std::move(staged));
  txn->create_ = create;
  return txn;
}

arrow::Status Transaction::Commit() {
  if (committed_) {
    return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                  ": transaction already committed");
  }
  std::vector<PendingUpdate*> changes;
  for (auto& change : changes_) changes.push_back(change.get());
  ARROW_RETURN_NOT_OK(CommitChanges(*table_, changes, create_ ? &*create_ : nullptr));
  committed_ = true;
  return arrow::Status::OK();
}

}  // namespace floe::iceberg
