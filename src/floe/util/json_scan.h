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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace floe::util {

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
    // Compact JSON has no space between tokens: one compare for that case.
    if (p < end && static_cast<unsigned char>(*p) > ' ') return;
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

#if defined(__SSE2__)
/// Bit i set when byte i of the 16 at `at` is a quote, a backslash, a control character
/// (< 0x20) or a non-ASCII byte. The load may reach past the string (see FindStringSpecial):
/// AddressSanitizer is told to let it be, as those bytes never reach a result.
__attribute__((no_sanitize_address)) inline unsigned SpecialMask16(const char* at) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  // A signed compare below 0x20 catches control characters and bytes >= 0x80 at once.
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

/// The first byte at or after `p` that ends a run of plain string bytes: a quote, a
/// backslash, a control character (< 0x20) or a non-ASCII byte; `end` if none.
///
/// Most strings of a log line (keys, levels, names) are shorter than one 16-byte block, so the
/// last block is loaded whole even when it reaches past `end`, provided it stays inside the
/// memory page `p` is in (such a load cannot fault), and the bytes past `end` are masked off.
inline const char* FindStringSpecial(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    const unsigned mask = SpecialMask16(p);
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
  constexpr uintptr_t kPage = 4096;  // the smallest x86 page
  if (p < end && (reinterpret_cast<uintptr_t>(p) & (kPage - 1)) <= kPage - 16) {
    const unsigned mask = SpecialMask16(p) & ((1u << (end - p)) - 1);
    return mask != 0 ? p + __builtin_ctz(mask) : end;
  }
#endif
  while (p < end) {
    const unsigned char ch = static_cast<unsigned char>(*p);
    if (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x80) return p;
    ++p;
  }
  return end;
}

/// ReadJsonString past its fast path: `special` is the first byte of the string (after the
/// opening quote at c->p) that is not plain.
bool ReadJsonStringFrom(JsonCursor* c, const char* special, std::string_view* out, bool keep);

/// Reads the string at the cursor (which is at its opening quote). With `keep`, the value
/// stays valid for the rest of the line; otherwise only until the next string is read.
/// Inline for the common case, a string of plain ASCII: one scan to its closing quote.
inline bool ReadJsonString(JsonCursor* c, std::string_view* out, bool keep) {
  const char* const start = c->p + 1;
  const char* const special = FindStringSpecial(start, c->end);
  if (special < c->end && *special == '"') {
    *out = std::string_view(start, static_cast<size_t>(special - start));
    c->p = special + 1;
    return true;
  }
  return ReadJsonStringFrom(c, special, out, keep);
}

/// Reads the number at the cursor: its text exactly as written.
bool ReadJsonNumber(JsonCursor* c, std::string_view* out);

/// What ReadJsonNumber saw of a number while reading it, so that its reader need not look
/// at the text again.
struct JsonNumberShape {
  bool fraction = false;
  bool exponent = false;
  /// An integer of at most 18 digits (no fraction, no exponent): its value, exact.
  bool small_integer = false;
  int64_t value = 0;
};
bool ReadJsonNumber(JsonCursor* c, std::string_view* out, JsonNumberShape* shape);

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

}  // namespace floe::util
