#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// How long a branch or tag lives and what a branch keeps (spec: "Snapshot References"); unset
/// fields fall back to the table properties when snapshots expire.
struct RefRetention {
  std::optional<int32_t> min_snapshots_to_keep;  ///< branches only
  std::optional<int64_t> max_snapshot_age_ms;    ///< branches only
  std::optional<int64_t> max_ref_age_ms;
};

/// Branches, tags and which snapshot is current (Java's ManageSnapshots, PyIceberg's
/// `manage_snapshots()`). The operations apply in the order given, in one commit; each is
/// checked against the table as it is at commit time.
class ManageSnapshots final : public PendingUpdate {
 public:
  explicit ManageSnapshots(std::shared_ptr<Table> table) : PendingUpdate(std::move(table)) {}

  /// A new branch or tag at a snapshot (default: the current one). Fails if the name exists.
  ManageSnapshots& CreateBranch(const std::string& name, std::optional<int64_t> snapshot_id = {},
                                RefRetention retention = {});
  ManageSnapshots& CreateTag(const std::string& name, std::optional<int64_t> snapshot_id = {},
                             std::optional<int64_t> max_ref_age_ms = {});
  /// Points an existing branch or tag at another snapshot; retention given replaces the old.
  ManageSnapshots& ReplaceBranch(const std::string& name, int64_t snapshot_id,
                                 std::optional<RefRetention> retention = {});
  ManageSnapshots& ReplaceTag(const std::string& name, int64_t snapshot_id,
                              std::optional<int64_t> max_ref_age_ms = {});
  /// Drops a branch (not `main`) or a tag; the snapshots stay until they expire.
  ManageSnapshots& RemoveBranch(const std::string& name);
  ManageSnapshots& RemoveTag(const std::string& name);
  /// Makes an ancestor of the current snapshot current again (undoes later commits on main).
  ManageSnapshots& RollbackTo(int64_t snapshot_id);
  /// Makes any snapshot of the table current.
  ManageSnapshots& SetCurrentSnapshot(int64_t snapshot_id);
  /// Moves `branch` forward to the head of `to` (a branch or tag); the branch's head must be an
  /// ancestor of it.
  ManageSnapshots& FastForward(const std::string& branch, const std::string& to);

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  using Step = std::function<arrow::Status(TableMetadataBuilder&)>;
  std::vector<Step> steps_;
};

/// Whether `ancestor` is `snapshot_id` or one of its parents in `metadata`.
bool IsAncestorOf(const TableMetadata& metadata, int64_t snapshot_id, int64_t ancestor);

}  // namespace floe::iceberg
