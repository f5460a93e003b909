#pragma once

// A deterministic generator of Spark-on-Kubernetes logs as Fluent Bit ships them to object
// storage: `<output>/spark-<32 hex>/<pod>/<pod>_<time>_<random>.json`, JSON Lines with the
// pod's Kubernetes metadata under `kubernetes`. Tests and benchmarks use it to make corpora of
// any size, with every kind of bad line a real folder holds, in known numbers.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace floe::testing {

/// The kinds of bad line the generator writes. Each maps to the one reject reason an ingest
/// that follows the rules must give it (see BadKindReason).
enum class BadKind : int {
  // invalid_json
  kTruncated = 0,     ///< a record cut short (an upload that died mid-line)
  kArray,             ///< a JSON array, not an object
  kNumber,            ///< a bare JSON number
  kString,            ///< a bare JSON string
  kInvalidUtf8,       ///< a record whose message holds bytes that are not UTF-8
  kTrailingGarbage,   ///< a record followed by more text on the same line
  kNonFiniteLiteral,  ///< a record with NaN or Infinity, which JSON does not have
  kPlainText,         ///< a line of plain text (a container that did not log JSON)
  // missing_field:<path>, for each required path absent, null, or empty ("", a string of only
  // JSON whitespace, {} or [])
  kTimestampAbsent,
  kTimestampNull,
  kTimestampEmpty,
  kLogLevelAbsent,
  kLogLevelNull,
  kLogLevelEmpty,
  kMessageAbsent,
  kMessageNull,
  kMessageEmpty,
  kPodNameAbsent,
  kPodNameNull,
  kPodNameEmpty,
  kNamespaceAbsent,
  kNamespaceNull,
  kNamespaceEmpty,
  kAppLabelAbsent,
  kAppLabelNull,
  kAppLabelEmpty,
  kSelectorAbsent,
  kSelectorNull,
  kSelectorEmpty,
  kKubernetesNotObject,  ///< `kubernetes` is a string, array or number: no pod_name below it
  kLabelsNotObject,      ///< `kubernetes.labels` is not an object: no app label below it
  // bad_timestamp
  kTimestampNoSuchDate,    ///< a day the month does not have, or one outside years 0001-9999
  kTimestampBadTime,       ///< RFC 3339 shape, but hour 24+ or minute/second 60+
  kTimestampLongFraction,  ///< more than 9 fraction digits
  kTimestampText,          ///< text that is not an RFC 3339 timestamp
  kTimestampBoolean,       ///< `true`
  kCount                   ///< number of kinds, not a kind
};

inline constexpr int kBadKindCount = static_cast<int>(BadKind::kCount);

/// Stable snake_case name of a kind ("truncated", "timestamp_null", …).
std::string_view BadKindName(BadKind kind);

/// The reject reason an ingest gives a line of this kind: "invalid_json",
/// "missing_field:<path>" or "bad_timestamp".
std::string BadKindReason(BadKind kind);

/// What to generate. Sizes count uncompressed line bytes, line endings included.
struct CorpusOptions {
  std::string output;          ///< folder to create; must not exist or be empty
  uint64_t seed = 1;           ///< same seed and options → byte-identical corpus
  int apps = 4;                ///< `spark-<32 hex>` folders
  int executors_per_app = 3;   ///< executor pods per app, besides the driver
  int files_per_pod = 3;       ///< about this many files per pod (fewer if a pod has few lines)
  int64_t target_bytes = 16 << 20;  ///< total line bytes, when records_per_pod is 0
  int64_t records_per_pod = 0;      ///< exact non-blank lines per pod; overrides target_bytes

  double bad_line_rate = 0;  ///< chance that a line is bad
  /// Relative weight of each bad kind; kinds not listed weigh 1, weight 0 disables a kind.
  /// Kinds are dealt by smooth weighted round robin, so with equal weights any
  /// kBadKindCount consecutive bad lines hold every kind once.
  std::map<BadKind, double> bad_kind_weights;

  double gzip_share = 0;  ///< share of log files gzip-compressed (at least one if > 0)
  double zstd_share = 0;  ///< share of log files zstd-compressed (at least one if > 0)
  /// Shares of files with a UTF-8 BOM, CRLF line endings, blank lines (empty, or spaces and
  /// tabs) between records, and no newline after the last line. Each, if > 0, applies to at
  /// least one file.
  double bom_share = 0.05;
  double crlf_share = 0.1;
  double blank_line_share = 0.1;
  double no_final_newline_share = 0.05;
  /// Entries at the top level an ingest must ignore: folders not named `spark-…`, and plain
  /// files named `spark-…`; the folders hold log files that look real.
  int decoy_folders = 3;
};

/// What was written. Log files are the files under `spark-*` folders; decoys are counted apart.
struct CorpusSummary {
  int64_t files = 0;               ///< log files
  int64_t gzip_files = 0;
  int64_t zstd_files = 0;
  int64_t bytes = 0;               ///< log file bytes on disk
  int64_t uncompressed_bytes = 0;  ///< log file bytes after decompression, BOMs included
  int64_t lines = 0;               ///< physical lines: good + bad + blank
  int64_t blank_lines = 0;
  int64_t good_lines = 0;
  int64_t bad_lines = 0;
  std::map<std::string, int64_t> bad_by_kind;    ///< BadKindName → lines (kinds written only)
  std::map<std::string, int64_t> bad_by_reason;  ///< BadKindReason → lines
  int64_t decoy_entries = 0;  ///< top-level entries that are not `spark-*` folders
  int64_t decoy_files = 0;    ///< files inside or as decoy entries
  std::vector<std::string> app_folders;  ///< `spark-<32 hex>`, in generation order
};

/// Writes a corpus under `options.output`, one file at a time (memory stays bounded whatever
/// the size). Fails if the output folder is not empty or on any write error.
arrow::Result<CorpusSummary> GenerateCorpus(const CorpusOptions& options);

}  // namespace floe::testing
