#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floe::iceberg::internal {

// One parsed JSON value. Numbers keep their text as written, so decimals stay exact and each
// numeric type parses them with its own rules.
struct JsonNode {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;                                       // number or string
  std::vector<JsonNode> items;                            // array
  std::vector<std::pair<std::string, JsonNode>> members;  // object, keys unique
};

/// Parses one JSON text into `out`; the reason when it is not exactly one JSON value
/// ("not valid JSON at byte 12 (…)"), or nested deeper than the reader follows.
std::optional<std::string> ParseJsonNode(std::string_view text, JsonNode* out);

/// What a value was, for error messages: `string "abc"`, `number 1.5`, `an object`.
std::string DescribeJsonNode(const JsonNode& node);

}  // namespace floe::iceberg::internal
