#include "floe/iceberg/type/schema_text.h"

#include <memory>
#include <unordered_set>
#include <vector>

#include "floe/iceberg/type/text_lexer_internal.h"

namespace floe::iceberg {

using text_internal::Cursor;
using text_internal::Token;
using text_internal::TokenKind;

namespace {

constexpr const char* kWhat = "schema text";

// The parsed tree before ids are assigned (types are immutable once built).
struct TypeNode;
struct FieldNode {
  std::string name;
  bool required = false;
  std::string doc;
  std::shared_ptr<TypeNode> type;
};
struct TypeNode {
  TypePtr primitive;               // set for primitives
  TypeId kind = TypeId::kBoolean;  // kStruct / kList / kMap for nested
  std::vector<FieldNode> fields;   // struct fields; list [element]; map [key, value]
};

TypePtr PrimitiveFor(const std::string& word) {
  static const std::pair<const char*, TypePtr (*)()> kNames[] = {
      {"boolean", Type::Boolean},
      {"bool", Type::Boolean},
      {"int", Type::Int},
      {"integer", Type::Int},
      {"long", Type::Long},
      {"bigint", Type::Long},
      {"float", Type::Float},
      {"double", Type::Double},
      {"date", Type::Date},
      {"time", Type::Time},
      {"timestamp", Type::Timestamp},
      {"timestamptz", Type::TimestampTz},
      {"timestamp_tz", Type::TimestampTz},
      {"timestamp_ns", Type::TimestampNs},
      {"timestamptz_ns", Type::TimestampTzNs},
      {"unknown", Type::Unknown},
      {"string", Type::String},
      {"varchar", Type::String},
      {"text", Type::String},
      {"uuid", Type::Uuid},
      {"binary", Type::Binary},
  };
  for (const auto& [name, make] : kNames) {
    if (word == name) return make();
  }
  return nullptr;
}

class SchemaParser {
 public:
  explicit SchemaParser(std::vector<Token> tokens) : cur_(std::move(tokens), kWhat) {}

  arrow::Result<std::vector<FieldNode>> ParseTop() {
    std::vector<FieldNode> fields;
    if (cur_.AtEnd()) return cur_.Expected("a field");
    ARROW_RETURN_NOT_OK(ParseFieldList(&fields, /*closing=*/0));
    if (!cur_.AtEnd()) return cur_.Expected("',' or end of input");
    return fields;
  }

  arrow::Result<std::shared_ptr<TypeNode>> ParseTopType() {
    if (cur_.AtEnd()) return cur_.Expected("a type");
    ARROW_ASSIGN_OR_RAISE(auto type, ParseType());
    if (!cur_.AtEnd()) return cur_.Expected("end of input");
    return type;
  }

 private:
  // Fields up to `closing` ('>' for structs, 0 for the top level), separated by commas.
  arrow::Status ParseFieldList(std::vector<FieldNode>* fields, char closing) {
    std::unordered_set<std::string> names;
    if (closing != 0 && cur_.IsSymbol(closing)) return arrow::Status::OK();  // struct<>
    while (true) {
      const Token& name_token = cur_.Peek();
      ARROW_ASSIGN_OR_RAISE(Token name, cur_.ExpectName("a field name"));
      if (!names.insert(name.text).second) {
        return cur_.ErrorAt(name_token, "duplicate field name '" + name.text + "'");
      }
      cur_.AcceptSymbol(':');
      FieldNode field;
      field.name = name.text;
      ARROW_ASSIGN_OR_RAISE(field.type, ParseType());
      ARROW_RETURN_NOT_OK(ParseConstraints(&field, /*allow_comment=*/true));
      fields->push_back(std::move(field));
      if (!cur_.AcceptSymbol(',')) break;
    }
    if (closing != 0 && !cur_.IsSymbol(closing)) {
      return cur_.Expected(std::string("',' or '") + closing + "'");
    }
    return arrow::Status::OK();
  }

  // `not null` | `required` | `null` | `optional` | `comment '...'`, in any order.
  arrow::Status ParseConstraints(FieldNode* field, bool allow_comment) {
    bool seen_nullability = false;
    while (true) {
      const Token& token = cur_.Peek();
      bool required;
      if (cur_.IsKeyword("not") && cur_.IsKeyword("null", 1)) {
        cur_.Next();
        cur_.Next();
        required = true;
      } else if (cur_.AcceptKeyword("required")) {
        required = true;
      } else if (cur_.AcceptKeyword("null") || cur_.AcceptKeyword("optional")) {
        required = false;
      } else if (allow_comment && cur_.AcceptKeyword("comment")) {
        if (cur_.Peek().kind != TokenKind::kString) return cur_.Expected("a 'quoted' comment");
        field->doc = cur_.Next().text;
        continue;
      } else {
        return arrow::Status::OK();
      }
      if (seen_nullability) return cur_.ErrorAt(token, "nullability given twice");
      seen_nullability = true;
      field->required = required;
    }
  }

  arrow::Result<std::shared_ptr<TypeNode>> ParseType() {
    const Token& token = cur_.Peek();
    if (token.kind != TokenKind::kWord) return cur_.Expected("a type");
    std::string word = text_internal::Lower(token.text);
    auto node = std::make_shared<TypeNode>();
    if (TypePtr primitive = PrimitiveFor(word)) {
      cur_.Next();
      node->primitive = std::move(primitive);
      return node;
    }
    if (word == "decimal" || word == "numeric") {
      cur_.Next();
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('('));
      const Token& at = cur_.Peek();
      ARROW_ASSIGN_OR_RAISE(int32_t precision, cur_.ExpectInt("a decimal precision"));
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(','));
      ARROW_ASSIGN_OR_RAISE(int32_t scale, cur_.ExpectInt("a decimal scale"));
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(')'));
      if (precision < 1 || precision > 38 || scale > precision) {
        return cur_.ErrorAt(at, "decimal(" + std::to_string(precision) + ", " +
                                    std::to_string(scale) +
                                    ") needs 1 <= precision <= 38 and scale <= precision");
      }
      node->primitive = Type::Decimal(precision, scale);
      return node;
    }
    if (word == "fixed") {
      cur_.Next();
      char close = cur_.AcceptSymbol('[') ? ']' : 0;
      if (close == 0) {
        ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('('));
        close = ')';
      }
      const Token& at = cur_.Peek();
      ARROW_ASSIGN_OR_RAISE(int32_t length, cur_.ExpectInt("a fixed length"));
      if (length < 1) return cur_.ErrorAt(at, "fixed length must be at least 1");
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(close));
      node->primitive = Type::Fixed(length);
      return node;
    }
    if (word == "list" || word == "array") {
      cur_.Next();
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('<'));
      FieldNode element;
      element.name = "element";
      ARROW_ASSIGN_OR_RAISE(element.type, ParseType());
      ARROW_RETURN_NOT_OK(ParseConstraints(&element, /*allow_comment=*/false));
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('>'));
      node->kind = TypeId::kList;
      node->fields.push_back(std::move(element));
      return node;
    }
    if (word == "map") {
      cur_.Next();
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('<'));
      FieldNode key;
      key.name = "key";
      ARROW_ASSIGN_OR_RAISE(key.type, ParseType());
      const Token& key_end = cur_.Peek();
      ARROW_RETURN_NOT_OK(ParseConstraints(&key, /*allow_comment=*/false));
      if (cur_.Peek().column != key_end.column && !key.required) {
        return cur_.ErrorAt(key_end, "map keys are always required");
      }
      key.required = true;
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol(','));
      FieldNode value;
      value.name = "value";
      ARROW_ASSIGN_OR_RAISE(value.type, ParseType());
      ARROW_RETURN_NOT_OK(ParseConstraints(&value, /*allow_comment=*/false));
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('>'));
      node->kind = TypeId::kMap;
      node->fields.push_back(std::move(key));
      node->fields.push_back(std::move(value));
      return node;
    }
    if (word == "struct") {
      cur_.Next();
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('<'));
      ARROW_RETURN_NOT_OK(ParseFieldList(&node->fields, '>'));
      ARROW_RETURN_NOT_OK(cur_.ExpectSymbol('>'));
      node->kind = TypeId::kStruct;
      return node;
    }
    return cur_.ErrorAt(token, "unknown type '" + token.text + "'");
  }

  Cursor cur_;
};

// Fresh id assignment in Iceberg's order: a struct's own fields first, then their types.
TypePtr Assign(const TypeNode& node, int32_t* next);

std::vector<NestedField> AssignStruct(const std::vector<FieldNode>& fields, int32_t* next) {
  std::vector<NestedField> out;
  for (const auto& field : fields) {
    out.push_back(NestedField{(*next)++, field.name, nullptr, field.required, field.doc});
  }
  for (size_t i = 0; i < fields.size(); ++i) out[i].type = Assign(*fields[i].type, next);
  return out;
}

TypePtr Assign(const TypeNode& node, int32_t* next) {
  if (node.primitive) return node.primitive;
  switch (node.kind) {
    case TypeId::kList: {
      NestedField element{(*next)++, "element", nullptr, node.fields[0].required, ""};
      element.type = Assign(*node.fields[0].type, next);
      return Type::List(std::move(element));
    }
    case TypeId::kMap: {
      NestedField key{(*next)++, "key", nullptr, true, ""};
      NestedField value{(*next)++, "value", nullptr, node.fields[1].required, ""};
      key.type = Assign(*node.fields[0].type, next);
      value.type = Assign(*node.fields[1].type, next);
      return Type::Map(std::move(key), std::move(value));
    }
    default:
      return Type::Struct(AssignStruct(node.fields, next));
  }
}

bool IsPlainName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string Quote(const std::string& text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out.push_back(c);
    if (c == quote) out.push_back(quote);
  }
  out.push_back(quote);
  return out;
}

std::string NameToText(const std::string& name) {
  return IsPlainName(name) ? name : Quote(name, '"');
}

std::string FieldToText(const NestedField& field, const char* separator) {
  std::string out = NameToText(field.name) + separator + TypeToText(*field.type);
  if (field.required) out += " not null";
  if (!field.doc.empty()) out += " comment " + Quote(field.doc, '\'');
  return out;
}

}  // namespace

arrow::Result<Schema> ParseSchemaText(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, text_internal::Tokenize(text, kWhat));
  SchemaParser parser(std::move(tokens));
  ARROW_ASSIGN_OR_RAISE(auto fields, parser.ParseTop());
  int32_t next_id = 1;
  return Schema(0, AssignStruct(fields, &next_id));
}

arrow::Result<TypePtr> ParseTypeText(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, text_internal::Tokenize(text, kWhat));
  SchemaParser parser(std::move(tokens));
  ARROW_ASSIGN_OR_RAISE(auto node, parser.ParseTopType());
  int32_t next_id = 1;
  return Assign(*node, &next_id);
}

std::string TypeToText(const Type& type) {
  switch (type.id()) {
    case TypeId::kList: {
      std::string out = "list<" + TypeToText(*type.element().type);
      if (type.element().required) out += " not null";
      return out + ">";
    }
    case TypeId::kMap: {
      std::string out =
          "map<" + TypeToText(*type.key().type) + ", " + TypeToText(*type.value().type);
      if (type.value().required) out += " not null";
      return out + ">";
    }
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < type.fields().size(); ++i) {
        if (i > 0) out += ", ";
        out += FieldToText(type.fields()[i], ": ");
      }
      return out + ">";
    }
    default:
      return type.ToString();
  }
}

std::string SchemaToText(const Schema& schema) {
  std::string out;
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    if (i > 0) out += ", ";
    out += FieldToText(schema.fields()[i], " ");
  }
  return out;
}

}  // namespace floe::iceberg
