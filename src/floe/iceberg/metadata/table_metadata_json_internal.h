#pragma once

// JSON forms of the pieces of table metadata that travel on their own: snapshots and snapshot
// references (spec: Appendix C), as the REST protocol's add-snapshot and set-snapshot-ref
// updates carry them. Internal to floe_iceberg and the catalogs above it.

#include <arrow/result.h>

#include <nlohmann/json.hpp>
#include <string>

#include "floe/iceberg/metadata/snapshot.h"

namespace floe::iceberg {

/// A snapshot object; `version` 1 leaves out "sequence-number".
nlohmann::ordered_json SnapshotToJson(const Snapshot& snapshot, int version);
/// Reads a snapshot object; errors start with `where`.
arrow::Result<Snapshot> SnapshotFromJson(const nlohmann::json& json, const std::string& where);

/// {"snapshot-id", "type", retention fields when set}.
nlohmann::ordered_json RefToJson(const SnapshotRef& ref);
arrow::Result<SnapshotRef> RefFromJson(const nlohmann::json& json, const std::string& where);

}  // namespace floe::iceberg
