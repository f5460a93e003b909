#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Table property holding the default name mapping (spec: "Column Projection").
inline constexpr const char* kNameMappingProperty = "schema.name-mapping.default";

/// One entry of a name mapping: the names a column may have in a data file, the field id
/// they stand for (absent: the column is not read), and mappings of nested fields.
struct MappedField {
  std::optional<int32_t> field_id;
  std::vector<std::string> names;
  std::vector<MappedField> fields;
};

/// A name mapping (spec: "Name Mapping Serialization"): how to find field ids for data files
/// written without them, such as imported Parquet files.
class NameMapping {
 public:
  NameMapping() = default;
  explicit NameMapping(std::vector<MappedField> fields) : fields_(std::move(fields)) {}

  /// Parses the JSON form, a list of {"field-id", "names", "fields"} objects.
  static arrow::Result<NameMapping> Parse(std::string_view json);
  /// The mapping of a schema's current names to its ids (list elements as "element", map
  /// parts as "key" and "value").
  static NameMapping FromSchema(const Schema& schema);
  std::string ToJson() const;

  const std::vector<MappedField>& fields() const { return fields_; }

  /// A copy of an Arrow schema whose fields, at every depth, carry `PARQUET:field_id` from
  /// the mapping; fields the mapping does not name (or names without an id) carry none.
  std::shared_ptr<arrow::Schema> Apply(const arrow::Schema& schema) const;

 private:
  std::vector<MappedField> fields_;
};

}  // namespace floe::iceberg
