// Avro binary encoding of AvroValue datums against a schema.

#include <cstring>
#include <vector>

#include "floe/format/avro/avro_encoding_internal.h"
#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro::internal {

using Kind = AvroValue::Kind;

void WriteLong(int64_t v, std::string* out) {
  uint64_t z = ZigZagEncode(v);
  char buf[10];
  int n = 0;
  while (z >= 0x80) {
    buf[n++] = static_cast<char>((z & 0x7F) | 0x80);
    z >>= 7;
  }
  buf[n++] = static_cast<char>(z);
  out->append(buf, n);
}

void WriteBytes(std::string_view v, std::string* out) {
  WriteLong(static_cast<int64_t>(v.size()), out);
  out->append(v.data(), v.size());
}

void WriteFloat(float v, std::string* out) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
  out->append(buf, 4);
}

void WriteDouble(double v, std::string* out) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
  out->append(buf, 8);
}

namespace {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBoolean: return "boolean";
    case Kind::kInt: return "int";
    case Kind::kLong: return "long";
    case Kind::kFloat: return "float";
    case Kind::kDouble: return "double";
    case Kind::kBytes: return "bytes";
    case Kind::kString: return "string";
    case Kind::kFixed: return "fixed";
    case Kind::kEnum: return "enum";
    case Kind::kRecord: return "record";
    case Kind::kArray: return "array";
    case Kind::kMap: return "map";
  }
  return "unknown";
}

bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

int SymbolIndex(const AvroSchema& s, const std::string& symbol) {
  for (size_t i = 0; i < s.symbols.size(); ++i) {
    if (s.symbols[i] == symbol) return static_cast<int>(i);
  }
  return -1;
}

// The value's kind is the natural one for this (non-union) schema.
bool ExactFit(const AvroSchema& s, const AvroValue& v) {
  switch (s.type) {
    case AvroType::kNull: return v.kind == Kind::kNull;
    case AvroType::kBoolean: return v.kind == Kind::kBoolean;
    case AvroType::kInt: return v.kind == Kind::kInt && FitsInt32(v.integer);
    case AvroType::kLong: return v.kind == Kind::kLong;
    case AvroType::kFloat: return v.kind == Kind::kFloat;
    case AvroType::kDouble: return v.kind == Kind::kDouble;
    case AvroType::kBytes: return v.kind == Kind::kBytes;
    case AvroType::kString: return v.kind == Kind::kString;
    case AvroType::kFixed:
      return v.kind == Kind::kFixed && v.bytes.size() == static_cast<size_t>(s.size);
    case AvroType::kEnum:
      return v.kind == Kind::kEnum && v.integer >= 0 &&
             v.integer < static_cast<int64_t>(s.symbols.size());
    case AvroType::kRecord:
      return v.kind == Kind::kRecord && v.children.size() == s.fields.size();
    case AvroType::kArray: return v.kind == Kind::kArray;
    case AvroType::kMap: return v.kind == Kind::kMap && v.keys.size() == v.children.size();
    case AvroType::kUnion: return false;
  }
  return false;
}

// Conversions accepted when writing (shallow: nested values are checked when encoded).
bool LenientFit(const AvroSchema& s, const AvroValue& v) {
  if (ExactFit(s, v)) return true;
  switch (s.type) {
    case AvroType::kInt: return v.kind == Kind::kLong && FitsInt32(v.integer);
    case AvroType::kLong: return v.kind == Kind::kInt;
    case AvroType::kDouble: return v.kind == Kind::kFloat;
    case AvroType::kBytes: return v.kind == Kind::kString;
    case AvroType::kFixed:
      return v.kind == Kind::kBytes && v.bytes.size() == static_cast<size_t>(s.size);
    case AvroType::kEnum: return v.kind == Kind::kString && SymbolIndex(s, v.bytes) >= 0;
    default: return false;
  }
}

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  arrow::Status Encode(const AvroSchema& s, const AvroValue& v) {
    if (s.type == AvroType::kUnion) return EncodeUnion(s, v);
    if (!LenientFit(s, v)) return Mismatch(s, v);
    switch (s.type) {
      case AvroType::kNull:
        return arrow::Status::OK();
      case AvroType::kBoolean:
        out_->push_back(v.boolean ? 1 : 0);
        return arrow::Status::OK();
      case AvroType::kInt:
      case AvroType::kLong:
        WriteLong(v.integer, out_);
        return arrow::Status::OK();
      case AvroType::kFloat:
        WriteFloat(static_cast<float>(v.floating), out_);
        return arrow::Status::OK();
      case AvroType::kDouble:
        WriteDouble(v.floating, out_);
        return arrow::Status::OK();
      case AvroType::kBytes:
      case AvroType::kString:
        WriteBytes(v.bytes, out_);
        return arrow::Status::OK();
      case AvroType::kFixed:
        out_->append(v.bytes);
        return arrow::Status::OK();
      case AvroType::kEnum:
        WriteLong(v.kind == Kind::kString ? SymbolIndex(s, v.bytes) : v.integer, out_);
        return arrow::Status::OK();
      case AvroType::kRecord:
        for (size_t i = 0; i < s.fields.size(); ++i) {
          path_.push_back(s.fields[i].name);
          ARROW_RETURN_NOT_OK(Encode(*s.fields[i].schema, v.children[i]));
          path_.pop_back();
        }
        return arrow::Status::OK();
      case AvroType::kArray:
        // One block with every item, then the empty block that ends the array.
        if (!v.children.empty()) {
          WriteLong(static_cast<int64_t>(v.children.size()), out_);
          path_.push_back("[]");
          for (const auto& item : v.children) ARROW_RETURN_NOT_OK(Encode(*s.items, item));
          path_.pop_back();
        }
        WriteLong(0, out_);
        return arrow::Status::OK();
      case AvroType::kMap:
        if (!v.children.empty()) {
          WriteLong(static_cast<int64_t>(v.children.size()), out_);
          for (size_t i = 0; i < v.children.size(); ++i) {
            WriteBytes(v.keys[i], out_);
            path_.push_back(v.keys[i]);
            ARROW_RETURN_NOT_OK(Encode(*s.values, v.children[i]));
            path_.pop_back();
          }
        }
        WriteLong(0, out_);
        return arrow::Status::OK();
      case AvroType::kUnion:
        break;  // handled above
    }
    return Mismatch(s, v);
  }

 private:
  arrow::Status EncodeUnion(const AvroSchema& s, const AvroValue& v) {
    int chosen = -1;
    for (size_t i = 0; i < s.branches.size() && chosen < 0; ++i) {
      if (ExactFit(*s.branches[i], v)) chosen = static_cast<int>(i);
    }
    for (size_t i = 0; i < s.branches.size() && chosen < 0; ++i) {
      if (LenientFit(*s.branches[i], v)) chosen = static_cast<int>(i);
    }
    if (chosen < 0) return Mismatch(s, v);
    WriteLong(chosen, out_);
    return Encode(*s.branches[chosen], v);
  }

  arrow::Status Mismatch(const AvroSchema& s, const AvroValue& v) const {
    std::string expected;
    if (s.type == AvroType::kUnion) {
      expected = "one of [";
      for (size_t i = 0; i < s.branches.size(); ++i) {
        if (i > 0) expected += ", ";
        expected += TypeName(s.branches[i]->type);
      }
      expected += "]";
    } else {
      expected = std::string(TypeName(s.type));
      if (!s.name.empty()) expected += " '" + s.name + "'";
    }
    std::string detail;
    if (v.kind == Kind::kRecord && s.type == AvroType::kRecord) {
      detail = " (" + std::to_string(v.children.size()) + " values for " +
               std::to_string(s.fields.size()) + " fields)";
    } else if (s.type == AvroType::kFixed) {
      detail = " (" + std::to_string(v.bytes.size()) + " bytes for size " +
               std::to_string(s.size) + ")";
    } else if ((v.kind == Kind::kInt || v.kind == Kind::kLong) && s.type == AvroType::kInt) {
      detail = " (" + std::to_string(v.integer) + " is out of int range)";
    } else if (v.kind == Kind::kMap && v.keys.size() != v.children.size()) {
      detail = " (" + std::to_string(v.keys.size()) + " keys for " +
               std::to_string(v.children.size()) + " values)";
    }
    std::string path;
    for (const auto& p : path_) {
      if (!path.empty() && p != "[]") path += ".";
      path += p;
    }
    return arrow::Status::Invalid("Avro datum", path.empty() ? "" : " field '" + path + "'",
                                  ": expected ", expected, ", got ", KindName(v.kind), detail);
  }

  std::string* out_;
  std::vector<std::string_view> path_;
};

}  // namespace

arrow::Status EncodeDatum(const AvroSchema& schema, const AvroValue& value, std::string* out) {
  return Encoder(out).Encode(schema, value);
}

}  // namespace floe::avro::internal
