// The partition text language (declared in schema_text.h).

#include <unordered_set>

#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/text_lexer_internal.h"

namespace floe::iceberg {

using text_internal::Cursor;
using text_internal::Token;
using text_internal::TokenKind;

namespace {

constexpr const char* kWhat = "partition text";

// Ids of fields that sit inside a list or a map: partition sources must not (spec: "Partition
// Specs": a source column must be a primitive that is not nested in a list or map).
void CollectRepeated(const Type& type, bool inside, std::unordered_set<int32_t>* out) {
  for (const auto& field : type.fields()) {
    if (inside) out->insert(field.id);
    bool child_inside =
        inside || field.type->id() == TypeId::kList || field.type->id() == TypeId::kMap;
    CollectRepeated(*field.type, child_inside, out);
  }
}

const char* Suffix(Transform::Kind kind) {
  switch (kind) {
    case Transform::Kind::kIdentity: return "";
    case Transform::Kind::kBucket: return "_bucket";
    case Transform::Kind::kTruncate: return "_trunc";
    case Transform::Kind::kYear: return "_year";
    case Transform::Kind::kMonth: return "_month";
    case Transform::Kind::kDay: return "_day";
    case Transform::Kind::kHour: return "_hour";
    case Transform::Kind::kVoid: return "_null";
  }
  return "";
}

const char* FunctionName(Transform::Kind kind) {
  switch (kind) {
    case Transform::Kind::kIdentity: return "identity";
    case Transform::Kind::kBucket: return "bucket";
    case Transform::Kind::kTruncate: return "truncate";
    case Transform::Kind::kYear: return "year";
    case Transform::Kind::kMonth: return "month";
    case Transform::Kind::kDay: return "day";
    case Transform::Kind::kHour: return "hour";
    case Transform::Kind::kVoid: return "void";
  }
  return "";
}

// Java rejects two fields that partition the same column the same way; all time transforms
// of one column count as the same way (PartitionSpec.Builder "redundant partition").
std::string DedupKey(const PartitionField& field) {
  switch (field.transform.kind()) {
    case Transform::Kind::kYear:
    case Transform::Kind::kMonth:
    case Transform::Kind::kDay:
    case Transform::Kind::kHour:
      return std::to_string(field.source_id) + ":time";
    default:
      return std::to_string(field.source_id) + ":" + field.transform.ToString();
  }
}

struct Item {
  Transform transform;
  Token start;         // first token, for error positions
  Token column_token;  // where the column name was written
  std::string column;  // as written, dotted
};

class PartitionParser {
 public:
  PartitionParser(std::vector<Token> tokens) : cur_(std::move(tokens), kWhat) {}
  Cursor& cursor() { return cur_; }

  arrow::Result<Item> ParseItem() {
    Item item;
    item.start = cur_.Peek();
    if (cur_.Peek().kind == TokenKind::kWord && cur_.IsSymbol('(', 1)) {
      std::string fn = text_internal::Lower(cur_.Next().text);
      cur_.Next();  // '('
      if (fn == "bucket" || fn == "truncate" || fn == "trunc") {
        int32_t param;
        const Token& param_at = cur_.Peek();
        if (cur_.Peek().kind == TokenKind::kNumber) {
          ARROW_ASSIGN_OR_RAISE(param, cur_.ExpectInt("a number"));
          ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(','));
          ARROW_RETURN_NOT_OK(ParseColumn(&item));
        } else {
          ARROW_RETURN_NOT_OK(ParseColumn(&item));
          ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(','));
          ARROW_ASSIGN_OR_RAISE(param, cur_.ExpectInt(fn == "bucket" ? "a bucket count"
                                                                     : "a truncate width"));
        }
        if (param < 1) return cur_.ErrorAt(param_at, fn + " needs a positive number");
        item.transform = fn == "bucket" ? Transform::Bucket(param) : Transform::Truncate(param);
      } else {
        ARROW_ASSIGN_OR_RAISE(item.transform, Simple(fn, item.start));
        ARROW_RETURN_NOT_OK(ParseColumn(&item));
      }
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(')'));
    } else {
      item.transform = Transform::Identity();
      ARROW_RETURN_NOT_OK(ParseColumn(&item));
    }
    return item;
  }

 private:
  arrow::Result<Transform> Simple(const std::string& fn, const Token& at) {
    if (fn == "identity") return Transform::Identity();
    if (fn == "year" || fn == "years") return Transform::Year();
    if (fn == "month" || fn == "months") return Transform::Month();
    if (fn == "day" || fn == "days") return Transform::Day();
    if (fn == "hour" || fn == "hours") return Transform::Hour();
    if (fn == "void") return Transform::Void();
    return cur_.ErrorAt(at, "unknown transform '" + at.text +
                                "' (expected identity, year, month, day, hour, bucket, "
                                "truncate or void)");
  }

  arrow::Status ParseColumn(Item* item) {
    item->column_token = cur_.Peek();
    ARROW_ASSIGN_OR_RAISE(Token part, cur_.ExpectName("a column name"));
    item->column = part.text;
    while (cur_.AcceptSymbol('.')) {
      ARROW_ASSIGN_OR_RAISE(part, cur_.ExpectName("a nested column name"));
      item->column += "." + part.text;
    }
    return arrow::Status::OK();
  }

  Cursor cur_;
};

}  // namespace

arrow::Result<PartitionSpec> ParsePartitionText(std::string_view text, const Schema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, text_internal::Tokenize(text, kWhat));
  PartitionParser parser(std::move(tokens));
  Cursor& cur = parser.cursor();
  std::vector<PartitionField> fields;
  if (cur.AtEnd()) return PartitionSpec::Unpartitioned();

  std::unordered_set<int32_t> repeated;
  CollectRepeated(*schema.AsStruct(), false, &repeated);
  std::unordered_set<std::string> dedup;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(Item item, parser.ParseItem());
    const NestedField* source = schema.FindFieldByName(item.column, true);
    if (source == nullptr) source = schema.FindFieldByName(item.column, false);
    if (source == nullptr) {
      return cur.ErrorAt(item.column_token, "no column '" + item.column + "' in the schema");
    }
    std::string column = schema.FindColumnName(source->id);
    if (repeated.count(source->id) > 0) {
      return cur.ErrorAt(item.column_token,
                         "column '" + column + "' is inside a list or map and cannot be a "
                         "partition source");
    }
    if (!source->type->is_primitive()) {
      const char* kind = source->type->id() == TypeId::kStruct ? "struct"
                         : source->type->id() == TypeId::kList ? "list"
                                                                : "map";
      return cur.ErrorAt(item.column_token, "column '" + column + "' is a " + kind +
                                                ", not a primitive; partition by one of its "
                                                "fields");
    }
    if (!item.transform.CanTransform(*source->type)) {
      return cur.ErrorAt(item.start, "transform " + item.transform.ToString() +
                                         " does not apply to column '" + column + "' of type " +
                                         source->type->ToString());
    }

    PartitionField field;
    field.source_id = source->id;
    field.transform = item.transform;
    field.field_id = kFirstPartitionFieldId + static_cast<int32_t>(fields.size());
    field.name = column + Suffix(item.transform.kind());
    Token name_at = item.start;
    if (cur.AcceptKeyword("as")) {
      name_at = cur.Peek();
      ARROW_ASSIGN_OR_RAISE(Token name, cur.ExpectName("a partition field name"));
      field.name = name.text;
    }

    // Name rules of Java's PartitionSpec.Builder.
    for (const auto& earlier : fields) {
      if (earlier.name == field.name) {
        return cur.ErrorAt(name_at, "partition field name '" + field.name +
                                        "' is used twice; rename one with 'as'");
      }
    }
    const NestedField* clash = schema.FindFieldByName(field.name);
    if (clash != nullptr && !(item.transform.kind() == Transform::Kind::kIdentity &&
                              clash->id == source->id)) {
      return cur.ErrorAt(name_at, "partition field name '" + field.name +
                                      "' conflicts with a schema column; rename it with 'as'");
    }
    if (!dedup.insert(DedupKey(field)).second) {
      bool time = DedupKey(field).ends_with(":time");
      return cur.ErrorAt(item.start, "redundant partition: column '" + column + "' is already " +
                                         (time ? "partitioned by a time transform (year, "
                                                 "month, day or hour)"
                                               : "partitioned by " + item.transform.ToString()));
    }
    fields.push_back(std::move(field));
    if (cur.AtEnd()) break;
    if (!cur.AcceptSymbol(',')) return cur.Expected("',' or end of input");
  }
  return PartitionSpec(0, std::move(fields));
}

namespace {

std::string NameText(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

}  // namespace

std::string TransformTermText(const Transform& transform, int32_t source_id, const Schema& schema) {
  std::string column = schema.FindColumnName(source_id);
  if (column.empty()) column = "<column " + std::to_string(source_id) + ">";
  // Dotted paths are written part by part so each part can be quoted on its own.
  std::string column_text;
  size_t start = 0;
  while (true) {
    size_t dot = column.find('.', start);
    column_text += NameText(column.substr(start, dot - start));
    if (dot == std::string::npos) break;
    column_text += ".";
    start = dot + 1;
  }
  Transform::Kind kind = transform.kind();
  if (kind == Transform::Kind::kIdentity) return column_text;
  if (kind == Transform::Kind::kBucket || kind == Transform::Kind::kTruncate) {
    return std::string(FunctionName(kind)) + "(" + std::to_string(transform.param()) + ", " +
           column_text + ")";
  }
  return std::string(FunctionName(kind)) + "(" + column_text + ")";
}

std::string PartitionToText(const PartitionSpec& spec, const Schema& schema) {
  std::string out;
  for (size_t i = 0; i < spec.fields().size(); ++i) {
    const auto& field = spec.fields()[i];
    if (i > 0) out += ", ";
    out += TransformTermText(field.transform, field.source_id, schema);
    std::string column = schema.FindColumnName(field.source_id);
    if (column.empty()) column = "<column " + std::to_string(field.source_id) + ">";
    if (field.name != column + Suffix(field.transform.kind())) out += " as " + NameText(field.name);
  }
  return out;
}

}  // namespace floe::iceberg
