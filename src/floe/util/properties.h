#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>

namespace floe::util {

/// Typed reads of string-valued property maps: table and namespace properties, snapshot
/// summaries. One parser, so a property means the same thing to every reader of it.

/// The value of `key`, or `fallback` when the key is absent.
std::string StringProperty(const std::map<std::string, std::string>& properties,
                           const std::string& key, const std::string& fallback = "");

/// The value of `key` as a decimal integer (an optional sign, then digits, nothing else), or
/// `fallback` when the key is absent. A malformed value, or one outside [min, max], is an
/// error naming the key, the value and the range.
arrow::Result<int64_t> IntProperty(const std::map<std::string, std::string>& properties,
                                   const std::string& key, int64_t fallback,
                                   int64_t min = std::numeric_limits<int64_t>::min(),
                                   int64_t max = std::numeric_limits<int64_t>::max());

/// As IntProperty, but a malformed or out-of-range value also gives `fallback`: for settings
/// that must never block the operation reading them (how often to retry a commit).
int64_t IntPropertyOr(const std::map<std::string, std::string>& properties, const std::string& key,
                      int64_t fallback, int64_t min = std::numeric_limits<int64_t>::min(),
                      int64_t max = std::numeric_limits<int64_t>::max());

/// The value of `key` as a boolean ("true" or "false" in any case, as Java's table properties
/// are written), or `fallback` when absent; any other value is an error naming the key.
arrow::Result<bool> BoolProperty(const std::map<std::string, std::string>& properties,
                                 const std::string& key, bool fallback);

}  // namespace floe::util
