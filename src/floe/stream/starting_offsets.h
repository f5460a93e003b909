#pragma once

// `--starting-offsets`: where a stream starts reading a partition the table has never recorded
// (a partition it has recorded always resumes at the table's offset).
//
//   earliest                    the partition's first offset (the default)
//   latest                      its end: only messages produced from now on
//   {"topic": {"0": 5, "1": 0}} these offsets, in the form the snapshot summary keeps them;
//                               partitions it leaves out start at earliest
//   1764547200000               a time in milliseconds since the epoch, or
//   2025-12-01T00:00:00Z        ISO-8601 (a date, or date and time with optional fraction and
//                               zone; no zone is UTC): the first message at or after that time
//                               (Kafka's offsets-for-times); the end when there is none

#include <arrow/result.h>

#include <cstdint>
#include <string>

#include "floe/stream/stream_offsets.h"

namespace floe::stream {

struct StartingOffsets {
  enum class Kind { kEarliest, kLatest, kOffsets, kTimestamp };
  Kind kind = Kind::kEarliest;
  /// kOffsets: the partitions given.
  PartitionOffsets offsets;
  /// kTimestamp: milliseconds since the epoch.
  int64_t timestamp_ms = 0;

  /// Parses the option's text; errors say which forms it takes.
  static arrow::Result<StartingOffsets> Parse(const std::string& text);
};

}  // namespace floe::stream
