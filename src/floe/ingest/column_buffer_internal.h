#pragma once

// Growable Arrow column buffers of the Spark log parser: appends without per-value
// allocation, truncation back to an earlier row count (to undo a failed file), and hand-off
// as Arrow arrays.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <arrow/buffer_builder.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace floe::ingest::internal {

/// A utf8 column (int32 offsets, so at most 2^31 - 1 bytes of values per batch).
class StringColumnBuffer {
 public:
  /// Whether `bytes` more bytes of values still fit in int32 offsets.
  bool HasRoomFor(size_t bytes) const {
    return static_cast<int64_t>(bytes) <= kMaxDataBytes - data_.length();
  }
  /// Appends a value; the caller checked HasRoomFor. Returns the appended bytes, writable.
  arrow::Result<char*> Append(std::string_view value);
  arrow::Status AppendNull();

  int64_t length() const { return static_cast<int64_t>(valid_.size()); }
  /// Bytes held: values, offsets and validity.
  int64_t buffered_bytes() const { return data_.length() + offsets_.length() + length(); }

  /// Drops the rows from `rows` on.
  void Truncate(int64_t rows);
  /// The rows so far as a utf8 array; the buffer starts over empty, reserving as much as
  /// this batch used.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish();

 private:
  static constexpr int64_t kMaxDataBytes = INT32_MAX;
  int32_t OffsetAt(int64_t row) const;
  arrow::Status EnsureFirstOffset();

  arrow::BufferBuilder data_;
  arrow::BufferBuilder offsets_;  // int32, length() + 1 entries once anything was appended
  std::vector<uint8_t> valid_;    // one byte per row, packed to a bitmap by Finish
  int64_t null_count_ = 0;
};

/// A utf8 column of few distinct values (a pod's name, its labels, the log level), built as
/// dictionary<int32, utf8>: a value is stored once per batch and a row costs an index. The
/// Parquet writer then takes the dictionary as it is — no hashing of every value, statistics
/// over the distinct values only. A repeat of the previous row's value, the common case since
/// a file holds one pod's lines, is found without hashing.
class DictionaryColumnBuffer {
 public:
  bool HasRoomFor(size_t bytes) const { return values_.HasRoomFor(bytes); }
  /// Appends a value; the caller checked HasRoomFor.
  arrow::Status Append(std::string_view value);
  arrow::Status AppendNull();

  int64_t length() const { return static_cast<int64_t>(valid_.size()); }
  /// Bytes held: distinct values, indices and validity.
  int64_t buffered_bytes() const {
    return values_.buffered_bytes() + indices_.length() + length();
  }

  /// Drops the rows from `rows` on (their values may stay in the dictionary, unreferenced).
  void Truncate(int64_t rows);
  /// The rows so far as a dictionary<int32, utf8> array; the buffer starts over empty with
  /// a new dictionary.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  arrow::Status AppendIndex(int32_t index);

  StringColumnBuffer values_;  // the dictionary, in first-seen order
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_of_;
  std::string last_value_;     // the previous row's value, when last_index_ >= 0
  int32_t last_index_ = -1;
  arrow::BufferBuilder indices_;  // int32, one per row (0 for nulls)
  std::vector<uint8_t> valid_;
  int64_t null_count_ = 0;
};

/// A non-null int64-backed column such as timestamp[us, UTC].
class Int64ColumnBuffer {
 public:
  arrow::Status Append(int64_t value) { return values_.Append(&value, sizeof(value)); }
  int64_t length() const { return values_.length() / static_cast<int64_t>(sizeof(int64_t)); }
  int64_t buffered_bytes() const { return values_.length(); }
  void Truncate(int64_t rows) { values_.Rewind(rows * static_cast<int64_t>(sizeof(int64_t))); }
  /// The rows so far as an array of `type` (an int64-backed type); the buffer starts over.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish(const std::shared_ptr<arrow::DataType>& type);

 private:
  arrow::BufferBuilder values_;
};

}  // namespace floe::ingest::internal
