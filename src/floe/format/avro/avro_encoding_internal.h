#pragma once

// Avro binary encoding (Avro 1.11 specification, "Binary Encoding"); not public API.

#include <cstdint>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/format/avro/avro_schema.h"
#include "floe/format/avro/avro_value.h"

namespace floe::avro::internal {

/// Zig-zag mapping of signed to unsigned (0→0, -1→1, 1→2, -2→3, ...).
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

/// Appends `v` as a zig-zag varint (int and long share this encoding).
void WriteLong(int64_t v, std::string* out);
/// Appends a length-prefixed byte string.
void WriteBytes(std::string_view v, std::string* out);
/// Appends IEEE 754 values in little-endian byte order.
void WriteFloat(float v, std::string* out);
void WriteDouble(double v, std::string* out);

/// Encodes one datum of `schema` onto `*out`. A value that does not fit the schema is an
/// Invalid status naming the field path; `*out` may then hold a partial datum, which the
/// caller discards. Writing is lenient: an Int fits a long, a Float a double, a String or
/// Bytes a bytes field, a Bytes value of the right size a fixed, a String naming a symbol an
/// enum. Unions take the first branch whose type matches the value's kind exactly, else the
/// first branch that accepts it leniently.
arrow::Status EncodeDatum(const AvroSchema& schema, const AvroValue& value, std::string* out);

/// A bounded reader over one byte range of an Avro input: every read checks the bytes left,
/// so corrupt or truncated input yields an error status naming the input and the offset.
class Decoder {
 public:
  /// `name` names the input in errors. `file_offset` is the file position of data[0]; when
  /// `decompressed` is true the data is a decompressed block that started there.
  Decoder(std::string_view data, std::string_view name, int64_t file_offset, bool decompressed)
      : data_(data), name_(name), file_offset_(file_offset), decompressed_(decompressed) {}

  arrow::Result<int64_t> ReadLong();
  arrow::Result<int32_t> ReadInt();
  arrow::Result<bool> ReadBoolean();
  arrow::Result<float> ReadFloat();
  arrow::Result<double> ReadDouble();
  /// A length-prefixed byte string (bytes or string).
  arrow::Status ReadBytes(std::string* out);
  /// Exactly `n` raw bytes (fixed, sync markers, magic).
  arrow::Status ReadFixed(size_t n, std::string* out);
  /// Returns a view of the next `n` raw bytes and moves past them.
  arrow::Result<std::string_view> ReadView(size_t n, std::string_view what);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  /// "<name>: truncated <what> at byte <offset>" (IOError).
  arrow::Status Truncated(std::string_view what, size_t at) const;
  /// "<name>: corrupt <what> at byte <offset>" (Invalid).
  arrow::Status Corrupt(std::string_view what, size_t at) const;
  /// The human-readable location of position `at` ("byte 812", or inside a block).
  std::string Where(size_t at) const;

 private:
  arrow::Result<uint64_t> ReadVarint(int max_bytes, std::string_view what);

  std::string_view data_;
  std::string_view name_;
  int64_t file_offset_;
  bool decompressed_;
  size_t pos_ = 0;
};

/// Decodes one datum of `schema` into *out (unions yield the chosen branch's value).
arrow::Status DecodeDatum(const AvroSchema& schema, Decoder* in, AvroValue* out);

}  // namespace floe::avro::internal
