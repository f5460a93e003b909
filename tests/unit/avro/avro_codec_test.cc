// Binary encoding: the Avro 1.11 spec's examples, round trips of every type, union branch
// choice, and bounded decoding of corrupt input.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "floe/format/avro/avro_encoding_internal.h"
#include "floe/format/avro/avro_schema.h"
#include "floe/util/hex.h"

namespace floe::avro {
namespace {

using internal::Decoder;

AvroSchemaPtr Schema(const std::string& text) {
  auto result = AvroSchema::Parse(text);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : MakePrimitive(AvroType::kNull);
}

std::string Encode(const AvroSchema& schema, const AvroValue& value) {
  std::string out;
  auto st = internal::EncodeDatum(schema, value, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

arrow::Result<AvroValue> Decode(const AvroSchema& schema, std::string_view bytes) {
  Decoder in(bytes, "test.avro", 100, false);
  AvroValue v;
  ARROW_RETURN_NOT_OK(internal::DecodeDatum(schema, &in, &v));
  if (!in.at_end()) return arrow::Status::Invalid("trailing bytes");
  return v;
}

bool SameValue(const AvroValue& a, const AvroValue& b) {
  if (a.kind != b.kind || a.boolean != b.boolean || a.integer != b.integer ||
      a.bytes != b.bytes || a.keys != b.keys || a.children.size() != b.children.size()) {
    return false;
  }
  if (!(a.floating == b.floating || (std::isnan(a.floating) && std::isnan(b.floating)))) {
    return false;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameValue(a.children[i], b.children[i])) return false;
  }
  return true;
}

TEST(AvroEncodingTest, ZigZagMatchesTheSpecTable) {
  const std::pair<int64_t, uint64_t> cases[] = {
      {0, 0},
      {-1, 1},
      {1, 2},
      {-2, 3},
      {2, 4},
      {2147483647, 4294967294u},
      {-2147483648LL, 4294967295u},
      {std::numeric_limits<int64_t>::max(), 0xFFFFFFFFFFFFFFFEull},
      {std::numeric_limits<int64_t>::min(), 0xFFFFFFFFFFFFFFFFull},
  };
  for (const auto& [value, zigzag] : cases) {
    EXPECT_EQ(internal::ZigZagEncode(value), zigzag) << value;
    EXPECT_EQ(internal::ZigZagDecode(zigzag), value) << value;
  }
}

TEST(AvroEncodingTest, VarintBytesMatchTheSpec) {
  auto bytes = [](int64_t v) {
    std::string out;
    internal::WriteLong(v, &out);
    return util::ToHex(out);
  };
  EXPECT_EQ(bytes(0), "00");
  EXPECT_EQ(bytes(-1), "01");
  EXPECT_EQ(bytes(1), "02");
  EXPECT_EQ(bytes(-64), "7f");
  EXPECT_EQ(bytes(64), "8001");
  EXPECT_EQ(bytes(2147483647), "feffffff0f");
  EXPECT_EQ(bytes(-2147483648LL), "ffffffff0f");
  EXPECT_EQ(bytes(std::numeric_limits<int64_t>::max()), "feffffffffffffffff01");
  EXPECT_EQ(bytes(std::numeric_limits<int64_t>::min()), "ffffffffffffffffff01");
}

TEST(AvroEncodingTest, PrimitivesEncodeAsTheSpecSays) {
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"string\""), AvroValue::String("foo"))), "06666f6f");
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"bytes\""), AvroValue::Bytes(std::string("\0\1", 2)))),
            "040001");
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"float\""), AvroValue::Float(1.0f))), "0000803f");
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"double\""), AvroValue::Double(1.0))), "000000000000f03f");
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"boolean\""), AvroValue::Boolean(true))), "01");
  EXPECT_EQ(util::ToHex(Encode(*Schema("\"null\""), AvroValue::Null())), "");
  // Spec example: array of longs [3, 27] is one block of two items then 0.
  EXPECT_EQ(util::ToHex(Encode(*Schema(R"({"type": "array", "items": "long"})"),
                               AvroValue::Array({AvroValue::Long(3), AvroValue::Long(27)}))),
            "04063600");
  // Spec example: ["null", "string"] holding "a" is branch 1 then the string.
  EXPECT_EQ(util::ToHex(Encode(*Schema(R"(["null", "string"])"), AvroValue::String("a"))),
            "020261");
  EXPECT_EQ(util::ToHex(Encode(*Schema(R"(["null", "string"])"), AvroValue::Null())), "00");
}

TEST(AvroEncodingTest, IntAndLongExtremesRoundTrip) {
  auto int_schema = Schema("\"int\"");
  auto long_schema = Schema("\"long\"");
  for (int32_t v : {0, 1, -1, 63, -64, 64, std::numeric_limits<int32_t>::max(),
                    std::numeric_limits<int32_t>::min()}) {
    auto back = Decode(*int_schema, Encode(*int_schema, AvroValue::Int(v)));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->kind, AvroValue::Kind::kInt);
    EXPECT_EQ(back->AsInt(), v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    auto back = Decode(*long_schema, Encode(*long_schema, AvroValue::Long(v)));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->kind, AvroValue::Kind::kLong);
    EXPECT_EQ(back->AsLong(), v);
  }
}

// A schema touching every type, nested: records in arrays in maps in unions.
constexpr const char* kEverythingSchema = R"({
  "type": "record", "name": "everything", "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "by", "type": "bytes"},
    {"name": "s", "type": "string"},
    {"name": "fx", "type": {"type": "fixed", "name": "md5", "size": 4}},
    {"name": "e", "type": {"type": "enum", "name": "color", "symbols": ["RED", "GREEN"]}},
    {"name": "opt", "type": ["null", "long"]},
    {"name": "arr", "type": {"type": "array", "items": {
      "type": "record", "name": "pair", "fields": [
        {"name": "k", "type": "int"}, {"name": "v", "type": ["null", "string"]}]}}},
    {"name": "m", "type": {"type": "map", "values": {"type": "array", "items": "md5"}}},
    {"name": "nested", "type": ["null", {"type": "record", "name": "inner", "fields": [
      {"name": "deep", "type": {"type": "map", "values": ["null", "pair"]}}]}]}
  ]})";

AvroValue EverythingValue(int seed) {
  using V = AvroValue;
  return V::Record({
      V::Null(),
      V::Boolean(seed % 2 == 0),
      V::Int(-seed * 1000),
      V::Long(int64_t{seed} << 40),
      V::Float(1.5f * seed),
      V::Double(-2.25 * seed),
      V::Bytes(std::string("\0\xff", 2) + std::to_string(seed)),
      V::String("caf\xc3\xa9 " + std::to_string(seed)),
      V::Fixed("abcd"),
      V::Enum(seed % 2),
      seed % 3 == 0 ? V::Null() : V::Long(seed),
      V::Array({V::Record({V::Int(1), V::Null()}), V::Record({V::Int(2), V::String("two")})}),
      V::Map({"a", "b"}, {V::Array({V::Fixed("1234")}), V::Array({})}),
      seed % 2 == 0 ? V::Null()
                    : V::Record({V::Map({"x", "y"}, {V::Record({V::Int(seed), V::Null()}),
                                                     V::Null()})}),
  });
}

TEST(AvroEncodingTest, EveryTypeRoundTripsNested) {
  auto schema = Schema(kEverythingSchema);
  for (int seed = 0; seed < 4; ++seed) {
    AvroValue value = EverythingValue(seed);
    auto back = Decode(*schema, Encode(*schema, value));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(SameValue(*back, value)) << "seed " << seed;
  }
}

TEST(AvroEncodingTest, DecodingIntoAReusedValueLeavesNoStaleParts) {
  auto schema = Schema(kEverythingSchema);
  const std::string bytes =
      Encode(*schema, EverythingValue(1)) + Encode(*schema, EverythingValue(2));
  Decoder in(bytes, "t", 0, false);
  AvroValue v;
  ASSERT_TRUE(internal::DecodeDatum(*schema, &in, &v).ok());
  ASSERT_TRUE(internal::DecodeDatum(*schema, &in, &v).ok());
  EXPECT_TRUE(SameValue(v, EverythingValue(2)));
}

TEST(AvroEncodingTest, UnionTakesTheFirstExactBranchThenALenientOne) {
  auto branch = [](const char* schema, const AvroValue& v) {
    std::string bytes = Encode(*Schema(schema), v);
    return bytes.empty() ? -1 : static_cast<int>(internal::ZigZagDecode(bytes[0]));
  };
  EXPECT_EQ(branch(R"(["null", "int", "long"])", AvroValue::Long(5)), 2);
  EXPECT_EQ(branch(R"(["null", "int", "long"])", AvroValue::Int(5)), 1);
  EXPECT_EQ(branch(R"(["null", "long"])", AvroValue::Int(5)), 1);
  EXPECT_EQ(branch(R"(["null", "double"])", AvroValue::Float(0.5f)), 1);
  EXPECT_EQ(branch(R"(["null", "bytes"])", AvroValue::String("x")), 1);
  EXPECT_EQ(branch(R"(["string", "bytes"])", AvroValue::Bytes("x")), 1);
  EXPECT_EQ(branch(R"(["bytes", "string"])", AvroValue::String("x")), 1);
  EXPECT_EQ(branch(R"(["null", {"type": "fixed", "name": "f", "size": 2}])",
                   AvroValue::Bytes("ab")),
            1);
  EXPECT_EQ(branch(R"(["null", {"type": "fixed", "name": "f2", "size": 1},
                       {"type": "fixed", "name": "f4", "size": 4}])",
                   AvroValue::Fixed("abcd")),
            2);

  // The lenient int → long write reads back as a long.
  auto back = Decode(*Schema(R"(["null", "long"])"),
                     Encode(*Schema(R"(["null", "long"])"), AvroValue::Int(-7)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, AvroValue::Kind::kLong);
  EXPECT_EQ(back->AsLong(), -7);
}

TEST(AvroEncodingTest, LenientWritesOutsideUnions) {
  auto record = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "l", "type": "long"}, {"name": "d", "type": "double"},
      {"name": "b", "type": "bytes"}, {"name": "i", "type": "int"},
      {"name": "e", "type": {"type": "enum", "name": "e", "symbols": ["A", "B"]}}]})");
  auto back = Decode(*record, Encode(*record, AvroValue::Record({
                                                  AvroValue::Int(3),
                                                  AvroValue::Float(0.25f),
                                                  AvroValue::String("s"),
                                                  AvroValue::Long(-9),
                                                  AvroValue::String("B"),
                                              })));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].AsLong(), 3);
  EXPECT_EQ((*back)[1].floating, 0.25);
  EXPECT_EQ((*back)[2].AsBytes(), "s");
  EXPECT_EQ((*back)[3].AsInt(), -9);
  EXPECT_EQ((*back)[4].AsInt(), 1);
}

TEST(AvroEncodingTest, MismatchNamesTheFieldPath) {
  auto schema = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "data_file", "type": {"type": "record", "name": "df", "fields": [
        {"name": "sizes", "type": {"type": "array", "items": {"type": "record", "name": "kv",
          "fields": [{"name": "key", "type": "int"}, {"name": "value", "type": "long"}]}}}]}}]})");
  using V = AvroValue;
  V bad = V::Record({V::Record({V::Array({V::Record({V::Int(1), V::String("oops")})})})});
  std::string out;
  auto st = internal::EncodeDatum(*schema, bad, &out);
  ASSERT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("field 'data_file.sizes[].value'"), std::string::npos) << st;
  EXPECT_NE(st.message().find("expected long, got string"), std::string::npos) << st;

  auto check = [](const char* schema_json, const AvroValue& v, const char* message) {
    std::string ignored;
    auto st = internal::EncodeDatum(*Schema(schema_json), v, &ignored);
    ASSERT_TRUE(st.IsInvalid()) << schema_json;
    EXPECT_NE(st.message().find(message), std::string::npos) << st;
  };
  check("\"int\"", V::Long(int64_t{1} << 40), "out of int range");
  check(R"({"type": "fixed", "name": "f", "size": 16})", V::Fixed("short"), "5 bytes for size 16");
  check(R"({"type": "record", "name": "r", "fields": [{"name": "a", "type": "int"}]})",
        V::Record({}), "0 values for 1 fields");
  check(R"(["null", "long"])", V::String("x"), "expected one of [null, long], got string");
  check(R"({"type": "enum", "name": "e", "symbols": ["A"]})", V::Enum(3), "expected enum");
  check(R"({"type": "map", "values": "int"})", V::Map({"a"}, {}), "1 keys for 0 values");
  check("\"string\"", V::Bytes("x"), "expected string, got bytes");
}

// Hand-made encodings another writer may produce: blocks with negative counts and sizes.
TEST(AvroEncodingTest, ReadsArrayAndMapBlocksWithByteSizes) {
  auto arr = Schema(R"({"type": "array", "items": "long"})");
  // A block of -2 items with its byte size (2), a block of 1 item, then the end.
  std::string bytes("\x03\x04\x06\x36\x02\x08\x00", 7);
  auto back = Decode(*arr, bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->children.size(), 3u);
  EXPECT_EQ((*back)[0].AsLong(), 3);
  EXPECT_EQ((*back)[1].AsLong(), 27);
  EXPECT_EQ((*back)[2].AsLong(), 4);

  auto map = Schema(R"({"type": "map", "values": "int"})");
  back = Decode(*map, std::string("\x01\x06\x02k\x02\x00", 6));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->keys, (std::vector<std::string>{"k"}));
  EXPECT_EQ((*back)[0].AsInt(), 1);
}

TEST(AvroEncodingTest, CorruptInputIsAnErrorWithTheOffset) {
  struct Case {
    const char* schema;
    std::string bytes;
    const char* message;
  };
  const Case cases[] = {
      {"\"long\"", "", "truncated long at byte 100"},
      {"\"long\"", std::string(11, '\xff'), "varint longer than 10 bytes"},
      {"\"long\"", std::string(9, '\xff') + "\x7f", "varint overflows"},
      {"\"int\"", "\xff\xff\xff\xff\x1f", "out of 32-bit range"},
      {"\"int\"", std::string(6, '\x80'), "varint longer than 5 bytes"},
      {"\"string\"", "\x06" "ab", "truncated value of 3 bytes at byte 100"},
      {"\"bytes\"", "\x01", "corrupt byte length -1"},
      {"\"bytes\"", "\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", "truncated value of"},
      {"\"double\"", "1234567", "truncated double"},
      {"\"boolean\"", "\x02", "corrupt boolean"},
      {R"({"type": "fixed", "name": "f", "size": 8})", "1234", "truncated fixed value"},
      {R"(["null", "int"])", "\x04", "union branch 2 of 2"},
      {R"(["null", "int"])", "\x01", "union branch -1 of 2"},
      {R"({"type": "enum", "name": "e", "symbols": ["A"]})", "\x02", "enum index 1"},
      // A huge item count must fail before any allocation or long loop.
      {R"({"type": "array", "items": "long"})", "\xfe\xff\xff\xff\xff\xff\xff\xff\x7f\x02",
       "truncated array block of 4611686018427387903 items at byte 100"},
      {R"({"type": "array", "items": "null"})", "\xfe\xff\xff\xff\xff\xff\xff\xff\x7f",
       "more than 1048576 empty items"},
      {R"({"type": "map", "values": "long"})", "\x80\x80\x04\x00", "truncated map block"},
      {R"({"type": "array", "items": "long"})", "\x03\x40\x02", "truncated array block of 32"},
      {R"({"type": "array", "items": "long"})", "\x02\x02", "truncated long at byte 102"},
  };
  for (const auto& c : cases) {
    auto result = Decode(*Schema(c.schema), c.bytes);
    ASSERT_FALSE(result.ok()) << c.schema << " " << util::ToHex(c.bytes);
    EXPECT_TRUE(result.status().IsIOError() || result.status().IsInvalid());
    EXPECT_NE(result.status().message().find(c.message), std::string::npos)
        << c.schema << " " << util::ToHex(c.bytes) << " -> " << result.status().ToString();
    EXPECT_EQ(result.status().message().rfind("test.avro: ", 0), 0u) << result.status();
  }
}

TEST(AvroEncodingTest, ErrorsInsideADecompressedBlockSayWhichBlock) {
  Decoder in("", "x.avro", 812, /*decompressed=*/true);
  auto result = in.ReadLong();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "x.avro: truncated long at byte 0 of the block decompressed from byte 812");
}

}  // namespace
}  // namespace floe::avro
