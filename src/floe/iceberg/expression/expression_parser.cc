#include "floe/iceberg/expression/expression_parser.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include <arrow/status.h>

#include "floe/iceberg/type/literal_conversion.h"
#include "floe/util/hex.h"

namespace floe::iceberg {
namespace {

enum class Tok {
  kIdent,
  kQuotedIdent,
  kString,
  kNumber,
  kHex,
  kLParen,
  kRParen,
  kComma,
  kDot,
  kOp,
  kEnd,
};

struct Token {
  Tok kind;
  std::string text;  // identifier / string contents, number text, operator
  size_t pos;        // 0-based offset in the input
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  arrow::Result<ExprPtr> Parse() {
    ARROW_RETURN_NOT_OK(Tokenize());
    ARROW_ASSIGN_OR_RAISE(auto expr, ParseOr());
    if (Peek().kind != Tok::kEnd) return Error(Peek().pos, "unexpected " + Describe(Peek()));
    return expr;
  }

 private:
  arrow::Status Error(size_t pos, const std::string& what) const {
    return arrow::Status::Invalid("cannot parse filter \"", std::string(text_), "\": ", what,
                                  " at position ", pos + 1);
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of filter";
      case Tok::kString: return "string '" + t.text + "'";
      case Tok::kQuotedIdent: return "\"" + t.text + "\"";
      default: return "'" + t.text + "'";
    }
  }

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
        if (body.size() % 2 != 0) return Error(start, "odd number of hex digits");
        auto bytes = util::FromHex(body);
        if (!bytes) return Error(start, "invalid hex digits in X'" + body + "'");
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
      } else if (IsDigit(c) || (c == '-' && i + 1 < n && IsDigit(text_[i + 1]))) {
        ++i;
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
      } else if (c == '(' || c == ')' || c == ',' || c == '.') {
        Tok kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : c == ',' ? Tok::kComma
                                                                                 : Tok::kDot;
        tokens_.push_back({kind, std::string(1, c), start});
        ++i;
      } else if (c == '<' || c == '>' || c == '=' || c == '!') {
        std::string op(1, c);
        if (i + 1 < n && (text_[i + 1] == '=' || (c == '<' && text_[i + 1] == '>'))) {
          op += text_[i + 1];
        }
        if (op == "!") return Error(start, "expected '!='");
        i += op.size();
        tokens_.push_back({Tok::kOp, std::move(op), start});
      } else {
        return Error(start, std::string("unexpected character '") + c + "'");
      }
    }
    tokens_.push_back({Tok::kEnd, "", n});
    return arrow::Status::OK();
  }

  // Reads a quoted run starting at text_[*i + skip] (the opening quote); a doubled quote stands
  // for one quote character.
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
    size_t k = std::min(next_ + ahead, tokens_.size() - 1);
    return tokens_[k];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return t;
  }

  static bool IsKeyword(const Token& t, std::string_view word) {
    if (t.kind != Tok::kIdent || t.text.size() != word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(t.text[k])) != word[k]) return false;
    }
    return true;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    Next();
    return true;
  }
  arrow::Status ExpectKeyword(std::string_view word) {
    if (AcceptKeyword(word)) return arrow::Status::OK();
    std::string upper;
    for (char c : word) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Error(Peek().pos, "expected " + upper + " but found " + Describe(Peek()));
  }

  arrow::Result<ExprPtr> ParseOr() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseAnd());
    while (AcceptKeyword("or")) {
      ARROW_ASSIGN_OR_RAISE(auto right, ParseAnd());
      left = Expression::Or(std::move(left), std::move(right));
    }
    return left;
  }

  arrow::Result<ExprPtr> ParseAnd() {
    ARROW_ASSIGN_OR_RAISE(auto left, ParseNot());
    while (AcceptKeyword("and")) {
      ARROW_ASSIGN_OR_RAISE(auto right, ParseNot());
      left = Expression::And(std::move(left), std::move(right));
    }
    return left;
  }

  arrow::Result<ExprPtr> ParseNot() {
    if (AcceptKeyword("not")) {
      ARROW_ASSIGN_OR_RAISE(auto child, ParseNot());
      return Expression::Not(std::move(child));
    }
    const Token& t = Peek();
    if (t.kind == Tok::kLParen) {
      Next();
      ARROW_ASSIGN_OR_RAISE(auto inner, ParseOr());
      if (Peek().kind != Tok::kRParen) {
        return Error(Peek().pos, "expected ')' but found " + Describe(Peek()));
      }
      Next();
      return inner;
    }
    if (AcceptKeyword("true")) return Expression::True();
    if (AcceptKeyword("false")) return Expression::False();
    return ParsePredicate();
  }

  arrow::Result<std::string> ParseColumn() {
    std::string name;
    while (true) {
      const Token& t = Peek();
      bool reserved = IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "not") ||
                      IsKeyword(t, "in") || IsKeyword(t, "is") || IsKeyword(t, "null");
      if (t.kind == Tok::kQuotedIdent || (t.kind == Tok::kIdent && !reserved)) {
        name += Next().text;
      } else {
        return Error(t.pos, "expected a column name but found " + Describe(t));
      }
      if (Peek().kind != Tok::kDot) return name;
      Next();
      name += '.';
    }
  }

  arrow::Result<Literal> ParseValue() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kString:
        Next();
        return Literal::String(t.text);
      case Tok::kHex:
        Next();
        return Literal::Binary(t.text);
      case Tok::kNumber: {
        Next();
        return NumberLiteral(t);
      }
      case Tok::kIdent:
        if (AcceptKeyword("true")) return Literal::Boolean(true);
        if (AcceptKeyword("false")) return Literal::Boolean(false);
        if (IsKeyword(t, "null")) return Error(t.pos, "null cannot be compared; use IS NULL");
        break;
      default:
        break;
    }
    return Error(t.pos, "expected a value but found " + Describe(t));
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
    // Decimals, and integers beyond long: exact when they fit 38 digits.
    if (auto dec = ParseDecimalText(s)) return *dec;
    return Error(t.pos, "number " + s + " has more than 38 digits");
  }

  arrow::Result<ExprPtr> ParsePredicate() {
    ARROW_ASSIGN_OR_RAISE(std::string column, ParseColumn());
    const Token& t = Peek();
    if (t.kind == Tok::kOp) {
      Next();
      Op op;
      if (t.text == "<") {
        op = Op::kLt;
      } else if (t.text == "<=") {
        op = Op::kLtEq;
      } else if (t.text == ">") {
        op = Op::kGt;
      } else if (t.text == ">=") {
        op = Op::kGtEq;
      } else if (t.text == "=" || t.text == "==") {
        op = Op::kEq;
      } else {
        op = Op::kNotEq;  // != and <>
      }
      ARROW_ASSIGN_OR_RAISE(Literal value, ParseValue());
      return Expression::Predicate(op, std::move(column), {std::move(value)});
    }
    if (AcceptKeyword("is")) {
      bool negated = AcceptKeyword("not");
      if (AcceptKeyword("null")) {
        return Expression::Predicate(negated ? Op::kNotNull : Op::kIsNull, std::move(column));
      }
      if (AcceptKeyword("nan")) {
        return Expression::Predicate(negated ? Op::kNotNan : Op::kIsNan, std::move(column));
      }
      return Error(Peek().pos, "expected NULL or NAN but found " + Describe(Peek()));
    }
    bool negated = AcceptKeyword("not");
    if (AcceptKeyword("in")) {
      if (Peek().kind != Tok::kLParen) {
        return Error(Peek().pos, "expected '(' after IN but found " + Describe(Peek()));
      }
      Next();
      std::vector<Literal> values;
      while (true) {
        ARROW_ASSIGN_OR_RAISE(Literal value, ParseValue());
        values.push_back(std::move(value));
        if (Peek().kind == Tok::kComma) {
          Next();
          continue;
        }
        if (Peek().kind == Tok::kRParen) {
          Next();
          break;
        }
        return Error(Peek().pos, "expected ',' or ')' but found " + Describe(Peek()));
      }
      return Expression::Predicate(negated ? Op::kNotIn : Op::kIn, std::move(column),
                                   std::move(values));
    }
    if (AcceptKeyword("starts")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("with"));
      const Token& v = Peek();
      if (v.kind != Tok::kString) {
        return Error(v.pos, "expected a string after STARTS WITH but found " + Describe(v));
      }
      Next();
      return Expression::Predicate(negated ? Op::kNotStartsWith : Op::kStartsWith,
                                   std::move(column), {Literal::String(v.text)});
    }
    const Token& bad = Peek();
    return Error(bad.pos, "expected " + std::string(negated ? "IN or STARTS WITH" :
                          "a comparison, IS, IN or STARTS WITH") + " after column '" + column +
                          "' but found " + Describe(bad));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

arrow::Result<ExprPtr> ParseFilter(std::string_view text) { return Parser(text).Parse(); }

}  // namespace floe::iceberg
