#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace floe::cli {

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters
/// escaped, invalid UTF-8 replaced by U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string_view text, std::string* out);

/// The length of the well-formed UTF-8 sequence starting at text[pos] (a non-ASCII lead
/// byte), or 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates and
/// code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view text, size_t pos);

}  // namespace floe::cli
