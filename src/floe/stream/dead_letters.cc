#include "floe/stream/dead_letters.h"

#include <nlohmann/json.hpp>

#include "floe/iceberg/data/json_rows.h"
#include "floe/iceberg/update/update_schema.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/util/hex.h"

namespace floe::stream {
namespace {

iceberg::NestedField Field(int32_t id, const char* name, iceberg::TypePtr type, bool required) {
  iceberg::NestedField f;
  f.id = id;
  f.name = name;
  f.type = std::move(type);
  f.required = required;
  return f;
}

}  // namespace

const std::shared_ptr<const iceberg::Schema>& DeadLetterSchema() {
  using iceberg::Type;
  static const auto kSchema = std::make_shared<const iceberg::Schema>(
      0, std::vector<iceberg::NestedField>{
             Field(1, "topic", Type::String(), true),
             Field(2, "partition", Type::Int(), true),
             Field(3, "offset", Type::Long(), true),
             Field(4, "timestamp", Type::TimestampTz(), false),
             Field(5, "key", Type::Binary(), false),
             Field(6, "value", Type::Binary(), false),
             Field(7, "reason", Type::String(), true),
             Field(8, "error", Type::String(), false),
             Field(9, "stream_id", Type::String(), true),
             Field(10, "failed_at", Type::TimestampTz(), false),
             Field(11, "headers",
                   Type::Map(Field(12, "key", Type::String(), true),
                             Field(13, "value", Type::Binary(), false)),
                   false),
         });
  return kSchema;
}

arrow::Status AddMissingDeadLetterColumns(const std::shared_ptr<iceberg::Table>& table) {
  auto missing = [&] {
    return table->metadata().CurrentSchema()->FindFieldByName("headers") == nullptr;
  };
  if (!missing()) return arrow::Status::OK();
  iceberg::UpdateSchema update(table);
  update.AddColumn("headers", DeadLetterSchema()->FindFieldByName("headers")->type,
                   "the message's Kafka headers");
  auto status = update.Commit();
  // A concurrent process of the stream adding it too makes ours conflict: take the table's.
  ARROW_RETURN_NOT_OK(table->Refresh());
  return missing() ? status : arrow::Status::OK();
}

iceberg::TableIdentifier DeadLetterTableId(const iceberg::TableIdentifier& data) {
  return {data.ns, data.name + "_dlq"};
}

arrow::Result<std::shared_ptr<arrow::Table>> DeadLetterRows(const std::vector<DeadLetter>& letters,
                                                            const iceberg::Schema& schema,
                                                            const std::string& stream_id,
                                                            int64_t failed_at_ms) {
  // Through the JSON rows reader: binary columns take hex, so the bytes arrive exactly.
  std::string lines;
  const std::string failed_at = iceberg::FormatTimestamp(failed_at_ms * 1000, true);
  const bool keeps_headers = schema.FindFieldByName("headers") != nullptr;
  for (const auto& l : letters) {
    nlohmann::json row = {{"topic", l.topic},      {"partition", l.partition},
                          {"offset", l.offset},    {"reason", l.reason},
                          {"error", l.error},      {"stream_id", stream_id},
                          {"failed_at", failed_at}};
    row["timestamp"] = l.timestamp_ms
                           ? nlohmann::json(iceberg::FormatTimestamp(*l.timestamp_ms * 1000, true))
                           : nlohmann::json(nullptr);
    row["key"] = l.key ? nlohmann::json(util::ToHex(*l.key)) : nlohmann::json(nullptr);
    row["value"] = l.value ? nlohmann::json(util::ToHex(*l.value)) : nlohmann::json(nullptr);
    if (keeps_headers) {
      auto& headers = row["headers"] = nlohmann::json::object();
      for (const auto& h : l.headers) {
        headers[h.name] = h.value ? nlohmann::json(util::ToHex(*h.value)) : nlohmann::json(nullptr);
      }
    }
    lines += row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += '\n';
  }
  return iceberg::ReadJsonRows(lines, schema, "dead letters");
}

}  // namespace floe::stream
