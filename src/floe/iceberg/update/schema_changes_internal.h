#pragma once

// One replay of UpdateSchema's requested changes against a base schema, in PyIceberg's
// UpdateSchema state (adds by parent id, updates and deletes by field id, moves by parent id),
// checked against schema_rules_internal.h as it goes. Internal to floe_iceberg.

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/update/update_schema.h"

namespace floe::iceberg {

class SchemaChanges {
 public:
  enum class MoveKind { kFirst, kBefore, kAfter };

  explicit SchemaChanges(const TableMetadata& base);
  ~SchemaChanges();

  arrow::Status Add(const std::string& path, const TypePtr& type, const std::string& doc,
                    bool required, const std::optional<Literal>& default_value);
  arrow::Status Delete(const std::string& name);
  arrow::Status Rename(const std::string& name, const std::string& new_name);
  arrow::Status UpdateType(const std::string& name, const TypePtr& type);
  arrow::Status MakeOptional(const std::string& name);
  arrow::Status UpdateDoc(const std::string& name, const std::string& doc);
  arrow::Status UpdateDefault(const std::string& name, const Literal& value);
  /// Moves `name` first in its struct, or before or after `other` there.
  arrow::Status MoveColumn(const std::string& name, MoveKind kind, const std::string& other);
  void SetIdentifierFields(const std::vector<std::string>& names);
  /// The new schema and last column id, checked as a whole.
  arrow::Result<UpdateSchema::Planned> Finish();

 private:
  class Replay;
  std::unique_ptr<Replay> replay_;
};

}  // namespace floe::iceberg
