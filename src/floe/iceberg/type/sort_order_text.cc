#include "floe/iceberg/type/sort_order_text.h"

#include <cctype>

#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/text_lexer_internal.h"

namespace floe::iceberg {

using text_internal::Token;
using text_internal::TokenKind;

namespace {

constexpr const char* kWhat = "sort order text";

bool IsWord(const Token& token, std::string_view word) {
  return token.kind == TokenKind::kWord && text_internal::Lower(token.text) == word;
}

arrow::Status ErrorAt(size_t column, const std::string& message) {
  return arrow::Status::Invalid(kWhat, ": at column ", column, ": ", message);
}

// One sort field from the tokens [begin, end) of its item: the term is parsed as partition
// text (the same transforms, the same column lookup), the keywords after it here.
arrow::Result<SortField> ParseItem(std::string_view text, const std::vector<Token>& tokens,
                                   size_t begin, size_t end, const Schema& schema) {
  if (begin == end) return ErrorAt(tokens[begin].column, "expected a sort term");
  SortField field;
  size_t term_end = end;
  bool null_order_given = false;
  if (term_end - begin >= 3 && IsWord(tokens[term_end - 2], "nulls")) {
    const Token& which = tokens[term_end - 1];
    if (IsWord(which, "first")) {
      field.null_order = NullOrder::kNullsFirst;
    } else if (IsWord(which, "last")) {
      field.null_order = NullOrder::kNullsLast;
    } else {
      return ErrorAt(which.column, "expected 'first' or 'last' after 'nulls', got " +
                                       text_internal::Describe(which));
    }
    null_order_given = true;
    term_end -= 2;
  }
  if (term_end - begin >= 2 &&
      (IsWord(tokens[term_end - 1], "asc") || IsWord(tokens[term_end - 1], "desc"))) {
    field.direction =
        IsWord(tokens[term_end - 1], "desc") ? SortDirection::kDesc : SortDirection::kAsc;
    --term_end;
  }
  if (!null_order_given) {
    field.null_order =
        field.direction == SortDirection::kAsc ? NullOrder::kNullsFirst : NullOrder::kNullsLast;
  }
  size_t from = tokens[begin].column - 1;
  size_t to = tokens[term_end].column - 1;
  std::string_view term = text.substr(from, to - from);
  while (!term.empty() && std::isspace(static_cast<unsigned char>(term.back()))) {
    term.remove_suffix(1);
  }
  auto parsed = ParsePartitionText(term, schema);
  if (!parsed.ok()) {
    return ErrorAt(tokens[begin].column,
                   "'" + std::string(term) + "': " + parsed.status().message());
  }
  if (parsed->fields().size() != 1) {
    return ErrorAt(tokens[begin].column, "expected one sort term, got '" + std::string(term) + "'");
  }
  const PartitionField& partition_field = parsed->fields()[0];
  if (partition_field.transform.kind() == Transform::Kind::kVoid) {
    return ErrorAt(tokens[begin].column, "cannot sort by void(...)");
  }
  field.transform = partition_field.transform;
  field.source_id = partition_field.source_id;
  return field;
}

}  // namespace

arrow::Result<SortOrder> ParseSortOrderText(std::string_view text, const Schema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, text_internal::Tokenize(text, kWhat));
  SortOrder order;
  if (tokens.size() == 1) return order;  // only the end token: unsorted
  size_t begin = 0;
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind == TokenKind::kSymbol && token.text == "(") ++depth;
    if (token.kind == TokenKind::kSymbol && token.text == ")") --depth;
    bool separator = token.kind == TokenKind::kSymbol && token.text == "," && depth == 0;
    if (!separator && token.kind != TokenKind::kEnd) continue;
    ARROW_ASSIGN_OR_RAISE(SortField field, ParseItem(text, tokens, begin, i, schema));
    for (const auto& earlier : order.fields) {
      if (earlier.source_id == field.source_id && earlier.transform == field.transform) {
        return ErrorAt(
            tokens[begin].column,
            "sorts by " + TransformTermText(field.transform, field.source_id, schema) + " twice");
      }
    }
    order.fields.push_back(field);
    begin = i + 1;
  }
  order.order_id = 1;
  return order;
}

std::string SortOrderToText(const SortOrder& order, const Schema& schema) {
  std::string out;
  for (const auto& field : order.fields) {
    if (!out.empty()) out += ", ";
    out += TransformTermText(field.transform, field.source_id, schema);
    out += field.direction == SortDirection::kAsc ? " asc" : " desc";
    out += field.null_order == NullOrder::kNullsFirst ? " nulls first" : " nulls last";
  }
  return out;
}

}  // namespace floe::iceberg
