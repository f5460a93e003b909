// floe table branch|tag create|replace|drop NS.T NAME, rollback, set-current-snapshot,
// cherry-pick, fast-forward: thin wrappers over ManageSnapshots and CherryPick.
#include "cli/snapshot_commands.h"

#include <iostream>
#include <optional>

#include "cli/output.h"
#include "floe/iceberg/update/cherry_pick.h"
#include "floe/iceberg/update/manage_snapshots.h"

namespace floe::cli {
namespace {

struct RefArgs {
  std::string table;
  std::string name;
  std::string target;
  std::optional<int64_t> snapshot_id;
  std::optional<int32_t> min_snapshots_to_keep;
  std::optional<int64_t> max_snapshot_age_ms;
  std::optional<int64_t> max_ref_age_ms;
};

arrow::Result<std::shared_ptr<iceberg::Table>> Load(CliContext& ctx, const std::string& name) {
  auto id = iceberg::TableIdentifier::Parse(name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  return catalog->LoadTable(*id);
}

// Commits the change and reports where the table's refs point now.
arrow::Status Finish(CliContext& ctx, iceberg::Table& table, const std::string& what) {
  const auto& md = table.metadata();
  if (ctx.options.json) {
    nlohmann::json refs = nlohmann::json::object();
    for (const auto& [name, ref] : md.refs) {
      refs[name] = {{"snapshot_id", ref.snapshot_id},
                    {"type", ref.type == iceberg::SnapshotRefType::kTag ? "tag" : "branch"}};
    }
    PrintJson(std::cout, {{"table", table.identifier().ToString()},
                          {"change", what},
                          {"current_snapshot_id", md.current_snapshot_id
                                                      ? nlohmann::json(*md.current_snapshot_id)
                                                      : nlohmann::json(nullptr)},
                          {"refs", refs}});
  } else {
    std::cout << what << " (table " << table.identifier().ToString() << ")\n";
  }
  return arrow::Status::OK();
}

iceberg::RefRetention Retention(const RefArgs& args) {
  return {args.min_snapshots_to_keep, args.max_snapshot_age_ms, args.max_ref_age_ms};
}

bool HasRetention(const RefArgs& args) {
  return args.min_snapshots_to_keep || args.max_snapshot_age_ms || args.max_ref_age_ms;
}

enum class RefKind { kBranch, kTag };

arrow::Status CreateRef(CliContext& ctx, const RefArgs& args, RefKind kind) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  if (kind == RefKind::kBranch) {
    change.CreateBranch(args.name, args.snapshot_id, Retention(args));
  } else {
    if (args.min_snapshots_to_keep || args.max_snapshot_age_ms) {
      return UsageError("a tag keeps no snapshots: use --max-ref-age-ms only");
    }
    change.CreateTag(args.name, args.snapshot_id, args.max_ref_age_ms);
  }
  ARROW_RETURN_NOT_OK(change.Commit());
  const auto& ref = table->metadata().refs.at(args.name);
  return Finish(ctx, *table,
                std::string(kind == RefKind::kBranch ? "created branch " : "created tag ") +
                    args.name + " at snapshot " + std::to_string(ref.snapshot_id));
}

arrow::Status ReplaceRef(CliContext& ctx, const RefArgs& args, RefKind kind) {
  if (!args.snapshot_id) return UsageError("--snapshot is required");
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  if (kind == RefKind::kBranch) {
    std::optional<iceberg::RefRetention> retention;
    if (HasRetention(args)) retention = Retention(args);
    change.ReplaceBranch(args.name, *args.snapshot_id, retention);
  } else {
    change.ReplaceTag(args.name, *args.snapshot_id, args.max_ref_age_ms);
  }
  ARROW_RETURN_NOT_OK(change.Commit());
  return Finish(ctx, *table,
                std::string(kind == RefKind::kBranch ? "moved branch " : "moved tag ") + args.name +
                    " to snapshot " + std::to_string(*args.snapshot_id));
}

arrow::Status DropRef(CliContext& ctx, const RefArgs& args, RefKind kind) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  if (kind == RefKind::kBranch) {
    change.RemoveBranch(args.name);
  } else {
    change.RemoveTag(args.name);
  }
  ARROW_RETURN_NOT_OK(change.Commit());
  return Finish(
      ctx, *table,
      std::string(kind == RefKind::kBranch ? "dropped branch " : "dropped tag ") + args.name);
}

arrow::Status Rollback(CliContext& ctx, const RefArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  change.RollbackTo(*args.snapshot_id);
  ARROW_RETURN_NOT_OK(change.Commit());
  return Finish(ctx, *table, "rolled back to snapshot " + std::to_string(*args.snapshot_id));
}

arrow::Status SetCurrent(CliContext& ctx, const RefArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  change.SetCurrentSnapshot(*args.snapshot_id);
  ARROW_RETURN_NOT_OK(change.Commit());
  return Finish(ctx, *table, "current snapshot is " + std::to_string(*args.snapshot_id));
}

arrow::Status CherryPickCommand(CliContext& ctx, const RefArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::CherryPick change(table, *args.snapshot_id);
  ARROW_ASSIGN_OR_RAISE(auto snapshot, change.Commit());
  return Finish(ctx, *table,
                "cherry-picked snapshot " + std::to_string(*args.snapshot_id) +
                    (snapshot.snapshot_id == *args.snapshot_id
                         ? std::string(" (fast-forward)")
                         : " as snapshot " + std::to_string(snapshot.snapshot_id)));
}

arrow::Status FastForward(CliContext& ctx, const RefArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::ManageSnapshots change(table);
  change.FastForward(args.name, args.target);
  ARROW_RETURN_NOT_OK(change.Commit());
  return Finish(ctx, *table, "fast-forwarded " + args.name + " to " + args.target);
}

}  // namespace

void AddSnapshotCommands(CLI::App& table_group, CliContext& ctx, Action* run) {
  using Fn = std::function<arrow::Status(CliContext&, const RefArgs&)>;
  auto bind = [&ctx, run](CLI::App* cmd, std::shared_ptr<RefArgs> args, Fn fn) {
    cmd->fallthrough();
    cmd->callback([&ctx, run, args, fn] { *run = [&ctx, args, fn] { return fn(ctx, *args); }; });
  };
  for (RefKind kind : {RefKind::kBranch, RefKind::kTag}) {
    const bool branch = kind == RefKind::kBranch;
    auto* group = table_group.add_subcommand(branch ? "branch" : "tag",
                                             branch ? "Create, move or drop a branch"
                                                    : "Create, move or "
                                                      "drop a tag");
    group->require_subcommand(1);
    group->fallthrough();
    auto verb = [&](const char* name, const char* help, Fn fn, bool with_snapshot,
                    bool with_retention) {
      auto args = std::make_shared<RefArgs>();
      auto* cmd = group->add_subcommand(name, help);
      cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
      cmd->add_option("name", args->name, branch ? "Branch name" : "Tag name")->required();
      if (with_snapshot) {
        cmd->add_option("--snapshot", args->snapshot_id,
                        "Snapshot id (create: default the current snapshot)");
      }
      if (with_retention) {
        if (branch) {
          cmd->add_option("--min-snapshots-to-keep", args->min_snapshots_to_keep,
                          "Snapshots the branch keeps when snapshots expire");
          cmd->add_option("--max-snapshot-age-ms", args->max_snapshot_age_ms,
                          "Age of the branch's snapshots kept when snapshots expire");
        }
        cmd->add_option("--max-ref-age-ms", args->max_ref_age_ms,
                        "How long the ref itself lives when snapshots expire");
      }
      bind(cmd, args, fn);
    };
    verb(
        "create", branch ? "Create a branch at a snapshot" : "Create a tag at a snapshot",
        [kind](CliContext& c, const RefArgs& a) { return CreateRef(c, a, kind); }, true, true);
    verb(
        "replace",
        branch ? "Point a branch at another snapshot"
               : "Point a tag at another "
                 "snapshot",
        [kind](CliContext& c, const RefArgs& a) { return ReplaceRef(c, a, kind); }, true, true);
    verb(
        "drop", branch ? "Drop a branch" : "Drop a tag",
        [kind](CliContext& c, const RefArgs& a) { return DropRef(c, a, kind); }, false, false);
  }

  auto with_snapshot = [&](const char* name, const char* help, Fn fn) {
    auto args = std::make_shared<RefArgs>();
    auto* cmd = table_group.add_subcommand(name, help);
    cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
    cmd->add_option("--snapshot", args->snapshot_id, "Snapshot id")->required();
    bind(cmd, args, fn);
  };
  with_snapshot("rollback", "Make an ancestor of the current snapshot current again", Rollback);
  with_snapshot("set-current-snapshot", "Make any snapshot of the table current", SetCurrent);
  with_snapshot("cherry-pick", "Apply an append snapshot (e.g. from a branch) to main",
                CherryPickCommand);

  auto args = std::make_shared<RefArgs>();
  auto* ff = table_group.add_subcommand("fast-forward",
                                        "Move a branch forward to the head of another ref");
  ff->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  ff->add_option("branch", args->name, "Branch to move")->required();
  ff->add_option("--to", args->target, "Branch or tag to move it to")->required();
  bind(ff, args, FastForward);
}

}  // namespace floe::cli
