#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace floe::iceberg {

/// A table's name in a catalog: namespace levels and a name ("db.events", "a.b.events").
struct TableIdentifier {
  std::vector<std::string> ns;
  std::string name;

  /// Splits at the last '.'; the namespace may have several levels.
  static arrow::Result<TableIdentifier> Parse(std::string_view text);
  std::string NamespaceString() const;  ///< levels joined with '.'
  std::string ToString() const;
  bool operator==(const TableIdentifier& other) const = default;
};

/// Splits a namespace given as "a.b" into levels.
std::vector<std::string> SplitNamespace(std::string_view text);

}  // namespace floe::iceberg
