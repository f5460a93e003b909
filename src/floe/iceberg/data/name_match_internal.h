#pragma once

#include <cctype>
#include <cstddef>
#include <string_view>

namespace floe::iceberg::internal {

/// How user data (Parquet columns, JSON keys) finds a table field: the index of the name equal
/// to `name`, else of the one name equal to it ignoring ASCII case; -1 when there is none or
/// more than one. `name_at(i)` gives the i-th of `count` names.
template <typename NameAt>
int MatchName(size_t count, const NameAt& name_at, std::string_view name) {
  for (size_t i = 0; i < count; ++i) {
    if (std::string_view(name_at(i)) == name) return static_cast<int>(i);
  }
  auto same_ignoring_case = [&](std::string_view other) {
    if (other.size() != name.size()) return false;
    for (size_t k = 0; k < name.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(other[k])) !=
          std::tolower(static_cast<unsigned char>(name[k]))) {
        return false;
      }
    }
    return true;
  };
  int found = -1;
  for (size_t i = 0; i < count; ++i) {
    if (same_ignoring_case(name_at(i))) {
      if (found >= 0) return -1;  // ambiguous
      found = static_cast<int>(i);
    }
  }
  return found;
}

}  // namespace floe::iceberg::internal
