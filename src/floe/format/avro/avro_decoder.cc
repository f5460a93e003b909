// Bounded decoding of Avro binary data: every length and count read from the input is
// checked against the bytes that remain before anything is allocated or looped over.

#include <cstring>

#include "floe/format/avro/avro_encoding_internal.h"
#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro::internal {

namespace {
// Arrays and maps of items that encode to zero bytes (null, empty records) cannot be
// bounded by the input size; no sane writer produces many of them.
constexpr int64_t kMaxZeroSizeItems = int64_t{1} << 20;
}  // namespace

std::string Decoder::Where(size_t at) const {
  if (!decompressed_) return "byte " + std::to_string(file_offset_ + static_cast<int64_t>(at));
  return "byte " + std::to_string(at) + " of the block decompressed from byte " +
         std::to_string(file_offset_);
}

arrow::Status Decoder::Truncated(std::string_view what, size_t at) const {
  return arrow::Status::IOError(name_, ": truncated ", what, " at ", Where(at));
}

arrow::Status Decoder::Corrupt(std::string_view what, size_t at) const {
  return arrow::Status::Invalid(name_, ": corrupt ", what, " at ", Where(at));
}

arrow::Result<uint64_t> Decoder::ReadVarint(int max_bytes, std::string_view what) {
  const size_t start = pos_;
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= data_.size()) return Truncated(what, start);
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      // The last of 10 bytes carries only bit 63; more would overflow.
      if (i == 9 && b > 1) return Corrupt(std::string(what) + " (varint overflows)", start);
      return result;
    }
  }
  return Corrupt(std::string(what) + " (varint longer than " + std::to_string(max_bytes) +
                     " bytes)",
                 start);
}

arrow::Result<int64_t> Decoder::ReadLong() {
  ARROW_ASSIGN_OR_RAISE(uint64_t z, ReadVarint(10, "long"));
  return ZigZagDecode(z);
}

arrow::Result<int32_t> Decoder::ReadInt() {
  const size_t start = pos_;
  ARROW_ASSIGN_OR_RAISE(uint64_t z, ReadVarint(5, "int"));
  if (z > UINT32_MAX) return Corrupt("int (out of 32-bit range)", start);
  return static_cast<int32_t>(ZigZagDecode(z));
}

arrow::Result<bool> Decoder::ReadBoolean() {
  if (pos_ >= data_.size()) return Truncated("boolean", pos_);
  uint8_t b = static_cast<uint8_t>(data_[pos_]);
  if (b > 1) return Corrupt("boolean (byte " + std::to_string(b) + ")", pos_);
  ++pos_;
  return b == 1;
}

arrow::Result<float> Decoder::ReadFloat() {
  ARROW_ASSIGN_OR_RAISE(std::string_view raw, ReadView(4, "float"));
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) {
    bits |= static_cast<uint32_t>(static_cast<uint8_t>(raw[i])) << (8 * i);
  }
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

arrow::Result<double> Decoder::ReadDouble() {
  ARROW_ASSIGN_OR_RAISE(std::string_view raw, ReadView(8, "double"));
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(raw[i])) << (8 * i);
  }
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

arrow::Result<std::string_view> Decoder::ReadView(size_t n, std::string_view what) {
  if (n > remaining()) return Truncated(what, pos_);
  std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

arrow::Status Decoder::ReadBytes(std::string* out) {
  const size_t start = pos_;
  ARROW_ASSIGN_OR_RAISE(int64_t len, ReadLong());
  if (len < 0) return Corrupt("byte length " + std::to_string(len), start);
  if (static_cast<uint64_t>(len) > remaining()) {
    return Truncated("value of " + std::to_string(len) + " bytes", start);
  }
  out->assign(data_.data() + pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return arrow::Status::OK();
}

arrow::Status Decoder::ReadFixed(size_t n, std::string* out) {
  ARROW_ASSIGN_OR_RAISE(std::string_view v, ReadView(n, "fixed value"));
  out->assign(v.data(), v.size());
  return arrow::Status::OK();
}

namespace {

using Kind = AvroValue::Kind;

// Resets *out to an empty value of `kind`; a record keeps its children so that nested
// buffers are reused when the caller decodes into the same value again.
void Prepare(AvroValue* out, Kind kind) {
  out->kind = kind;
  out->boolean = false;
  out->integer = 0;
  out->floating = 0;
  out->bytes.clear();
  out->keys.clear();
  if (kind != Kind::kRecord) out->children.clear();
}

// Reads the item count of the next array or map block (0 at the end). A negative count is
// followed by the block's byte size (spec: lets readers skip blocks), which must fit.
arrow::Result<int64_t> ReadBlockCount(Decoder* in, std::string_view what, int64_t item_min_size,
                                      int64_t items_so_far) {
  const size_t start = in->position();
  ARROW_ASSIGN_OR_RAISE(int64_t count, in->ReadLong());
  if (count < 0) {
    if (count == INT64_MIN) return in->Corrupt(std::string(what) + " block count", start);
    count = -count;
    const size_t size_at = in->position();
    ARROW_ASSIGN_OR_RAISE(int64_t size, in->ReadLong());
    if (size < 0) return in->Corrupt(std::string(what) + " block size", size_at);
    if (static_cast<uint64_t>(size) > in->remaining()) {
      return in->Truncated(std::string(what) + " block of " + std::to_string(size) + " bytes",
                           size_at);
    }
  }
  if (item_min_size > 0) {
    if (count > static_cast<int64_t>(in->remaining()) / item_min_size) {
      return in->Truncated(std::string(what) + " block of " + std::to_string(count) + " items",
                           start);
    }
  } else if (count > kMaxZeroSizeItems - items_so_far) {
    return in->Corrupt(std::string(what) + " with more than " +
                           std::to_string(kMaxZeroSizeItems) + " empty items",
                       start);
  }
  return count;
}

}  // namespace

arrow::Status DecodeDatum(const AvroSchema& s, Decoder* in, AvroValue* out) {
  switch (s.type) {
    case AvroType::kNull:
      Prepare(out, Kind::kNull);
      return arrow::Status::OK();
    case AvroType::kBoolean: {
      ARROW_ASSIGN_OR_RAISE(bool b, in->ReadBoolean());
      Prepare(out, Kind::kBoolean);
      out->boolean = b;
      return arrow::Status::OK();
    }
    case AvroType::kInt: {
      ARROW_ASSIGN_OR_RAISE(int32_t v, in->ReadInt());
      Prepare(out, Kind::kInt);
      out->integer = v;
      return arrow::Status::OK();
    }
    case AvroType::kLong: {
      ARROW_ASSIGN_OR_RAISE(int64_t v, in->ReadLong());
      Prepare(out, Kind::kLong);
      out->integer = v;
      return arrow::Status::OK();
    }
    case AvroType::kFloat: {
      ARROW_ASSIGN_OR_RAISE(float v, in->ReadFloat());
      Prepare(out, Kind::kFloat);
      out->floating = v;
      return arrow::Status::OK();
    }
    case AvroType::kDouble: {
      ARROW_ASSIGN_OR_RAISE(double v, in->ReadDouble());
      Prepare(out, Kind::kDouble);
      out->floating = v;
      return arrow::Status::OK();
    }
    case AvroType::kBytes:
    case AvroType::kString:
      Prepare(out, s.type == AvroType::kBytes ? Kind::kBytes : Kind::kString);
      return in->ReadBytes(&out->bytes);
    case AvroType::kFixed:
      Prepare(out, Kind::kFixed);
      return in->ReadFixed(static_cast<size_t>(s.size), &out->bytes);
    case AvroType::kEnum: {
      const size_t start = in->position();
      ARROW_ASSIGN_OR_RAISE(int32_t index, in->ReadInt());
      if (index < 0 || static_cast<size_t>(index) >= s.symbols.size()) {
        return in->Corrupt("enum index " + std::to_string(index) + " for '" + s.name + "'",
                           start);
      }
      Prepare(out, Kind::kEnum);
      out->integer = index;
      return arrow::Status::OK();
    }
    case AvroType::kRecord:
      Prepare(out, Kind::kRecord);
      out->children.resize(s.fields.size());
      for (size_t i = 0; i < s.fields.size(); ++i) {
        ARROW_RETURN_NOT_OK(DecodeDatum(*s.fields[i].schema, in, &out->children[i]));
      }
      return arrow::Status::OK();
    case AvroType::kArray: {
      Prepare(out, Kind::kArray);
      const int64_t item_min = MinEncodedSize(*s.items);
      while (true) {
        ARROW_ASSIGN_OR_RAISE(
            int64_t count,
            ReadBlockCount(in, "array", item_min, static_cast<int64_t>(out->children.size())));
        if (count == 0) break;
        for (int64_t i = 0; i < count; ++i) {
          out->children.emplace_back();
          ARROW_RETURN_NOT_OK(DecodeDatum(*s.items, in, &out->children.back()));
        }
      }
      return arrow::Status::OK();
    }
    case AvroType::kMap: {
      Prepare(out, Kind::kMap);
      const int64_t entry_min = 1 + MinEncodedSize(*s.values);  // key length + value
      while (true) {
        ARROW_ASSIGN_OR_RAISE(
            int64_t count,
            ReadBlockCount(in, "map", entry_min, static_cast<int64_t>(out->children.size())));
        if (count == 0) break;
        for (int64_t i = 0; i < count; ++i) {
          out->keys.emplace_back();
          ARROW_RETURN_NOT_OK(in->ReadBytes(&out->keys.back()));
          out->children.emplace_back();
          ARROW_RETURN_NOT_OK(DecodeDatum(*s.values, in, &out->children.back()));
        }
      }
      return arrow::Status::OK();
    }
    case AvroType::kUnion: {
      const size_t start = in->position();
      ARROW_ASSIGN_OR_RAISE(int64_t index, in->ReadLong());
      if (index < 0 || static_cast<uint64_t>(index) >= s.branches.size()) {
        return in->Corrupt("union branch " + std::to_string(index) + " of " +
                               std::to_string(s.branches.size()),
                           start);
      }
      return DecodeDatum(*s.branches[static_cast<size_t>(index)], in, out);
    }
  }
  return in->Corrupt("schema", in->position());
}

}  // namespace floe::avro::internal
