#include "floe/stream/stream_mapping.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "floe/iceberg/type/schema_text.h"
#include "floe/stream/stream_transforms_internal.h"

namespace floe::stream {
namespace {

using internal::Value;

struct MetaName {
  const char* name;
  MetaField field;
  const char* default_type;
};

constexpr MetaName kMetaNames[] = {
    {"_topic", MetaField::kTopic, "string"},
    {"_partition", MetaField::kPartition, "int"},
    {"_offset", MetaField::kOffset, "long"},
    {"_timestamp", MetaField::kTimestamp, "timestamptz"},
    {"_key", MetaField::kKey, "string"},
    {"_op", MetaField::kOp, "string"},
    {"_source_ts_ms", MetaField::kSourceTsMs, "long"},
    {"_deleted", MetaField::kDeleted, "boolean"},
    {"_headers", MetaField::kHeaders, "map<string, string>"},
    // The fields Debezium's flattening (ExtractNewRecordState) adds, as a table has them.
    {"__op", MetaField::kOp, "string"},
    {"__source_ts_ms", MetaField::kSourceTsMs, "long"},
    {"__deleted", MetaField::kDeleted, "boolean"},
};

const MetaName* FindMeta(const std::string& name) {
  for (const auto& m : kMetaNames) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

arrow::Result<Transform> ParseTransform(const YAML::Node& node, const std::string& where) {
  std::string name, argument;
  if (node.IsScalar()) {
    std::string text = node.as<std::string>();
    auto space = text.find(' ');
    name = text.substr(0, space);
    if (space != std::string::npos) argument = text.substr(space + 1);
  } else if (node.IsMap() && node.size() == 1) {
    name = node.begin()->first.as<std::string>();
    argument = node.begin()->second.IsNull() ? "" : node.begin()->second.as<std::string>();
  } else {
    return arrow::Status::Invalid(where,
                                  ": a transform is a name (\"trim\"), a name and its "
                                  "argument (\"default 0\") or a one-key map ({default: 0})");
  }
  static const std::map<std::string, std::pair<Transform::Kind, bool>> kKinds = {
      {"strip_bytes_literal", {Transform::Kind::kStripBytesLiteral, false}},
      {"epoch_us", {Transform::Kind::kEpochUs, false}},
      {"epoch_ms", {Transform::Kind::kEpochMs, false}},
      {"epoch_s", {Transform::Kind::kEpochS, false}},
      {"parse_timestamp", {Transform::Kind::kParseTimestamp, true}},
      {"cast", {Transform::Kind::kCast, false}},
      {"trim", {Transform::Kind::kTrim, false}},
      {"lower", {Transform::Kind::kLower, false}},
      {"upper", {Transform::Kind::kUpper, false}},
      {"default", {Transform::Kind::kDefault, true}},
      {"null_if", {Transform::Kind::kNullIf, true}},
  };
  auto it = kKinds.find(name);
  if (it == kKinds.end()) {
    return arrow::Status::Invalid(where, ": unknown transform '", name,
                                  "' (strip_bytes_literal, epoch_us, epoch_ms, epoch_s, "
                                  "parse_timestamp FORMAT, cast, trim, lower, upper, default V, "
                                  "null_if V)");
  }
  if (it->second.second && argument.empty() && it->second.first != Transform::Kind::kNullIf) {
    return arrow::Status::Invalid(where, ": transform '", name, "' needs an argument");
  }
  if (!it->second.second && !argument.empty()) {
    return arrow::Status::Invalid(where, ": transform '", name, "' takes no argument");
  }
  return Transform{it->second.first, argument};
}

arrow::Result<ColumnMapping> ParseColumn(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap())
    return arrow::Status::Invalid(where, ": a column is a map with name, path, type");
  static const std::set<std::string> kKeys = {"name", "path",      "meta",     "header",
                                              "type", "transform", "required"};
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (!kKeys.count(key)) {
      return arrow::Status::Invalid(where, ": unknown key '", key,
                                    "' (name, path, meta, header, type, transform, required)");
    }
  }
  ColumnMapping column;
  if (!node["name"] || !node["name"].IsScalar() || node["name"].as<std::string>().empty()) {
    return arrow::Status::Invalid(where, ": a column needs a name");
  }
  column.name = node["name"].as<std::string>();
  const std::string at = where + " (column '" + column.name + "')";
  const MetaName* meta = nullptr;
  if (node["meta"]) {
    meta = FindMeta(node["meta"].as<std::string>());
    if (meta == nullptr) {
      return arrow::Status::Invalid(at, ": unknown meta '", node["meta"].as<std::string>(),
                                    "' (_topic, _partition, _offset, _timestamp, _key, "
                                    "_headers, _op, _source_ts_ms, _deleted)");
    }
  }
  if (const auto& header = node["header"]) {
    if (meta != nullptr || node["path"]) {
      return arrow::Status::Invalid(at, ": give one of path, meta and header");
    }
    if (!header.IsScalar() || header.as<std::string>().empty()) {
      return arrow::Status::Invalid(at, ": header is the name of a Kafka header");
    }
    column.header = header.as<std::string>();
  }
  if (const auto& path = node["path"]) {
    if (meta != nullptr) return arrow::Status::Invalid(at, ": give path or meta, not both");
    if (path.IsScalar()) {
      column.path.push_back(path.as<std::string>());
    } else if (path.IsSequence() && path.size() > 0) {
      for (const auto& p : path) column.path.push_back(p.as<std::string>());
    } else {
      return arrow::Status::Invalid(at, ": path is a key or a list of keys");
    }
  } else if (meta == nullptr && column.header.empty()) {
    meta = FindMeta(column.name);
    if (meta == nullptr) return arrow::Status::Invalid(at, ": a column needs a path (or meta)");
  }
  if (meta != nullptr) column.meta = meta->field;
  if (node["type"]) {
    column.type_text = node["type"].as<std::string>();
  } else if (meta != nullptr) {
    column.type_text = meta->default_type;
  } else if (!column.header.empty()) {
    column.type_text = "string";
  } else {
    return arrow::Status::Invalid(at, ": a column needs a type");
  }
  auto type = iceberg::ParseTypeText(column.type_text);
  if (!type.ok()) return arrow::Status::Invalid(at, ": type: ", type.status().message());
  column.type = *type;
  if (const auto& t = node["transform"]) {
    if (t.IsSequence()) {
      for (const auto& step : t) {
        ARROW_ASSIGN_OR_RAISE(auto parsed, ParseTransform(step, at));
        column.transforms.push_back(std::move(parsed));
      }
    } else {
      ARROW_ASSIGN_OR_RAISE(auto parsed, ParseTransform(t, at));
      column.transforms.push_back(std::move(parsed));
    }
  }
  if (node["required"]) column.required = node["required"].as<bool>();
  return column;
}

// Quotes a name for schema text.
std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

namespace internal {

Value MetaValue(MetaField field, const MessageMeta& meta) {
  Value v;
  switch (field) {
    case MetaField::kTopic:
      v.json = meta.topic;
      break;
    case MetaField::kPartition:
      v.json = meta.partition;
      break;
    case MetaField::kOffset:
      v.json = meta.offset;
      break;
    case MetaField::kTimestamp:
      if (meta.timestamp_ms) {
        v.json = *meta.timestamp_ms;
        v.instant_us = *meta.timestamp_ms * 1000;
      }
      break;
    case MetaField::kKey:
      if (meta.key) v.json = *meta.key;
      break;
    case MetaField::kOp:
      if (!meta.op.empty()) v.json = meta.op;
      break;
    case MetaField::kSourceTsMs:
      if (meta.source_ts_ms) v.json = *meta.source_ts_ms;
      break;
    case MetaField::kDeleted:
      v.json = meta.deleted;
      break;
    case MetaField::kHeaders:
      // The object form ReadJsonRows reads for a map; a later repeat overwrites an earlier one.
      v.json = nlohmann::json::object();
      for (const auto& h : meta.headers) {
        v.json[h.name] = h.value ? nlohmann::json(*h.value) : nlohmann::json(nullptr);
      }
      break;
    case MetaField::kNone:
      break;
  }
  return v;
}

// The last header named `name` (what librdkafka's Headers::get_last gives).
Value HeaderValue(const std::string& name, const MessageMeta& meta) {
  Value v;
  for (auto it = meta.headers.rbegin(); it != meta.headers.rend(); ++it) {
    if (it->name != name) continue;
    if (it->value) v.json = *it->value;
    break;
  }
  return v;
}

std::optional<MappingError> MapValue(const ColumnMapping& column, Value* value) {
  for (const auto& t : column.transforms) {
    if (auto error = ApplyTransform(t, *column.type, value)) {
      return MappingError{kReasonCastFailed, "column '" + column.name + "': " + *error};
    }
  }
  if (auto error = ConvertToType(*column.type, /*cast=*/false, value)) {
    return MappingError{kReasonCastFailed, "column '" + column.name + "': " + *error};
  }
  if (value->is_null() && column.required) {
    return MappingError{kReasonMissingRequired,
                        "column '" + column.name + "': required and missing or null"};
  }
  return std::nullopt;
}

}  // namespace internal

arrow::Result<StreamMapping> StreamMapping::Parse(std::string_view yaml,
                                                  const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return arrow::Status::Invalid(source, ": not valid YAML: ", e.what());
  }
  if (!root.IsMap() || !root["columns"] || !root["columns"].IsSequence() ||
      root["columns"].size() == 0) {
    return arrow::Status::Invalid(source, ": a mapping file has a `columns` list");
  }
  std::vector<ColumnMapping> columns;
  std::vector<std::string> key;
  try {
    size_t index = 0;
    for (const auto& node : root["columns"]) {
      ++index;
      ARROW_ASSIGN_OR_RAISE(auto column,
                            ParseColumn(node, source + ": columns[" + std::to_string(index) + "]"));
      columns.push_back(std::move(column));
    }
    if (const auto& k = root["key"]) {
      if (k.IsScalar()) {
        key.push_back(k.as<std::string>());
      } else {
        for (const auto& one : k) key.push_back(one.as<std::string>());
      }
    }
  } catch (const YAML::Exception& e) {
    return arrow::Status::Invalid(source, ": ", e.what());
  }
  return FromColumns(std::move(columns), std::move(key), source);
}

arrow::Result<StreamMapping> StreamMapping::FromColumns(std::vector<ColumnMapping> columns,
                                                        std::vector<std::string> key,
                                                        const std::string& source) {
  StreamMapping mapping;
  std::set<std::string> names;
  for (auto& column : columns) {
    if (!names.insert(column.name).second) {
      return arrow::Status::Invalid(source, ": column '", column.name, "' is mapped twice");
    }
    mapping.columns_.push_back(std::move(column));
  }
  mapping.key_ = std::move(key);
  for (const auto& k : mapping.key_) {
    auto it = std::find_if(mapping.columns_.begin(), mapping.columns_.end(),
                           [&](const ColumnMapping& c) { return c.name == k; });
    if (it == mapping.columns_.end()) {
      return arrow::Status::Invalid(source, ": key column '", k, "' is not a mapped column");
    }
    if (!it->type->is_primitive()) {
      return arrow::Status::Invalid(source, ": key column '", k, "' must be a primitive type");
    }
    it->required = true;  // identifier fields are required
  }
  return mapping;
}

std::optional<std::pair<MetaField, std::string>> MetaFieldNamed(const std::string& name) {
  const MetaName* meta = FindMeta(name);
  if (meta == nullptr) return std::nullopt;
  return std::make_pair(meta->field, std::string(meta->default_type));
}

arrow::Result<iceberg::Schema> StreamMapping::TableSchema() const {
  std::string text;
  for (const auto& c : columns_) {
    if (!text.empty()) text += ", ";
    text += Quoted(c.name) + " " + c.type_text + (c.required ? " not null" : "");
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, iceberg::ParseSchemaText(text));
  std::vector<int32_t> ids;
  for (const auto& k : key_) ids.push_back(schema.FindFieldByName(k)->id);
  return iceberg::Schema(0, schema.fields(), ids);
}

std::optional<MappingError> StreamMapping::MapRecord(const nlohmann::json& record,
                                                     const MessageMeta& meta,
                                                     nlohmann::json* row) const {
  if (!record.is_object()) {
    return MappingError{kReasonNotARecord, "the message is " + std::string(record.type_name()) +
                                               ", not a JSON object"};
  }
  *row = nlohmann::json::object();
  for (const auto& column : columns_) {
    Value value;
    if (column.meta != MetaField::kNone) {
      value = internal::MetaValue(column.meta, meta);
    } else if (!column.header.empty()) {
      value = internal::HeaderValue(column.header, meta);
    } else {
      const nlohmann::json* at = &record;
      for (const auto& key : column.path) {
        if (!at->is_object()) {
          at = nullptr;
          break;
        }
        auto it = at->find(key);
        if (it == at->end()) {
          at = nullptr;
          break;
        }
        at = &*it;
      }
      if (at != nullptr) value.json = *at;
    }
    if (auto error = internal::MapValue(column, &value)) return error;
    (*row)[column.name] = std::move(value.json);
  }
  return std::nullopt;
}

}  // namespace floe::stream
