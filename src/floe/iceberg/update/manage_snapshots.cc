#include "floe/iceberg/update/manage_snapshots.h"

namespace floe::iceberg {
namespace {

// Points `main` at a snapshot, keeping main's retention settings.
arrow::Status ReplaceCurrent(TableMetadataBuilder& b, int64_t snapshot_id) {
  auto it = b.current().refs.find(kMainBranch);
  SnapshotRef ref = it == b.current().refs.end() ? SnapshotRef{} : it->second;
  ref.snapshot_id = snapshot_id;
  ref.type = SnapshotRefType::kBranch;
  return b.SetRef(kMainBranch, ref);
}

arrow::Result<int64_t> ResolveSnapshot(const TableMetadata& md, std::optional<int64_t> id) {
  if (!id) {
    if (!md.current_snapshot_id) {
      return arrow::Status::Invalid("the table has no snapshot yet to point a ref at");
    }
    return *md.current_snapshot_id;
  }
  if (md.SnapshotById(*id) == nullptr) {
    return arrow::Status::KeyError("snapshot ", *id, " is not in the table");
  }
  return *id;
}

const SnapshotRef* FindRef(const TableMetadata& md, const std::string& name) {
  auto it = md.refs.find(name);
  return it == md.refs.end() ? nullptr : &it->second;
}

arrow::Status ValidName(const std::string& name) {
  if (name.empty()) return arrow::Status::Invalid("a branch or tag needs a name");
  return arrow::Status::OK();
}

}  // namespace

bool IsAncestorOf(const TableMetadata& metadata, int64_t snapshot_id, int64_t ancestor) {
  for (const Snapshot* s = metadata.SnapshotById(snapshot_id); s != nullptr;
       s = s->parent_snapshot_id ? metadata.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (s->snapshot_id == ancestor) return true;
  }
  return false;
}

ManageSnapshots& ManageSnapshots::CreateBranch(const std::string& name,
                                               std::optional<int64_t> snapshot_id,
                                               RefRetention retention) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    ARROW_RETURN_NOT_OK(ValidName(name));
    const TableMetadata& md = b.current();
    if (FindRef(md, name) != nullptr) {
      return arrow::Status::AlreadyExists("branch or tag '", name, "' already exists");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(md, snapshot_id));
    SnapshotRef ref{id, SnapshotRefType::kBranch, retention.min_snapshots_to_keep,
                    retention.max_snapshot_age_ms, retention.max_ref_age_ms};
    return b.SetRef(name, ref);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::CreateTag(const std::string& name,
                                            std::optional<int64_t> snapshot_id,
                                            std::optional<int64_t> max_ref_age_ms) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    ARROW_RETURN_NOT_OK(ValidName(name));
    const TableMetadata& md = b.current();
    if (name == kMainBranch) return arrow::Status::Invalid("'main' is the table's branch");
    if (FindRef(md, name) != nullptr) {
      return arrow::Status::AlreadyExists("branch or tag '", name, "' already exists");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(md, snapshot_id));
    SnapshotRef ref{id, SnapshotRefType::kTag, std::nullopt, std::nullopt, max_ref_age_ms};
    return b.SetRef(name, ref);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::ReplaceBranch(const std::string& name, int64_t snapshot_id,
                                                std::optional<RefRetention> retention) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    const TableMetadata& md = b.current();
    const SnapshotRef* old = FindRef(md, name);
    if (old == nullptr && name != kMainBranch) {
      return arrow::Status::KeyError("branch '", name, "' does not exist");
    }
    if (old != nullptr && old->type != SnapshotRefType::kBranch) {
      return arrow::Status::Invalid("'", name, "' is a tag, not a branch");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(md, snapshot_id));
    SnapshotRef ref = old != nullptr ? *old : SnapshotRef{};
    ref.snapshot_id = id;
    ref.type = SnapshotRefType::kBranch;
    if (retention) {
      ref.min_snapshots_to_keep = retention->min_snapshots_to_keep;
      ref.max_snapshot_age_ms = retention->max_snapshot_age_ms;
      ref.max_ref_age_ms = retention->max_ref_age_ms;
    }
    return b.SetRef(name, ref);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::ReplaceTag(const std::string& name, int64_t snapshot_id,
                                             std::optional<int64_t> max_ref_age_ms) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    const TableMetadata& md = b.current();
    const SnapshotRef* old = FindRef(md, name);
    if (old == nullptr) return arrow::Status::KeyError("tag '", name, "' does not exist");
    if (old->type != SnapshotRefType::kTag) {
      return arrow::Status::Invalid("'", name, "' is a branch, not a tag");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(md, snapshot_id));
    SnapshotRef ref = *old;
    ref.snapshot_id = id;
    if (max_ref_age_ms) ref.max_ref_age_ms = max_ref_age_ms;
    return b.SetRef(name, ref);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::RemoveBranch(const std::string& name) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    if (name == kMainBranch) return arrow::Status::Invalid("the 'main' branch cannot be dropped");
    const SnapshotRef* ref = FindRef(b.current(), name);
    if (ref == nullptr) return arrow::Status::KeyError("branch '", name, "' does not exist");
    if (ref->type != SnapshotRefType::kBranch) {
      return arrow::Status::Invalid("'", name, "' is a tag, not a branch");
    }
    return b.RemoveRef(name);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::RemoveTag(const std::string& name) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    const SnapshotRef* ref = FindRef(b.current(), name);
    if (ref == nullptr) return arrow::Status::KeyError("tag '", name, "' does not exist");
    if (ref->type != SnapshotRefType::kTag) {
      return arrow::Status::Invalid("'", name, "' is a branch, not a tag");
    }
    return b.RemoveRef(name);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::RollbackTo(int64_t snapshot_id) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    const TableMetadata& md = b.current();
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(md, snapshot_id));
    if (!md.current_snapshot_id || !IsAncestorOf(md, *md.current_snapshot_id, id)) {
      return arrow::Status::Invalid(
          "cannot roll back to snapshot ", id,
          ": it is not an ancestor of the current snapshot (set the current snapshot instead)");
    }
    return ReplaceCurrent(b, id);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::SetCurrentSnapshot(int64_t snapshot_id) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(int64_t id, ResolveSnapshot(b.current(), snapshot_id));
    return ReplaceCurrent(b, id);
  });
  return *this;
}

ManageSnapshots& ManageSnapshots::FastForward(const std::string& branch, const std::string& to) {
  steps_.push_back([=](TableMetadataBuilder& b) -> arrow::Status {
    const TableMetadata& md = b.current();
    const SnapshotRef* from = FindRef(md, branch);
    if (from == nullptr) return arrow::Status::KeyError("branch '", branch, "' does not exist");
    if (from->type != SnapshotRefType::kBranch) {
      return arrow::Status::Invalid("'", branch, "' is a tag, not a branch");
    }
    const SnapshotRef* target = FindRef(md, to);
    if (target == nullptr)
      return arrow::Status::KeyError("branch or tag '", to, "' does not exist");
    if (!IsAncestorOf(md, target->snapshot_id, from->snapshot_id)) {
      return arrow::Status::Invalid("cannot fast-forward '", branch, "' to '", to, "': snapshot ",
                                    from->snapshot_id, " is not an ancestor of ",
                                    target->snapshot_id);
    }
    SnapshotRef ref = *from;
    ref.snapshot_id = target->snapshot_id;
    return b.SetRef(branch, ref);
  });
  return *this;
}

arrow::Status ManageSnapshots::Apply(TableMetadataBuilder& builder) {
  for (const auto& step : steps_) {
    arrow::Status st = step(builder);
    if (!st.ok()) {
      return st.WithMessage("table ", table_->identifier().ToString(), ": ", st.message());
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::iceberg
