#include "floe/iceberg/type/single_value.h"

#include <cstring>

#include "floe/iceberg/type/bucket_hash_internal.h"
#include "floe/iceberg/type/transform_internal.h"

namespace floe::iceberg {
namespace {

template <typename T>
std::string LittleEndian(T v) {
  using U = std::make_unsigned_t<T>;
  U u;
  std::memcpy(&u, &v, sizeof(T));
  std::string out(sizeof(T), '\0');
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<char>(u >> (8 * i));
  return out;
}

template <typename T>
T FromLittleEndian(std::string_view b) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u |= static_cast<U>(static_cast<uint8_t>(b[i])) << (8 * i);
  T v;
  std::memcpy(&v, &u, sizeof(T));
  return v;
}

std::string FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return LittleEndian(u);
}

std::string DoubleBits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return LittleEndian(u);
}

arrow::Status BadValue(const Literal& value) {
  return arrow::Status::Invalid("single-value serialization: value ", value.ToString(),
                                " does not match its type ",
                                value.type() ? value.type()->ToString() : "(none)");
}

arrow::Status BadLength(const TypePtr& type, std::string_view bytes, const char* expected) {
  return arrow::Status::Invalid("single-value bound of type ", type->ToString(), ": expected ",
                                expected, ", got ", bytes.size(), " bytes");
}

// Encodes a code point (≤ U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the code point of the UTF-8 sequence s[start, end). Malformed sequences decode to
// their lead byte's value, which still increments to something greater.
uint32_t DecodeUtf8(std::string_view s, size_t start, size_t end) {
  auto lead = static_cast<uint8_t>(s[start]);
  size_t len = end - start;
  uint32_t cp;
  if (lead < 0x80 || len == 1) return lead;
  if ((lead & 0xE0) == 0xC0) {
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    cp = lead & 0x0F;
  } else {
    cp = lead & 0x07;
  }
  for (size_t i = start + 1; i < end; ++i) cp = (cp << 6) | (static_cast<uint8_t>(s[i]) & 0x3F);
  return cp;
}

}  // namespace

arrow::Result<std::string> SerializeValue(const Literal& value) {
  if (value.is_null() || value.type() == nullptr) {
    return arrow::Status::Invalid("single-value serialization of a null or untyped value");
  }
  const Literal::Storage& v = value.value();
  auto integral = [&](int64_t* out) {
    if (auto* i = std::get_if<int32_t>(&v)) {
      *out = *i;
      return true;
    }
    if (auto* l = std::get_if<int64_t>(&v)) {
      *out = *l;
      return true;
    }
    return false;
  };
  int64_t n = 0;
  switch (value.type()->id()) {
    case TypeId::kBoolean:
      if (auto* b = std::get_if<bool>(&v)) return std::string(1, *b ? '\x01' : '\x00');
      return BadValue(value);
    case TypeId::kInt:
    case TypeId::kDate:
      if (!integral(&n)) return BadValue(value);
      return LittleEndian(static_cast<int32_t>(n));
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (!integral(&n)) return BadValue(value);
      return LittleEndian(n);
    case TypeId::kFloat:
      if (auto* f = std::get_if<float>(&v)) return FloatBits(*f);
      return BadValue(value);
    case TypeId::kDouble:
      if (auto* d = std::get_if<double>(&v)) return DoubleBits(*d);
      if (auto* f = std::get_if<float>(&v)) return DoubleBits(*f);
      return BadValue(value);
    case TypeId::kUuid:
      if (auto* s = std::get_if<std::string>(&v); s && s->size() == 16) return *s;
      return BadValue(value);
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
      if (auto* s = std::get_if<std::string>(&v)) return *s;
      return BadValue(value);
    case TypeId::kDecimal:
      if (auto* d = std::get_if<__int128>(&v)) {
        uint8_t buf[16];
        int len = MinimalBigEndian(*d, buf);
        return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
      }
      return BadValue(value);
    default:
      return arrow::Status::Invalid("single-value serialization does not support type ",
                                    value.type()->ToString());
  }
}

arrow::Result<Literal> DeserializeValue(const TypePtr& type, std::string_view bytes) {
  if (type == nullptr) return arrow::Status::Invalid("single-value bound without a type");
  switch (type->id()) {
    case TypeId::kBoolean:
      if (bytes.size() != 1) return BadLength(type, bytes, "1 byte");
      return Literal(type, bytes[0] != 0);
    case TypeId::kInt:
    case TypeId::kDate:
      if (bytes.size() != 4) return BadLength(type, bytes, "4 bytes");
      return Literal(type, FromLittleEndian<int32_t>(bytes));
    case TypeId::kLong:
      // A column promoted from int keeps its old 4-byte bounds in existing manifests.
      if (bytes.size() == 4) return Literal(type, int64_t{FromLittleEndian<int32_t>(bytes)});
      if (bytes.size() != 8) return BadLength(type, bytes, "8 bytes (or 4 from an int)");
      return Literal(type, FromLittleEndian<int64_t>(bytes));
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:  // nanoseconds, 8 bytes little-endian like the µs types
    case TypeId::kTimestampTzNs:
      if (bytes.size() != 8) return BadLength(type, bytes, "8 bytes");
      return Literal(type, FromLittleEndian<int64_t>(bytes));
    case TypeId::kFloat: {
      if (bytes.size() != 4) return BadLength(type, bytes, "4 bytes");
      uint32_t u = FromLittleEndian<uint32_t>(bytes);
      float f;
      std::memcpy(&f, &u, 4);
      return Literal(type, f);
    }
    case TypeId::kDouble: {
      // Likewise a column promoted from float keeps 4-byte bounds.
      if (bytes.size() == 4) {
        uint32_t u = FromLittleEndian<uint32_t>(bytes);
        float f;
        std::memcpy(&f, &u, 4);
        return Literal(type, static_cast<double>(f));
      }
      if (bytes.size() != 8) return BadLength(type, bytes, "8 bytes (or 4 from a float)");
      uint64_t u = FromLittleEndian<uint64_t>(bytes);
      double d;
      std::memcpy(&d, &u, 8);
      return Literal(type, d);
    }
    case TypeId::kUuid:
      if (bytes.size() != 16) return BadLength(type, bytes, "16 bytes");
      return Literal(type, std::string(bytes));
    case TypeId::kFixed:
      // Bounds may be truncated by writers, so they can be shorter than the type.
      if (bytes.size() > static_cast<size_t>(type->length())) {
        return BadLength(type, bytes, "at most the fixed length");
      }
      return Literal(type, std::string(bytes));
    case TypeId::kString:
    case TypeId::kBinary:
      return Literal(type, std::string(bytes));
    case TypeId::kDecimal: {
      if (bytes.empty() || bytes.size() > 16) return BadLength(type, bytes, "1 to 16 bytes");
      // Big-endian two's complement, sign-extended from its first byte.
      __int128 v = static_cast<int8_t>(bytes[0]);
      for (size_t i = 1; i < bytes.size(); ++i) {
        v = static_cast<__int128>(static_cast<unsigned __int128>(v) << 8) |
            static_cast<uint8_t>(bytes[i]);
      }
      return Literal(type, v);
    }
    default:
      return arrow::Status::Invalid("single-value bound of unsupported type ", type->ToString());
  }
}

Literal TruncateLowerBound(const Literal& value, int width) {
  if (value.is_null() || value.type() == nullptr) return value;
  const TypeId id = value.type()->id();
  if (id != TypeId::kString && id != TypeId::kBinary) return value;
  const std::string& s = value.AsBytes();
  size_t n = id == TypeId::kString ? internal::Utf8PrefixBytes(s, width)
                                   : std::min(s.size(), static_cast<size_t>(std::max(width, 0)));
  if (n == s.size()) return value;
  return Literal(value.type(), s.substr(0, n));
}

Literal TruncateUpperBound(const Literal& value, int width) {
  if (value.is_null() || value.type() == nullptr) return value;
  const TypeId id = value.type()->id();
  if (id != TypeId::kString && id != TypeId::kBinary) return value;
  const std::string& s = value.AsBytes();
  if (id == TypeId::kBinary) {
    if (width >= 0 && s.size() <= static_cast<size_t>(width)) return value;
    std::string out = s.substr(0, static_cast<size_t>(std::max(width, 0)));
    // Increment the last byte that is not 0xFF and drop everything after it.
    while (!out.empty()) {
      auto last = static_cast<uint8_t>(out.back());
      if (last != 0xFF) {
        out.back() = static_cast<char>(last + 1);
        return Literal(value.type(), std::move(out));
      }
      out.pop_back();
    }
    return Literal::Null(value.type());
  }
  size_t n = internal::Utf8PrefixBytes(s, width);
  if (n == s.size()) return value;
  std::string_view prefix(s.data(), n);
  // Walk back over code points: the first that can be incremented (skipping the surrogate
  // range, staying ≤ U+10FFFF) ends the bound; ones at the maximum are dropped.
  while (!prefix.empty()) {
    size_t start = prefix.size() - 1;
    while (start > 0 && (static_cast<uint8_t>(prefix[start]) & 0xC0) == 0x80) --start;
    uint32_t cp = DecodeUtf8(prefix, start, prefix.size()) + 1;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
    if (cp <= 0x10FFFF) {
      std::string out(prefix.substr(0, start));
      AppendUtf8(cp, &out);
      return Literal(value.type(), std::move(out));
    }
    prefix = prefix.substr(0, start);
  }
  return Literal::Null(value.type());
}

}  // namespace floe::iceberg
