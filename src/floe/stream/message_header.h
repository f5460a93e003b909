#pragma once

#include <optional>
#include <string>

namespace floe::stream {

/// One Kafka message header: a name and a value (none: the header has a null value).
struct MessageHeader {
  std::string name;
  std::optional<std::string> value;
};

}  // namespace floe::stream
