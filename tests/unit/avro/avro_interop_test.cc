// Helper for tests/interop/test_avro_codec.py, which checks this codec against real Avro
// readers and writers (fastavro, DuckDB). Driven by environment variables; skipped without:
//   FLOE_AVRO_INTEROP_WRITE=<dir>  writes floe_{null,deflate,zstandard}.avro with the records
//                                  below into <dir>
//   FLOE_AVRO_INTEROP_READ=<file>  reads an Avro file and writes <file>.json:
//                                  {"metadata": {...}, "schema": ..., "records": [...]}
// Bytes and fixed values are rendered as lowercase hex, enums as their symbol, maps as objects.

#include <gtest/gtest.h>

#include <arrow/buffer.h>
#include <arrow/io/file.h>
#include <arrow/io/memory.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "floe/format/avro/avro_container.h"

namespace floe::avro {
namespace {

using nlohmann::json;
using V = AvroValue;

// Field ids and Iceberg's id attributes everywhere; every Avro type appears, nested.
constexpr const char* kInteropSchema = R"({
  "type": "record", "name": "interop_row", "fields": [
    {"name": "id", "type": "long", "field-id": 1},
    {"name": "name", "type": "string", "field-id": 2, "doc": "display name"},
    {"name": "flag", "type": "boolean", "field-id": 3},
    {"name": "small", "type": "int", "field-id": 4},
    {"name": "ratio", "type": "float", "field-id": 5},
    {"name": "score", "type": "double", "field-id": 6},
    {"name": "payload", "type": "bytes", "field-id": 7},
    {"name": "opt", "type": ["null", "long"], "default": null, "field-id": 8},
    {"name": "tags", "field-id": 9,
     "type": {"type": "array", "items": "string", "element-id": 10}},
    {"name": "attrs", "field-id": 11,
     "type": {"type": "map", "values": "int", "key-id": 12, "value-id": 13}},
    {"name": "pairs", "default": null, "field-id": 14, "type": ["null", {
      "type": "array", "logicalType": "map", "items": {
        "type": "record", "name": "k15_v16", "fields": [
          {"name": "key", "type": "int", "field-id": 15},
          {"name": "value", "type": ["null", "bytes"], "field-id": 16}]}}]},
    {"name": "color", "field-id": 18,
     "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
    {"name": "digest", "field-id": 19, "type": {"type": "fixed", "name": "md5", "size": 16}},
    {"name": "nested", "field-id": 20, "type": {"type": "record", "name": "r20", "fields": [
      {"name": "inner", "field-id": 21, "type": {"type": "record", "name": "r21", "fields": [
        {"name": "x", "type": "double", "field-id": 22}]}},
      {"name": "list", "field-id": 23,
       "type": {"type": "array", "items": ["null", "int"], "element-id": 24}}]}}
  ]})";

// Enough rows for several 64 KiB blocks. The Python side builds the same rows.
constexpr int kRows = 3000;

AvroValue Row(int i) {
  std::vector<V> tags;
  for (int j = 0; j < i % 4; ++j) tags.push_back(V::String("t" + std::to_string(j)));
  std::vector<std::string> keys;
  std::vector<V> values;
  for (int j = 0; j < i % 3; ++j) {
    keys.push_back("k" + std::to_string(j));
    values.push_back(V::Int(j));
  }
  std::string digest;
  for (int j = 0; j < 16; ++j) digest.push_back(static_cast<char>(i % 200 + j));
  return V::Record({
      V::Long(int64_t{i} * 1000003 - (int64_t{1} << 40)),
      V::String("row-" + std::to_string(i) + "-\xc3\xa9"),
      V::Boolean(i % 2 == 0),
      V::Int(-i),
      V::Float(static_cast<float>(i) * 0.5f),
      V::Double(i / 3.0),
      V::Bytes(std::string{static_cast<char>(i % 256), static_cast<char>((i * 7) % 256)}),
      i % 3 == 0 ? V::Null() : V::Long(i),
      V::Array(std::move(tags)),
      V::Map(std::move(keys), std::move(values)),
      i % 2 == 1 ? V::Null()
                 : V::Array({V::Record({V::Int(i), V::Null()}),
                             V::Record({V::Int(-i), V::Bytes("v")})}),
      V::Enum(i % 3),
      V::Fixed(digest),
      V::Record({V::Record({V::Double(-i * 0.25)}), V::Array({V::Null(), V::Int(i)})}),
  });
}

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The decoder returns a union's branch value; its kind tells which branch was written.
const AvroSchema& BranchFor(const AvroSchema& u, const AvroValue& v) {
  for (const auto& b : u.branches) {
    bool match = false;
    switch (b->type) {
      case AvroType::kNull: match = v.kind == V::Kind::kNull; break;
      case AvroType::kBoolean: match = v.kind == V::Kind::kBoolean; break;
      case AvroType::kInt: match = v.kind == V::Kind::kInt; break;
      case AvroType::kLong: match = v.kind == V::Kind::kLong; break;
      case AvroType::kFloat: match = v.kind == V::Kind::kFloat; break;
      case AvroType::kDouble: match = v.kind == V::Kind::kDouble; break;
      case AvroType::kBytes: match = v.kind == V::Kind::kBytes; break;
      case AvroType::kString: match = v.kind == V::Kind::kString; break;
      case AvroType::kFixed: match = v.kind == V::Kind::kFixed; break;
      case AvroType::kEnum: match = v.kind == V::Kind::kEnum; break;
      case AvroType::kRecord: match = v.kind == V::Kind::kRecord; break;
      case AvroType::kArray: match = v.kind == V::Kind::kArray; break;
      case AvroType::kMap: match = v.kind == V::Kind::kMap; break;
      case AvroType::kUnion: break;
    }
    if (match) return *b;
  }
  ADD_FAILURE() << "no union branch for value kind " << static_cast<int>(v.kind);
  return *u.branches.front();
}

json Dump(const AvroSchema& s, const AvroValue& v) {
  switch (s.type) {
    case AvroType::kUnion: return Dump(BranchFor(s, v), v);
    case AvroType::kNull: return nullptr;
    case AvroType::kBoolean: return v.boolean;
    case AvroType::kInt:
    case AvroType::kLong: return v.integer;
    case AvroType::kFloat:
    case AvroType::kDouble: return v.floating;
    case AvroType::kString: return v.bytes;
    case AvroType::kBytes:
    case AvroType::kFixed: return Hex(v.bytes);
    case AvroType::kEnum: return s.symbols.at(static_cast<size_t>(v.integer));
    case AvroType::kRecord: {
      json j = json::object();
      for (size_t i = 0; i < s.fields.size(); ++i) {
        j[s.fields[i].name] = Dump(*s.fields[i].schema, v.children.at(i));
      }
      return j;
    }
    case AvroType::kArray: {
      json j = json::array();
      for (const auto& item : v.children) j.push_back(Dump(*s.items, item));
      return j;
    }
    case AvroType::kMap: {
      json j = json::object();
      for (size_t i = 0; i < v.children.size(); ++i) j[v.keys.at(i)] = Dump(*s.values, v[i]);
      return j;
    }
  }
  return nullptr;
}

TEST(AvroInteropHelper, WritesFilesForExternalReaders) {
  const char* dir = std::getenv("FLOE_AVRO_INTEROP_WRITE");
  if (dir == nullptr) GTEST_SKIP() << "FLOE_AVRO_INTEROP_WRITE not set";
  auto schema = AvroSchema::Parse(kInteropSchema).ValueOrDie();
  for (auto [codec, name] : {std::pair{Codec::kNull, "null"}, std::pair{Codec::kDeflate, "deflate"},
                             std::pair{Codec::kZstandard, "zstandard"}}) {
    std::string path = std::string(dir) + "/floe_" + name + ".avro";
    auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
    auto writer =
        ContainerWriter::Open(out, schema, {{"writer", "floe"}, {"format-version", "2"}}, codec)
            .ValueOrDie();
    for (int i = 0; i < kRows; ++i) ASSERT_TRUE(writer->Append(Row(i)).ok()) << i;
    ASSERT_TRUE(writer->Close().ok());
  }
}

TEST(AvroInteropHelper, DumpsAFileFromAnExternalWriter) {
  const char* path = std::getenv("FLOE_AVRO_INTEROP_READ");
  if (path == nullptr) GTEST_SKIP() << "FLOE_AVRO_INTEROP_READ not set";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto reader = ContainerReader::Open(buffer.str(), path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  json records = json::array();
  AvroValue v;
  while (true) {
    auto more = (*reader)->Next(&v);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    records.push_back(Dump(*(*reader)->schema(), v));
  }
  json doc = {{"metadata", (*reader)->metadata()},
              {"schema", json::parse((*reader)->schema()->ToJsonString())},
              {"records", std::move(records)}};
  std::ofstream(std::string(path) + ".json") << doc.dump();
}

// Without the environment, check the rows written here decode to what the helper dumps.
TEST(AvroInteropHelper, RowsRoundTripInProcess) {
  auto schema = AvroSchema::Parse(kInteropSchema).ValueOrDie();
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = ContainerWriter::Open(sink, schema, {}, Codec::kDeflate).ValueOrDie();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer->Append(Row(i)).ok());
  ASSERT_TRUE(writer->Close().ok());
  auto reader = ContainerReader::Open(sink->Finish().ValueOrDie()->ToString(), "mem").ValueOrDie();
  AvroValue v;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(reader->Next(&v).ValueOrDie());
    EXPECT_EQ(Dump(*schema, v), Dump(*schema, Row(i))) << i;
  }
  EXPECT_EQ(Dump(*schema, Row(4))["pairs"][1]["value"], "76");
  EXPECT_EQ(Dump(*schema, Row(4))["color"], "GREEN");
}

}  // namespace
}  // namespace floe::avro
