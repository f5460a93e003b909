#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "floe/ingest/decompress.h"
#include "floe/ingest/spark_log_parser.h"
#include "floe/io/file_io.h"

namespace floe::ingest {

/// Which bytes of a source file to read, and what earlier batches recorded of the bytes
/// before them.
struct ReadPlan {
  int64_t start = 0;        ///< first byte to parse; [0, start) was read by earlier batches
  int64_t end = 0;          ///< the file's size when listed: bytes past it wait for a later run
  uint64_t prefix_crc = 0;  ///< CRC-64 of [0, start) as recorded, checked before parsing
  int64_t first_line = 1;   ///< number of the line that starts (or continues) at `start`
  /// The format found at offset 0 when start > 0 (appended data must be in the same one).
  Compression compression = Compression::kNone;
};

/// What reading a plan found.
struct ReadOutcome {
  /// The bytes before `start` are not those recorded: nothing was parsed.
  bool changed = false;
  int64_t end = 0;            ///< end of the bytes consumed (the ingested prefix is [0, end))
  uint64_t crc = 0;           ///< CRC-64 of [0, end)
  int64_t last_line = 0;      ///< number of the last line consumed (first_line - 1 if none)
  bool at_line_start = true;  ///< the consumed content is empty or ends with "\n"
  /// Plain files whose content ends with an unterminated line that was rejected (it may be a
  /// line still being written): where that line starts, and the CRC-64 of the bytes before
  /// it, so that a later read of the grown file can read the line again whole. -1: none.
  int64_t rejected_tail_start = -1;
  uint64_t rejected_tail_crc = 0;
  Compression compression = Compression::kNone;
  std::string etag;  ///< of the object read, where the store has one (io::InputETag)
};

/// Lines longer than this are rejected as `line_too_long` without being parsed.
inline constexpr int64_t kDefaultMaxLineBytes = 16LL << 20;
/// How much of an over-long line its rejects row keeps (the whole line stays in the file).
inline constexpr int64_t kKeptBytesOfLongLine = 1LL << 20;

/// Reads one source file in bounded windows: the stage between the listing and the parser.
///
/// The file is read with pread (never mapped) and decoded as a stream, a window of a few MB
/// of whole lines at a time, so a file of any size or compression ratio costs time, not
/// memory. The prefix an earlier batch read is checked against its CRC-64 first. A file that
/// shrinks while it is read is an error naming it, never a crash. One reader per thread.
class SourceReader {
 public:
  explicit SourceReader(int64_t max_line_bytes = kDefaultMaxLineBytes);

  /// Parses `plan` of the file at `location` into `parser`, appending rejected lines to
  /// `*rejects` and adding to `*counts`; after every window `after_window` runs (to flush
  /// buffered rows and rejects, or to stop: its error ends the read).
  arrow::Result<ReadOutcome> Read(io::FileIO& io, const std::string& location, const ReadPlan& plan,
                                  SparkLogParser* parser, std::vector<RejectedLine>* rejects,
                                  ParseCounts* counts,
                                  const std::function<arrow::Status()>& after_window);

 private:
  int64_t max_line_bytes_;
  std::string window_;
};

}  // namespace floe::ingest
