#include "cli/output.h"

#include <algorithm>
#include <charconv>
#include <ostream>

#include "floe/iceberg/type/temporal.h"

namespace floe::cli {
namespace {
class UsageDetail final : public arrow::StatusDetail {
 public:
  const char* type_id() const override { return "floe::cli::Usage"; }
  std::string ToString() const override { return "usage"; }
};

bool ParseDigits(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
}  // namespace

arrow::Status UsageError(const std::string& message) {
  return arrow::Status(arrow::StatusCode::Invalid, message, std::make_shared<UsageDetail>());
}

bool IsUsageError(const arrow::Status& status) {
  return status.detail() != nullptr &&
         std::string(status.detail()->type_id()) == "floe::cli::Usage";
}

arrow::Result<std::map<std::string, std::string>> ParseKeyValues(
    const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  for (const auto& pair : pairs) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("property '" + pair + "' must be KEY=VALUE");
    }
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      out << cell;
      if (i + 1 < width.size()) out << std::string(width[i] - cell.size() + 2, ' ');
    }
    out << "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows) line(row);
}

void PrintJson(std::ostream& out, const nlohmann::json& doc) { out << doc.dump(2) << "\n"; }

std::string FormatMillis(int64_t ms) {
  std::string ts = iceberg::FormatTimestamp(iceberg::FloorDiv(ms, 1000) * 1000000, false);
  char frac[8];
  std::snprintf(frac, sizeof(frac), ".%03lld", static_cast<long long>(iceberg::FloorMod(ms, 1000)));
  return ts + frac + "+00:00";
}

arrow::Result<int64_t> ParseTimeToMillis(const std::string& text) {
  int64_t millis;
  if (ParseDigits(text, &millis)) return millis;
  auto bad = [&] {
    return UsageError("cannot read time '" + text +
                      "': use epoch milliseconds or YYYY-MM-DD[Thh:mm:ss[.fff]][Z|±hh:mm]");
  };
  std::string_view s(text);
  int64_t year, month, day, hour = 0, minute = 0, second = 0, micros = 0, offset_min = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !ParseDigits(s.substr(0, 4), &year) ||
      !ParseDigits(s.substr(5, 2), &month) || !ParseDigits(s.substr(8, 2), &day)) {
    return bad();
  }
  s.remove_prefix(10);
  if (!s.empty() && (s[0] == 'T' || s[0] == ' ')) {
    if (s.size() < 9 || s[3] != ':' || s[6] != ':' || !ParseDigits(s.substr(1, 2), &hour) ||
        !ParseDigits(s.substr(4, 2), &minute) || !ParseDigits(s.substr(7, 2), &second)) {
      return bad();
    }
    s.remove_prefix(9);
    if (!s.empty() && s[0] == '.') {
      size_t n = 1;
      int64_t scale = 100000;
      while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
        if (scale > 0) micros += (s[n] - '0') * scale;
        scale /= 10;
        ++n;
      }
      s.remove_prefix(n);
    }
  }
  if (!s.empty()) {
    if (s == "Z" || s == "z") {
      offset_min = 0;
    } else if ((s[0] == '+' || s[0] == '-') && s.size() == 6 && s[3] == ':') {
      int64_t oh, om;
      if (!ParseDigits(s.substr(1, 2), &oh) || !ParseDigits(s.substr(4, 2), &om)) return bad();
      offset_min = (s[0] == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
      return bad();
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  int64_t days = iceberg::DaysFromCivil(year, static_cast<int32_t>(month), static_cast<int32_t>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + micros / 1000;
}

}  // namespace floe::cli
