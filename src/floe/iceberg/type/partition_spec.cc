#include "floe/iceberg/type/partition_spec.h"

#include <algorithm>

#include "floe/util/hex.h"

namespace floe::iceberg {

namespace {

// application/x-www-form-urlencoded escaping over UTF-8 bytes, as Java's
// URLEncoder.encode(s, UTF_8) does it for partition paths: letters, digits and ".-*_" stay,
// space becomes '+', every other byte becomes %XX. (PyIceberg's quote_plus differs only for
// '~' and '*'; readers never parse these paths, so either form is valid.)
std::string UrlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-' || c == '*' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(util::HexDigit(c >> 4, util::HexCase::kUpper));
      out.push_back(util::HexDigit(c, util::HexCase::kUpper));
    }
  }
  return out;
}

}  // namespace

bool PartitionSpec::is_unpartitioned() const {
  return std::all_of(fields_.begin(), fields_.end(), [](const PartitionField& field) {
    return field.transform.kind() == Transform::Kind::kVoid;
  });
}

int32_t PartitionSpec::LastFieldId() const {
  int32_t last = kFirstPartitionFieldId - 1;
  for (const auto& field : fields_) last = std::max(last, field.field_id);
  return last;
}

arrow::Result<TypePtr> PartitionSpec::PartitionType(const Schema& schema) const {
  std::vector<NestedField> fields;
  fields.reserve(fields_.size());
  for (const auto& field : fields_) {
    const NestedField* source = schema.FindFieldById(field.source_id);
    TypePtr result;
    if (source == nullptr) {
      // A void field may outlive its dropped source column; its values are always null, so
      // any type serves. Java uses its "unknown" type here; int is the closest v2 type.
      if (field.transform.kind() != Transform::Kind::kVoid) {
        return arrow::Status::Invalid("partition spec ", spec_id_, ": field '", field.name,
                                      "' refers to source column id ", field.source_id,
                                      ", which is not in schema ", schema.schema_id());
      }
      result = Type::Int();
    } else {
      auto transformed = field.transform.ResultType(source->type);
      if (!transformed.ok()) {
        return arrow::Status::Invalid("partition spec ", spec_id_, ": field '", field.name,
                                      "': ", transformed.status().message());
      }
      result = *transformed;
    }
    fields.push_back(NestedField{field.field_id, field.name, std::move(result), false, ""});
  }
  return Type::Struct(std::move(fields));
}

std::string PartitionSpec::PartitionPath(const std::vector<Literal>& partition) const {
  std::string path;
  size_t n = std::min(fields_.size(), partition.size());
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) path.push_back('/');
    path += UrlEscape(fields_[i].name);
    path.push_back('=');
    path += UrlEscape(fields_[i].transform.ToHumanString(partition[i]));
  }
  return path;
}

}  // namespace floe::iceberg
