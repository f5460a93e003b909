#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace floe::util {

/// Hex text of bytes: binary and fixed values in `floe scan`, UUID and CRC-64 text, the X'…'
/// literals of filters, %XX escapes of partition paths.
enum class HexCase { kLower, kUpper };

/// The hex digit of a value 0..15 (only the low four bits count).
char HexDigit(unsigned value, HexCase hex_case = HexCase::kLower);
/// The value 0..15 of a hex digit in either case, or -1 for any other character.
int HexDigitValue(char c);

/// Appends two hex digits per byte, the high nibble first.
void AppendHex(std::string_view bytes, std::string* out, HexCase hex_case = HexCase::kLower);
std::string ToHex(std::string_view bytes, HexCase hex_case = HexCase::kLower);

/// The bytes that hex text (digits of either case, two per byte) stands for; nullopt for an
/// odd number of digits or any other character.
std::optional<std::string> FromHex(std::string_view hex);

}  // namespace floe::util
