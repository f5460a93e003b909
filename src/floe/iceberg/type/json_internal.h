#pragma once

// Checked accessors for reading Iceberg JSON documents with nlohmann::json without exceptions.
// Every error names where in the document it happened ("schemas[0].fields[2]") and which
// member is wrong; callers prefix the file name. Internal to floe_iceberg.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/status.h>
#include <nlohmann/json.hpp>

namespace floe::iceberg::json_internal {

using Json = nlohmann::json;

/// "where.key", or just "key" at the top of the document.
inline std::string Path(std::string_view where, std::string_view key) {
  if (where.empty()) return std::string(key);
  return std::string(where) + "." + std::string(key);
}

/// "where[i]".
inline std::string Index(std::string_view where, size_t i) {
  return std::string(where) + "[" + std::to_string(i) + "]";
}

/// Error prefix: "where: " or nothing at the top of the document.
inline std::string At(std::string_view where) {
  return where.empty() ? std::string() : std::string(where) + ": ";
}

/// A short rendering of a bad value for error messages.
inline std::string Show(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

/// The member, or nullptr when absent (or when `obj` is not an object). JSON null counts as
/// absent.
inline const Json* Find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

inline arrow::Status Missing(std::string_view where, std::string_view key) {
  return arrow::Status::Invalid(At(where), "missing required field '", key, "'");
}

inline arrow::Status WrongType(std::string_view where, std::string_view key, const char* expected,
                               const Json& got) {
  return arrow::Status::Invalid(At(where), "field '", key, "' must be ", expected, ", got ",
                                Show(got));
}

/// An object that must exist.
inline arrow::Status CheckObject(const Json& value, std::string_view where) {
  if (!value.is_object()) {
    return arrow::Status::Invalid(At(where), "expected a JSON object, got ", Show(value));
  }
  return arrow::Status::OK();
}

inline arrow::Result<int64_t> AsLong(const Json& v, std::string_view where, std::string_view key) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return WrongType(where, key, "a 64-bit integer", v);
    }
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  return WrongType(where, key, "an integer", v);
}

inline arrow::Result<int32_t> AsInt(const Json& v, std::string_view where, std::string_view key) {
  ARROW_ASSIGN_OR_RAISE(int64_t value, AsLong(v, where, key));
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return WrongType(where, key, "a 32-bit integer", v);
  }
  return static_cast<int32_t>(value);
}

inline arrow::Result<int64_t> GetLong(const Json& obj, std::string_view key,
                                      std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(where, key);
  return AsLong(*v, where, key);
}

inline arrow::Result<int32_t> GetInt(const Json& obj, std::string_view key,
                                     std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(where, key);
  return AsInt(*v, where, key);
}

inline arrow::Result<std::optional<int64_t>> GetOptionalLong(const Json& obj, std::string_view key,
                                                             std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(int64_t value, AsLong(*v, where, key));
  return value;
}

inline arrow::Result<std::optional<int32_t>> GetOptionalInt(const Json& obj, std::string_view key,
                                                            std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(int32_t value, AsInt(*v, where, key));
  return value;
}

inline arrow::Result<std::string> GetString(const Json& obj, std::string_view key,
                                            std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(where, key);
  if (!v->is_string()) return WrongType(where, key, "a string", *v);
  return v->get<std::string>();
}

inline arrow::Result<bool> GetBool(const Json& obj, std::string_view key, std::string_view where) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(where, key);
  if (!v->is_boolean()) return WrongType(where, key, "a boolean", *v);
  return v->get<bool>();
}

/// A member that must be an array when present; nullptr when absent.
inline arrow::Result<const Json*> GetOptionalArray(const Json& obj, std::string_view key,
                                                   std::string_view where) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_array()) return WrongType(where, key, "an array", *v);
  return v;
}

inline arrow::Result<const Json*> GetArray(const Json& obj, std::string_view key,
                                           std::string_view where) {
  ARROW_ASSIGN_OR_RAISE(const Json* v, GetOptionalArray(obj, key, where));
  if (v == nullptr) return Missing(where, key);
  return v;
}

/// A member that must be an object when present; nullptr when absent.
inline arrow::Result<const Json*> GetOptionalObject(const Json& obj, std::string_view key,
                                                    std::string_view where) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_object()) return WrongType(where, key, "an object", *v);
  return v;
}

}  // namespace floe::iceberg::json_internal
