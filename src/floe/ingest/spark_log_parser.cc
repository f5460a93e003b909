#include "floe/ingest/spark_log_parser.h"

#include <cstring>

#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "floe/ingest/column_buffer_internal.h"
#include "floe/ingest/spark_log_schema.h"
#include "floe/ingest/timestamp_parse.h"
#include "floe/util/json_scan.h"

namespace floe::ingest {

using util::JsonCursor;

namespace {

/// What a field held in the line being parsed.
enum class Kind : uint8_t { kAbsent, kNull, kString, kNumber, kBool, kContainer };

struct Slot {
  Kind kind = Kind::kAbsent;
  /// kString: the unescaped value (in the line, or in the parser's arena when it had
  /// escapes); kNumber / kBool: the token as written (in the line); kContainer: minified
  /// JSON (in the parser's storage).
  std::string_view text;
};


enum class Outcome { kRecord, kInvalidJson, kMissingField, kBadTimestamp };

/// A line of only JSON whitespace (RFC 8259 §2: spaces, tabs and carriage returns; a line holds
/// no line feed) or nothing carries no record.
bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

/// A string value of only JSON whitespace counts as missing for the required fields: the same
/// four characters as a blank line, so form feeds and vertical tabs are content.
bool IsBlankValue(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

bool IsMissing(const Slot& slot) {
  switch (slot.kind) {
    case Kind::kAbsent:
    case Kind::kNull:
      return true;
    case Kind::kString:
      return IsBlankValue(slot.text);
    case Kind::kContainer:
      return slot.text.size() == 2;  // "{}" or "[]" once minified
    case Kind::kNumber:
    case Kind::kBool:
      return false;
  }
  return true;
}

void UpperCaseAscii(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] >= 'a' && p[i] <= 'z') p[i] = static_cast<char>(p[i] - ('a' - 'A'));
  }
}

constexpr std::string_view kBom("\xEF\xBB\xBF", 3);

}  // namespace

class SparkLogParser::Impl {
 public:
  arrow::Status ParseLines(std::string_view content, int64_t first_line, bool file_start,
                           std::vector<RejectedLine>* rejects, ParseCounts* counts) {
    const int64_t rows_before = num_rows();
    const size_t rejects_before = rejects->size();
    const ParseCounts counts_before = *counts;
    arrow::Status status = ParseEachLine(content, first_line, file_start, rejects, counts);
    if (!status.ok()) {
      Truncate(rows_before);
      rejects->resize(rejects_before);
      *counts = counts_before;
    }
    return status;
  }

  int64_t num_rows() const { return timestamps_.length(); }

  int64_t buffered_bytes() const {
    int64_t bytes = timestamps_.buffered_bytes() + message_.buffered_bytes();
    for (int c = 1; c < kNumSparkLogColumns; ++c) {
      if (c != kMessageColumn) bytes += dictionary_columns_[c].buffered_bytes();
    }
    return bytes;
  }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Flush() {
    ARROW_ASSIGN_OR_RAISE(auto schema, SparkLogBatchSchema());
    const int64_t rows = num_rows();
    std::vector<std::shared_ptr<arrow::Array>> columns(kNumSparkLogColumns);
    ARROW_ASSIGN_OR_RAISE(columns[kTimestampColumn],
                          timestamps_.Finish(schema->field(kTimestampColumn)->type()));
    for (int c = 1; c < kNumSparkLogColumns; ++c) {
      if (c == kMessageColumn) {
        ARROW_ASSIGN_OR_RAISE(columns[c], message_.Finish());
      } else {
        ARROW_ASSIGN_OR_RAISE(columns[c], dictionary_columns_[c].Finish());
      }
    }
    return arrow::RecordBatch::Make(std::move(schema), rows, std::move(columns));
  }

 private:
  arrow::Status ParseEachLine(std::string_view content, int64_t first_line, bool file_start,
                              std::vector<RejectedLine>* rejects, ParseCounts* counts) {
    const char* data = content.data();
    const size_t size = content.size();
    size_t pos = file_start && content.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
    int64_t line_number = first_line - 1;
    while (pos < size) {
      if (data[pos] == '\n') {
        // Runs of empty lines (a file of nothing else expands a thousandfold from gzip)
        // without a memchr call each.
        const size_t run_start = pos;
        while (pos < size && data[pos] == '\n') ++pos;
        line_number += static_cast<int64_t>(pos - run_start);
        counts->blank += static_cast<int64_t>(pos - run_start);
        continue;
      }
      const void* newline = std::memchr(data + pos, '\n', size - pos);
      const size_t end = newline ? static_cast<const char*>(newline) - data : size;
      size_t length = end - pos;
      if (length > 0 && data[end - 1] == '\r') --length;
      ++line_number;
      const std::string_view line(data + pos, length);
      if (line.empty() || (line[0] != '{' && IsBlankLine(line))) {
        ++counts->blank;
      } else {
        int missing = 0;
        ARROW_ASSIGN_OR_RAISE(Outcome outcome, ParseLine(line, &missing, line_number));
        if (outcome == Outcome::kRecord) {
          ++counts->records;
        } else {
          ++counts->rejected;
          RejectedLine& reject = rejects->emplace_back();
          reject.line = line_number;
          switch (outcome) {
            case Outcome::kInvalidJson:
              reject.reason = "invalid_json";
              break;
            case Outcome::kMissingField:
              reject.reason = "missing_field:";
              reject.reason += kSparkLogRequiredPaths[missing];
              break;
            default:
              reject.reason = "bad_timestamp";
              break;
          }
          reject.raw.assign(line);
        }
      }
      pos = newline ? end + 1 : size;
    }
    counts->lines += line_number - (first_line - 1);
    counts->bytes += static_cast<int64_t>(size);
    return arrow::Status::OK();
  }

  /// Parses one non-blank line into the slots, then checks and appends it.
  arrow::Result<Outcome> ParseLine(std::string_view line, int* missing, int64_t line_number) {
    // Unescaped strings never outgrow their JSON text, so a line-sized arena never moves.
    if (arena_.size() < line.size()) arena_.resize(line.size());
    for (Slot& slot : slots_) slot = Slot{};
    if (!WalkLine(line)) return Outcome::kInvalidJson;
    for (int c = 0; c < kNumSparkLogRequired; ++c) {
      if (IsMissing(slots_[c])) {
        *missing = c;
        return Outcome::kMissingField;
      }
    }
    const Slot& ts = slots_[kTimestampColumn];
    int64_t micros = 0;
    const bool ok = (ts.kind == Kind::kString && ParseTimestampMicros(ts.text, &micros)) ||
                    (ts.kind == Kind::kNumber && ParseEpochSecondsMicros(ts.text, &micros));
    if (!ok) return Outcome::kBadTimestamp;
    ARROW_RETURN_NOT_OK(AppendRow(micros, line_number));
    return Outcome::kRecord;
  }

  /// One pass over the line's object in whatever order its fields come, reading the fields
  /// of interest into slots and validating everything else; nothing may follow the object.
  bool WalkLine(std::string_view line) {
    JsonCursor c{line.data(), line.data() + line.size(), arena_.data()};
    const bool ok = util::ForEachJsonField(&c, 1, [&](std::string_view key) {
      if (util::KeyIs(key, "timestamp")) return ReadSlot(&c, kTimestampColumn, 2);
      if (util::KeyIs(key, "log_level")) return ReadSlot(&c, kLogLevelColumn, 2);
      if (util::KeyIs(key, "message")) return ReadSlot(&c, kMessageColumn, 2);
      if (util::KeyIs(key, "kubernetes")) return WalkKubernetes(&c);
      return util::SkipJsonValue(&c, 2);
    });
    c.SkipSpace();
    return ok && c.at_end();
  }

  bool WalkKubernetes(JsonCursor* c) {
    // The last `kubernetes` wins whole: forget what an earlier one held.
    for (int col : {kPodNameColumn, kNamespaceNameColumn, kContainerNameColumn,
                    kContainerImageColumn}) {
      slots_[col] = Slot{};
    }
    ClearLabels();
    if (c->peek() != '{') return util::SkipJsonValue(c, 2);
    return util::ForEachJsonField(c, 2, [&](std::string_view key) {
      if (util::KeyIs(key, "pod_name")) return ReadSlot(c, kPodNameColumn, 3);
      if (util::KeyIs(key, "namespace_name")) return ReadSlot(c, kNamespaceNameColumn, 3);
      if (util::KeyIs(key, "labels")) return WalkLabels(c);
      if (util::KeyIs(key, "container_name")) return ReadSlot(c, kContainerNameColumn, 3);
      if (util::KeyIs(key, "container_image")) return ReadSlot(c, kContainerImageColumn, 3);
      return util::SkipJsonValue(c, 3);
    });
  }

  void ClearLabels() {
    for (int col = kAppColumn; col <= kSubmissionIdColumn; ++col) slots_[col] = Slot{};
  }

  bool WalkLabels(JsonCursor* c) {
    ClearLabels();
    if (c->peek() != '{') return util::SkipJsonValue(c, 3);
    return util::ForEachJsonField(c, 3, [&](std::string_view key) {
      if (util::KeyIs(key, "app")) return ReadSlot(c, kAppColumn, 4);
      if (util::KeyIs(key, "spark-app-selector")) return ReadSlot(c, kSparkAppSelectorColumn, 4);
      if (util::KeyIs(key, "queue")) return ReadSlot(c, kQueueColumn, 4);
      if (util::KeyIs(key, "spark-app-name")) return ReadSlot(c, kSparkAppNameColumn, 4);
      if (util::KeyIs(key, "spark-role")) return ReadSlot(c, kSparkRoleColumn, 4);
      if (util::KeyIs(key, "spark-version")) return ReadSlot(c, kSparkVersionColumn, 4);
      if (util::KeyIs(key, "sparkoperator.k8s.io/submission-id")) {
        return ReadSlot(c, kSubmissionIdColumn, 4);
      }
      return util::SkipJsonValue(c, 4);
    });
  }

  /// Reads a value of interest (the cursor is at its first byte, `depth` levels down) into
  /// its column's slot.
  bool ReadSlot(JsonCursor* c, int column, int depth) {
    Slot& slot = slots_[column];
    switch (c->peek()) {
      case '"':
        slot.kind = Kind::kString;
        return util::ReadJsonString(c, &slot.text, /*keep=*/true);
      case 't':
      case 'f':
        slot.kind = Kind::kBool;
        return util::ReadJsonLiteral(c, &slot.text);
      case 'n':
        slot.kind = Kind::kNull;
        return util::ReadJsonLiteral(c, &slot.text) && slot.text == "null";
      case '{':
      case '[': {
        const char* start = c->p;
        if (!util::SkipJsonValue(c, depth)) return false;
        std::string& text = container_storage_[column];
        text.clear();
        util::AppendMinifiedJson(std::string_view(start, c->p - start), &text);
        slot = Slot{Kind::kContainer, text};
        return true;
      }
      default:
        slot.kind = Kind::kNumber;
        return util::ReadJsonNumber(c, &slot.text);
    }
  }

  arrow::Status AppendRow(int64_t micros, int64_t line_number) {
    for (int c = 1; c < kNumSparkLogColumns; ++c) {
      const bool room = c == kMessageColumn
                            ? message_.HasRoomFor(slots_[c].text.size())
                            : dictionary_columns_[c].HasRoomFor(slots_[c].text.size());
      if (!room) {
        return arrow::Status::CapacityError(
            "line ", line_number, ": column ", SparkLogSchema()->fields()[c].name,
            " would pass 2 GiB in one batch; flush before parsing this file");
      }
    }
    ARROW_RETURN_NOT_OK(timestamps_.Append(micros));
    // Required, so never null.
    ARROW_RETURN_NOT_OK(message_.Append(slots_[kMessageColumn].text).status());
    level_.assign(slots_[kLogLevelColumn].text);
    UpperCaseAscii(level_.data(), level_.size());
    ARROW_RETURN_NOT_OK(dictionary_columns_[kLogLevelColumn].Append(level_));
    for (int c = kLogLevelColumn + 1; c < kNumSparkLogColumns; ++c) {
      if (c == kMessageColumn) continue;
      const Slot& slot = slots_[c];
      if (slot.kind == Kind::kAbsent || slot.kind == Kind::kNull) {
        ARROW_RETURN_NOT_OK(dictionary_columns_[c].AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(dictionary_columns_[c].Append(slot.text));
      }
    }
    return arrow::Status::OK();
  }

  void Truncate(int64_t rows) {
    timestamps_.Truncate(rows);
    message_.Truncate(rows);
    for (int c = 1; c < kNumSparkLogColumns; ++c) dictionary_columns_[c].Truncate(rows);
  }

  std::string arena_;  // unescaped strings of the current line
  std::string container_storage_[kNumSparkLogColumns];
  Slot slots_[kNumSparkLogColumns];
  internal::Int64ColumnBuffer timestamps_;
  internal::StringColumnBuffer message_;  // nearly every line's message is its own
  // The other string columns, by column index ([0] and [kMessageColumn] unused).
  internal::DictionaryColumnBuffer dictionary_columns_[kNumSparkLogColumns];
  std::string level_;  // the log level being upper-cased
};

SparkLogParser::SparkLogParser() : impl_(std::make_unique<Impl>()) {}
SparkLogParser::~SparkLogParser() = default;

arrow::Status SparkLogParser::ParseFile(std::string_view content,
                                        std::vector<RejectedLine>* rejects,
                                        ParseCounts* counts) {
  return impl_->ParseLines(content, 1, /*file_start=*/true, rejects, counts);
}

arrow::Status SparkLogParser::ParseLines(std::string_view content, int64_t first_line,
                                         bool file_start, std::vector<RejectedLine>* rejects,
                                         ParseCounts* counts) {
  return impl_->ParseLines(content, first_line, file_start, rejects, counts);
}

int64_t SparkLogParser::num_rows() const { return impl_->num_rows(); }
int64_t SparkLogParser::buffered_bytes() const { return impl_->buffered_bytes(); }

arrow::Result<std::shared_ptr<arrow::RecordBatch>> SparkLogParser::Flush() {
  return impl_->Flush();
}

}  // namespace floe::ingest
