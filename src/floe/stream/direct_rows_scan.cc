// The message scanner and column buffers of direct_rows.cc.
#include <arrow/array/util.h>
#include <arrow/buffer.h>
#include <arrow/builder.h>
#include <arrow/util/bit_util.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

#include "floe/stream/direct_rows_internal.h"
#include "floe/util/json_scan.h"

namespace floe::stream::internal {
namespace {

bool NumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// nlohmann refuses a number beyond double's range (1e400) as not JSON; so does this scanner.
// `raw` is valid JSON: outside strings, runs of number characters are numbers.
bool FiniteNumbers(std::string_view raw) {
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char ch = raw[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
      continue;
    }
    if (ch == '"') {
      in_string = true;
      continue;
    }
    if (ch != '-' && !std::isdigit(static_cast<unsigned char>(ch))) continue;
    size_t end = i;
    bool exponent = false;
    while (end < raw.size() && NumberChar(raw[end])) {
      exponent = exponent || raw[end] == 'e' || raw[end] == 'E';
      ++end;
    }
    if (exponent || end - i > 18) {
      const std::string number(raw.substr(i, end - i));
      if (!std::isfinite(std::strtod(number.c_str(), nullptr))) return false;
    }
    i = end - 1;
  }
  return true;
}

bool ReadToken(util::JsonCursor* c, Token* t) {
  const char first = c->peek();
  if (first == '"') {
    t->kind = Token::Kind::kString;
    return util::ReadJsonString(c, &t->text, /*keep=*/true);
  }
  if (first == '{' || first == '[') {
    const char* start = c->p;
    t->kind = first == '{' ? Token::Kind::kObject : Token::Kind::kArray;
    if (!util::SkipJsonValue(c, 2)) return false;
    t->text = std::string_view(start, static_cast<size_t>(c->p - start));
    return FiniteNumbers(t->text);
  }
  if (first == 't' || first == 'f' || first == 'n') {
    if (!util::ReadJsonLiteral(c, &t->text)) return false;
    t->kind = first == 'n' ? Token::Kind::kNull : Token::Kind::kBool;
    t->boolean = first == 't';
    return true;
  }
  t->kind = Token::Kind::kNumber;
  util::JsonNumberShape shape;
  if (!util::ReadJsonNumber(c, &t->text, &shape)) return false;
  t->integral = !shape.fraction && !shape.exponent;
  t->small_integer = shape.small_integer;
  t->integer = shape.value;
  // Up to 18 characters and no exponent: within range (the common case, no need to look).
  return (t->text.size() <= 18 && !shape.exponent) || FiniteNumbers(t->text);
}

const Token* FindIn(const Fields& fields, const Key& key) {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

bool OnlyKey(const Fields& fields, const Key& key) {
  for (const auto& f : fields) {
    if (!(f.first == key)) return false;
  }
  return !fields.empty();
}

// The keys Debezium's forms are told apart by.
const Key kPayload = Key::Of("payload");
const Key kSchema = Key::Of("schema");
const Key kOp = Key::Of("op");
const Key kAfter = Key::Of("after");
const Key kBefore = Key::Of("before");
const Key kSource = Key::Of("source");
const Key kTsMs = Key::Of("ts_ms");
const Key kFlatOp = Key::Of("__op");
const Key kFlatDeleted = Key::Of("__deleted");
const Key kFlatSourceTsMs = Key::Of("__source_ts_ms");

// debezium.cc's IntegerField: an integer, or a string std::stoll reads whole.
std::optional<int64_t> IntegerOf(const Token* t) {
  if (t == nullptr) return std::nullopt;
  if (t->kind == Token::Kind::kNumber) {
    if (t->small_integer) return t->integer;
    if (!t->integral) return std::nullopt;
    int64_t v = 0;
    const char* end = t->text.data() + t->text.size();
    if (std::from_chars(t->text.data(), end, v).ptr == end) return v;
    uint64_t u = 0;  // nlohmann keeps it unsigned; get<int64_t> wraps it
    if (std::from_chars(t->text.data(), end, u).ptr == end) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  if (t->kind != Token::Kind::kString) return std::nullopt;
  try {
    const std::string s(t->text);
    size_t used = 0;
    int64_t v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

const char* KindName(char first) {
  switch (first) {
    case '[':
      return "array";
    case '"':
      return "string";
    case 't':
    case 'f':
      return "boolean";
    case 'n':
      return "null";
    default:
      return "number";
  }
}

}  // namespace

nlohmann::json TokenJson(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kNull:
      return nullptr;
    case Token::Kind::kBool:
      return token.boolean;
    case Token::Kind::kString:
      return std::string(token.text);
    default:
      return nlohmann::json::parse(token.text, nullptr, /*allow_exceptions=*/false);
  }
}

bool MessageScanner::ReadObject(std::string_view text, Fields* out) {
  out->clear();
  util::JsonCursor c{text.data(), text.data() + text.size(), arena_.data() + arena_used_};
  // The arena holds the unescaped strings of every object read from this message; the texts
  // read are parts of the value, at most four of them nested (root, payload, row, source).
  if (!c.Expect('{')) return false;
  c.SkipSpace();
  if (!c.at_end() && c.peek() == '}') {
    ++c.p;
  } else {
    while (true) {
      c.SkipSpace();
      std::string_view key;
      if (c.at_end() || c.peek() != '"' || !util::ReadJsonString(&c, &key, /*keep=*/true)) {
        return false;
      }
      if (!c.Expect(':')) return false;
      c.SkipSpace();
      if (c.at_end()) return false;
      auto& member = out->emplace_back();  // filled in place (see Key::Assign)
      if (!ReadToken(&c, &member.second)) return false;
      member.first.Assign(key);
      c.SkipSpace();
      if (c.at_end()) return false;
      const char next = *c.p++;
      if (next == '}') break;
      if (next != ',') return false;
    }
  }
  c.SkipSpace();
  const bool whole = c.at_end();
  arena_used_ = static_cast<size_t>(c.arena - arena_.data());
  return whole;
}

std::optional<MappingError> MessageScanner::Decode(std::string_view value, DecodedEvent* event) {
  *event = DecodedEvent{};
  if (value.substr(0, 3) == "\xEF\xBB\xBF") value.remove_prefix(3);  // nlohmann skips a BOM
  if (arena_.size() < value.size() * 4 + 64) arena_.resize(value.size() * 4 + 64);
  arena_used_ = 0;
  size_t lead = 0;
  while (lead < value.size() && std::strchr(" \t\n\r", value[lead]) != nullptr) ++lead;
  if (lead == value.size() || value[lead] != '{') {
    util::JsonCursor c{value.data() + lead, value.data() + value.size(), arena_.data()};
    if (lead == value.size() || !util::SkipJsonValue(&c, 1) ||
        !FiniteNumbers(value.substr(lead))) {
      return MappingError{kReasonInvalidJson, "not valid JSON"};
    }
    c.SkipSpace();
    if (!c.at_end()) return MappingError{kReasonInvalidJson, "not valid JSON"};
    return MappingError{kReasonNotARecord, std::string("the message is ") +
                                               KindName(value[lead]) + ", not a JSON object"};
  }
  if (!ReadObject(value, &root_)) return MappingError{kReasonInvalidJson, "not valid JSON"};
  // The JSON converter with schemas enabled wraps the event as {"schema", "payload"}.
  const Fields* body = &root_;
  const Token* payload = FindIn(root_, kPayload);
  if (payload != nullptr && payload->kind == Token::Kind::kObject &&
      (FindIn(root_, kSchema) != nullptr || OnlyKey(root_, kPayload))) {
    if (!ReadObject(payload->text, &payload_)) {
      return MappingError{kReasonInvalidJson, "not valid JSON"};
    }
    body = &payload_;
  }
  const Token* op = FindIn(*body, kOp);
  if (op != nullptr && (FindIn(*body, kAfter) != nullptr || FindIn(*body, kBefore) != nullptr)) {
    if (op->kind != Token::Kind::kString) {
      return MappingError{kReasonInvalidJson, "Debezium envelope: op is not a string"};
    }
    event->op = op->text;
    event->deleted = event->op == "d";
    const char* image = event->deleted ? "before" : "after";
    const Token* row = FindIn(*body, event->deleted ? kBefore : kAfter);
    if (row == nullptr || row->kind != Token::Kind::kObject) {
      return MappingError{kReasonInvalidJson, "Debezium envelope with op '" +
                                                  std::string(event->op) + "' has no '" + image +
                                                  "' row"};
    }
    if (!ReadObject(row->text, &record_)) {
      return MappingError{kReasonInvalidJson, "not valid JSON"};
    }
    event->record = &record_;
    if (const Token* source = FindIn(*body, kSource)) {
      if (source->kind == Token::Kind::kObject && ReadObject(source->text, &source_)) {
        event->source_ts_ms = IntegerOf(FindIn(source_, kTsMs));
      }
    }
    if (!event->source_ts_ms) event->source_ts_ms = IntegerOf(FindIn(*body, kTsMs));
    return std::nullopt;
  }
  event->record = body;
  if (const Token* t = FindIn(*body, kFlatOp); t != nullptr && t->kind == Token::Kind::kString) {
    event->op = t->text;
  }
  if (const Token* t = FindIn(*body, kFlatDeleted)) {
    event->deleted = t->kind == Token::Kind::kBool
                         ? t->boolean
                         : (t->kind == Token::Kind::kString && t->text == "true");
  }
  if (event->op == "d") event->deleted = true;
  event->source_ts_ms = IntegerOf(FindIn(*body, kFlatSourceTsMs));
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

void ColumnBuffer::AppendNull() {
  valid.push_back(0);
  switch (type) {
    case iceberg::TypeId::kDouble:
      doubles.push_back(0);
      break;
    case iceberg::TypeId::kString:
      if (by_dictionary) {
        indices.push_back(0);
      } else {
        ends.push_back(static_cast<int32_t>(bytes.size()));
      }
      break;
    default:
      ints.push_back(0);
  }
}

// A dictionary pays while its values repeat: past this many distinct ones it must hold at
// most one value for every four rows, and stay within Parquet's dictionary page (the writer
// would drop it beyond that anyway).
constexpr size_t kDistinctChecked = 1024;
constexpr size_t kMaxDictionaryBytes = 1 << 20;

void ColumnBuffer::CheckDictionary() {
  const size_t distinct = dictionary.size();
  if (dictionary.bytes().size() <= kMaxDictionaryBytes &&
      (distinct <= kDistinctChecked || distinct * 4 <= valid.size())) {
    return;
  }
  // Plain from now on: the rows so far get their values back.
  by_dictionary = false;
  bytes.clear();
  ends.clear();
  for (size_t i = 0; i < indices.size(); ++i) {
    if (valid[i]) bytes.append(dictionary.value(indices[i]));
    ends.push_back(static_cast<int32_t>(bytes.size()));
  }
  indices = {};
  dictionary = {};
}

void ColumnBuffer::Truncate(size_t rows) {
  if (rows >= valid.size()) return;
  valid.resize(rows);
  if (by_dictionary) indices.resize(rows);  // values stay in the dictionary, unreferenced
  if (!ints.empty()) ints.resize(rows);
  if (!doubles.empty()) doubles.resize(rows);
  if (!ends.empty()) {
    ends.resize(rows);
    bytes.resize(rows == 0 ? 0 : static_cast<size_t>(ends.back()));
  }
}

namespace {

// An Arrow buffer over a value vector, which goes back to `to` when the buffer is freed.
template <typename T>
class LentValues : public arrow::Buffer {
 public:
  LentValues(std::vector<T> values, std::shared_ptr<ReturnedValues> to)
      : arrow::Buffer(reinterpret_cast<const uint8_t*>(values.data()),
                      static_cast<int64_t>(values.size() * sizeof(T))),
        values_(std::move(values)),
        to_(std::move(to)) {}
  ~LentValues() override {
    std::lock_guard<std::mutex> lock(to_->mu);
    auto& bin = Bin(*to_);
    if (bin.size() < 2) bin.push_back(std::move(values_));  // one batch's, and the next one's
  }
  static std::vector<std::vector<T>>& Bin(ReturnedValues& r) {
    if constexpr (std::is_same_v<T, double>) {
      return r.doubles;
    } else {
      return r.ints;
    }
  }

 private:
  std::vector<T> values_;
  std::shared_ptr<ReturnedValues> to_;
};

template <typename T>
void TakeBack(ReturnedValues& returned, std::vector<T>* values) {
  if (values->capacity() > 0) return;
  std::lock_guard<std::mutex> lock(returned.mu);
  auto& bin = LentValues<T>::Bin(returned);
  if (bin.empty()) return;
  *values = std::move(bin.back());
  bin.pop_back();
  values->clear();
}

}  // namespace

void ColumnBuffer::Reclaim() {
  TakeBack(*returned, &ints);
  TakeBack(*returned, &doubles);
}

arrow::Result<std::shared_ptr<arrow::Array>> ColumnBuffer::Finish(
    const std::shared_ptr<arrow::DataType>& arrow_type) {
  const auto n = static_cast<int64_t>(valid.size());
  std::shared_ptr<arrow::Array> out;
  bool any = false, all = true;
  for (uint8_t v : valid) {
    any = any || v != 0;
    all = all && v != 0;
  }
  const auto id = arrow_type->id();
  const bool wide_ints = id == arrow::Type::INT64 || id == arrow::Type::TIMESTAMP;
  if (n > 0 && all && (wide_ints || id == arrow::Type::DOUBLE)) {
    // No nulls, 64-bit values: the array takes the vector as it is (no copy, no bitmap).
    std::shared_ptr<arrow::Buffer> values;
    if (wide_ints) {
      values = std::make_shared<LentValues<int64_t>>(std::exchange(ints, {}), returned);
    } else {
      values = std::make_shared<LentValues<double>>(std::exchange(doubles, {}), returned);
    }
    out = arrow::MakeArray(arrow::ArrayData::Make(arrow_type, n, {nullptr, values}, 0));
  } else if (!any) {
    ARROW_ASSIGN_OR_RAISE(out, arrow::MakeArrayOfNull(arrow_type, n));
  } else if (by_dictionary) {
    ARROW_ASSIGN_OR_RAISE(out, FinishDictionary(arrow_type));
  } else {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &builder));
    switch (arrow_type->id()) {
      case arrow::Type::BOOL: {
        std::vector<uint8_t> values(ints.begin(), ints.end());
        ARROW_RETURN_NOT_OK(static_cast<arrow::BooleanBuilder*>(builder.get())
                                ->AppendValues(values.data(), n, valid.data()));
        break;
      }
      case arrow::Type::INT32: {
        std::vector<int32_t> values(ints.begin(), ints.end());
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder*>(builder.get())
                                ->AppendValues(values.data(), n, valid.data()));
        break;
      }
      case arrow::Type::INT64:
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder*>(builder.get())
                                ->AppendValues(ints.data(), n, valid.data()));
        break;
      case arrow::Type::TIMESTAMP:
        ARROW_RETURN_NOT_OK(static_cast<arrow::TimestampBuilder*>(builder.get())
                                ->AppendValues(ints.data(), n, valid.data()));
        break;
      case arrow::Type::DOUBLE:
        ARROW_RETURN_NOT_OK(static_cast<arrow::DoubleBuilder*>(builder.get())
                                ->AppendValues(doubles.data(), n, valid.data()));
        break;
      case arrow::Type::STRING: {
        auto* b = static_cast<arrow::StringBuilder*>(builder.get());
        ARROW_RETURN_NOT_OK(b->Reserve(n));
        ARROW_RETURN_NOT_OK(b->ReserveData(static_cast<int64_t>(bytes.size())));
        int32_t start = 0;
        for (int64_t i = 0; i < n; ++i) {
          if (valid[i]) {
            b->UnsafeAppend(bytes.data() + start, ends[i] - start);
          } else {
            b->UnsafeAppendNull();
          }
          start = ends[i];
        }
        break;
      }
      default:
        return arrow::Status::NotImplemented("direct rows: column type ", arrow_type->ToString());
    }
    ARROW_RETURN_NOT_OK(builder->Finish(&out));
  }
  valid.clear();
  ints.clear();
  doubles.clear();
  ends.clear();
  bytes.clear();
  indices.clear();
  dictionary.clear();
  return out;
}

// Parquet's statistics cover the whole dictionary it is given, so values only truncated rows
// held (a dead letter's) leave it first.
void ColumnBuffer::DropUnreferenced() {
  std::vector<int32_t> renumbered(dictionary.size(), -1);
  for (size_t i = 0; i < indices.size(); ++i) {
    if (valid[i]) renumbered[static_cast<size_t>(indices[i])] = 0;
  }
  if (std::find(renumbered.begin(), renumbered.end(), -1) == renumbered.end()) return;
  TextDictionary kept;
  for (size_t v = 0; v < renumbered.size(); ++v) {
    if (renumbered[v] == 0) renumbered[v] = kept.IndexOf(dictionary.value(static_cast<int32_t>(v)));
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    indices[i] = valid[i] ? renumbered[static_cast<size_t>(indices[i])] : 0;
  }
  dictionary = std::move(kept);
}

arrow::Result<std::shared_ptr<arrow::Array>> ColumnBuffer::FinishDictionary(
    const std::shared_ptr<arrow::DataType>& value_type) {
  const auto n = static_cast<int64_t>(valid.size());
  DropUnreferenced();
  const auto distinct = static_cast<int64_t>(dictionary.size());
  ARROW_ASSIGN_OR_RAISE(auto offsets,
                        arrow::AllocateBuffer((distinct + 1) * sizeof(int32_t)));
  auto* o = reinterpret_cast<int32_t*>(offsets->mutable_data());
  o[0] = 0;
  std::memcpy(o + 1, dictionary.ends().data(), distinct * sizeof(int32_t));
  ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(
                                       static_cast<int64_t>(dictionary.bytes().size())));
  std::memcpy(data->mutable_data(), dictionary.bytes().data(), dictionary.bytes().size());
  auto values = arrow::ArrayData::Make(value_type, distinct,
                                       {nullptr, std::move(offsets), std::move(data)}, 0);
  std::shared_ptr<arrow::Buffer> validity;
  int64_t nulls = 0;
  for (uint8_t v : valid) nulls += v == 0;
  if (nulls > 0) {
    ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateEmptyBitmap(n));
    for (int64_t i = 0; i < n; ++i) {
      if (valid[static_cast<size_t>(i)]) arrow::bit_util::SetBit(validity->mutable_data(), i);
    }
  }
  auto rows = arrow::ArrayData::Make(arrow::dictionary(arrow::int32(), value_type), n,
                                     {std::move(validity), arrow::Buffer::FromVector(
                                                               std::exchange(indices, {}))},
                                     nulls);
  rows->dictionary = std::move(values);
  return arrow::MakeArray(rows);
}

}  // namespace floe::stream::internal
