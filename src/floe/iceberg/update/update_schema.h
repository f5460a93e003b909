#pragma once

// Schema evolution (spec: "Schema Evolution"): Java's SchemaUpdate, PyIceberg's UpdateSchema.

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Changes to a table's current schema, committed as one new schema (add-schema and
/// set-current-schema). Columns are named by their full dotted path, as
/// Schema::FindFieldByName takes them ("a.b"; "l.element" for a list element, "m.key" and
/// "m.value" for a map's parts), always as they are in the table's current schema: a column
/// renamed in the same change keeps its old name here, and a column added in the same change is
/// known only to the moves.
///
/// The changes are kept as requested and replayed on every commit attempt against the schema
/// current then, in request order, with the rules checked each time (PyIceberg's order of
/// checks): new field ids count on from the table's last-column-id, in request order, each new
/// column's id before the ids of its nested type (assigned as Iceberg assigns fresh ids). A
/// request that breaks a rule fails Plan / Apply with a message naming the column and the rule.
///
/// Rules: a required column may only be added while the table has no rows (no current snapshot,
/// or total-records 0), since older rows would have no value, unless it has a default;
/// defaults and the v3 types (timestamp_ns, timestamptz_ns, unknown) need format version 3; a
/// column used by an identifier field, the current partition spec or the sort order cannot be
/// dropped; a rename may not take a name in use in the same struct, and no column may take the
/// name of a partition field other than an identity of that column; types only widen (int to
/// long, float to double, decimal(P, S) to decimal(P', S) with P' > P); a column may become
/// optional, never required; moves stay within one struct; identifier fields are required
/// primitive columns, not float or double, and not inside a list, a map or an optional struct.
/// Conflicting requests (renaming or updating a column that is dropped, dropping one that gets
/// new fields) are refused.
class UpdateSchema final : public PendingUpdate {
 public:
  explicit UpdateSchema(std::shared_ptr<Table> table);

  /// Adds an optional column; `path` "a.b" adds `b` to struct `a` (or to the struct element or
  /// value of a list or map `a`). Field ids in `type` are ignored and assigned fresh. A
  /// `default_value` (format v3, primitive columns) becomes both the initial-default, which
  /// rows written before read, and the write-default; it is converted to the column type as a
  /// filter literal is ("5", '2024-01-01').
  UpdateSchema& AddColumn(const std::string& path, TypePtr type, const std::string& doc = "",
                          std::optional<Literal> default_value = std::nullopt);
  /// Adds a required column: only while the table has no rows, or with a default.
  UpdateSchema& AddRequiredColumn(const std::string& path, TypePtr type,
                                  const std::string& doc = "",
                                  std::optional<Literal> default_value = std::nullopt);
  /// Sets a column's write-default (format v3; a null literal removes it). Its initial-default,
  /// the value of rows written before it was added, never changes.
  UpdateSchema& UpdateColumnDefault(const std::string& name, Literal write_default);
  UpdateSchema& DeleteColumn(const std::string& name);
  /// Renames a column; `new_name` is its new leaf name (it stays in the same struct).
  UpdateSchema& RenameColumn(const std::string& name, const std::string& new_name);
  /// Widens a primitive column's type.
  UpdateSchema& UpdateColumnType(const std::string& name, TypePtr new_type);
  UpdateSchema& MakeColumnOptional(const std::string& name);
  UpdateSchema& UpdateColumnDoc(const std::string& name, const std::string& doc);
  /// Moves a column within its struct. The other column may be one added in this change.
  UpdateSchema& MoveFirst(const std::string& name);
  UpdateSchema& MoveBefore(const std::string& name, const std::string& before_name);
  UpdateSchema& MoveAfter(const std::string& name, const std::string& after_name);
  /// Replaces the identifier fields; names are those of the new schema (after renames, and
  /// including columns added in this change).
  UpdateSchema& SetIdentifierFields(std::vector<std::string> names);

  /// The schema the changes give on top of `base`'s current schema (schema id not yet
  /// assigned), and the table's last-column-id after them.
  struct Planned {
    Schema schema;
    int32_t last_column_id = 0;
  };
  arrow::Result<Planned> Plan(const TableMetadata& base) const;

  /// Plans on builder.current() and records add-schema and set-current-schema (nothing when
  /// the schema does not change).
  arrow::Status Apply(TableMetadataBuilder& builder) override;

 private:
  enum class Op {
    kAdd,
    kDelete,
    kRename,
    kUpdateType,
    kMakeOptional,
    kUpdateDoc,
    kUpdateDefault,
    kMoveFirst,
    kMoveBefore,
    kMoveAfter,
    kSetIdentifierFields,
  };
  struct Change {
    Op op;
    std::string name;
    std::string other;  ///< new name, doc, or the column a move is relative to
    TypePtr type;
    bool required = false;
    std::vector<std::string> names;  ///< identifier fields
    std::optional<Literal> value = std::nullopt;  ///< a default
  };

  std::vector<Change> changes_;
};

}  // namespace floe::iceberg
