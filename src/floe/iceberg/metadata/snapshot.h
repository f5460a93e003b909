#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace floe::iceberg {

/// Snapshot operations (spec: snapshot summary "operation").
namespace operation {
inline constexpr const char* kAppend = "append";
inline constexpr const char* kReplace = "replace";
inline constexpr const char* kOverwrite = "overwrite";
inline constexpr const char* kDelete = "delete";
}  // namespace operation

/// Snapshot summary keys whose value is the location of a file that belongs to the table though
/// no manifest lists it: the batch record floe's ingest writes per commit. Purging the table
/// deletes these files too.
inline constexpr std::array<std::string_view, 1> kSummaryFileKeys = {"floe.ingest.batch-file"};

/// A table state (spec: "Snapshots"). The operation lives in summary["operation"].
struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  std::map<std::string, std::string> summary;
  std::optional<int32_t> schema_id;
  /// v3 row lineage (spec: "Row Lineage"): the first row id of the rows this snapshot added,
  /// and how many ids it assigned (an upper bound of the rows added).
  std::optional<int64_t> first_row_id;
  std::optional<int64_t> added_rows;
  /// v3 encryption: the id of the key that encrypts the manifest list, carried through.
  std::optional<std::string> key_id;

  std::string operation() const {
    auto it = summary.find("operation");
    return it == summary.end() ? std::string() : it->second;
  }
};

enum class SnapshotRefType { kBranch, kTag };

/// A named reference to a snapshot (spec: "Snapshot References"); `main` is the current branch.
struct SnapshotRef {
  int64_t snapshot_id = 0;
  SnapshotRefType type = SnapshotRefType::kBranch;
  std::optional<int32_t> min_snapshots_to_keep;
  std::optional<int64_t> max_snapshot_age_ms;
  std::optional<int64_t> max_ref_age_ms;
};

inline constexpr const char* kMainBranch = "main";

}  // namespace floe::iceberg
