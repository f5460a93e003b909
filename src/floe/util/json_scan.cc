#include "floe/util/json_scan.h"

#include <cstddef>
#include <cstring>

namespace floe::util {
namespace {

inline bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

/// Length of the well-formed UTF-8 sequence starting with a non-ASCII byte at `p`
/// (Unicode Table 3-7), or 0.
inline int Utf8SequenceLength(const char* p, const char* end) {
  const auto* s = reinterpret_cast<const unsigned char*>(p);
  const ptrdiff_t avail = end - p;
  const unsigned char b0 = s[0];
  if (b0 >= 0xC2 && b0 <= 0xDF) return avail >= 2 && IsContinuation(s[1]) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3) return 0;
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlongs
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return s[1] >= lo && s[1] <= hi && IsContinuation(s[2]) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4) return 0;
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlongs
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
    return s[1] >= lo && s[1] <= hi && IsContinuation(s[2]) && IsContinuation(s[3]) ? 4 : 0;
  }
  return 0;
}

inline int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/// Four hex digits at `p` (which has at least 4 bytes before `end`), or -1.
inline int32_t Hex4(const char* p, const char* end) {
  if (end - p < 4) return -1;
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = HexValue(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

inline char* EncodeUtf8(uint32_t cp, char* dst) {
  if (cp < 0x80) {
    *dst++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *dst++ = static_cast<char>(0xC0 | (cp >> 6));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *dst++ = static_cast<char>(0xE0 | (cp >> 12));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *dst++ = static_cast<char>(0xF0 | (cp >> 18));
    *dst++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return dst;
}

/// Decodes the escape at `*p` (just past the backslash) into `*dst`; advances both.
inline bool Unescape(const char** p, const char* end, char** dst) {
  if (*p >= end) return false;
  const char e = *(*p)++;
  switch (e) {
    case '"': *(*dst)++ = '"'; return true;
    case '\\': *(*dst)++ = '\\'; return true;
    case '/': *(*dst)++ = '/'; return true;
    case 'b': *(*dst)++ = '\b'; return true;
    case 'f': *(*dst)++ = '\f'; return true;
    case 'n': *(*dst)++ = '\n'; return true;
    case 'r': *(*dst)++ = '\r'; return true;
    case 't': *(*dst)++ = '\t'; return true;
    case 'u': break;
    default: return false;
  }
  int32_t cp = Hex4(*p, end);
  if (cp < 0) return false;
  *p += 4;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    // A high surrogate must be followed by an escaped low one (RFC 8259 §7).
    if (end - *p < 6 || (*p)[0] != '\\' || (*p)[1] != 'u') return false;
    const int32_t low = Hex4(*p + 2, end);
    if (low < 0xDC00 || low > 0xDFFF) return false;
    *p += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  *dst = EncodeUtf8(static_cast<uint32_t>(cp), *dst);
  return true;
}

bool ExpectWord(JsonCursor* c, std::string_view word) {
  if (static_cast<size_t>(c->end - c->p) < word.size() ||
      std::memcmp(c->p, word.data(), word.size()) != 0) {
    return false;
  }
  c->p += word.size();
  return true;
}

inline bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

}  // namespace

bool ReadJsonStringFrom(JsonCursor* c, const char* special, std::string_view* out, bool keep) {
  const char* p = special;
  const char* const end = c->end;
  const char* run = c->p + 1;  // start of the bytes not yet copied (once unescaping)
  char* dst = nullptr;         // set at the first escape: the value is built in the arena
  char* const dst_begin = c->arena;
  while (true) {
    if (p >= end) return false;  // unterminated
    const unsigned char ch = static_cast<unsigned char>(*p);
    if (ch == '"') {
      if (dst == nullptr) {
        *out = std::string_view(run, static_cast<size_t>(p - run));
      } else {
        std::memcpy(dst, run, static_cast<size_t>(p - run));
        dst += p - run;
        *out = std::string_view(dst_begin, static_cast<size_t>(dst - dst_begin));
        if (keep) c->arena = dst;
      }
      c->p = p + 1;
      return true;
    }
    if (ch == '\\') {
      if (dst == nullptr) dst = dst_begin;
      std::memcpy(dst, run, static_cast<size_t>(p - run));
      dst += p - run;
      ++p;
      if (!Unescape(&p, end, &dst)) return false;
      run = p;
    } else {
      if (ch < 0x20) return false;  // control characters must be escaped
      const int n = Utf8SequenceLength(p, end);
      if (n == 0) return false;
      p += n;
    }
    p = FindStringSpecial(p, end);
  }
}

namespace {

// Whether the 8 bytes at `p` are all ASCII digits, and their value: the digits are read as
// one little-endian word and combined pairwise (each step multiplies the higher-order half).
bool EightDigits(const char* p, uint64_t* value) {
  uint64_t x = 0;
  std::memcpy(&x, p, 8);
  // Each byte is 0x30..0x39: its high nibble is 3, and adding 6 leaves it 3.
  if ((x & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
      ((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL) {
    return false;
  }
  x -= 0x3030303030303030ULL;
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;
  x = (x * 10000 + (x >> 32)) & 0x00000000FFFFFFFFULL;
  *value = x;
  return true;
}

}  // namespace

bool ReadJsonNumber(JsonCursor* c, std::string_view* out) {
  JsonNumberShape shape;
  return ReadJsonNumber(c, out, &shape);
}

bool ReadJsonNumber(JsonCursor* c, std::string_view* out, JsonNumberShape* shape) {
  const char* p = c->p;
  const char* const end = c->end;
  const char* const start = p;
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  if (p >= end || !IsDigit(*p)) return false;
  const char* const digits = p;
  uint64_t value = 0;
  if (*p == '0') {
    ++p;
  } else {
    // Eight digits at a time while there are (epoch times have 13 to 16); `value` wraps past
    // 19 digits, and is then not used.
    uint64_t eight = 0;
    while (end - p >= 8 && EightDigits(p, &eight)) {
      value = value * 100'000'000 + eight;
      p += 8;
    }
    while (p < end && IsDigit(*p)) {
      value = value * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
    }
  }
  const bool short_enough = p - digits <= 18;
  *shape = JsonNumberShape{};
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !IsDigit(*p)) return false;
    while (p < end && IsDigit(*p)) ++p;
    shape->fraction = true;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !IsDigit(*p)) return false;
    while (p < end && IsDigit(*p)) ++p;
    shape->exponent = true;
  }
  if (!shape->fraction && !shape->exponent && short_enough) {
    shape->small_integer = true;
    shape->value = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
  }
  // What follows (a digit after a leading 0, a letter) is the caller's to reject: only a
  // separator, a closing bracket or whitespace can come after a value.
  *out = std::string_view(start, static_cast<size_t>(p - start));
  c->p = p;
  return true;
}

bool ReadJsonLiteral(JsonCursor* c, std::string_view* out) {
  const char* start = c->p;
  if (c->at_end()) return false;
  const bool ok = c->peek() == 't' ? ExpectWord(c, "true")
                  : c->peek() == 'f' ? ExpectWord(c, "false")
                                     : ExpectWord(c, "null");
  if (!ok) return false;
  *out = std::string_view(start, static_cast<size_t>(c->p - start));
  return true;
}

bool SkipJsonValue(JsonCursor* c, int depth) {
  c->SkipSpace();
  if (c->at_end() || depth > kMaxJsonDepth) return false;
  std::string_view ignored;
  switch (c->peek()) {
    case '{':
      return ForEachJsonField(c, depth,
                              [&](std::string_view) { return SkipJsonValue(c, depth + 1); });
    case '[': {
      ++c->p;
      c->SkipSpace();
      if (!c->at_end() && c->peek() == ']') {
        ++c->p;
        return true;
      }
      while (true) {
        if (!SkipJsonValue(c, depth + 1)) return false;
        c->SkipSpace();
        if (c->at_end()) return false;
        const char next = *c->p++;
        if (next == ']') return true;
        if (next != ',') return false;
      }
    }
    case '"':
      return ReadJsonString(c, &ignored, /*keep=*/false);
    case 't':
    case 'f':
    case 'n':
      return ReadJsonLiteral(c, &ignored);
    default:
      return ReadJsonNumber(c, &ignored);
  }
}

void AppendMinifiedJson(std::string_view json, std::string* out) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char ch = json[i];
    if (in_string) {
      out->push_back(ch);
      if (ch == '\\') {
        out->push_back(json[++i]);  // the escaped character, which may be a quote
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
      out->push_back(ch);
      in_string = ch == '"';
    }
  }
}

}  // namespace floe::util
