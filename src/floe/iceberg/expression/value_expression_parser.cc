// Parser of value expressions (value_expression.h): a recursive descent over tokens.
//
// Precedence, loosest first: OR, AND, NOT, comparison (= <> < … IS IN BETWEEN), ||, + -,
// * / %, unary -.

#include <arrow/status.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/expression/value_expression.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/util/hex.h"

namespace floe::iceberg {
namespace {

enum class Tok { kIdent, kQuotedIdent, kString, kNumber, kHex, kSymbol, kEnd };

struct Token {
  Tok kind;
  std::string text;
  size_t pos;  // 0-based
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::set<std::string>& ReservedWords() {
  static const std::set<std::string> words = {"and",     "or",   "not",  "is",   "null", "in",
                                              "between", "case", "when", "then", "else", "end",
                                              "cast",    "as",   "true", "false"};
  return words;
}

class Parser {
 public:
  Parser(std::string_view text, const char* what) : text_(text), what_(what) {}

  arrow::Status Tokenize() {
    size_t i = 0;
    const size_t n = text_.size();
    while (true) {
      while (i < n && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i >= n) break;
      const size_t start = i;
      const char c = text_[i];
      if ((c == 'x' || c == 'X') && i + 1 < n && text_[i + 1] == '\'') {
        ARROW_ASSIGN_OR_RAISE(std::string body, Quoted(&i, 1, '\''));
        auto bytes = util::FromHex(body);
        if (body.size() % 2 != 0 || !bytes)
          return Error(start, "invalid hex bytes X'" + body + "'");
        tokens_.push_back({Tok::kHex, std::move(*bytes), start});
      } else if (IsIdentStart(c)) {
        while (i < n && IsIdentChar(text_[i])) ++i;
        tokens_.push_back({Tok::kIdent, std::string(text_.substr(start, i - start)), start});
      } else if (c == '"' || c == '`') {
        ARROW_ASSIGN_OR_RAISE(std::string name, Quoted(&i, 0, c));
        if (name.empty()) return Error(start, "empty quoted name");
        tokens_.push_back({Tok::kQuotedIdent, std::move(name), start});
      } else if (c == '\'') {
        ARROW_ASSIGN_OR_RAISE(std::string s, Quoted(&i, 0, '\''));
        tokens_.push_back({Tok::kString, std::move(s), start});
      } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(text_[i + 1]))) {
        while (i < n && IsDigit(text_[i])) ++i;
        if (i < n && text_[i] == '.') {
          ++i;
          while (i < n && IsDigit(text_[i])) ++i;
        }
        if (i < n && (text_[i] == 'e' || text_[i] == 'E')) {
          size_t j = i + 1;
          if (j < n && (text_[j] == '+' || text_[j] == '-')) ++j;
          if (j >= n || !IsDigit(text_[j])) return Error(start, "malformed number exponent");
          while (j < n && IsDigit(text_[j])) ++j;
          i = j;
        }
        if (i < n && IsIdentChar(text_[i])) return Error(i, "unexpected character after number");
        tokens_.push_back({Tok::kNumber, std::string(text_.substr(start, i - start)), start});
      } else {
        static const char* kTwo[] = {"<=", ">=", "<>", "!=", "==", "||"};
        std::string sym;
        for (const char* two : kTwo) {
          if (text_.substr(i, 2) == two) sym = two;
        }
        if (sym.empty() && std::string_view("()+-*/%,.=<>").find(c) != std::string_view::npos) {
          sym = std::string(1, c);
        }
        if (sym.empty()) return Error(start, std::string("unexpected character '") + c + "'");
        i += sym.size();
        tokens_.push_back({Tok::kSymbol, std::move(sym), start});
      }
    }
    tokens_.push_back({Tok::kEnd, "", n});
    return arrow::Status::OK();
  }

  arrow::Result<ValueExprPtr> ParseWhole() {
    ARROW_ASSIGN_OR_RAISE(auto e, ParseOr());
    if (Peek().kind != Tok::kEnd) return Error(Peek().pos, "unexpected " + Describe(Peek()));
    return e;
  }

  arrow::Result<std::vector<Assignment>> ParseAssignmentList() {
    std::vector<Assignment> out;
    std::set<std::string> seen;
    while (true) {
      const Token& start = Peek();
      ARROW_ASSIGN_OR_RAISE(std::string column, ParseColumnPath());
      if (!IsSymbol("=")) return Error(Peek().pos, "expected '=' after column '" + column + "'");
      Next();
      const size_t value_start = Peek().pos;
      ARROW_ASSIGN_OR_RAISE(auto value, ParseOr());
      const size_t value_end = Peek().pos;
      if (!seen.insert(column).second) {
        return Error(start.pos, "column '" + column + "' is assigned twice");
      }
      std::string text(text_.substr(value_start, value_end - value_start));
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.pop_back();
      }
      out.push_back({std::move(column), std::move(value), std::move(text)});
      if (IsSymbol(",")) {
        Next();
        continue;
      }
      if (Peek().kind == Tok::kEnd) return out;
      return Error(Peek().pos, "expected ',' or the end but found " + Describe(Peek()));
    }
  }

 private:
  arrow::Status Error(size_t pos, const std::string& what) const {
    return arrow::Status::Invalid("cannot parse ", what_, " \"", std::string(text_), "\": ", what,
                                  " at position ", pos + 1);
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd:
        return "end of expression";
      case Tok::kString:
        return "string '" + t.text + "'";
      case Tok::kQuotedIdent:
        return "\"" + t.text + "\"";
      default:
        return "'" + t.text + "'";
    }
  }

  arrow::Result<std::string> Quoted(size_t* i, size_t skip, char quote) {
    const size_t start = *i;
    size_t k = *i + skip + 1;
    std::string out;
    while (true) {
      if (k >= text_.size()) return Error(start, "unterminated quote");
      if (text_[k] == quote) {
        if (k + 1 < text_.size() && text_[k + 1] == quote) {
          out += quote;
          k += 2;
          continue;
        }
        *i = k + 1;
        return out;
      }
      out += text_[k++];
    }
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return t;
  }
  bool IsSymbol(std::string_view s, size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kSymbol && Peek(ahead).text == s;
  }
  bool IsKeyword(std::string_view word, size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kIdent && Lower(Peek(ahead).text) == word;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(word)) return false;
    Next();
    return true;
  }
  arrow::Status Expect(std::string_view what, bool keyword) {
    if (keyword ? AcceptKeyword(Lower(what)) : IsSymbol(what)) {
      if (!keyword) Next();
      return arrow::Status::OK();
    }
    return Error(Peek().pos, "expected " + std::string(keyword ? "" : "'") + std::string(what) +
                                 (keyword ? "" : "'") + " but found " + Describe(Peek()));
  }

  static ValueExprPtr Make(ValueExpr::Kind kind, std::string name, std::vector<ValueExprPtr> args,
                           size_t pos) {
    auto e = std::make_shared<ValueExpr>();
    e->kind = kind;
    e->name = std::move(name);
    e->args = std::move(args);
    e->position = pos + 1;
    return e;
  }

  arrow::Result<ValueExprPtr> ParseOr() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseAnd());
    while (IsKeyword("or")) {
      size_t pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto right, ParseAnd());
      left = Make(ValueExpr::Kind::kBinary, "or", {left, right}, pos);
    }
    return left;
  }

  arrow::Result<ValueExprPtr> ParseAnd() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseNot());
    while (IsKeyword("and")) {
      size_t pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto right, ParseNot());
      left = Make(ValueExpr::Kind::kBinary, "and", {left, right}, pos);
    }
    return left;
  }

  arrow::Result<ValueExprPtr> ParseNot() {
    if (IsKeyword("not")) {
      size_t pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto child, ParseNot());
      return Make(ValueExpr::Kind::kUnary, "not", {child}, pos);
    }
    return ParseComparison();
  }

  arrow::Result<ValueExprPtr> ParseComparison() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseConcat());
    static const char* kOps[] = {"=", "==", "!=", "<>", "<", "<=", ">", ">="};
    for (const char* op : kOps) {
      if (!IsSymbol(op)) continue;
      size_t pos = Next().pos;
      std::string name = op;
      if (name == "==") name = "=";
      if (name == "<>") name = "!=";
      ARROW_ASSIGN_OR_RAISE(auto right, ParseConcat());
      return Make(ValueExpr::Kind::kBinary, name, {left, right}, pos);
    }
    if (IsKeyword("is")) {
      size_t pos = Next().pos;
      bool negated = AcceptKeyword("not");
      ARROW_RETURN_NOT_OK(Expect("NULL", true));
      auto e = std::make_shared<ValueExpr>(*Make(ValueExpr::Kind::kIsNull, "", {left}, pos));
      e->negated = negated;
      return e;
    }
    size_t pos = Peek().pos;
    bool negated = false;
    if (IsKeyword("not") && (IsKeyword("in", 1) || IsKeyword("between", 1))) {
      Next();
      negated = true;
    }
    ValueExprPtr result;
    if (AcceptKeyword("in")) {
      // x IN (a, b) is (x = a OR x = b): SQL's NULL rules follow from the ORed comparisons.
      ARROW_RETURN_NOT_OK(Expect("(", false));
      while (true) {
        size_t item_pos = Peek().pos;
        ARROW_ASSIGN_OR_RAISE(auto item, ParseConcat());
        auto eq = Make(ValueExpr::Kind::kBinary, "=", {left, item}, item_pos);
        result = result ? Make(ValueExpr::Kind::kBinary, "or", {result, eq}, item_pos) : eq;
        if (IsSymbol(",")) {
          Next();
          continue;
        }
        ARROW_RETURN_NOT_OK(Expect(")", false));
        break;
      }
    } else if (AcceptKeyword("between")) {
      ARROW_ASSIGN_OR_RAISE(auto low, ParseConcat());
      ARROW_RETURN_NOT_OK(Expect("AND", true));
      ARROW_ASSIGN_OR_RAISE(auto high, ParseConcat());
      result = Make(ValueExpr::Kind::kBinary, "and",
                    {Make(ValueExpr::Kind::kBinary, ">=", {left, low}, pos),
                     Make(ValueExpr::Kind::kBinary, "<=", {left, high}, pos)},
                    pos);
    } else {
      return left;
    }
    return negated ? Make(ValueExpr::Kind::kUnary, "not", {result}, pos) : result;
  }

  arrow::Result<ValueExprPtr> ParseConcat() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseAdditive());
    while (IsSymbol("||")) {
      size_t pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto right, ParseAdditive());
      left = Make(ValueExpr::Kind::kBinary, "||", {left, right}, pos);
    }
    return left;
  }

  arrow::Result<ValueExprPtr> ParseAdditive() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseMultiplicative());
    while (IsSymbol("+") || IsSymbol("-")) {
      const Token& op = Next();
      ARROW_ASSIGN_OR_RAISE(auto right, ParseMultiplicative());
      left = Make(ValueExpr::Kind::kBinary, op.text, {left, right}, op.pos);
    }
    return left;
  }

  arrow::Result<ValueExprPtr> ParseMultiplicative() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseUnary());
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%")) {
      const Token& op = Next();
      ARROW_ASSIGN_OR_RAISE(auto right, ParseUnary());
      left = Make(ValueExpr::Kind::kBinary, op.text, {left, right}, op.pos);
    }
    return left;
  }

  arrow::Result<ValueExprPtr> ParseUnary() {
    if (IsSymbol("-")) {
      size_t pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto child, ParseUnary());
      // -5 is a literal, so functions that take integer literals (substring) accept it.
      if (child->kind == ValueExpr::Kind::kLiteral && !child->literal.is_null() &&
          child->literal.type()->id() == TypeId::kLong &&
          child->literal.AsLong() != std::numeric_limits<int64_t>::min()) {
        return LiteralExpr(Literal::Long(-child->literal.AsLong()), pos);
      }
      return Make(ValueExpr::Kind::kUnary, "-", {child}, pos);
    }
    if (IsSymbol("+")) {
      Next();
      return ParseUnary();
    }
    return ParsePrimary();
  }

  arrow::Result<ValueExprPtr> LiteralExpr(Literal value, size_t pos) {
    auto e = std::make_shared<ValueExpr>();
    e->kind = ValueExpr::Kind::kLiteral;
    e->literal = std::move(value);
    e->position = pos + 1;
    return e;
  }

  arrow::Result<Literal> NumberLiteral(const Token& t) {
    const std::string& s = t.text;
    if (s.find_first_of("eE") != std::string::npos) {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Error(t.pos, "malformed number " + s);
      return Literal::Double(d);
    }
    if (s.find('.') == std::string::npos) {
      int64_t v = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), v);
      if (res.ec == std::errc() && res.ptr == s.data() + s.size()) return Literal::Long(v);
    }
    if (auto dec = ParseDecimalText(s)) return *dec;
    return Error(t.pos, "number " + s + " has more than 38 digits");
  }

  arrow::Result<ValueExprPtr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kString:
        Next();
        return LiteralExpr(Literal::String(t.text), t.pos);
      case Tok::kHex:
        Next();
        return LiteralExpr(Literal::Binary(t.text), t.pos);
      case Tok::kNumber: {
        Next();
        ARROW_ASSIGN_OR_RAISE(auto value, NumberLiteral(t));
        return LiteralExpr(std::move(value), t.pos);
      }
      case Tok::kSymbol:
        if (t.text == "(") {
          Next();
          ARROW_ASSIGN_OR_RAISE(auto inner, ParseOr());
          ARROW_RETURN_NOT_OK(Expect(")", false));
          return inner;
        }
        return Error(t.pos, "expected a value but found " + Describe(t));
      case Tok::kEnd:
        return Error(t.pos, "expected a value but found " + Describe(t));
      default:
        break;
    }
    if (AcceptKeyword("null")) return LiteralExpr(Literal::Null(), t.pos);
    if (AcceptKeyword("true")) return LiteralExpr(Literal::Boolean(true), t.pos);
    if (AcceptKeyword("false")) return LiteralExpr(Literal::Boolean(false), t.pos);
    if (IsKeyword("case")) return ParseCase();
    if (IsKeyword("cast") && IsSymbol("(", 1)) return ParseCast();
    if (t.kind == Tok::kIdent && IsSymbol("(", 1)) return ParseFunction();
    const size_t pos = t.pos;
    ARROW_ASSIGN_OR_RAISE(std::string path, ParseColumnPath());
    return Make(ValueExpr::Kind::kColumn, std::move(path), {}, pos);
  }

  arrow::Result<std::string> ParseColumnPath() {
    std::string name;
    while (true) {
      const Token& t = Peek();
      bool reserved = t.kind == Tok::kIdent && ReservedWords().count(Lower(t.text)) > 0;
      if (t.kind == Tok::kQuotedIdent || (t.kind == Tok::kIdent && !reserved)) {
        name += Next().text;
      } else {
        return Error(t.pos, "expected a column name but found " + Describe(t));
      }
      if (!IsSymbol(".")) return name;
      Next();
      name += '.';
    }
  }

  arrow::Result<ValueExprPtr> ParseCase() {
    const size_t pos = Next().pos;
    ValueExprPtr subject;
    if (!IsKeyword("when")) {
      ARROW_ASSIGN_OR_RAISE(subject, ParseOr());
    }
    auto e = std::make_shared<ValueExpr>();
    e->kind = ValueExpr::Kind::kCase;
    e->position = pos + 1;
    if (!IsKeyword("when")) return Error(Peek().pos, "expected WHEN but found " + Describe(Peek()));
    while (IsKeyword("when")) {
      size_t when_pos = Next().pos;
      ARROW_ASSIGN_OR_RAISE(auto cond, ParseOr());
      if (subject) cond = Make(ValueExpr::Kind::kBinary, "=", {subject, cond}, when_pos);
      ARROW_RETURN_NOT_OK(Expect("THEN", true));
      ARROW_ASSIGN_OR_RAISE(auto value, ParseOr());
      e->args.push_back(std::move(cond));
      e->args.push_back(std::move(value));
    }
    if (AcceptKeyword("else")) {
      ARROW_ASSIGN_OR_RAISE(auto value, ParseOr());
      e->args.push_back(std::move(value));
      e->has_else = true;
    }
    ARROW_RETURN_NOT_OK(Expect("END", true));
    return e;
  }

  arrow::Result<ValueExprPtr> ParseCast() {
    const size_t pos = Next().pos;
    Next();  // (
    ARROW_ASSIGN_OR_RAISE(auto value, ParseOr());
    ARROW_RETURN_NOT_OK(Expect("AS", true));
    // The type runs to the matching ')': decimal(9, 2) has parentheses of its own.
    const size_t type_start = Peek().pos;
    int depth = 0;
    while (Peek().kind != Tok::kEnd && !(depth == 0 && IsSymbol(")"))) {
      if (IsSymbol("(")) ++depth;
      if (IsSymbol(")")) --depth;
      Next();
    }
    const size_t type_end = Peek().pos;
    ARROW_RETURN_NOT_OK(Expect(")", false));
    std::string type_text(text_.substr(type_start, type_end - type_start));
    while (!type_text.empty() && std::isspace(static_cast<unsigned char>(type_text.back()))) {
      type_text.pop_back();
    }
    auto type = Type::FromPrimitiveName(Lower(type_text));
    if (!type.ok()) {
      return Error(type_start, "unknown type '" + type_text +
                                   "' (an Iceberg primitive type: int, long, double, "
                                   "decimal(P,S), date, timestamp, string, …)");
    }
    auto e = std::make_shared<ValueExpr>(*Make(ValueExpr::Kind::kCast, "", {value}, pos));
    e->cast_type = *type;
    return e;
  }

  arrow::Result<ValueExprPtr> ParseFunction() {
    const Token& name = Next();
    Next();  // (
    std::string fn = Lower(name.text);
    static const std::set<std::string> kFunctions = {
        "lower",  "upper",    "trim",   "ltrim", "rtrim", "length", "substring", "replace",
        "concat", "coalesce", "nullif", "abs",   "round", "floor",  "ceil"};
    if (kFunctions.count(fn) == 0) {
      return Error(name.pos, "unknown function '" + name.text + "'");
    }
    std::vector<ValueExprPtr> args;
    if (!IsSymbol(")")) {
      while (true) {
        ARROW_ASSIGN_OR_RAISE(auto arg, ParseOr());
        args.push_back(std::move(arg));
        if (IsSymbol(",")) {
          Next();
          continue;
        }
        break;
      }
    }
    ARROW_RETURN_NOT_OK(Expect(")", false));
    size_t min = 1, max = 1;
    if (fn == "substring") min = 2, max = 3;
    if (fn == "replace") min = max = 3;
    if (fn == "nullif") min = max = 2;
    if (fn == "round") max = 2;
    if (fn == "concat" || fn == "coalesce") max = SIZE_MAX;
    if (args.size() < min || args.size() > max) {
      std::string want = min == max        ? std::to_string(min)
                         : max == SIZE_MAX ? "at least " + std::to_string(min)
                                           : std::to_string(min) + " or " + std::to_string(max);
      return Error(name.pos,
                   fn + "() takes " + want + " argument(s), got " + std::to_string(args.size()));
    }
    return Make(ValueExpr::Kind::kFunction, std::move(fn), std::move(args), name.pos);
  }

  std::string_view text_;
  const char* what_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

arrow::Result<ValueExprPtr> ParseValueExpression(std::string_view text) {
  Parser parser(text, "value expression");
  ARROW_RETURN_NOT_OK(parser.Tokenize());
  return parser.ParseWhole();
}

arrow::Result<std::vector<Assignment>> ParseAssignments(std::string_view text) {
  Parser parser(text, "SET list");
  ARROW_RETURN_NOT_OK(parser.Tokenize());
  return parser.ParseAssignmentList();
}

}  // namespace floe::iceberg
