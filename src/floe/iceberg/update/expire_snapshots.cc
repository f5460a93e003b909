#include "floe/iceberg/update/expire_snapshots.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_set>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/util/properties.h"

namespace floe::iceberg {
namespace {

constexpr int64_t kDefaultMaxSnapshotAgeMs = 5LL * 24 * 60 * 60 * 1000;  // Java: 5 days
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// A branch's ancestry from its head, newest first (stops where history was expired).
std::vector<const Snapshot*> Ancestors(const TableMetadata& md, int64_t head) {
  std::vector<const Snapshot*> out;
  for (const Snapshot* s = md.SnapshotById(head); s != nullptr;
       s = s->parent_snapshot_id ? md.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> Difference(const std::vector<std::string>& before,
                                    const std::unordered_set<std::string>& after) {
  std::vector<std::string> out;
  for (const auto& location : before) {
    if (!after.count(location)) out.push_back(location);
  }
  return out;
}

}  // namespace

arrow::Result<ExpirySelection> SelectExpiredSnapshots(const TableMetadata& md,
                                                      const ExpireOptions& options,
                                                      int64_t now_ms) {
  const auto& props = md.properties;
  ARROW_ASSIGN_OR_RAISE(int64_t max_age, util::IntProperty(props, property::kMaxSnapshotAgeMs,
                                                           kDefaultMaxSnapshotAgeMs, 0));
  ARROW_ASSIGN_OR_RAISE(int64_t min_keep,
                        util::IntProperty(props, property::kMinSnapshotsToKeep, 1, 1,
                                          std::numeric_limits<int32_t>::max()));
  ARROW_ASSIGN_OR_RAISE(int64_t max_ref_age,
                        util::IntProperty(props, property::kMaxRefAgeMs, kForever, 0));
  if (options.retain_last && *options.retain_last < 1) {
    return arrow::Status::Invalid("retain-last must be at least 1 (is ", *options.retain_last,
                                  "): the current snapshot always stays");
  }
  const int64_t default_older_than = options.older_than_ms.value_or(now_ms - max_age);
  const int64_t default_min_keep = options.retain_last.value_or(min_keep);

  // Refs that stay: `main` always, others while their snapshot is young enough.
  std::map<std::string, const SnapshotRef*> retained;
  ExpirySelection out;
  for (const auto& [name, ref] : md.refs) {
    const Snapshot* snapshot = md.SnapshotById(ref.snapshot_id);
    const int64_t ref_age_limit = ref.max_ref_age_ms.value_or(max_ref_age);
    if (name == kMainBranch ||
        (snapshot != nullptr && now_ms - snapshot->timestamp_ms <= ref_age_limit)) {
      retained[name] = &ref;
    } else {
      out.refs.push_back(name);
    }
  }

  std::unordered_set<int64_t> keep;
  for (int64_t id : options.snapshot_ids) {
    if (md.SnapshotById(id) == nullptr) {
      return arrow::Status::KeyError("cannot expire snapshot ", id,
                                     ": the table has no such snapshot");
    }
    for (const auto& [name, ref] : retained) {
      if (ref->snapshot_id == id) {
        return arrow::Status::Invalid("cannot expire snapshot ", id, ": ref ", name,
                                      " still points at it; drop or move the ref first");
      }
    }
  }
  std::unordered_set<int64_t> reached;  // by some retained ref
  for (const auto& [name, ref] : retained) {
    keep.insert(ref->snapshot_id);
    if (ref->type == SnapshotRefType::kTag) {
      reached.insert(ref->snapshot_id);
      continue;
    }
    const int64_t older_than =
        ref->max_snapshot_age_ms ? now_ms - *ref->max_snapshot_age_ms : default_older_than;
    const int64_t min_snapshots = ref->min_snapshots_to_keep.value_or(default_min_keep);
    int64_t kept = 0;
    bool keeping = true;
    for (const Snapshot* s : Ancestors(md, ref->snapshot_id)) {
      reached.insert(s->snapshot_id);
      if (keeping && (kept < min_snapshots || s->timestamp_ms >= older_than)) {
        keep.insert(s->snapshot_id);
        ++kept;
      } else {
        keeping = false;
      }
    }
  }
  for (const auto& s : md.snapshots) {
    if (!reached.count(s.snapshot_id) && s.timestamp_ms >= default_older_than) {
      keep.insert(s.snapshot_id);
    }
  }
  const std::set<int64_t> explicit_ids(options.snapshot_ids.begin(), options.snapshot_ids.end());
  for (const auto& s : md.snapshots) {
    if (!keep.count(s.snapshot_id) || explicit_ids.count(s.snapshot_id)) {
      out.snapshot_ids.push_back(s.snapshot_id);
    }
  }
  std::sort(out.snapshot_ids.begin(), out.snapshot_ids.end());
  return out;
}

size_t ExpiredFiles::size() const {
  return data_files.size() + delete_files.size() + manifests.size() + manifest_lists.size() +
         statistics_files.size() + summary_files.size();
}

arrow::Result<ExpiredFiles> FilesNoLongerReachable(io::FileIO& io, const TableState& before,
                                                   const TableState& after) {
  ARROW_ASSIGN_OR_RAISE(ReachableFiles was, ListReachableFiles(io, before));
  ARROW_ASSIGN_OR_RAISE(ReachableFiles is, ListReachableFiles(io, after));
  std::vector<std::string> still = is.All();
  const std::unordered_set<std::string> reachable(still.begin(), still.end());
  const std::unordered_set<std::string> deletes(was.delete_files.begin(), was.delete_files.end());
  ExpiredFiles out;
  for (auto& location : Difference(was.content_files, reachable)) {
    (deletes.count(location) ? out.delete_files : out.data_files).push_back(std::move(location));
  }
  out.manifests = Difference(was.manifests, reachable);
  out.manifest_lists = Difference(was.manifest_lists, reachable);
  out.statistics_files = Difference(was.statistics_files, reachable);
  out.summary_files = Difference(was.summary_files, reachable);
  return out;
}

arrow::Status ExpireSnapshots::CheckGcEnabled() const {
  ARROW_ASSIGN_OR_RAISE(
      bool gc, util::BoolProperty(table_->metadata().properties, property::kGcEnabled, true));
  if (!gc && clean_files_) {
    return arrow::Status::Invalid("cannot expire snapshots of table ",
                                  table_->identifier().ToString(), ": ", property::kGcEnabled,
                                  "=false (its files may belong to other tables)");
  }
  return arrow::Status::OK();
}

arrow::Status ExpireSnapshots::Apply(TableMetadataBuilder& builder) {
  applied_base_ = table_->state();
  ARROW_ASSIGN_OR_RAISE(selected_, SelectExpiredSnapshots(builder.current(), options_, NowMs()));
  if (validate_) ARROW_RETURN_NOT_OK(validate_(builder.current(), selected_));
  for (const auto& ref : selected_.refs) ARROW_RETURN_NOT_OK(builder.RemoveRef(ref));
  if (!selected_.snapshot_ids.empty()) {
    ARROW_RETURN_NOT_OK(builder.RemoveSnapshots(selected_.snapshot_ids));
  }
  return arrow::Status::OK();
}

arrow::Result<ExpireSnapshotsResult> ExpireSnapshots::Preview() {
  ARROW_RETURN_NOT_OK(CheckGcEnabled());
  TableMetadataBuilder builder(table_->metadata());
  ARROW_RETURN_NOT_OK(Apply(builder));
  ExpireSnapshotsResult result;
  result.expired = selected_;
  if (builder.empty() || !clean_files_) return result;
  ARROW_ASSIGN_OR_RAISE(TableMetadata after, builder.Build());
  TableState after_state{std::make_shared<const TableMetadata>(std::move(after)),
                         table_->metadata_location()};
  ARROW_ASSIGN_OR_RAISE(result.files,
                        FilesNoLongerReachable(*table_->io(), table_->state(), after_state));
  return result;
}

arrow::Result<ExpireSnapshotsResult> ExpireSnapshots::Commit() {
  ARROW_RETURN_NOT_OK(CheckGcEnabled());
  ARROW_RETURN_NOT_OK(PendingUpdate::Commit());
  ExpireSnapshotsResult result;
  result.expired = selected_;
  // Nothing committed (nothing to expire): the table did not change.
  if (table_->metadata_location() == applied_base_.metadata_location || !clean_files_ ||
      (selected_.snapshot_ids.empty() && selected_.refs.empty())) {
    return result;
  }
  ARROW_ASSIGN_OR_RAISE(result.files,
                        FilesNoLongerReachable(*table_->io(), applied_base_, table_->state()));
  // Content before the manifests naming it, manifests before their lists: a cleanup that
  // stops half-way leaves files nothing references, found later by remove-orphan-files.
  io::FileIO& io = *table_->io();
  for (const auto* kind :
       {&result.files.data_files, &result.files.delete_files, &result.files.summary_files,
        &result.files.statistics_files, &result.files.manifests, &result.files.manifest_lists}) {
    if (kind->empty()) continue;
    arrow::Status deleted = io.DeleteFiles(*kind);
    if (!deleted.ok()) {
      result.not_deleted.insert(result.not_deleted.end(), kind->begin(), kind->end());
      if (result.delete_error.empty()) result.delete_error = deleted.ToString();
    }
  }
  return result;
}

}  // namespace floe::iceberg
