#include "floe/stream/debezium.h"

namespace floe::stream {
namespace {

std::optional<int64_t> IntegerField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      size_t used = 0;
      int64_t v = std::stoll(it->get<std::string>(), &used);
      if (used == it->get<std::string>().size()) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

bool IsEnvelope(const nlohmann::json& j) {
  return j.is_object() && j.contains("op") && (j.contains("after") || j.contains("before"));
}

}  // namespace

std::optional<std::string> DecodeChangeEvent(const std::optional<std::string_view>& value,
                                             ChangeEvent* event) {
  *event = ChangeEvent{};
  if (!value) {
    event->kind = ChangeEvent::Kind::kTombstone;
    return std::nullopt;
  }
  nlohmann::json root = nlohmann::json::parse(*value, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return std::string("not valid JSON");
  // The JSON converter with schemas enabled wraps the event as {"schema", "payload"}.
  const nlohmann::json* body = &root;
  if (root.is_object() && root.contains("payload") && root["payload"].is_object() &&
      (root.contains("schema") || root.size() == 1)) {
    body = &root["payload"];
  }
  if (IsEnvelope(*body)) {
    const auto& op = (*body)["op"];
    if (!op.is_string()) return std::string("Debezium envelope: op is not a string");
    event->op = op.get<std::string>();
    event->deleted = event->op == "d";
    const char* image = event->deleted ? "before" : "after";
    auto it = body->find(image);
    if (it == body->end() || !it->is_object()) {
      return std::string("Debezium envelope with op '") + event->op + "' has no '" + image +
             "' row";
    }
    event->record = *it;
    if (auto source = body->find("source"); source != body->end()) {
      event->source_ts_ms = IntegerField(*source, "ts_ms");
    }
    if (!event->source_ts_ms) event->source_ts_ms = IntegerField(*body, "ts_ms");
    return std::nullopt;
  }
  event->record = std::move(*body);
  if (event->record.is_object()) {
    auto& r = event->record;
    if (auto it = r.find("__op"); it != r.end() && it->is_string())
      event->op = it->get<std::string>();
    if (auto it = r.find("__deleted"); it != r.end()) {
      event->deleted = it->is_boolean() ? it->get<bool>()
                                        : (it->is_string() && it->get<std::string>() == "true");
    }
    if (event->op == "d") event->deleted = true;
    event->source_ts_ms = IntegerField(r, "__source_ts_ms");
  }
  return std::nullopt;
}

}  // namespace floe::stream
