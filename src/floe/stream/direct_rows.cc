#include "floe/stream/direct_rows.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/json_rows.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/stream/direct_rows_internal.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_transforms_internal.h"

namespace floe::stream {

using iceberg::TypeId;
using internal::Fields;
using internal::Token;

namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }

// As stream_transforms' ParseInt64 (from_chars after an optional '+'); up to 18 digits, which
// cannot overflow, are read here.
bool Numeric(std::string_view text, int64_t* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const bool negative = !text.empty() && text.front() == '-';
  const size_t first = negative ? 1 : 0;
  if (text.size() > first && text.size() - first <= 18) {
    int64_t v = 0;
    for (size_t i = first; i < text.size(); ++i) {
      if (!Digit(text[i])) return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = negative ? -v : v;
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Plain decimal text ("-12.5e3"), what strtod and from_chars read alike, as from_chars reads
// it. Up to 15 digits and no exponent are converted here: the digits as an integer and the
// power of ten are exact doubles, so their quotient is the correctly rounded value, as
// from_chars's.
bool Double(std::string_view t, double* out) {
  size_t i = t.size() > 0 && t[0] == '-' ? 1 : 0;
  const bool negative = i == 1;
  size_t digits = 0, fraction = 0;
  uint64_t mantissa = 0;  // wraps past 19 digits: then unused
  for (; i < t.size() && Digit(t[i]); ++i, ++digits) {
    mantissa = mantissa * 10 + static_cast<uint64_t>(t[i] - '0');
  }
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && Digit(t[i]); ++i, ++digits, ++fraction) {
      mantissa = mantissa * 10 + static_cast<uint64_t>(t[i] - '0');
    }
  }
  if (digits == 0) return false;
  if (i == t.size() && digits <= 15) {
    const double d = static_cast<double>(mantissa) / kPowersOfTen[fraction];
    *out = negative ? -d : d;
    return true;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t exp = 0;
    for (; i < t.size() && Digit(t[i]); ++i) ++exp;
    if (exp == 0) return false;
  }
  if (i != t.size()) return false;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  return ec == std::errc() && end == t.data() + t.size() && std::isfinite(*out);
}

constexpr int64_t kMinMicros = -62'135'596'800'000'000;  // 0001-01-01, as the transforms
constexpr int64_t kMaxMicros = 253'402'300'799'999'999;  // 9999-12-31T23:59:59.999999

// A value on the fast route: views into the message, or exact numbers.
struct Quick {
  enum class Kind { kNull, kText, kNumber, kInt, kBool, kInstant };
  Kind kind = Kind::kNull;
  std::string_view text;
  int64_t i = 0;  ///< kInt, kInstant; a kNumber that is `small`: its value
  bool b = false;
  bool integral = false;  ///< a kNumber without fraction or exponent
  bool small = false;     ///< a kNumber of at most 18 digits, integral: `i` holds it

  // Set field by field: a whole struct assigned from a temporary is copied through the stack in
  // pieces the next read cannot take from the store buffer, a stall on every value.
  void SetText(std::string_view s) {
    kind = Kind::kText;
    text = s;
  }
  void SetInt(Kind k, int64_t v) {
    kind = k;
    i = v;
  }
};

// The integer a number or a text is (text as Numeric reads it).
bool WholeNumber(const Quick& q, int64_t* n) {
  if (q.kind == Quick::Kind::kNumber) {
    if (q.small) {
      *n = q.i;
      return true;
    }
    return q.integral && Numeric(q.text, n);
  }
  return q.kind == Quick::Kind::kText && Numeric(q.text, n);
}

std::string_view Trimmed(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

class DirectRows::Impl {
 public:
  struct Column {
    const ColumnMapping* mapping = nullptr;  ///< null: not mapped, always null
    internal::Key key;                       ///< the record member it takes, if any
    std::shared_ptr<arrow::DataType> arrow_type;
    internal::ColumnBuffer buffer;
    internal::Shortcut shortcut = internal::Shortcut::kNone;
  };

  std::vector<Column> columns;     // in schema order
  std::vector<size_t> mapped;      // the mapped ones, in mapping order (as MapRecord runs)
  std::shared_ptr<arrow::Schema> target;
  internal::MessageScanner scanner;
  // Reused from one message to the next: assigning into its strings keeps their memory.
  MessageMeta message_meta;
  // Where each column's member sits in the record (per column, -1: none), kept while the
  // records come with the same keys in the same order, as a topic's messages mostly do:
  // comparing a record's keys with these costs less than a search per column. The keys are
  // copies: they outlive the message they came from.
  std::vector<std::string> layout_text;
  std::vector<internal::Key> layout;
  std::vector<int32_t> member_of;

  // Finds the columns' members again unless `record` has the layout of the last one.
  void Locate(const Fields& record);

  Outcome Add(const KafkaMessageView& message);
  arrow::Result<std::shared_ptr<arrow::Table>> Finish(const std::vector<bool>& keep);

 private:
  // The fast route; false when the value must take the general one.
  bool Quickly(Column& c, const Token* token, const MessageMeta& meta);
  // The general route; a value the transforms or the mapping refuse is the error returned, one
  // only ReadJsonRows would refuse is `*late` (the general path finds those after mapping).
  std::optional<MappingError> Generally(Column& c, const Token* token, const MessageMeta& meta,
                                        std::optional<MappingError>* late);
  std::optional<MappingError> AppendValue(Column& c, internal::Value value);
};

bool DirectRows::Impl::Quickly(Column& c, const Token* token, const MessageMeta& meta) {
  const ColumnMapping& m = *c.mapping;
  Quick q;
  using K = Quick::Kind;
  if (m.meta != MetaField::kNone) {
    switch (m.meta) {
      case MetaField::kTopic:
        q.SetText(meta.topic);
        break;
      case MetaField::kPartition:
        q.SetInt(K::kInt, meta.partition);
        break;
      case MetaField::kOffset:
        q.SetInt(K::kInt, meta.offset);
        break;
      case MetaField::kTimestamp:
        if (meta.timestamp_ms) q.SetInt(K::kInstant, *meta.timestamp_ms * 1000);
        break;
      case MetaField::kKey:
        if (!meta.key) break;
        for (char ch : *meta.key) {
          if (static_cast<unsigned char>(ch) >= 0x80) return false;  // may need replacing
        }
        q.SetText(*meta.key);
        break;
      case MetaField::kOp:
        if (!meta.op.empty()) q.SetText(meta.op);
        break;
      case MetaField::kSourceTsMs:
        if (meta.source_ts_ms) q.SetInt(K::kInt, *meta.source_ts_ms);
        break;
      case MetaField::kDeleted:
        q.kind = K::kBool;
        q.b = meta.deleted;
        break;
      case MetaField::kHeaders:  // not on this path (Make refuses it)
      case MetaField::kNone:
        break;
    }
  } else if (token != nullptr) {
    switch (token->kind) {
      case Token::Kind::kNull:
        break;
      case Token::Kind::kBool:
        q.kind = K::kBool;
        q.b = token->boolean;
        break;
      case Token::Kind::kNumber:
        q.SetInt(K::kNumber, token->integer);
        q.text = token->text;
        q.integral = token->integral;
        q.small = token->small_integer;
        break;
      case Token::Kind::kString:
        q.SetText(token->text);
        break;
      default:
        return false;
    }
  }
  for (const auto& t : m.transforms) {
    using T = Transform::Kind;
    if (q.kind == K::kNull && t.kind != T::kDefault && t.kind != T::kNullIf) continue;
    switch (t.kind) {
      case T::kStripBytesLiteral: {
        std::string_view s = q.text;
        if (q.kind == K::kText && s.size() >= 3 && s[0] == 'b' && (s[1] == '\'' || s[1] == '"') &&
            s.back() == s[1]) {
          q.text = s.substr(2, s.size() - 3);
        }
        break;
      }
      case T::kTrim:
        if (q.kind == K::kText) q.text = Trimmed(q.text);
        break;
      case T::kCast:  // text stays text in a string column (what inferred mappings ask)
        if (q.kind != K::kText || c.buffer.type != TypeId::kString) return false;
        break;
      case T::kEpochUs:
      case T::kEpochMs:
      case T::kEpochS: {
        const int64_t unit = t.kind == T::kEpochUs ? 1 : t.kind == T::kEpochMs ? 1000 : 1'000'000;
        int64_t n = q.i;
        if (q.kind == K::kText || q.kind == K::kNumber) {
          if (!WholeNumber(q, &n)) return false;
        } else if (q.kind != K::kInt) {
          return false;
        }
        int64_t micros = 0;
        if (__builtin_mul_overflow(n, unit, &micros) || micros < kMinMicros ||
            micros > kMaxMicros) {
          return false;
        }
        q.SetInt(K::kInstant, micros);
        q.text = {};
        break;
      }
      default:
        return false;
    }
  }
  auto& buf = c.buffer;
  if (q.kind == K::kNull) {
    if (m.required) return false;
    buf.AppendNull();
    return true;
  }
  int64_t n = 0;
  double d = 0;
  switch (c.buffer.type) {
    case TypeId::kBoolean:
      if (q.kind == K::kText && (q.text == "true" || q.text == "false")) {
        buf.AppendInt(q.text == "true");
        return true;
      }
      if (q.kind != K::kBool) return false;
      buf.AppendInt(q.b);
      return true;
    case TypeId::kInt:
    case TypeId::kLong:
      if (q.kind == K::kInt || q.kind == K::kInstant) {
        n = q.i;
      } else if (WholeNumber(q, &n)) {
      } else {
        return false;
      }
      if (c.buffer.type == TypeId::kInt &&
          (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())) {
        return false;
      }
      buf.AppendInt(n);
      return true;
    case TypeId::kDouble:
      if (q.kind == K::kInt) {
        d = static_cast<double>(q.i);
      } else if (q.kind == K::kText || q.kind == K::kNumber) {
        if (WholeNumber(q, &n)) {
          d = static_cast<double>(n);
        } else if (!Double(q.text, &d)) {
          return false;
        }
      } else {
        return false;
      }
      buf.AppendDouble(d);
      return true;
    case TypeId::kString:
      if (q.kind != K::kText) return false;
      buf.AppendText(q.text);
      return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (q.kind != K::kInstant) return false;
      buf.AppendInt(q.i);
      return true;
    default:
      return false;
  }
}

std::optional<MappingError> DirectRows::Impl::Generally(Column& c, const Token* token,
                                                        const MessageMeta& meta,
                                                        std::optional<MappingError>* late) {
  const ColumnMapping& m = *c.mapping;
  internal::Value value;
  if (m.meta != MetaField::kNone) {
    value = internal::MetaValue(m.meta, meta);
  } else if (token != nullptr) {
    value.json = internal::TokenJson(*token);
  }
  if (auto error = internal::MapValue(m, &value)) return error;
  *late = AppendValue(c, std::move(value));
  return std::nullopt;
}

// The last step of the general path: what ReadJsonRows makes of the converted value.
std::optional<MappingError> DirectRows::Impl::AppendValue(Column& c, internal::Value v) {
  auto& buf = c.buffer;
  const auto& j = v.json;
  if (j.is_null()) {
    buf.AppendNull();
    return std::nullopt;
  }
  switch (c.buffer.type) {
    case TypeId::kBoolean:
      if (j.is_boolean()) {
        buf.AppendInt(j.get<bool>());
        return std::nullopt;
      }
      break;
    case TypeId::kInt:
    case TypeId::kLong:
      if (j.is_number_integer()) {
        buf.AppendInt(j.get<int64_t>());
        return std::nullopt;
      }
      break;
    case TypeId::kDouble:
      if (j.is_number()) {
        buf.AppendDouble(j.get<double>());
        return std::nullopt;
      }
      if (j.is_string()) {  // ConvertToType's names of the values JSON numbers cannot be
        const auto& s = j.get_ref<const std::string&>();
        constexpr double kInf = std::numeric_limits<double>::infinity();
        if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
          buf.AppendDouble(s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                                      : (s == "Infinity" ? kInf : -kInf));
          return std::nullopt;
        }
      }
      break;
    case TypeId::kString:
      if (j.is_string()) {
        // As the general path writes it out: bytes that are not UTF-8 (a message key) become
        // U+FFFD.
        auto text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        buf.AppendText(nlohmann::json::parse(text).get_ref<const std::string&>());
        return std::nullopt;
      }
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (j.is_string()) {
        bool has_offset = false;
        auto micros = iceberg::ParseTimestampText(j.get_ref<const std::string&>(), &has_offset);
        if (micros && !(has_offset && c.buffer.type == TypeId::kTimestamp)) {
          buf.AppendInt(*micros);
          return std::nullopt;
        }
      }
      break;
    default:
      break;
  }
  // Not a value of the column: ReadJsonRows says why, in the words the general path uses.
  iceberg::NestedField field;
  field.id = 1;
  field.name = c.mapping->name;
  field.type = c.mapping->type;
  field.required = c.mapping->required;
  auto one = iceberg::Schema(0, {field});
  nlohmann::json row = {{c.mapping->name, j}};
  auto text = row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto read = iceberg::ReadJsonRows(text, one, "message");
  return MappingError{kReasonCastFailed,
                      read.ok() ? "column '" + c.mapping->name + "': not convertible"
                                : read.status().message()};
}

void DirectRows::Impl::Locate(const Fields& record) {
  bool same = record.size() == layout.size() && member_of.size() == columns.size();
  for (size_t i = 0; same && i < record.size(); ++i) same = record[i].first == layout[i];
  if (same) return;
  layout_text.clear();
  for (const auto& member : record) layout_text.emplace_back(member.first.text);
  layout.clear();  // after all copies are made: a string's own buffer moves with it
  for (const auto& text : layout_text) layout.push_back(internal::Key::Of(text));
  member_of.assign(columns.size(), -1);
  for (size_t k = 0; k < columns.size(); ++k) {
    const auto* mapping = columns[k].mapping;
    if (mapping == nullptr || mapping->meta != MetaField::kNone) continue;
    for (size_t i = record.size(); i-- > 0;) {  // the last one when a key repeats
      if (record[i].first == columns[k].key) {
        member_of[k] = static_cast<int32_t>(i);
        break;
      }
    }
  }
}

DirectRows::Outcome DirectRows::Impl::Add(const KafkaMessageView& message) {
  Outcome out;
  if (!message.value) {
    out.kind = Outcome::Kind::kTombstone;
    return out;
  }
  internal::DecodedEvent event;
  if (auto error = scanner.Decode(*message.value, &event)) {
    out.kind = Outcome::Kind::kDeadLetter;
    out.reason = error->reason;
    out.error = error->message;
    return out;
  }
  MessageMeta& meta = message_meta;
  AssignMeta(message, &meta);  // no headers: no header columns on this path
  meta.op.assign(event.op);
  meta.source_ts_ms = event.source_ts_ms;
  meta.deleted = event.deleted;
  const size_t row = columns.front().buffer.size();
  if (row == 0) {
    for (auto& c : columns) c.buffer.Reclaim();
  }
  std::optional<MappingError> error, late;
  size_t late_at = columns.size();
  const Fields& record = *event.record;
  Locate(record);
  for (size_t k : mapped) {
    auto& c = columns[k];
    const Token* token = member_of[k] >= 0 ? &record[member_of[k]].second : nullptr;
    if (internal::TakeShortcut(c.shortcut, token, meta, &c.buffer) || Quickly(c, token, meta)) {
      continue;
    }
    std::optional<MappingError> refused;
    error = Generally(c, token, meta, &refused);
    if (error) break;
    if (refused && k < late_at) {  // ReadJsonRows names the first such column of the schema
      late = std::move(refused);
      late_at = k;
    }
  }
  if (!error) error = std::move(late);
  if (error) {
    for (auto& undo : columns) undo.buffer.Truncate(row);
    out.kind = Outcome::Kind::kDeadLetter;
    out.reason = error->reason;
    out.error = error->message;
    return out;
  }
  for (auto& c : columns) {
    if (c.mapping == nullptr) c.buffer.AppendNull();
  }
  out.deleted = event.deleted;
  return out;
}

arrow::Result<std::shared_ptr<arrow::Table>> DirectRows::Impl::Finish(
    const std::vector<bool>& keep) {
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  arrow::FieldVector fields = target->fields();
  for (size_t k = 0; k < columns.size(); ++k) {
    ARROW_ASSIGN_OR_RAISE(auto array, columns[k].buffer.Finish(columns[k].arrow_type));
    // A dictionary-encoded column: the table's field, in the array's type.
    if (array->type_id() == arrow::Type::DICTIONARY) fields[k] = fields[k]->WithType(array->type());
    arrays.push_back(std::move(array));
  }
  auto table = arrow::Table::Make(arrow::schema(std::move(fields), target->metadata()), arrays);
  if (keep.empty()) return table;
  arrow::BooleanBuilder mask;
  for (bool k : keep) ARROW_RETURN_NOT_OK(mask.Append(k));
  ARROW_ASSIGN_OR_RAISE(auto mask_array, mask.Finish());
  ARROW_ASSIGN_OR_RAISE(auto filtered, arrow::compute::Filter(table, mask_array));
  // Rows left out may have held a dictionary's only uses of some values (see DropUnreferenced).
  std::shared_ptr<arrow::Table> kept = filtered.table();
  for (int k = 0; k < kept->num_columns(); ++k) {
    if (kept->field(k)->type()->id() != arrow::Type::DICTIONARY) continue;
    arrow::ArrayVector chunks;
    for (const auto& chunk : kept->column(k)->chunks()) {
      ARROW_ASSIGN_OR_RAISE(auto compact,
                            static_cast<const arrow::DictionaryArray&>(*chunk).Compact());
      chunks.push_back(std::move(compact));
    }
    auto column = std::make_shared<arrow::ChunkedArray>(std::move(chunks), kept->field(k)->type());
    ARROW_ASSIGN_OR_RAISE(kept, kept->SetColumn(k, kept->field(k), std::move(column)));
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------

std::unique_ptr<DirectRows> DirectRows::Make(const StreamMapping& mapping,
                                             const iceberg::Schema& schema,
                                             bool dictionary_strings) {
  auto target = iceberg::ToArrowSchema(schema);
  if (!target.ok()) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->target = *target;
  size_t mapped = 0;
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    const auto& field = schema.fields()[i];
    Impl::Column c;
    c.arrow_type = (*target)->field(static_cast<int>(i))->type();
    c.buffer.type = field.type->id();
    c.buffer.by_dictionary = dictionary_strings && c.buffer.type == TypeId::kString;
    for (const auto& m : mapping.columns()) {
      if (m.name == field.name) c.mapping = &m;
    }
    if (field.write_default) return nullptr;
    if (c.mapping == nullptr) {
      if (field.required) return nullptr;
    } else {
      ++mapped;
      const auto id = field.type->id();
      const bool supported = id == TypeId::kBoolean || id == TypeId::kInt ||
                             id == TypeId::kLong || id == TypeId::kDouble ||
                             id == TypeId::kString || id == TypeId::kTimestamp ||
                             id == TypeId::kTimestampTz;
      if (!supported || !c.mapping->type->Equals(*field.type) || !c.mapping->header.empty() ||
          (field.required && !c.mapping->required) ||
          (c.mapping->meta == MetaField::kNone && c.mapping->path.size() != 1)) {
        return nullptr;
      }
      if (c.mapping->meta == MetaField::kNone) c.key = internal::Key::Of(c.mapping->path.front());
      c.shortcut = internal::ShortcutFor(*c.mapping, id);
    }
    impl->columns.push_back(std::move(c));
  }
  if (mapped != mapping.columns().size() || impl->columns.empty()) return nullptr;
  for (const auto& m : mapping.columns()) {
    for (size_t k = 0; k < impl->columns.size(); ++k) {
      if (impl->columns[k].mapping == &m) impl->mapped.push_back(k);
    }
  }
  return std::unique_ptr<DirectRows>(new DirectRows(std::move(impl)));
}

DirectRows::DirectRows(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DirectRows::~DirectRows() = default;

DirectRows::Outcome DirectRows::Add(const KafkaMessageView& message) {
  return impl_->Add(message);
}

int64_t DirectRows::rows() const {
  return static_cast<int64_t>(impl_->columns.front().buffer.size());
}

arrow::Result<std::shared_ptr<arrow::Table>> DirectRows::Finish(const std::vector<bool>& keep) {
  return impl_->Finish(keep);
}

}  // namespace floe::stream
