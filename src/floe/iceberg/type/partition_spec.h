#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/transform.h"

namespace floe::iceberg {

/// First field id of partition fields (spec: partition field ids start at 1000).
constexpr int32_t kFirstPartitionFieldId = 1000;

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;
  std::string name;
  Transform transform;

  bool operator==(const PartitionField& other) const = default;
};

/// A partition spec (spec: "Partition Specs"). An empty spec means unpartitioned.
class PartitionSpec {
 public:
  PartitionSpec() = default;
  PartitionSpec(int32_t spec_id, std::vector<PartitionField> fields)
      : spec_id_(spec_id), fields_(std::move(fields)) {}

  static PartitionSpec Unpartitioned() { return PartitionSpec(0, {}); }

  int32_t spec_id() const { return spec_id_; }
  const std::vector<PartitionField>& fields() const { return fields_; }
  bool is_unpartitioned() const;  ///< no fields, or only void transforms
  int32_t LastFieldId() const;    ///< highest field id, or kFirstPartitionFieldId - 1

  /// The struct type of partition tuples for this spec over a schema (field ids are the
  /// partition field ids; every field optional).
  arrow::Result<TypePtr> PartitionType(const Schema& schema) const;
  /// "ts_day=2024-03-01/id_bucket=7": the folder of a partition under <table>/data/, with
  /// names and values URL-escaped like the Java and Python writers do.
  std::string PartitionPath(const std::vector<Literal>& partition) const;

  /// Same fields, ignoring the spec id.
  bool CompatibleWith(const PartitionSpec& other) const { return fields_ == other.fields_; }

 private:
  int32_t spec_id_ = 0;
  std::vector<PartitionField> fields_;
};

}  // namespace floe::iceberg
