#pragma once

// Small helpers shared by the filter evaluators (metrics, partition, manifest).

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg::internal {

/// Whether rows matching a bound, NOT-free filter might be present, given `predicate`'s answer
/// for each leaf predicate: constants answer themselves, AND / OR combine. A NOT left over is
/// never pruned on (RewriteNot removes them; what cannot be reasoned about might match).
template <typename Predicate>
bool MightMatch(const Expression& e, const Predicate& predicate) {
  switch (e.op()) {
    case Op::kTrue:
      return true;
    case Op::kFalse:
      return false;
    case Op::kAnd:
      return MightMatch(*e.left(), predicate) && MightMatch(*e.right(), predicate);
    case Op::kOr:
      return MightMatch(*e.left(), predicate) || MightMatch(*e.right(), predicate);
    case Op::kNot:
      return true;
    default:
      return predicate(e);
  }
}

inline bool IsNaN(const Literal& v) {
  if (auto* f = std::get_if<float>(&v.value())) return std::isnan(*f);
  if (auto* d = std::get_if<double>(&v.value())) return std::isnan(*d);
  return false;
}

/// A bound decoded with the column type; nullopt when it cannot be read (then it is ignored,
/// which only makes evaluators more permissive).
inline std::optional<Literal> DecodeBound(const TypePtr& type, std::string_view bytes) {
  auto decoded = DeserializeValue(type, bytes);
  if (!decoded.ok() || decoded->is_null()) return std::nullopt;
  return *std::move(decoded);
}

/// Whether a comparison (<, <=, >, >=, =) or IN with at most `in_limit` values might match a
/// value between `lower` and `upper`; other operations might always match. A missing bound, or
/// a NaN one (from writers that did not exclude NaN), says nothing. The metrics and manifest
/// evaluators differ only in where the bounds come from.
inline bool BoundsMightMatch(const Expression& e, std::optional<Literal> lower,
                             std::optional<Literal> upper, size_t in_limit) {
  if (lower && IsNaN(*lower)) lower.reset();
  if (upper && IsNaN(*upper)) upper.reset();
  switch (e.op()) {
    case Op::kLt:
      return !lower || lower->Compare(e.literal()) < 0;
    case Op::kLtEq:
      return !lower || lower->Compare(e.literal()) <= 0;
    case Op::kGt:
      return !upper || upper->Compare(e.literal()) > 0;
    case Op::kGtEq:
      return !upper || upper->Compare(e.literal()) >= 0;
    case Op::kEq:
      return (!lower || lower->Compare(e.literal()) <= 0) &&
             (!upper || upper->Compare(e.literal()) >= 0);
    case Op::kIn:
      if (e.literals().size() > in_limit) return true;
      for (const Literal& v : e.literals()) {
        if ((!lower || lower->Compare(v) <= 0) && (!upper || upper->Compare(v) >= 0)) return true;
      }
      return false;
    default:
      return true;
  }
}

/// Compares the first min(|bound|, |prefix|) bytes of `bound` with `prefix` as unsigned bytes
/// (Java's truncateBinary + unsignedBytes comparison in STARTS WITH pruning).
inline int ComparePrefix(std::string_view bound, std::string_view prefix) {
  std::string_view head = bound.substr(0, std::min(bound.size(), prefix.size()));
  int c = head.compare(prefix.substr(0, head.size()));
  // std::string_view compares with char_traits<char>, which compares as unsigned char.
  if (c != 0) return c < 0 ? -1 : 1;
  if (head.size() < prefix.size()) return -1;
  return 0;
}

inline bool HasPrefix(std::string_view value, std::string_view prefix) {
  return value.size() >= prefix.size() && value.substr(0, prefix.size()) == prefix;
}

}  // namespace floe::iceberg::internal
