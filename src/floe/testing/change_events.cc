#include "floe/testing/change_events.h"

#include <nlohmann/json.hpp>
#include <set>

#include "floe/testing/corpus_random_internal.h"

namespace floe::testing {
namespace {

using Json = nlohmann::ordered_json;  // Debezium's column order, id first

// The sample's created_at: 2025-11-07T11:29:32.953131Z.
constexpr int64_t kStartUs = 1762514972953131;
// The generator's random stream (corpus_random_internal.h keeps purposes independent).
constexpr uint64_t kStream = 0x6b61666b61;

constexpr const char* kBadKinds[] = {kBadNotJson, kBadMissingId, kBadUncastable};
constexpr const char* kLaterStatuses[] = {"driver_assigned", "in_progress", "completed",
                                          "cancelled"};

struct Ride {
  int64_t booking_tenths = 0;       ///< booking_value × 10
  int64_t distance_hundredths = 0;  ///< ride_distance × 100
  std::string status;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

// Python's repr of the bytes of a number's text, as the sample's connector wrote them.
std::string BytesLiteral(int64_t scaled, int digits) {
  const int64_t unit = digits == 1 ? 10 : 100;
  std::string fraction = std::to_string(scaled % unit);
  while (static_cast<int>(fraction.size()) < digits) fraction.insert(0, "0");
  return "b'" + std::to_string(scaled / unit) + "." + fraction + "'";
}

Json RowOf(int64_t id, const Ride& r) {
  Json row;
  row["id"] = id;
  row["booking_value"] = BytesLiteral(r.booking_tenths, 1);
  row["ride_distance"] = BytesLiteral(r.distance_hundredths, 2);
  row["status"] = r.status;
  row["created_at"] = r.created_at_us;
  row["updated_at"] = r.updated_at_us;
  return row;
}

}  // namespace

arrow::Result<ChangeEventFormat> ParseChangeEventFormat(const std::string& text) {
  if (text == "debezium-flat") return ChangeEventFormat::kDebeziumFlat;
  if (text == "debezium-envelope") return ChangeEventFormat::kDebeziumEnvelope;
  return arrow::Status::Invalid("--format is debezium-flat or debezium-envelope, not '", text,
                                "'");
}

class ChangeEventGenerator::Impl {
 public:
  explicit Impl(ChangeEventOptions options)
      : options(std::move(options)), rng(this->options.seed, kStream) {}

  ChangeEventOptions options;
  corpus::Rng rng;
  std::map<int64_t, Ride> live;
  std::set<int64_t> seen;
  std::optional<int64_t> tombstone_due;  ///< the key of the delete just sent
  int64_t now_us = kStartUs;
  int64_t bad_dealt = 0;

  // The event for `id` as `op` (with the row before and after it), in the chosen form.
  Json Event(int64_t id, const std::string& op, const std::optional<Ride>& before,
             const std::optional<Ride>& after) {
    const int64_t source_ms = now_us / 1000;
    if (options.format == ChangeEventFormat::kDebeziumFlat) {
      Json row = RowOf(id, after ? *after : *before);
      row["__op"] = op;
      row["__deleted"] = op == "d" ? "true" : "false";
      row["__source_ts_ms"] = source_ms;
      return row;
    }
    Json payload;
    payload["before"] = before ? RowOf(id, *before) : Json(nullptr);
    payload["after"] = after ? RowOf(id, *after) : Json(nullptr);
    payload["source"] = {{"version", "2.7.3.Final"}, {"connector", "postgresql"},
                         {"name", "floe_gen"},       {"ts_ms", source_ms},
                         {"snapshot", op == "r" ? "true" : "false"},
                         {"db", "business"},         {"schema", "public"},
                         {"table", "rides"}};
    payload["op"] = op;
    payload["ts_ms"] = source_ms + rng.Between(5, 80);
    Json envelope;
    envelope["schema"] = nullptr;
    envelope["payload"] = std::move(payload);
    return envelope;
  }

  // The row image the stream maps: `after`, or `before` for a delete.
  Json& MappedRow(Json& event, const std::string& op) {
    if (options.format == ChangeEventFormat::kDebeziumFlat) return event;
    return event["payload"][op == "d" ? "before" : "after"];
  }

  ChangeMessage Next(ChangeEventSummary* summary) {
    ChangeMessage m;
    if (tombstone_due) {
      m.key = std::to_string(*tombstone_due);
      tombstone_due.reset();
      ++summary->tombstones;
      return m;
    }
    now_us += rng.Between(1, 2000) * 1000;
    const int64_t id = rng.Between(1, options.keys);
    m.key = std::to_string(id);
    const bool bad = options.bad_rate > 0 && rng.Chance(options.bad_rate);
    std::optional<Ride> before, after;
    if (auto it = live.find(id); it == live.end()) {
      // A snapshot read for a ride first seen, now and then; otherwise an insert.
      m.op = !seen.count(id) && rng.Chance(0.25) ? "r" : "c";
      Ride r;
      r.booking_tenths = rng.Between(500, 30'000);
      r.distance_hundredths = rng.Between(50, 6'000);
      r.status = "booked";
      r.created_at_us = r.updated_at_us = now_us;
      after = r;
    } else {
      before = it->second;
      if (rng.Chance(0.15)) {
        m.op = "d";
      } else {
        m.op = "u";
        Ride r = it->second;
        r.status = kLaterStatuses[rng.Below(4)];
        if (rng.Chance(0.5)) r.distance_hundredths += rng.Between(1, 500);
        r.updated_at_us = now_us;
        after = r;
      }
    }
    Json event = Event(id, m.op, before, after);
    if (bad) {
      m.bad_kind = kBadKinds[bad_dealt++ % 3];
      if (m.bad_kind == kBadMissingId) MappedRow(event, m.op).erase("id");
      if (m.bad_kind == kBadUncastable) MappedRow(event, m.op)["booking_value"] = "b'n/a'";
    }
    m.value = event.dump();
    if (m.bad_kind == kBadNotJson) {
      // Cut short, as by a producer that died mid-write: a prefix of an object is never JSON.
      m.value->resize(m.value->size() / 2);
    }
    if (bad) {
      ++summary->bad_messages;
      ++summary->bad_by_kind[m.bad_kind];
      return m;  // changes no ride
    }
    ++summary->ops[m.op];
    seen.insert(id);
    if (m.op == "d") {
      live.erase(id);
      if (options.tombstones) tombstone_due = id;
    } else {
      live[id] = *after;
    }
    return m;
  }
};

arrow::Result<std::unique_ptr<ChangeEventGenerator>> ChangeEventGenerator::Make(
    ChangeEventOptions options) {
  if (options.keys < 1) return arrow::Status::Invalid("--keys must be at least 1");
  if (!(options.bad_rate >= 0 && options.bad_rate <= 1)) {
    return arrow::Status::Invalid("--bad-rate is a share between 0 and 1");
  }
  return std::unique_ptr<ChangeEventGenerator>(
      new ChangeEventGenerator(std::make_unique<Impl>(std::move(options))));
}

ChangeEventGenerator::ChangeEventGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChangeEventGenerator::~ChangeEventGenerator() = default;

ChangeMessage ChangeEventGenerator::Next() {
  ChangeMessage m = impl_->Next(&summary_);
  ++summary_.messages;
  summary_.bytes += static_cast<int64_t>(m.key.size() + (m.value ? m.value->size() : 0));
  summary_.live_keys = static_cast<int64_t>(impl_->live.size());
  return m;
}

}  // namespace floe::testing
