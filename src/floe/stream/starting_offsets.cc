#include "floe/stream/starting_offsets.h"

#include <cctype>

#include "floe/stream/stream_transforms_internal.h"

namespace floe::stream {

arrow::Result<StartingOffsets> StartingOffsets::Parse(const std::string& text) {
  StartingOffsets out;
  if (text == "earliest") return out;
  if (text == "latest") {
    out.kind = Kind::kLatest;
    return out;
  }
  if (!text.empty() && text[0] == '{') {
    out.kind = Kind::kOffsets;
    ARROW_ASSIGN_OR_RAISE(out.offsets, DecodeOffsets(text, "--starting-offsets"));
    return out;
  }
  out.kind = Kind::kTimestamp;
  bool digits = !text.empty() && text.size() <= 15;
  for (char c : text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    out.timestamp_ms = std::stoll(text);
    return out;
  }
  for (const char* format : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
                             "%Y-%m-%d"}) {
    if (auto micros = internal::ParseTimestampFormat(text, format)) {
      // Kafka timestamps are milliseconds: a time within a millisecond starts at its next one.
      out.timestamp_ms = *micros / 1000 + (*micros % 1000 > 0 ? 1 : 0);
      return out;
    }
  }
  return arrow::Status::Invalid(
      "--starting-offsets '", text,
      "': give earliest, latest, offsets per partition as JSON ({\"topic\": {\"0\": 5}}), "
      "milliseconds since the epoch, or an ISO-8601 time (2025-12-01T08:00:00Z)");
}

}  // namespace floe::stream
