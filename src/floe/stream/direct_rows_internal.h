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
#include "floe/stream/text_dictionary.h"
#include "floe/util/packed_ends.h"

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
    k.Assign(text);
    return k;
  }
  // In place, word by word: a Key built aside and copied into a vector is read back whole
  // before its halves have left the store buffer, a stall for every member of every message.
  void Assign(std::string_view t) {
    text = t;
    const util::PackedEnds ends = util::PackEnds(t);
    head = ends.head;
    tail = ends.tail;
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
  /// A string column of a sink that takes dictionary arrays holds each distinct value once,
  /// with an index per row, until its values prove too many distinct (then `bytes` and
  /// `ends` for good: a dictionary of nearly every value only adds indices).
  bool by_dictionary = false;
  TextDictionary dictionary;
  std::vector<int32_t> indices;

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
    if (by_dictionary) {
      const size_t distinct = dictionary.size();
      indices.push_back(dictionary.IndexOf(v));
      if (dictionary.size() > distinct) CheckDictionary();
      return;
    }
    bytes.append(v);
    ends.push_back(static_cast<int32_t>(bytes.size()));
  }
  /// After a new distinct value: goes plain when there are too many.
  void CheckDictionary();
  void Truncate(size_t rows);
  /// Before a batch's first row: takes back the vectors the last batch's arrays returned.
  void Reclaim();
  /// The values as an array of `arrow_type`; the buffer starts empty again.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish(
      const std::shared_ptr<arrow::DataType>& arrow_type);

 private:
  void DropUnreferenced();
  // The rows as a dictionary<int32, arrow_type> array.
  arrow::Result<std::shared_ptr<arrow::Array>> FinishDictionary(
      const std::shared_ptr<arrow::DataType>& value_type);
};

/// What most mappings' columns are: a record member or a metadata value taken as it is (no
/// transforms) into a column of its own type, which needs none of the general steps.
enum class Shortcut : uint8_t { kNone, kText, kLong, kPartition, kOffset, kOp, kSourceTsMs };

inline Shortcut ShortcutFor(const ColumnMapping& m, iceberg::TypeId type) {
  if (!m.transforms.empty()) return Shortcut::kNone;
  const bool text = type == iceberg::TypeId::kString, whole = type == iceberg::TypeId::kLong;
  switch (m.meta) {
    case MetaField::kNone:
      return text ? Shortcut::kText : whole ? Shortcut::kLong : Shortcut::kNone;
    case MetaField::kPartition:
      return whole || type == iceberg::TypeId::kInt ? Shortcut::kPartition : Shortcut::kNone;
    case MetaField::kOffset:
      return whole ? Shortcut::kOffset : Shortcut::kNone;
    case MetaField::kOp:
      return text ? Shortcut::kOp : Shortcut::kNone;
    case MetaField::kSourceTsMs:
      return whole ? Shortcut::kSourceTsMs : Shortcut::kNone;
    default:
      return Shortcut::kNone;
  }
}

/// Appends the value as the full conversion would, when `shortcut` covers it; false: not
/// covered (a null, a number too long or not whole, a value of another kind), nothing added.
inline bool TakeShortcut(Shortcut shortcut, const Token* token, const MessageMeta& meta,
                         ColumnBuffer* buffer) {
  switch (shortcut) {
    case Shortcut::kText:
      if (token == nullptr || token->kind != Token::Kind::kString) return false;
      buffer->AppendText(token->text);
      return true;
    case Shortcut::kLong:
      if (token == nullptr || token->kind != Token::Kind::kNumber || !token->small_integer) {
        return false;
      }
      buffer->AppendInt(token->integer);
      return true;
    case Shortcut::kPartition:
      buffer->AppendInt(meta.partition);
      return true;
    case Shortcut::kOffset:
      buffer->AppendInt(meta.offset);
      return true;
    case Shortcut::kOp:
      if (meta.op.empty()) return false;
      buffer->AppendText(meta.op);
      return true;
    case Shortcut::kSourceTsMs:
      if (!meta.source_ts_ms) return false;
      buffer->AppendInt(*meta.source_ts_ms);
      return true;
    case Shortcut::kNone:
      break;
  }
  return false;
}

}  // namespace floe::stream::internal
