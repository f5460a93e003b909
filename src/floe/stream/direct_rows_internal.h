#pragma once

// The pieces of direct_rows.cc: the message scanner (Debezium's forms read with the JSON
// scanner, as debezium.h reads them with nlohmann) and the column buffers.

#include <arrow/result.h>
#include <arrow/type.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floe/iceberg/type/type.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream::internal {

/// Whether a number's text has an exponent, or a fraction or an exponent. Loops, where
/// std::string_view::find_first_of calls memchr once per character: these run for every
/// number of every message.
inline bool HasExponent(std::string_view text) {
  for (char ch : text) {
    if (ch == 'e' || ch == 'E') return true;
  }
  return false;
}
inline bool HasFractionOrExponent(std::string_view text) {
  for (char ch : text) {
    if (ch == '.' || ch == 'e' || ch == 'E') return true;
  }
  return false;
}

/// One JSON value of an object member: scalars as their text (strings unescaped), objects
/// and arrays as their raw text.
struct Token {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string_view text;
};
using Fields = std::vector<std::pair<std::string_view, Token>>;

/// The token as nlohmann parses its JSON (numbers typed the way nlohmann types them).
nlohmann::json TokenJson(const Token& token);

/// A decoded change event whose record is the scanner's (valid until the next Decode).
struct DecodedEvent {
  const Fields* record = nullptr;
  std::string_view op;
  bool deleted = false;
  std::optional<int64_t> source_ts_ms;

  /// The record's member `key` (the last one when a key repeats, as nlohmann keeps it).
  const Token* Find(std::string_view key) const;
};

class MessageScanner {
 public:
  /// Decodes one message value as DecodeChangeEvent does; the dead letter when it is not
  /// valid JSON, an envelope with no row, or not an object.
  std::optional<MappingError> Decode(std::string_view value, DecodedEvent* event);

 private:
  bool ReadObject(std::string_view text, Fields* out);
  std::string arena_;
  size_t arena_used_ = 0;
  Fields root_, payload_, record_, source_;
};

/// The value vectors of a column that Arrow arrays were given without a copy, handed back
/// when those arrays are freed (after the batch is committed): the next batch writes into
/// memory already mapped, where fresh memory costs a page fault per 4 KB.
struct ReturnedValues {
  std::mutex mu;
  std::vector<std::vector<int64_t>> ints;
  std::vector<std::vector<double>> doubles;
};

/// One column's values of a batch, appended row by row and truncated when a later column of
/// the row fails.
struct ColumnBuffer {
  iceberg::TypeId type = iceberg::TypeId::kString;
  std::shared_ptr<ReturnedValues> returned = std::make_shared<ReturnedValues>();
  std::vector<uint8_t> valid;
  std::vector<int64_t> ints;  // boolean, int, long, timestamps
  std::vector<double> doubles;
  std::vector<int32_t> ends;  // string: end of each value in `bytes`
  std::string bytes;

  size_t size() const { return valid.size(); }
  void AppendNull();
  void AppendInt(int64_t v) {
    valid.push_back(1);
    ints.push_back(v);
  }
  void AppendDouble(double v) {
    valid.push_back(1);
    doubles.push_back(v);
  }
  void AppendText(std::string_view v) {
    valid.push_back(1);
    bytes.append(v);
    ends.push_back(static_cast<int32_t>(bytes.size()));
  }
  void Truncate(size_t rows);
  /// Before a batch's first row: takes back the vectors the last batch's arrays returned.
  void Reclaim();
  /// The values as an array of `arrow_type`; the buffer starts empty again.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish(
      const std::shared_ptr<arrow::DataType>& arrow_type);
};

}  // namespace floe::stream::internal
