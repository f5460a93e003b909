#pragma once

// The pieces of direct_rows.cc: the message scanner (Debezium's forms read with the JSON
// scanner, as debezium.h reads them with nlohmann) and the column buffers.

#include <arrow/result.h>
#include <arrow/type.h>

#include <cstdint>
#include <cstring>
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

/// One JSON value of an object member: scalars as their text (strings unescaped), objects
/// and arrays as their raw text.
struct Token {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  bool boolean = false;
  /// A number: no fraction and no exponent.
  bool integral = false;
  /// A number of at most 18 digits without fraction or exponent: `integer` is its value.
  bool small_integer = false;
  int64_t integer = 0;
  std::string_view text;
};

/// An object key with its bytes packed into two words, so that looking a key up among a
/// record's members compares integers: the words hold all of a key of up to 16 bytes (the
/// first and last bytes, overlapping when shorter), and longer keys compare their middle only
/// when both words match. A record is looked up once per mapped column, for every message.
struct Key {
  std::string_view text;
  uint64_t head = 0;
  uint64_t tail = 0;

  static Key Of(std::string_view text) {
    Key k;
    k.text = text;
    const char* p = text.data();
    const size_t n = text.size();
    if (n >= 8) {
      std::memcpy(&k.head, p, 8);
      std::memcpy(&k.tail, p + n - 8, 8);
    } else if (n >= 4) {
      uint32_t a = 0, b = 0;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      k.head = a;
      k.tail = b;
    } else if (n > 0) {
      k.head = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
               static_cast<unsigned char>(p[n - 1]) << 16;
    }
    return k;
  }
  bool operator==(const Key& o) const {
    return head == o.head && tail == o.tail && text.size() == o.text.size() &&
           (text.size() <= 16 ||
            std::memcmp(text.data() + 8, o.text.data() + 8, text.size() - 16) == 0);
  }
};
using Fields = std::vector<std::pair<Key, Token>>;

/// The token as nlohmann parses its JSON (numbers typed the way nlohmann types them).
nlohmann::json TokenJson(const Token& token);

/// A decoded change event whose record is the scanner's (valid until the next Decode).
struct DecodedEvent {
  const Fields* record = nullptr;
  std::string_view op;
  bool deleted = false;
  std::optional<int64_t> source_ts_ms;
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
