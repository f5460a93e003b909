#include "floe/iceberg/table/table_identifier.h"

namespace floe::iceberg {

std::vector<std::string> SplitNamespace(std::string_view text) {
  std::vector<std::string> levels;
  size_t start = 0;
  while (start <= text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string_view::npos) dot = text.size();
    levels.emplace_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  return levels;
}

arrow::Result<TableIdentifier> TableIdentifier::Parse(std::string_view text) {
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) {
    return arrow::Status::Invalid("table name '", text,
                                  "' must be NAMESPACE.TABLE (for example db.events)");
  }
  TableIdentifier id{SplitNamespace(text.substr(0, dot)), std::string(text.substr(dot + 1))};
  for (const auto& level : id.ns) {
    if (level.empty()) return arrow::Status::Invalid("table name '", text, "' has an empty namespace level");
  }
  return id;
}

std::string TableIdentifier::NamespaceString() const {
  std::string out;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i) out += '.';
    out += ns[i];
  }
  return out;
}

std::string TableIdentifier::ToString() const { return NamespaceString() + "." + name; }

}  // namespace floe::iceberg
