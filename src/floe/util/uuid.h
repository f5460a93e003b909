#pragma once

#include <string>

namespace floe::util {

/// A random (version 4) UUID in its 36-character text form.
std::string RandomUuid();

/// The 16 big-endian bytes of a UUID given in text form; empty when malformed.
std::string UuidToBytes(const std::string& text);
/// The text form of 16 UUID bytes.
std::string UuidFromBytes(const std::string& bytes);

}  // namespace floe::util
