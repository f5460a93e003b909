#include "floe/iceberg/update/pending_update.h"

#include "floe/iceberg/update/commit_retry.h"

namespace floe::iceberg {

arrow::Status PendingUpdate::Commit() {
  auto cleanup = [this] {
    for (const auto& file : attempt_files_) (void)table_->io()->Delete(file);
    attempt_files_.clear();
  };
  arrow::Status status =
      CommitWithRetry(*table_, [&](const TableState& base) -> arrow::Result<TableMetadata> {
        cleanup();  // files of a lost attempt
        TableMetadataBuilder builder(*base.metadata);
        ARROW_RETURN_NOT_OK(Apply(builder));
        if (builder.empty()) return *base.metadata;
        return builder.Build();
      });
  if (!status.ok()) cleanup();
  attempt_files_.clear();
  return status;
}

}  // namespace floe::iceberg
