#pragma once

// A small tokenizer shared by the schema and partition text languages (schema_text.h).
// Internal to floe_iceberg.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace floe::iceberg::text_internal {

enum class TokenKind {
  kWord,     ///< identifier or keyword: [A-Za-z_][A-Za-z0-9_]*
  kQuoted,   ///< "name" or `name`: an identifier that may hold any character
  kString,   ///< 'text': a string literal (doc comments)
  kNumber,   ///< [0-9]+
  kSymbol,   ///< one of , < > ( ) [ ] : .
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   ///< word, unquoted name / string, digits, or the symbol
  size_t column = 0;  ///< 1-based position in the input
};

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// How a token reads in an error message.
inline std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kQuoted: return "\"" + token.text + "\"";
    case TokenKind::kString: return "'" + token.text + "'";
    default: return "'" + token.text + "'";
  }
}

/// Splits the input into tokens; `what` names the language in error messages ("schema text").
inline arrow::Result<std::vector<Token>> Tokenize(std::string_view input, const char* what) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto is_word_start = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  };
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (i < input.size()) {
    char c = input[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token token;
    token.column = i + 1;
    if (is_word_start(c)) {
      size_t start = i;
      while (i < input.size() && is_word(input[i])) ++i;
      token.kind = TokenKind::kWord;
      token.text = std::string(input.substr(start, i - start));
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < input.size() && std::isdigit(static_cast<unsigned char>(input[i]))) ++i;
      if (i < input.size() && is_word_start(input[i])) {
        return arrow::Status::Invalid(what, ": at column ", token.column,
                                      ": a name cannot start with a digit");
      }
      token.kind = TokenKind::kNumber;
      token.text = std::string(input.substr(start, i - start));
    } else if (c == '"' || c == '`' || c == '\'') {
      // Quoted: the quote character doubled stands for itself.
      char quote = c;
      ++i;
      std::string text;
      bool closed = false;
      while (i < input.size()) {
        if (input[i] == quote) {
          if (i + 1 < input.size() && input[i + 1] == quote) {
            text.push_back(quote);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        text.push_back(input[i++]);
      }
      if (!closed) {
        return arrow::Status::Invalid(what, ": at column ", token.column, ": unterminated ",
                                      quote == '\'' ? "string" : "quoted name");
      }
      token.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuoted;
      token.text = std::move(text);
    } else if (std::string_view(",<>()[]:.").find(c) != std::string_view::npos) {
      token.kind = TokenKind::kSymbol;
      token.text = std::string(1, c);
      ++i;
    } else {
      return arrow::Status::Invalid(what, ": at column ", token.column, ": unexpected character '",
                                    std::string(1, c), "'");
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.column = input.size() + 1;
  tokens.push_back(end);
  return tokens;
}

/// A cursor over tokens with error helpers.
class Cursor {
 public:
  Cursor(std::vector<Token> tokens, const char* what) : tokens_(std::move(tokens)), what_(what) {}

  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }

  bool IsSymbol(char symbol, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kSymbol && t.text[0] == symbol;
  }
  /// A word, compared case-insensitively.
  bool IsKeyword(std::string_view word, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kWord && Lower(t.text) == word;
  }
  bool AcceptSymbol(char symbol) {
    if (!IsSymbol(symbol)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(word)) return false;
    Next();
    return true;
  }

  /// "<what>: at column N: expected X, got 'y'".
  arrow::Status Expected(std::string_view expected) const { return ExpectedAt(Peek(), expected); }
  arrow::Status ExpectedAt(const Token& token, std::string_view expected) const {
    return arrow::Status::Invalid(what_, ": at column ", token.column, ": expected ", expected,
                                  ", got ", Describe(token));
  }
  arrow::Status ErrorAt(const Token& token, std::string_view message) const {
    return arrow::Status::Invalid(what_, ": at column ", token.column, ": ", message);
  }

  arrow::Status ExpectSymbol(char symbol) {
    if (AcceptSymbol(symbol)) return arrow::Status::OK();
    return Expected(std::string("'") + symbol + "'");
  }

  /// A plain or quoted name.
  arrow::Result<Token> ExpectName(std::string_view expected = "a name") {
    const Token& t = Peek();
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kQuoted) return Next();
    return Expected(expected);
  }

  arrow::Result<int32_t> ExpectInt(std::string_view expected) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber || t.text.size() > 9) return Expected(expected);
    return static_cast<int32_t>(std::stol(Next().text));
  }

 private:
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const char* what_;
};

}  // namespace floe::iceberg::text_internal
