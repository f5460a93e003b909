#include "floe/iceberg/data/json_rows.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/extension_type.h>
#include <arrow/record_batch.h>
#include <arrow/util/decimal.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/json_node_internal.h"
#include "floe/iceberg/data/name_match_internal.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/util/hex.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

using internal::DescribeJsonNode;
using internal::JsonNode;
using internal::ParseJsonNode;

// Rows per record batch: keeps each builder's buffers well below Arrow's 2 GiB offsets.
constexpr int64_t kRowsPerBatch = 64 * 1024;
constexpr size_t kReadChunk = 1 << 20;

bool IsScalar(const JsonNode& node) {
  return node.kind == JsonNode::Kind::kNumber || node.kind == JsonNode::Kind::kString;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// JSON number syntax or the names floe writes for non-finite values; from_chars alone would
// also take "inf", "nan(…)" and hex floats.
template <typename T>
std::optional<T> ParseFloating(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<T>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<T>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<T>::infinity();
  if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string_view::npos) {
    return std::nullopt;
  }
  T value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A number in plain or exponent notation as the unscaled value of decimal(precision, scale);
// an error text when it has non-zero digits past the scale or too many digits.
std::optional<std::string> ParseDecimal(std::string_view text, int32_t precision, int32_t scale,
                                        __int128* out) {
  size_t p = 0;
  const bool negative = p < text.size() && text[p] == '-';
  if (p < text.size() && (text[p] == '-' || text[p] == '+')) ++p;
  std::string digits;
  int64_t exponent = 0;
  bool any = false;
  for (; p < text.size() && std::isdigit(static_cast<unsigned char>(text[p])); ++p, any = true) {
    digits.push_back(text[p]);
  }
  if (p < text.size() && text[p] == '.') {
    for (++p; p < text.size() && std::isdigit(static_cast<unsigned char>(text[p])); ++p) {
      digits.push_back(text[p]);
      --exponent;
      any = true;
    }
  }
  if (!any) return "not a decimal number";
  if (p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    std::string_view e_text = text.substr(p + 1);
    if (!e_text.empty() && e_text[0] == '+') e_text.remove_prefix(1);
    auto e = ParseInteger(e_text);
    if (!e || *e > 100000 || *e < -100000) return "not a decimal number";
    exponent += *e;
    p = text.size();
  }
  if (p != text.size()) return "not a decimal number";
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  int64_t shift = exponent + scale;  // the unscaled value is digits * 10^shift
  if (shift < 0) {
    const size_t drop = static_cast<size_t>(std::min<int64_t>(-shift, digits.size()));
    if (digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
      return "has more than " + std::to_string(scale) + " digits after the point";
    }
    digits.resize(digits.size() - drop);
  } else if (!digits.empty()) {
    if (shift > precision) return "does not fit in " + std::to_string(precision) + " digits";
    digits.append(static_cast<size_t>(shift), '0');
  }
  if (static_cast<int64_t>(digits.size()) > precision) {
    return "does not fit in " + std::to_string(precision) + " digits";
  }
  __int128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  *out = negative ? -value : value;
  return std::nullopt;
}

// Arrow types as the builders build them: arrow.uuid as its fixed_size_binary(16) storage.
std::shared_ptr<arrow::DataType> StorageType(const std::shared_ptr<arrow::DataType>& type) {
  if (type->id() == arrow::Type::EXTENSION) {
    return static_cast<const arrow::ExtensionType&>(*type).storage_type();
  }
  arrow::FieldVector fields;
  for (const auto& field : type->fields()) {
    fields.push_back(field->WithType(StorageType(field->type())));
  }
  switch (type->id()) {
    case arrow::Type::STRUCT:
      return arrow::struct_(fields);
    case arrow::Type::LIST:
      return arrow::list(fields[0]);
    case arrow::Type::MAP:
      return std::make_shared<arrow::MapType>(fields[0]);
    default:
      return type;
  }
}

// The built data under the table's own types (same layout; extension types and field ids).
std::shared_ptr<arrow::ArrayData> WithType(const std::shared_ptr<arrow::ArrayData>& data,
                                           const std::shared_ptr<arrow::DataType>& type) {
  auto out = std::make_shared<arrow::ArrayData>(*data);
  out->type = type;
  const arrow::DataType* layout = type.get();
  if (type->id() == arrow::Type::EXTENSION) {
    layout = static_cast<const arrow::ExtensionType&>(*type).storage_type().get();
  }
  for (size_t i = 0; i < out->child_data.size(); ++i) {
    out->child_data[i] = WithType(data->child_data[i], layout->field(static_cast<int>(i))->type());
  }
  return out;
}

int FindField(const std::vector<NestedField>& fields, const std::string& name) {
  return internal::MatchName(
      fields.size(), [&](size_t i) -> const std::string& { return fields[i].name; }, name);
}

// Appends JSON values to Arrow builders typed by the Iceberg schema. `path_` is the column
// path of the value being appended, for errors.
class RowAppender {
 public:
  arrow::Status Row(const std::vector<NestedField>& fields, const JsonNode& row,
                    arrow::StructBuilder* builder) {
    path_.clear();
    if (row.kind != JsonNode::Kind::kObject) {
      return arrow::Status::Invalid("expected a JSON object, got ", DescribeJsonNode(row));
    }
    return Struct(fields, row, builder);
  }

 private:
  arrow::Status Error(const std::string& what) const {
    return arrow::Status::Invalid("column ", path_, ": ", what);
  }
  arrow::Status Expected(const char* what, const JsonNode& node) const {
    return Error(std::string("expected ") + what + ", got " + DescribeJsonNode(node));
  }

  arrow::Status Field(const NestedField& field, const JsonNode* node, arrow::ArrayBuilder* b) {
    if (node == nullptr && field.write_default) {
      // A key the row leaves out takes the field's write-default (spec: "Default values").
      ARROW_ASSIGN_OR_RAISE(auto scalar, LiteralToArrowScalar(*field.write_default));
      return b->AppendScalar(*scalar);
    }
    if (node == nullptr || node->kind == JsonNode::Kind::kNull) {
      if (field.required)
        return Error(node == nullptr ? "required, but missing" : "required, but null");
      return b->AppendNull();
    }
    return Value(*field.type, *node, b);
  }

  arrow::Status Struct(const std::vector<NestedField>& fields, const JsonNode& node,
                       arrow::StructBuilder* b) {
    std::vector<const JsonNode*> values(fields.size(), nullptr);
    const size_t base = path_.size();
    for (const auto& [name, value] : node.members) {
      int index = FindField(fields, name);
      if (index < 0) {
        path_ += (base == 0 ? "" : ".") + name;
        return Error(base == 0 ? "not in the table schema" : "not a field of the struct");
      }
      values[index] = &value;
    }
    ARROW_RETURN_NOT_OK(b->Append());
    for (size_t i = 0; i < fields.size(); ++i) {
      path_.resize(base);
      path_ += (base == 0 ? "" : ".") + fields[i].name;
      ARROW_RETURN_NOT_OK(Field(fields[i], values[i], b->field_builder(static_cast<int>(i))));
    }
    path_.resize(base);
    return arrow::Status::OK();
  }

  arrow::Status List(const Type& type, const JsonNode& node, arrow::ListBuilder* b) {
    if (node.kind != JsonNode::Kind::kArray) return Expected("an array", node);
    ARROW_RETURN_NOT_OK(b->Append());
    const size_t base = path_.size();
    for (size_t i = 0; i < node.items.size(); ++i) {
      path_.resize(base);
      path_ += "[" + std::to_string(i) + "]";
      ARROW_RETURN_NOT_OK(Field(type.element(), &node.items[i], b->value_builder()));
    }
    path_.resize(base);
    return arrow::Status::OK();
  }

  arrow::Status Map(const Type& type, const JsonNode& node, arrow::MapBuilder* b) {
    const size_t base = path_.size();
    if (node.kind == JsonNode::Kind::kObject) {
      if (!type.key().type->is_primitive()) {
        return Error("a map with " + type.key().type->ToString() +
                     " keys is written as an array of {\"key\": …, \"value\": …} objects");
      }
      ARROW_RETURN_NOT_OK(b->Append());
      JsonNode key;
      key.kind = JsonNode::Kind::kString;
      for (const auto& [name, value] : node.members) {
        path_.resize(base);
        path_ += "[\"" + name + "\"]";
        const size_t entry_base = path_.size();
        path_ += " (key)";
        key.text = name;
        ARROW_RETURN_NOT_OK(Value(*type.key().type, key, b->key_builder()));
        path_.resize(entry_base);
        ARROW_RETURN_NOT_OK(Field(type.value(), &value, b->item_builder()));
      }
      path_.resize(base);
      return arrow::Status::OK();
    }
    if (node.kind != JsonNode::Kind::kArray) {
      return Expected("an object or an array of {\"key\": …, \"value\": …} objects", node);
    }
    ARROW_RETURN_NOT_OK(b->Append());
    for (size_t i = 0; i < node.items.size(); ++i) {
      const JsonNode& entry = node.items[i];
      path_.resize(base);
      path_ += "[" + std::to_string(i) + "]";
      if (entry.kind != JsonNode::Kind::kObject) {
        return Expected("a {\"key\": …, \"value\": …} object", entry);
      }
      const JsonNode* key = nullptr;
      const JsonNode* value = nullptr;
      for (const auto& [name, member] : entry.members) {
        if (name == "key") {
          key = &member;
        } else if (name == "value") {
          value = &member;
        } else {
          return Error("a map entry has only \"key\" and \"value\", not \"" + name + "\"");
        }
      }
      const size_t entry_base = path_.size();
      path_ += ".key";
      ARROW_RETURN_NOT_OK(Field(type.key(), key, b->key_builder()));
      path_.resize(entry_base);
      path_ += ".value";
      ARROW_RETURN_NOT_OK(Field(type.value(), value, b->item_builder()));
    }
    path_.resize(base);
    return arrow::Status::OK();
  }

  arrow::Status Value(const Type& type, const JsonNode& node, arrow::ArrayBuilder* b) {
    switch (type.id()) {
      case TypeId::kStruct:
        if (node.kind != JsonNode::Kind::kObject) return Expected("an object", node);
        return Struct(type.fields(), node, static_cast<arrow::StructBuilder*>(b));
      case TypeId::kList:
        return List(type, node, static_cast<arrow::ListBuilder*>(b));
      case TypeId::kMap:
        return Map(type, node, static_cast<arrow::MapBuilder*>(b));
      default:
        return Primitive(type, node, b);
    }
  }

  arrow::Status Primitive(const Type& type, const JsonNode& node, arrow::ArrayBuilder* b) {
    const std::string& text = node.text;
    const bool is_string = node.kind == JsonNode::Kind::kString;
    switch (type.id()) {
      case TypeId::kBoolean:
        if (node.kind == JsonNode::Kind::kBool) {
          return static_cast<arrow::BooleanBuilder*>(b)->Append(node.boolean);
        }
        if (is_string && (text == "true" || text == "false")) {
          return static_cast<arrow::BooleanBuilder*>(b)->Append(text == "true");
        }
        return Expected("a boolean", node);
      case TypeId::kInt: {
        auto v = IsScalar(node) ? ParseInteger(text) : std::nullopt;
        if (!v) return Expected("an int", node);
        if (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
          return Error(DescribeJsonNode(node) + " is out of range for int");
        }
        return static_cast<arrow::Int32Builder*>(b)->Append(static_cast<int32_t>(*v));
      }
      case TypeId::kLong: {
        auto v = IsScalar(node) ? ParseInteger(text) : std::nullopt;
        if (!v) return Expected("a long", node);
        return static_cast<arrow::Int64Builder*>(b)->Append(*v);
      }
      case TypeId::kFloat: {
        auto v = IsScalar(node) ? ParseFloating<float>(text) : std::nullopt;
        if (!v) return Expected("a float", node);
        return static_cast<arrow::FloatBuilder*>(b)->Append(*v);
      }
      case TypeId::kDouble: {
        auto v = IsScalar(node) ? ParseFloating<double>(text) : std::nullopt;
        if (!v) return Expected("a double", node);
        return static_cast<arrow::DoubleBuilder*>(b)->Append(*v);
      }
      case TypeId::kDecimal: {
        if (!IsScalar(node)) return Expected("a decimal number or string", node);
        __int128 unscaled = 0;
        if (auto error = ParseDecimal(text, type.precision(), type.scale(), &unscaled)) {
          return Error(DescribeJsonNode(node) + " as " + type.ToString() + ": " + *error);
        }
        return static_cast<arrow::Decimal128Builder*>(b)->Append(arrow::Decimal128(
            static_cast<int64_t>(unscaled >> 64), static_cast<uint64_t>(unscaled)));
      }
      case TypeId::kDate: {
        auto v = is_string ? ParseDateText(text) : std::nullopt;
        if (!v) return Expected("a date \"YYYY-MM-DD\"", node);
        return static_cast<arrow::Date32Builder*>(b)->Append(*v);
      }
      case TypeId::kTime: {
        auto v = is_string ? ParseTimeText(text) : std::nullopt;
        if (!v) return Expected("a time \"HH:MM:SS[.ffffff]\"", node);
        return static_cast<arrow::Time64Builder*>(b)->Append(*v);
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: {
        bool has_offset = false;
        auto v = is_string ? ParseTimestampText(text, &has_offset) : std::nullopt;
        if (!v) return Expected("a timestamp \"YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]\"", node);
        if (has_offset && type.id() == TypeId::kTimestamp) {
          return Error(DescribeJsonNode(node) +
                       ": a timestamp without zone takes no offset (timestamptz does)");
        }
        return static_cast<arrow::TimestampBuilder*>(b)->Append(*v);
      }
      case TypeId::kTimestampNs:
      case TypeId::kTimestampTzNs: {
        bool has_offset = false;
        auto v = is_string ? ParseTimestampNanosText(text, &has_offset) : std::nullopt;
        if (!v) return Expected("a timestamp \"YYYY-MM-DDTHH:MM:SS[.fffffffff][+HH:MM]\"", node);
        if (has_offset && type.id() == TypeId::kTimestampNs) {
          return Error(DescribeJsonNode(node) +
                       ": a timestamp without zone takes no offset (timestamptz_ns does)");
        }
        return static_cast<arrow::TimestampBuilder*>(b)->Append(*v);
      }
      case TypeId::kUnknown:
        return Error(DescribeJsonNode(node) + ": a column of type unknown holds only nulls");
      case TypeId::kString:
        if (!is_string) return Expected("a string", node);
        return static_cast<arrow::StringBuilder*>(b)->Append(text);
      case TypeId::kUuid: {
        std::string bytes = is_string ? util::UuidToBytes(text) : std::string();
        if (bytes.size() != 16) return Expected("a UUID \"8-4-4-4-12\"", node);
        return static_cast<arrow::FixedSizeBinaryBuilder*>(b)->Append(bytes);
      }
      case TypeId::kFixed: {
        auto bytes = is_string ? util::FromHex(text) : std::nullopt;
        if (!bytes) return Expected("hex bytes", node);
        if (static_cast<int32_t>(bytes->size()) != type.length()) {
          return Error(DescribeJsonNode(node) + " holds " + std::to_string(bytes->size()) +
                       " bytes; " + type.ToString() + " holds " + std::to_string(type.length()));
        }
        return static_cast<arrow::FixedSizeBinaryBuilder*>(b)->Append(*bytes);
      }
      case TypeId::kBinary: {
        auto bytes = is_string ? util::FromHex(text) : std::nullopt;
        if (!bytes) return Expected("hex bytes", node);
        return static_cast<arrow::BinaryBuilder*>(b)->Append(*bytes);
      }
      default:
        return Error("type " + type.ToString() + " cannot be read from JSON");
    }
  }

  std::string path_;
};

// Lines in, record batches out.
class JsonRowsReader {
 public:
  JsonRowsReader(const Schema& schema, std::string source)
      : schema_(schema), source_(std::move(source)) {}

  arrow::Status Init() {
    ARROW_ASSIGN_OR_RAISE(target_, ToArrowSchema(schema_));
    row_type_ = StorageType(arrow::struct_(target_->fields()));
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), row_type_, &builder));
    builder_.reset(static_cast<arrow::StructBuilder*>(builder.release()));
    return arrow::Status::OK();
  }

  // Feeds bytes; complete lines are converted, the rest waits for more (or Finish).
  arrow::Status Feed(std::string_view bytes) {
    pending_.append(bytes);
    size_t start = 0;
    size_t nl = pending_.find('\n', scanned_);
    for (; nl != std::string::npos; start = nl + 1, nl = pending_.find('\n', start)) {
      ARROW_RETURN_NOT_OK(Line(std::string_view(pending_).substr(start, nl - start)));
    }
    pending_.erase(0, start);
    scanned_ = pending_.size();  // a long line is not searched again from its start
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> Finish() {
    if (!pending_.empty()) ARROW_RETURN_NOT_OK(Line(pending_));
    ARROW_RETURN_NOT_OK(Flush());
    return arrow::Table::FromRecordBatches(target_, batches_);
  }

 private:
  arrow::Status Line(std::string_view line) {
    ++line_number_;
    if (line_number_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return arrow::Status::OK();
    JsonNode row;
    if (auto error = ParseJsonNode(line, &row)) return LineError(*error);
    auto appended = appender_.Row(schema_.fields(), row, builder_.get());
    if (!appended.ok()) return LineError(appended.message());
    if (++rows_ == kRowsPerBatch) return Flush();
    return arrow::Status::OK();
  }

  arrow::Status LineError(const std::string& what) const {
    return arrow::Status::Invalid(source_, " line ", line_number_, ": ", what);
  }

  arrow::Status Flush() {
    if (rows_ == 0 && !batches_.empty()) return arrow::Status::OK();
    std::shared_ptr<arrow::Array> rows;
    ARROW_RETURN_NOT_OK(builder_->Finish(&rows));
    auto typed = arrow::MakeArray(WithType(rows->data(), arrow::struct_(target_->fields())));
    ARROW_ASSIGN_OR_RAISE(auto batch, arrow::RecordBatch::FromStructArray(typed));
    batches_.push_back(arrow::RecordBatch::Make(target_, batch->num_rows(), batch->columns()));
    rows_ = 0;
    return arrow::Status::OK();
  }

  const Schema& schema_;
  std::string source_;
  std::shared_ptr<arrow::Schema> target_;
  std::shared_ptr<arrow::DataType> row_type_;
  std::unique_ptr<arrow::StructBuilder> builder_;
  RowAppender appender_;
  std::string pending_;
  size_t scanned_ = 0;
  int64_t line_number_ = 0;
  int64_t rows_ = 0;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches_;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ReadJsonRows(arrow::io::InputStream* input,
                                                          const Schema& schema,
                                                          const std::string& source) {
  JsonRowsReader reader(schema, source);
  ARROW_RETURN_NOT_OK(reader.Init());
  while (true) {
    auto chunk = input->Read(kReadChunk);
    if (!chunk.ok()) {
      return arrow::Status::IOError("cannot read ", source, ": ", chunk.status().message());
    }
    if ((*chunk)->size() == 0) break;
    ARROW_RETURN_NOT_OK(reader.Feed(
        std::string_view(reinterpret_cast<const char*>((*chunk)->data()), (*chunk)->size())));
  }
  return reader.Finish();
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadJsonRows(std::string_view text,
                                                          const Schema& schema,
                                                          const std::string& source) {
  JsonRowsReader reader(schema, source);
  ARROW_RETURN_NOT_OK(reader.Init());
  ARROW_RETURN_NOT_OK(reader.Feed(text));
  return reader.Finish();
}

}  // namespace floe::iceberg
