#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>
#include <nlohmann/json.hpp>

namespace floe::cli {

/// A status for a command line that cannot work as given (exit code 2).
arrow::Status UsageError(const std::string& message);
bool IsUsageError(const arrow::Status& status);

/// KEY=VALUE arguments (--property, --set) as a map; a usage error names a malformed one.
arrow::Result<std::map<std::string, std::string>> ParseKeyValues(
    const std::vector<std::string>& pairs);

/// Rows of text under a header, printed as aligned columns.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  void Print(std::ostream& out) const;
};

/// Prints a JSON document, indented, followed by a newline.
void PrintJson(std::ostream& out, const nlohmann::json& doc);

/// "2024-03-01T10:15:30.123+00:00" for epoch milliseconds.
std::string FormatMillis(int64_t ms);

/// Parses a time given on the command line: epoch milliseconds, or an ISO 8601 date-time
/// ("2024-03-01", "2024-03-01T10:15:30", with optional fraction and Z/±hh:mm).
arrow::Result<int64_t> ParseTimeToMillis(const std::string& text);

}  // namespace floe::cli
