#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// Optional and required fields, for writing test schemas compactly.
inline NestedField Opt(int32_t id, std::string name, TypePtr type) {
  return NestedField{id, std::move(name), std::move(type), false, ""};
}
inline NestedField Req(int32_t id, std::string name, TypePtr type) {
  return NestedField{id, std::move(name), std::move(type), true, ""};
}

}  // namespace floe::iceberg
