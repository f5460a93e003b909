#include "floe/stream/stream_infer.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "floe/iceberg/type/schema_text.h"
#include "floe/stream/debezium.h"
#include "floe/stream/stream_evolve.h"

namespace floe::stream {
namespace {

// A column reading the JSON key of its name, or the metadata value its name names.
ColumnMapping ColumnNamed(const std::string& name, iceberg::TypePtr type, bool required) {
  ColumnMapping column;
  column.name = name;
  column.type = std::move(type);
  column.type_text = iceberg::TypeToText(*column.type);
  column.required = required;
  if (auto meta = MetaFieldNamed(name)) {
    column.meta = meta->first;
  } else {
    column.path = {name};
  }
  // Objects and lists arrive as their JSON text, as --evolve keeps them (and a flag or a
  // number in a string column, as --evolve may have made __deleted, as its text).
  if (column.type->id() == iceberg::TypeId::kString) {
    column.transforms.push_back({Transform::Kind::kCast, ""});
  }
  return column;
}

// The fields of a message key that is a JSON object (Debezium's, maybe in {schema, payload}).
std::vector<std::string> KeyFields(const std::optional<std::string>& key) {
  if (!key) return {};
  auto root = nlohmann::json::parse(*key, nullptr, /*allow_exceptions=*/false);
  if (root.is_object() && root.contains("payload") && root["payload"].is_object()) {
    root = root["payload"];
  }
  std::vector<std::string> fields;
  if (!root.is_object()) return fields;
  for (const auto& [name, value] : root.items()) fields.push_back(name);
  return fields;
}

const char* kInferred = "the inferred mapping";

}  // namespace

arrow::Result<StreamMapping> MappingFromSchema(const iceberg::Schema& schema) {
  std::vector<ColumnMapping> columns;
  for (const auto& field : schema.fields()) {
    columns.push_back(ColumnNamed(field.name, field.type, field.required));
  }
  std::vector<std::string> key;
  for (int32_t id : schema.identifier_field_ids()) {
    for (const auto& field : schema.fields()) {
      if (field.id == id) key.push_back(field.name);
    }
  }
  return StreamMapping::FromColumns(std::move(columns), std::move(key), "the table's schema");
}

arrow::Result<std::optional<StreamMapping>> InferMapping(const std::vector<KafkaMessage>& messages,
                                                         StreamMode mode,
                                                         const std::vector<std::string>& key) {
  std::vector<std::pair<std::string, iceberg::TypePtr>> found;
  std::set<std::string> seen;  // lower-cased: rows match columns ignoring case
  bool any_record = false;
  bool envelope = false;
  std::vector<std::string> message_key;
  for (const auto& message : messages) {
    ChangeEvent event;
    if (DecodeChangeEvent(message.value, &event) || !event.record.is_object()) continue;
    any_record = true;
    envelope = envelope || (!event.op.empty() && !event.record.contains("__op"));
    if (message_key.empty()) message_key = KeyFields(message.key);
    for (const auto& [name, value] : event.record.items()) {
      // A dot would read as a nested field's path; a null gives no type yet.
      if (name.empty() || name.find('.') != std::string::npos || value.is_null()) continue;
      if (!seen.insert(LowerName(name)).second) continue;
      auto meta = MetaFieldNamed(name);
      found.emplace_back(name, meta ? *iceberg::ParseTypeText(meta->second)
                                    : InferColumnType(value));
    }
  }
  if (!any_record) return std::nullopt;
  if (envelope && mode == StreamMode::kAppend) {
    for (const char* name : {"__op", "__source_ts_ms"}) {
      if (seen.insert(name).second) {
        found.emplace_back(name, *iceberg::ParseTypeText(MetaFieldNamed(name)->second));
      }
    }
  }
  std::vector<ColumnMapping> columns;
  for (const auto& [name, type] : found) columns.push_back(ColumnNamed(name, type, false));
  auto is_data_column = [&](const std::string& name) {
    return std::any_of(columns.begin(), columns.end(), [&](const ColumnMapping& c) {
      return c.name == name && c.meta == MetaField::kNone && c.type->is_primitive();
    });
  };
  std::vector<std::string> chosen = key;
  if (chosen.empty() && !message_key.empty() &&
      std::all_of(message_key.begin(), message_key.end(), is_data_column)) {
    chosen = message_key;
  }
  for (const auto& k : key) {
    if (!is_data_column(k)) {
      return arrow::Status::Invalid("--key ", k, ": not a column of the messages (columns: ",
                                    DescribeMapping(*StreamMapping::FromColumns(columns, {}, "")),
                                    ")");
    }
  }
  // The key columns first and the metadata last; the JSON parser keeps a record's keys sorted,
  // so the others come in that order, record by record.
  std::stable_partition(columns.begin(), columns.end(),
                        [](const ColumnMapping& c) { return c.meta == MetaField::kNone; });
  auto key_rank = [&](const ColumnMapping& c) {
    return std::find(chosen.begin(), chosen.end(), c.name) - chosen.begin();
  };
  std::stable_sort(columns.begin(), columns.end(),
                   [&](const auto& a, const auto& b) { return key_rank(a) < key_rank(b); });
  ARROW_ASSIGN_OR_RAISE(
      auto mapping, StreamMapping::FromColumns(std::move(columns), std::move(chosen), kInferred));
  return std::optional<StreamMapping>(std::move(mapping));
}

std::string DescribeMapping(const StreamMapping& mapping) {
  static const char* kMetaText[] = {"",   "topic", "partition",    "offset", "timestamp",
                                    "key", "op",   "source_ts_ms", "deleted"};
  std::string out;
  for (const auto& c : mapping.columns()) {
    if (!out.empty()) out += ", ";
    out += c.name + " " + c.type_text + (c.required ? " not null" : "");
    if (c.meta != MetaField::kNone) out += std::string(" (") + kMetaText[int(c.meta)] + ")";
  }
  out += "; key [";
  for (size_t i = 0; i < mapping.key().size(); ++i) out += (i ? ", " : "") + mapping.key()[i];
  return out + "]";
}

}  // namespace floe::stream
