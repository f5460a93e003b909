#include "cli/cell_writer.h"

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include <arrow/array.h>
#include <arrow/extension_type.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <arrow/util/decimal.h>

#include "cli/json_text.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/util/hex.h"

namespace floe::cli {
namespace {

using iceberg::FloorDiv;
using iceberg::FloorMod;
using iceberg::kMicrosPerSecond;

constexpr int64_t kSecondsPerDay = 86400;

template <typename T>
void AppendInteger(T value, std::string* out) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

// Shortest text that reads back to the same float; integral values keep a ".0" so a float
// column never looks like an integer one.
template <typename T>
void AppendFloat(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
  } else {
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof(buf), value);
    std::string_view text(buf, result.ptr - buf);
    out->append(text);
    if (text.find_first_of(".e") == std::string_view::npos) out->append(".0");
  }
}

// "." and `digits` zero-padded digits of `fraction` (nothing when it is zero, like
// iceberg::FormatTime).
void AppendFraction(int64_t fraction, int digits, std::string* out) {
  if (fraction == 0) return;
  char buf[16];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out->push_back('.');
  out->append(buf, digits);
}

int64_t UnitsPerSecond(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 1;
    case arrow::TimeUnit::MILLI:
      return 1000;
    case arrow::TimeUnit::MICRO:
      return kMicrosPerSecond;
    case arrow::TimeUnit::NANO:
      return 1'000'000'000;
  }
  return 1;
}

int FractionDigits(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 0;
    case arrow::TimeUnit::MILLI:
      return 3;
    case arrow::TimeUnit::MICRO:
      return 6;
    case arrow::TimeUnit::NANO:
      return 9;
  }
  return 0;
}

// A time of day in `unit`; microseconds go through the Iceberg helper unchanged, other units
// print their own number of fraction digits.
void AppendTime(int64_t value, arrow::TimeUnit::type unit, std::string* out) {
  if (unit == arrow::TimeUnit::MICRO) {
    out->append(iceberg::FormatTime(value));
    return;
  }
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t seconds = FloorDiv(value, per_second);
  out->append(iceberg::FormatTime(FloorMod(seconds, kSecondsPerDay) * kMicrosPerSecond));
  AppendFraction(FloorMod(value, per_second), FractionDigits(unit), out);
}

void AppendTimestamp(int64_t value, arrow::TimeUnit::type unit, bool utc, std::string* out) {
  if (unit == arrow::TimeUnit::MICRO) {
    out->append(iceberg::FormatTimestamp(value, utc));
    return;
  }
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t seconds = FloorDiv(value, per_second);
  out->append(iceberg::FormatDate(FloorDiv(seconds, kSecondsPerDay)));
  out->push_back('T');
  out->append(iceberg::FormatTime(FloorMod(seconds, kSecondsPerDay) * kMicrosPerSecond));
  AppendFraction(FloorMod(value, per_second), FractionDigits(unit), out);
  if (utc) out->append("+00:00");
}

// 8-4-4-4-12 lowercase hex of 16 big-endian bytes (RFC 9562).
void AppendUuid(std::string_view bytes, std::string* out) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    util::AppendHex(bytes.substr(i, 1), out);
  }
}

// Writers whose JSON is their text, either bare (numbers, booleans) or in quotes (the text
// never needs escaping: digits, dates, hex).
class QuotedTextWriter : public CellWriter {
 public:
  using CellWriter::CellWriter;
  void AppendJson(int64_t row, std::string* out) const override {
    out->push_back('"');
    AppendText(row, out);
    out->push_back('"');
  }
};

class BareTextWriter : public CellWriter {
 public:
  using CellWriter::CellWriter;
  void AppendJson(int64_t row, std::string* out) const override { AppendText(row, out); }
};

class BooleanWriter final : public BareTextWriter {
 public:
  explicit BooleanWriter(const arrow::Array& array)
      : BareTextWriter(array), typed_(static_cast<const arrow::BooleanArray&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    out->append(typed_.Value(row) ? "true" : "false");
  }

 private:
  const arrow::BooleanArray& typed_;
};

template <typename ArrayT>
class IntegerWriter final : public BareTextWriter {
 public:
  explicit IntegerWriter(const arrow::Array& array)
      : BareTextWriter(array), typed_(static_cast<const ArrayT&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    AppendInteger(typed_.Value(row), out);
  }
  bool numeric() const override { return true; }

 private:
  const ArrayT& typed_;
};

template <typename ArrayT>
class FloatWriter final : public CellWriter {
 public:
  explicit FloatWriter(const arrow::Array& array)
      : CellWriter(array), typed_(static_cast<const ArrayT&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    AppendFloat(typed_.Value(row), out);
  }
  // JSON has no NaN or infinities: those become the strings "NaN", "Infinity", "-Infinity".
  void AppendJson(int64_t row, std::string* out) const override {
    auto value = typed_.Value(row);
    if (std::isfinite(value)) {
      AppendFloat(value, out);
    } else {
      out->push_back('"');
      AppendFloat(value, out);
      out->push_back('"');
    }
  }
  bool numeric() const override { return true; }

 private:
  const ArrayT& typed_;
};

template <typename ArrayT, typename DecimalT>
class DecimalWriter final : public QuotedTextWriter {
 public:
  explicit DecimalWriter(const arrow::Array& array)
      : QuotedTextWriter(array),
        typed_(static_cast<const ArrayT&>(array)),
        scale_(static_cast<const arrow::DecimalType&>(*array.type()).scale()) {}
  void AppendText(int64_t row, std::string* out) const override {
    out->append(DecimalT(typed_.GetValue(row)).ToString(scale_));
  }
  bool numeric() const override { return true; }

 private:
  const ArrayT& typed_;
  int32_t scale_;
};

class Date32Writer final : public QuotedTextWriter {
 public:
  explicit Date32Writer(const arrow::Array& array)
      : QuotedTextWriter(array), typed_(static_cast<const arrow::Date32Array&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    out->append(iceberg::FormatDate(typed_.Value(row)));
  }

 private:
  const arrow::Date32Array& typed_;
};

class Date64Writer final : public QuotedTextWriter {
 public:
  explicit Date64Writer(const arrow::Array& array)
      : QuotedTextWriter(array), typed_(static_cast<const arrow::Date64Array&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    out->append(iceberg::FormatDate(FloorDiv(typed_.Value(row), kSecondsPerDay * 1000)));
  }

 private:
  const arrow::Date64Array& typed_;
};

template <typename ArrayT>
class TimeWriter final : public QuotedTextWriter {
 public:
  explicit TimeWriter(const arrow::Array& array)
      : QuotedTextWriter(array),
        typed_(static_cast<const ArrayT&>(array)),
        unit_(static_cast<const arrow::TimeType&>(*array.type()).unit()) {}
  void AppendText(int64_t row, std::string* out) const override {
    AppendTime(typed_.Value(row), unit_, out);
  }

 private:
  const ArrayT& typed_;
  arrow::TimeUnit::type unit_;
};

// Any time zone means the values are UTC instants (Arrow's convention); they print in UTC.
class TimestampWriter final : public QuotedTextWriter {
 public:
  explicit TimestampWriter(const arrow::Array& array)
      : QuotedTextWriter(array), typed_(static_cast<const arrow::TimestampArray&>(array)) {
    const auto& type = static_cast<const arrow::TimestampType&>(*array.type());
    unit_ = type.unit();
    utc_ = !type.timezone().empty();
  }
  void AppendText(int64_t row, std::string* out) const override {
    AppendTimestamp(typed_.Value(row), unit_, utc_, out);
  }

 private:
  const arrow::TimestampArray& typed_;
  arrow::TimeUnit::type unit_;
  bool utc_;
};

template <typename ArrayT>
class StringWriter final : public CellWriter {
 public:
  explicit StringWriter(const arrow::Array& array)
      : CellWriter(array), typed_(static_cast<const ArrayT&>(array)) {}
  void AppendText(int64_t row, std::string* out) const override {
    auto view = typed_.GetView(row);
    out->append(view.data(), view.size());
  }
  void AppendJson(int64_t row, std::string* out) const override {
    auto view = typed_.GetView(row);
    AppendJsonString(std::string_view(view.data(), view.size()), out);
  }

 private:
  const ArrayT& typed_;
};

template <typename ArrayT>
class BinaryWriter final : public QuotedTextWriter {
 public:
  explicit BinaryWriter(const arrow::Array& array, bool uuid = false)
      : QuotedTextWriter(array), typed_(static_cast<const ArrayT&>(array)), uuid_(uuid) {}
  void AppendText(int64_t row, std::string* out) const override {
    auto view = typed_.GetView(row);
    std::string_view bytes(view.data(), view.size());
    if (uuid_) {
      AppendUuid(bytes, out);
    } else {
      util::AppendHex(bytes, out);
    }
  }

 private:
  const ArrayT& typed_;
  bool uuid_;
};

// Nested values print as their JSON in text too.
class NestedWriter : public CellWriter {
 public:
  using CellWriter::CellWriter;
  void AppendText(int64_t row, std::string* out) const override { AppendJson(row, out); }

 protected:
  static void AppendChild(const CellWriter& child, int64_t row, std::string* out) {
    if (child.IsNull(row)) {
      out->append("null");
    } else {
      child.AppendJson(row, out);
    }
  }
};

class StructWriter final : public NestedWriter {
 public:
  explicit StructWriter(const arrow::Array& array) : NestedWriter(array) {
    const auto& typed = static_cast<const arrow::StructArray&>(array);
    for (int i = 0; i < typed.num_fields(); ++i) {
      // field() applies the struct's own offset, so rows index children directly.
      fields_.push_back(typed.field(i));
      writers_.push_back(MakeCellWriter(*fields_.back()));
      std::string key;
      AppendJsonString(typed.struct_type()->field(i)->name(), &key);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }
  void AppendJson(int64_t row, std::string* out) const override {
    out->push_back('{');
    for (size_t i = 0; i < writers_.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append(keys_[i]);
      AppendChild(*writers_[i], row, out);
    }
    out->push_back('}');
  }

 private:
  std::vector<std::shared_ptr<arrow::Array>> fields_;
  std::vector<std::unique_ptr<CellWriter>> writers_;
  std::vector<std::string> keys_;
};

// List, large list and fixed-size list: offsets index the unsliced values array.
template <typename ArrayT>
class ListWriter final : public NestedWriter {
 public:
  explicit ListWriter(const arrow::Array& array)
      : NestedWriter(array),
        typed_(static_cast<const ArrayT&>(array)),
        values_(MakeCellWriter(*typed_.values())) {}
  void AppendJson(int64_t row, std::string* out) const override {
    const int64_t start = typed_.value_offset(row);
    const int64_t end = start + typed_.value_length(row);
    out->push_back('[');
    for (int64_t i = start; i < end; ++i) {
      if (i > start) out->push_back(',');
      AppendChild(*values_, i, out);
    }
    out->push_back(']');
  }

 private:
  const ArrayT& typed_;
  std::unique_ptr<CellWriter> values_;
};

class MapWriter final : public NestedWriter {
 public:
  explicit MapWriter(const arrow::Array& array)
      : NestedWriter(array),
        typed_(static_cast<const arrow::MapArray&>(array)),
        keys_(MakeCellWriter(*typed_.keys())),
        items_(MakeCellWriter(*typed_.items())) {
    switch (typed_.keys()->type_id()) {
      case arrow::Type::STRING:
      case arrow::Type::LARGE_STRING:
      case arrow::Type::STRING_VIEW:
        string_keys_ = true;
        break;
      default:
        string_keys_ = false;
    }
  }
  void AppendJson(int64_t row, std::string* out) const override {
    const int64_t start = typed_.value_offset(row);
    const int64_t end = start + typed_.value_length(row);
    out->push_back(string_keys_ ? '{' : '[');
    for (int64_t i = start; i < end; ++i) {
      if (i > start) out->push_back(',');
      if (string_keys_) {
        AppendChild(*keys_, i, out);
        out->push_back(':');
        AppendChild(*items_, i, out);
      } else {
        out->append("{\"key\":");
        AppendChild(*keys_, i, out);
        out->append(",\"value\":");
        AppendChild(*items_, i, out);
        out->push_back('}');
      }
    }
    out->push_back(string_keys_ ? '}' : ']');
  }

 private:
  const arrow::MapArray& typed_;
  std::unique_ptr<CellWriter> keys_;
  std::unique_ptr<CellWriter> items_;
  bool string_keys_;
};

// Dictionary-encoded values print as the values they stand for.
class DictionaryWriter final : public CellWriter {
 public:
  explicit DictionaryWriter(const arrow::Array& array)
      : CellWriter(array),
        typed_(static_cast<const arrow::DictionaryArray&>(array)),
        values_(MakeCellWriter(*typed_.dictionary())) {}
  bool IsNull(int64_t row) const override {
    return typed_.IsNull(row) || values_->IsNull(typed_.GetValueIndex(row));
  }
  void AppendText(int64_t row, std::string* out) const override {
    values_->AppendText(typed_.GetValueIndex(row), out);
  }
  void AppendJson(int64_t row, std::string* out) const override {
    values_->AppendJson(typed_.GetValueIndex(row), out);
  }
  bool numeric() const override { return values_->numeric(); }

 private:
  const arrow::DictionaryArray& typed_;
  std::unique_ptr<CellWriter> values_;
};

// An extension type other than arrow.uuid prints as its storage.
class ExtensionWriter final : public CellWriter {
 public:
  explicit ExtensionWriter(const arrow::Array& array)
      : CellWriter(array),
        storage_(static_cast<const arrow::ExtensionArray&>(array).storage()),
        writer_(MakeCellWriter(*storage_)) {}
  bool IsNull(int64_t row) const override { return writer_->IsNull(row); }
  void AppendText(int64_t row, std::string* out) const override {
    writer_->AppendText(row, out);
  }
  void AppendJson(int64_t row, std::string* out) const override {
    writer_->AppendJson(row, out);
  }
  bool numeric() const override { return writer_->numeric(); }

 private:
  std::shared_ptr<arrow::Array> storage_;
  std::unique_ptr<CellWriter> writer_;
};

// Types floe never produces (unions, durations, intervals, views of lists, …): Arrow's scalar
// text, as a JSON string.
class ScalarTextWriter final : public CellWriter {
 public:
  explicit ScalarTextWriter(const arrow::Array& array) : CellWriter(array) {}
  void AppendText(int64_t row, std::string* out) const override {
    auto scalar = array_.GetScalar(row);
    out->append(scalar.ok() ? (*scalar)->ToString() : scalar.status().ToString());
  }
  void AppendJson(int64_t row, std::string* out) const override {
    std::string text;
    AppendText(row, &text);
    AppendJsonString(text, out);
  }
};

}  // namespace

bool CellWriter::IsNull(int64_t row) const { return array_.IsNull(row); }

std::unique_ptr<CellWriter> MakeCellWriter(const arrow::Array& array) {
  using T = arrow::Type;
  switch (array.type_id()) {
    case T::BOOL:
      return std::make_unique<BooleanWriter>(array);
    case T::INT8:
      return std::make_unique<IntegerWriter<arrow::Int8Array>>(array);
    case T::INT16:
      return std::make_unique<IntegerWriter<arrow::Int16Array>>(array);
    case T::INT32:
      return std::make_unique<IntegerWriter<arrow::Int32Array>>(array);
    case T::INT64:
      return std::make_unique<IntegerWriter<arrow::Int64Array>>(array);
    case T::UINT8:
      return std::make_unique<IntegerWriter<arrow::UInt8Array>>(array);
    case T::UINT16:
      return std::make_unique<IntegerWriter<arrow::UInt16Array>>(array);
    case T::UINT32:
      return std::make_unique<IntegerWriter<arrow::UInt32Array>>(array);
    case T::UINT64:
      return std::make_unique<IntegerWriter<arrow::UInt64Array>>(array);
    case T::FLOAT:
      return std::make_unique<FloatWriter<arrow::FloatArray>>(array);
    case T::DOUBLE:
      return std::make_unique<FloatWriter<arrow::DoubleArray>>(array);
    case T::DECIMAL32:
      return std::make_unique<DecimalWriter<arrow::Decimal32Array, arrow::Decimal32>>(array);
    case T::DECIMAL64:
      return std::make_unique<DecimalWriter<arrow::Decimal64Array, arrow::Decimal64>>(array);
    case T::DECIMAL128:
      return std::make_unique<DecimalWriter<arrow::Decimal128Array, arrow::Decimal128>>(array);
    case T::DECIMAL256:
      return std::make_unique<DecimalWriter<arrow::Decimal256Array, arrow::Decimal256>>(array);
    case T::DATE32:
      return std::make_unique<Date32Writer>(array);
    case T::DATE64:
      return std::make_unique<Date64Writer>(array);
    case T::TIME32:
      return std::make_unique<TimeWriter<arrow::Time32Array>>(array);
    case T::TIME64:
      return std::make_unique<TimeWriter<arrow::Time64Array>>(array);
    case T::TIMESTAMP:
      return std::make_unique<TimestampWriter>(array);
    case T::STRING:
      return std::make_unique<StringWriter<arrow::StringArray>>(array);
    case T::LARGE_STRING:
      return std::make_unique<StringWriter<arrow::LargeStringArray>>(array);
    case T::STRING_VIEW:
      return std::make_unique<StringWriter<arrow::StringViewArray>>(array);
    case T::BINARY:
      return std::make_unique<BinaryWriter<arrow::BinaryArray>>(array);
    case T::LARGE_BINARY:
      return std::make_unique<BinaryWriter<arrow::LargeBinaryArray>>(array);
    case T::BINARY_VIEW:
      return std::make_unique<BinaryWriter<arrow::BinaryViewArray>>(array);
    case T::FIXED_SIZE_BINARY:
      return std::make_unique<BinaryWriter<arrow::FixedSizeBinaryArray>>(array);
    case T::STRUCT:
      return std::make_unique<StructWriter>(array);
    case T::LIST:
      return std::make_unique<ListWriter<arrow::ListArray>>(array);
    case T::LARGE_LIST:
      return std::make_unique<ListWriter<arrow::LargeListArray>>(array);
    case T::FIXED_SIZE_LIST:
      return std::make_unique<ListWriter<arrow::FixedSizeListArray>>(array);
    case T::MAP:
      return std::make_unique<MapWriter>(array);
    case T::DICTIONARY:
      return std::make_unique<DictionaryWriter>(array);
    case T::EXTENSION: {
      const auto& ext = static_cast<const arrow::ExtensionType&>(*array.type());
      const auto& storage = *static_cast<const arrow::ExtensionArray&>(array).storage();
      if (ext.extension_name() == "arrow.uuid" && storage.type_id() == T::FIXED_SIZE_BINARY) {
        // The storage array shares the extension array's validity and offset.
        return std::make_unique<BinaryWriter<arrow::FixedSizeBinaryArray>>(storage, true);
      }
      return std::make_unique<ExtensionWriter>(array);
    }
    default:
      return std::make_unique<ScalarTextWriter>(array);
  }
}

}  // namespace floe::cli
