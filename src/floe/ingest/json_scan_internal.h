#pragma once

// A strict, allocation-free JSON (RFC 8259) scanner for one line at a time, used by the
// Spark log parser. It validates everything it passes over — structure, UTF-8 (Unicode
// Table 3-7: no overlongs, surrogates or values past U+10FFFF), escapes and surrogate pairs,
// numbers and literals — and hands out strings unescaped (as views into the line when they
// hold no escape), numbers as their text, and objects / arrays as their raw text.
//
// Why not simdjson: the Arrow wheel's libparquet exports its own, newer simdjson, and its
// definitions take precedence in the process over Debian's libsimdjson, so code compiled
// against Debian's headers calls into another version's virtual tables.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace floe::ingest::internal {

/// Deeper nesting than this is rejected.
inline constexpr int kMaxJsonDepth = 1024;

/// Position in one line. Strings with escapes are unescaped into `arena`, which must hold
/// at least as many bytes as the line (an unescaped string is never longer than its JSON
/// text): kept strings advance it, others reuse the space.
struct JsonCursor {
  const char* p;
  const char* end;
  char* arena;

  bool at_end() const { return p >= end; }
  char peek() const { return *p; }
  void SkipSpace() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  /// Consumes `c` (after whitespace); false if something else comes.
  bool Expect(char c) {
    SkipSpace();
    if (p >= end || *p != c) return false;
    ++p;
    return true;
  }
};

/// Reads the string at the cursor (which is at its opening quote). With `keep`, the value
/// stays valid for the rest of the line; otherwise only until the next string is read.
bool ReadJsonString(JsonCursor* c, std::string_view* out, bool keep);

/// Reads the number at the cursor: its text exactly as written.
bool ReadJsonNumber(JsonCursor* c, std::string_view* out);

/// Reads `true`, `false` or `null` at the cursor: its text.
bool ReadJsonLiteral(JsonCursor* c, std::string_view* out);

/// Passes over the value at the cursor (after whitespace), validating all of it.
bool SkipJsonValue(JsonCursor* c, int depth);

/// Calls on_field(key, cursor) for each member of the object at the cursor (after
/// whitespace); on_field must consume the value and return false to stop with an error.
/// The key is valid only until the value's first string is read.
template <typename OnField>
bool ForEachJsonField(JsonCursor* c, int depth, OnField&& on_field) {
  if (depth > kMaxJsonDepth || !c->Expect('{')) return false;
  c->SkipSpace();
  if (!c->at_end() && c->peek() == '}') {
    ++c->p;
    return true;
  }
  while (true) {
    c->SkipSpace();
    std::string_view key;
    if (c->at_end() || c->peek() != '"' || !ReadJsonString(c, &key, /*keep=*/false)) {
      return false;
    }
    if (!c->Expect(':')) return false;
    c->SkipSpace();
    if (c->at_end() || !on_field(key)) return false;
    c->SkipSpace();
    if (c->at_end()) return false;
    const char next = *c->p++;
    if (next == '}') return true;
    if (next != ',') return false;
  }
}

/// Whether an object key is exactly `name`: lengths first, then the bytes with a size known
/// at compile time (which the compiler turns into a few loads rather than a memcmp call).
template <size_t N>
inline bool KeyIs(std::string_view key, const char (&name)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

/// Appends `json` — valid JSON text — to *out without the whitespace between tokens.
void AppendMinifiedJson(std::string_view json, std::string* out);

}  // namespace floe::ingest::internal
