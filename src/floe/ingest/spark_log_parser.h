#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

namespace floe::ingest {

/// A line of a log file that is not a valid record.
struct RejectedLine {
  int64_t line = 0;  ///< 1-based physical line number in the (decompressed) file
  /// "invalid_json", "missing_field:<path>" (e.g. "missing_field:kubernetes.labels.app") or
  /// "bad_timestamp".
  std::string reason;
  /// The line's bytes as split: without the "\n", without one trailing "\r", and for line 1
  /// without a leading UTF-8 byte-order mark. Not necessarily valid UTF-8.
  std::string raw;
};

/// What ParseFile saw; it adds to these, so one object can total several files.
/// lines == records + rejected + blank.
struct ParseCounts {
  int64_t lines = 0;     ///< physical lines (a final line without "\n" counts, "" has none)
  int64_t records = 0;   ///< valid lines, appended as rows
  int64_t rejected = 0;  ///< lines reported in the rejects
  int64_t blank = 0;     ///< lines of only spaces, tabs and CRs (or empty): skipped silently
  int64_t bytes = 0;     ///< content bytes parsed
};

/// Turns Fluent Bit's JSON Lines of Spark-on-Kubernetes logs into rows of SparkLogSchema().
///
/// A record is one line, one JSON object (RFC 8259, fully validated: UTF-8, escapes,
/// surrogate pairs, numbers, literals, nesting up to 1024, nothing after the object), else it
/// is rejected as `invalid_json`. Then `timestamp`, `log_level`, `message`,
/// `kubernetes.pod_name`, `kubernetes.namespace_name`, `kubernetes.labels.app` and
/// `kubernetes.labels.spark-app-selector` must be present and non-empty, in that order, the
/// first failure giving `missing_field:<path>`. Missing means absent, null, a string of only
/// JSON whitespace (space, tab, LF, CR; including ""), or an empty object or array; numbers
/// and booleans are never empty. `kubernetes` and `labels` that are not objects hold none of their
/// fields. Then `timestamp` must be an RFC 3339 string (ParseTimestampMicros) or a number of epoch
/// seconds (ParseEpochSecondsMicros), else `bad_timestamp`.
///
/// Values: strings are stored unescaped, numbers and booleans as their JSON text as written
/// (`1.50`, `true`), objects and arrays as minified JSON; absent or null values are NULL, an
/// optional field's empty string stays "". `log_level` is upper-cased (ASCII letters only).
/// When a key repeats, the last occurrence wins (a repeated `kubernetes` or `labels` object
/// replaces all of the earlier one's fields).
///
/// One parser per thread; it reuses its buffers, so steady-state parsing does not allocate
/// per line.
class SparkLogParser {
 public:
  SparkLogParser();
  ~SparkLogParser();
  SparkLogParser(const SparkLogParser&) = delete;
  SparkLogParser& operator=(const SparkLogParser&) = delete;

  /// Appends the valid records of one file's decompressed content to the buffered rows and
  /// the rejected lines to *rejects (in line order), adding to *counts. Lines end with "\n"
  /// ("\r\n" too: one trailing "\r" is dropped); the last may lack it; a UTF-8 byte-order mark
  /// at the start is ignored. Fails only when the buffers cannot take the file (out of memory,
  /// or one column holding 2 GiB or more in one batch: flush more often); then the file leaves
  /// nothing behind, neither rows nor rejects nor counts.
  arrow::Status ParseFile(std::string_view content, std::vector<RejectedLine>* rejects,
                          ParseCounts* counts);

  /// The same for a piece of a file read in windows: `content` holds whole lines (the last
  /// one may lack its "\n" only at the end of the file), the first of them numbered
  /// `first_line`; a byte-order mark is looked for only when `file_start`. Fails like
  /// ParseFile, leaving nothing of the piece behind.
  arrow::Status ParseLines(std::string_view content, int64_t first_line, bool file_start,
                           std::vector<RejectedLine>* rejects, ParseCounts* counts);

  /// Rows buffered since the last Flush.
  int64_t num_rows() const;
  /// Approximate memory held by the buffered rows.
  int64_t buffered_bytes() const;

  /// The buffered rows as one batch in SparkLogBatchSchema(); the buffers start over empty
  /// (a batch of 0 rows when there are none).
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Flush();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::ingest
