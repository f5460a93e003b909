#include "floe/util/properties.h"

#include <arrow/status.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

namespace floe::util {
namespace {

// std::from_chars takes no '+', which Java's Long.parseLong does.
std::optional<int64_t> ParseInt(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string StringProperty(const std::map<std::string, std::string>& properties,
                           const std::string& key, const std::string& fallback) {
  auto it = properties.find(key);
  return it == properties.end() ? fallback : it->second;
}

arrow::Result<int64_t> IntProperty(const std::map<std::string, std::string>& properties,
                                   const std::string& key, int64_t fallback, int64_t min,
                                   int64_t max) {
  auto it = properties.find(key);
  if (it == properties.end()) return fallback;
  auto value = ParseInt(it->second);
  if (!value) {
    return arrow::Status::Invalid("property ", key, "='", it->second, "' is not an integer");
  }
  if (*value < min || *value > max) {
    std::string range;
    if (max == std::numeric_limits<int64_t>::max()) {
      range = "at least " + std::to_string(min);
    } else if (min == std::numeric_limits<int64_t>::min()) {
      range = "at most " + std::to_string(max);
    } else {
      range = "between " + std::to_string(min) + " and " + std::to_string(max);
    }
    return arrow::Status::Invalid("property ", key, "='", it->second, "' is not ", range);
  }
  return *value;
}

int64_t IntPropertyOr(const std::map<std::string, std::string>& properties, const std::string& key,
                      int64_t fallback, int64_t min, int64_t max) {
  auto value = IntProperty(properties, key, fallback, min, max);
  return value.ok() ? *value : fallback;
}

arrow::Result<bool> BoolProperty(const std::map<std::string, std::string>& properties,
                                 const std::string& key, bool fallback) {
  auto it = properties.find(key);
  if (it == properties.end()) return fallback;
  if (EqualsIgnoreCase(it->second, "true")) return true;
  if (EqualsIgnoreCase(it->second, "false")) return false;
  return arrow::Status::Invalid("property ", key, "='", it->second,
                                "' is not a boolean (true or false)");
}

}  // namespace floe::util
