#include "floe/iceberg/data/json_rows.h"

#include <arrow/api.h>
#include <arrow/extension_type.h>
#include <arrow/io/memory.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "fields_test_util.h"
#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/type/literal.h"

namespace floe::iceberg {
namespace {

Schema OneColumn(TypePtr type, bool required = false) {
  return Schema(0, {NestedField{1, "c", std::move(type), required, ""}});
}

std::shared_ptr<arrow::Table> Read(const Schema& schema, std::string_view text) {
  auto table = ReadJsonRows(text, schema, "in.jsonl");
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return table.ok() ? *table : nullptr;
}

std::string ReadError(const Schema& schema, std::string_view text) {
  auto table = ReadJsonRows(text, schema, "in.jsonl");
  EXPECT_FALSE(table.ok()) << text;
  return table.ok() ? "" : table.status().message();
}

// The column as one array, extension values as their storage.
std::shared_ptr<arrow::Array> Column(const arrow::Table& table, const std::string& name) {
  auto column = table.GetColumnByName(name);
  EXPECT_NE(column, nullptr) << name;
  auto array = *arrow::Concatenate(column->chunks());
  if (array->type_id() == arrow::Type::EXTENSION) {
    array = static_cast<const arrow::ExtensionArray&>(*array).storage();
  }
  return array;
}

// `expected` is Arrow's own JSON test form of the values (days, micros, decimals as strings,
// maps as [key, value] pairs), written independently of the reader under test.
void ExpectColumn(const arrow::Table& table, const std::string& name, const std::string& expected) {
  auto actual = Column(table, name);
  auto want = arrow::json::ArrayFromJSONString(actual->type(), expected);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  EXPECT_TRUE(actual->Equals(**want))
      << name << ": " << actual->ToString() << "\nexpected " << (*want)->ToString();
}

void ExpectMentions(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << message << "\nmissing: " << part;
}

Schema Primitives() {
  return Schema(0, {
                       Req(1, "b", Type::Boolean()),
                       Opt(2, "i", Type::Int()),
                       Opt(3, "l", Type::Long()),
                       Opt(4, "f", Type::Float()),
                       Opt(5, "d", Type::Double()),
                       Opt(6, "dec", Type::Decimal(9, 2)),
                       Opt(7, "date", Type::Date()),
                       Opt(8, "time", Type::Time()),
                       Opt(9, "ts", Type::Timestamp()),
                       Opt(10, "tstz", Type::TimestampTz()),
                       Opt(11, "s", Type::String()),
                       Opt(12, "u", Type::Uuid()),
                       Opt(13, "fx", Type::Fixed(3)),
                       Opt(14, "bin", Type::Binary()),
                   });
}

TEST(JsonRowsTest, EveryPrimitiveFromTheFormScanWrites) {
  auto table = Read(Primitives(), R"({"b": true, "i": -7, "l": 9007199254740993, "f": 1.5,)"
                                  R"( "d": -0.1, "dec": "12.50", "date": "2024-03-01",)"
                                  R"( "time": "10:15:30.123456", "ts": "2024-03-01T08:00:00",)"
                                  R"( "tstz": "2024-03-01T08:00:00+00:00", "s": "h\u00e9",)"
                                  R"( "u": "01234567-89ab-cdef-0123-456789abcdef",)"
                                  R"( "fx": "0a0b0c", "bin": "00ff"})"
                                  "\n");
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->num_rows(), 1);
  ExpectColumn(*table, "b", "[true]");
  ExpectColumn(*table, "i", "[-7]");
  ExpectColumn(*table, "l", "[9007199254740993]");  // past 2^53: not through a double
  ExpectColumn(*table, "f", "[1.5]");
  ExpectColumn(*table, "d", "[-0.1]");
  ExpectColumn(*table, "dec", R"(["12.50"])");
  ExpectColumn(*table, "date", "[19783]");  // (date(2024, 3, 1) - date(1970, 1, 1)).days
  ExpectColumn(*table, "time", "[36930123456]");
  ExpectColumn(*table, "ts", "[1709280000000000]");
  ExpectColumn(*table, "tstz", "[1709280000000000]");
  ExpectColumn(*table, "s", "[\"h\xC3\xA9\"]");
  ExpectColumn(*table, "fx", R"(["\n\u000b\f"])");
  auto u = std::static_pointer_cast<arrow::FixedSizeBinaryArray>(Column(*table, "u"));
  EXPECT_EQ(u->GetView(0),
            std::string("\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16));
  auto bin = std::static_pointer_cast<arrow::BinaryArray>(Column(*table, "bin"));
  EXPECT_EQ(bin->GetView(0), std::string("\x00\xff", 2));
}

TEST(JsonRowsTest, OutputCarriesTheTableTypesAndFieldIds) {
  auto table = Read(Primitives(), R"({"b": false, "u": "01234567-89ab-cdef-0123-456789abcdef"})");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->schema()->field(11)->type()->id(), arrow::Type::EXTENSION);
  EXPECT_EQ(pq::FieldIdOf(*table->schema()->field(13)), 14);
  EXPECT_FALSE(table->schema()->field(0)->nullable());
  ExpectColumn(*table, "i", "[null]");  // missing optional columns are null
}

TEST(JsonRowsTest, PrimitivesAlsoReadFromTheirText) {
  auto table =
      Read(Primitives(), R"({"b": "false", "i": "42", "l": "-3", "f": "2.25", "d": "1e3"})");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "b", "[false]");
  ExpectColumn(*table, "i", "[42]");
  ExpectColumn(*table, "l", "[-3]");
  ExpectColumn(*table, "f", "[2.25]");
  ExpectColumn(*table, "d", "[1000]");
}

TEST(JsonRowsTest, NonFiniteFloatsFromTheirNames) {
  auto table = Read(OneColumn(Type::Double()),
                    "{\"c\": \"NaN\"}\n{\"c\": \"Infinity\"}\n"
                    "{\"c\": \"-Infinity\"}\n");
  ASSERT_NE(table, nullptr);
  auto c = std::static_pointer_cast<arrow::DoubleArray>(Column(*table, "c"));
  EXPECT_TRUE(std::isnan(c->Value(0)));
  EXPECT_EQ(c->Value(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(c->Value(2), -std::numeric_limits<double>::infinity());
  ExpectMentions(ReadError(OneColumn(Type::Double()), R"({"c": "inf"})"),
                 "column c: expected a double, got string \"inf\"");
}

TEST(JsonRowsTest, DecimalsFromNumbersAndStringsExactly) {
  auto table = Read(OneColumn(Type::Decimal(38, 10)),
                    "{\"c\": 1234567890123456789012345678.0123456789}\n"
                    "{\"c\": \"-0.5\"}\n{\"c\": 15e-1}\n{\"c\": \"2E+2\"}\n{\"c\": 7}\n"
                    "{\"c\": \"1.25000000000000\"}\n");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "c",
               R"(["1234567890123456789012345678.0123456789", "-0.5000000000", "1.5000000000",)"
               R"( "200.0000000000", "7.0000000000", "1.2500000000"])");
  Schema money = OneColumn(Type::Decimal(5, 2));
  ExpectMentions(ReadError(money, R"({"c": 1.005})"),
                 "column c: number 1.005 as decimal(5, 2): has more than 2 digits after the point");
  ExpectMentions(ReadError(money, R"({"c": "1000.00"})"), "does not fit in 5 digits");
  ExpectMentions(ReadError(money, R"({"c": 1e10})"), "does not fit in 5 digits");
  ExpectMentions(ReadError(money, R"({"c": "1.2.3"})"), "not a decimal number");
  ExpectMentions(ReadError(money, R"({"c": true})"), "expected a decimal number or string");
}

TEST(JsonRowsTest, TimesAndTimestamps) {
  Schema schema(0, {Opt(1, "t", Type::Time()), Opt(2, "ts", Type::Timestamp()),
                    Opt(3, "tz", Type::TimestampTz())});
  auto table =
      Read(schema,
           R"({"t": "00:00:00", "ts": "1969-12-31T23:59:59.5", "tz": "2024-03-01T10:00:00+02:00"})"
           "\n"
           R"({"t": "23:59:59.999999", "ts": "2024-03-01 08:00:00", "tz": "2024-03-01T08:00:00Z"})"
           "\n"
           R"({"tz": "2024-03-01T08:00:00.1234567"})");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "t", "[0, 86399999999, null]");
  ExpectColumn(*table, "ts", "[-500000, 1709280000000000, null]");
  ExpectColumn(*table, "tz", "[1709280000000000, 1709280000000000, 1709280000123456]");
  ExpectMentions(ReadError(schema, R"({"t": "24:00:00"})"),
                 "column t: expected a time \"HH:MM:SS[.ffffff]\", got string \"24:00:00\"");
  ExpectMentions(ReadError(schema, R"({"t": 36000})"), "expected a time");
  ExpectMentions(ReadError(schema, R"({"ts": "2024-03-01T08:00:00Z"})"),
                 "a timestamp without zone takes no offset");
  ExpectMentions(ReadError(schema, R"({"tz": "2023-02-29T00:00:00Z"})"), "expected a timestamp");
}

TEST(JsonRowsTest, UuidFixedAndBinaryErrors) {
  ExpectMentions(ReadError(OneColumn(Type::Uuid()), R"({"c": "0123"})"),
                 "column c: expected a UUID");
  ExpectMentions(ReadError(OneColumn(Type::Fixed(3)), R"({"c": "0a0b"})"),
                 "column c: string \"0a0b\" holds 2 bytes; fixed[3] holds 3");
  ExpectMentions(ReadError(OneColumn(Type::Binary()), R"({"c": "xyz0"})"),
                 "column c: expected hex bytes");
  auto empty = Read(OneColumn(Type::Binary()), R"({"c": ""})");
  ASSERT_NE(empty, nullptr);
  ExpectColumn(*empty, "c", R"([""])");
}

TEST(JsonRowsTest, IntegersAreCheckedForTheirRange) {
  ExpectMentions(ReadError(OneColumn(Type::Int()), R"({"c": 2147483648})"),
                 "column c: number 2147483648 is out of range for int");
  ExpectMentions(ReadError(OneColumn(Type::Long()), R"({"c": 9223372036854775808})"),
                 "expected a long, got number 9223372036854775808");
  ExpectMentions(ReadError(OneColumn(Type::Long()), R"({"c": 1.0})"), "expected a long");
  ExpectMentions(ReadError(OneColumn(Type::String()), R"({"c": 1})"),
                 "expected a string, got number 1");
}

TEST(JsonRowsTest, WrongKindsNameTheExpectedForm) {
  ExpectMentions(ReadError(OneColumn(Type::Boolean()), R"({"c": 1})"),
                 "column c: expected a boolean, got number 1");
  ExpectMentions(ReadError(OneColumn(Type::Date()), R"({"c": "2024-13-01"})"),
                 "column c: expected a date \"YYYY-MM-DD\", got string \"2024-13-01\"");
  ExpectMentions(ReadError(OneColumn(Type::Float()), R"({"c": 1e39})"),
                 "column c: expected a float, got number 1e39");
  ExpectMentions(ReadError(OneColumn(Type::List(Opt(2, "element", Type::Int()))), R"({"c": 1})"),
                 "column c: expected an array, got number 1");
  ExpectMentions(ReadError(OneColumn(Type::Struct({Opt(2, "x", Type::Int())})), R"({"c": [1]})"),
                 "column c: expected an object, got an array");
  ExpectMentions(
      ReadError(OneColumn(Type::List(Req(2, "element", Type::Int()))), R"({"c": [1, null]})"),
      "column c[1]: required, but null");
}

Schema Maps() {
  return Schema(
      0,
      {
          Opt(1, "attrs", Type::Map(Req(2, "key", Type::String()), Opt(3, "value", Type::Long()))),
          Opt(4, "by_id", Type::Map(Req(5, "key", Type::Int()), Opt(6, "value", Type::String()))),
          Opt(7, "by_day", Type::Map(Req(8, "key", Type::Date()), Req(9, "value", Type::Double()))),
          Opt(10, "by_uuid",
              Type::Map(Req(11, "key", Type::Uuid()), Opt(12, "value", Type::Int()))),
      });
}

TEST(JsonRowsTest, MapsFromObjectsWithKeysConvertedFromText) {
  auto table = Read(Maps(), R"({"attrs": {"a": 1, "b": null}, "by_id": {"7": "x", "-2": "y"},)"
                            R"( "by_day": {"2024-03-01": 0.5},)"
                            R"( "by_uuid": {"01234567-89ab-cdef-0123-456789abcdef": 3}})"
                            "\n"
                            R"({"attrs": {}, "by_id": null})");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "attrs", R"([[["a", 1], ["b", null]], []])");
  ExpectColumn(*table, "by_id", R"([[[7, "x"], [-2, "y"]], null])");
  ExpectColumn(*table, "by_day", R"([[[19783, 0.5]], null])");
  auto by_uuid = std::static_pointer_cast<arrow::MapArray>(Column(*table, "by_uuid"));
  auto keys = by_uuid->keys();
  if (keys->type_id() == arrow::Type::EXTENSION) {
    keys = static_cast<const arrow::ExtensionArray&>(*keys).storage();
  }
  EXPECT_EQ(static_cast<const arrow::FixedSizeBinaryArray&>(*keys).GetView(0),
            std::string("\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16));
}

TEST(JsonRowsTest, MapsFromKeyValueArraysWithAnyKeyType) {
  Schema schema(
      0,
      {
          Opt(1, "by_id", Type::Map(Req(2, "key", Type::Int()), Opt(3, "value", Type::String()))),
          Opt(4, "by_point",
              Type::Map(
                  Req(5, "key", Type::Struct({Req(6, "x", Type::Int()), Req(7, "y", Type::Int())})),
                  Opt(8, "value", Type::String()))),
      });
  auto table = Read(schema, R"({"by_id": [{"key": 7, "value": "x"}, {"key": -2}],)"
                            R"( "by_point": [{"key": {"x": 1, "y": 2}, "value": "p"}]})");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "by_id", R"([[[7, "x"], [-2, null]]])");
  ExpectColumn(*table, "by_point", R"([[[{"x": 1, "y": 2}, "p"]]])");
  ExpectMentions(ReadError(schema, R"({"by_point": {"a": "p"}})"),
                 "column by_point: a map with struct<");
  ExpectMentions(ReadError(schema, R"({"by_point": {"a": "p"}})"),
                 "> keys is written as an array of {\"key\": …, \"value\": …} objects");
  ExpectMentions(ReadError(schema, R"({"by_id": [{"value": "x"}]})"),
                 "column by_id[0].key: required, but missing");
  ExpectMentions(ReadError(schema, R"({"by_id": [{"key": 1, "val": "x"}]})"),
                 "column by_id[0]: a map entry has only \"key\" and \"value\", not \"val\"");
  ExpectMentions(ReadError(schema, R"({"by_id": [7]})"),
                 "column by_id[0]: expected a {\"key\": …, \"value\": …} object, got number 7");
}

TEST(JsonRowsTest, MapErrorsNameTheKey) {
  ExpectMentions(ReadError(Maps(), "{}\n{\"by_id\": {\"1\": \"a\", \"x\": \"b\"}}\n"),
                 "in.jsonl line 2: column by_id[\"x\"] (key): expected an int, got string \"x\"");
  ExpectMentions(ReadError(Maps(), R"({"by_day": {"2024-03-01": null}})"),
                 "column by_day[\"2024-03-01\"]: required, but null");
  ExpectMentions(ReadError(Maps(), R"({"attrs": "a=1"})"),
                 "column attrs: expected an object or an array of {\"key\": …, \"value\": …}");
}

TEST(JsonRowsTest, NestedMapsInStructsAndLists) {
  Schema schema(0, {
                       Opt(1, "st",
                           Type::Struct({Req(2, "name", Type::String()),
                                         Opt(3, "tags",
                                             Type::Map(Req(4, "key", Type::String()),
                                                       Opt(5, "value", Type::String())))})),
                       Opt(6, "li",
                           Type::List(Opt(7, "element",
                                          Type::Map(Req(8, "key", Type::Long()),
                                                    Opt(9, "value", Type::Boolean()))))),
                       Opt(10, "deep",
                           Type::Map(Req(11, "key", Type::String()),
                                     Opt(12, "value",
                                         Type::Map(Req(13, "key", Type::String()),
                                                   Opt(14, "value", Type::Int()))))),
                   });
  auto table = Read(schema, R"({"st": {"name": "n", "tags": {"k": "v"}},)"
                            R"( "li": [{"1": true}, null, [{"key": 2, "value": false}]],)"
                            R"( "deep": {"a": {"b": 1}}})"
                            "\n"
                            R"({"ST": {"Name": "m"}})");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "st",
               R"([{"name": "n", "tags": [["k", "v"]]}, {"name": "m", "tags": null}])");
  ExpectColumn(*table, "li", R"([[[[1, true]], null, [[2, false]]], null])");
  ExpectColumn(*table, "deep", R"([[["a", [["b", 1]]]], null])");
  ExpectMentions(ReadError(schema, R"({"li": [{"1": true}, {"2": 3}]})"),
                 "column li[1][\"2\"]: expected a boolean, got number 3");
  ExpectMentions(ReadError(schema, R"({"st": {"tags": {}}})"),
                 "column st.name: required, but missing");
  ExpectMentions(ReadError(schema, R"({"st": {"name": "n", "color": "red"}})"),
                 "column st.color: not a field of the struct");
  ExpectMentions(ReadError(schema, R"({"deep": {"a": {"b": "one"}}})"),
                 "column deep[\"a\"][\"b\"]: expected an int, got string \"one\"");
}

TEST(JsonRowsTest, RowErrorsNameFileLineAndColumn) {
  Schema schema(0, {Req(1, "id", Type::Long()), Opt(2, "name", Type::String())});
  ExpectMentions(ReadError(schema, "{\"id\": 1}\n\n{\"id\": 2, \"extra\": 1}\n"),
                 "in.jsonl line 3: column extra: not in the table schema");
  ExpectMentions(ReadError(schema, "{\"id\": null}"),
                 "in.jsonl line 1: column id: required, but null");
  ExpectMentions(ReadError(schema, "{\"name\": \"x\"}"), "column id: required, but missing");
  ExpectMentions(ReadError(schema, "{\"id\": 1}\n{\"id\": 2"), "in.jsonl line 2: not valid JSON");
  ExpectMentions(ReadError(schema, "{\"id\": 1} {}"), "in.jsonl line 1: not valid JSON");
  ExpectMentions(ReadError(schema, "[1]"), "in.jsonl line 1: expected a JSON object, got an array");
  ExpectMentions(ReadError(schema, std::string(1000, '[') + std::string(1000, ']')),
                 "JSON nested deeper than 256 levels");
}

TEST(JsonRowsTest, LineRulesBlankLinesCrLfBomAndRepeatedKeys) {
  Schema schema(0, {Req(1, "id", Type::Long()), Opt(2, "name", Type::String())});
  auto table = Read(schema,
                    "\xEF\xBB\xBF{\"id\": 1}\r\n \t\r\n\n{\"id\": 2, \"name\": \"a\", "
                    "\"name\": \"b\"}\n{\"ID\": 3}");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "id", "[1, 2, 3]");
  ExpectColumn(*table, "name", R"([null, "b", null])");
  auto none = Read(schema, "\n\n");
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->num_rows(), 0);
  EXPECT_EQ(none->num_columns(), 2);
}

TEST(JsonRowsTest, StreamsLongLinesAndManyRowsInBatches) {
  Schema schema(0, {Req(1, "id", Type::Long()), Opt(2, "s", Type::String())});
  const std::string long_value(3 << 20, 'x');  // spans several read chunks
  std::string text = "{\"id\": 0, \"s\": \"" + long_value + "\"}\n";
  const int64_t rows = 70000;  // more than one record batch
  for (int64_t i = 1; i < rows; ++i) text += "{\"id\": " + std::to_string(i) + "}\n";
  arrow::io::BufferReader input(std::make_shared<arrow::Buffer>(text));
  auto table = ReadJsonRows(&input, schema, "big.jsonl");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ((*table)->num_rows(), rows);
  EXPECT_GT((*table)->column(0)->num_chunks(), 1);
  auto ids = std::static_pointer_cast<arrow::Int64Array>(Column(**table, "id"));
  for (int64_t i = 0; i < rows; ++i) ASSERT_EQ(ids->Value(i), i);
  auto s = std::static_pointer_cast<arrow::StringArray>(Column(**table, "s"));
  EXPECT_EQ(s->GetView(0), long_value);
  EXPECT_TRUE(s->IsNull(rows - 1));
}

// Spec "Default values": a field the row leaves out is written as its write-default; an
// explicit null stays null, and the initial-default plays no part in writes.
TEST(JsonRowsTest, LeftOutFieldsTakeTheirWriteDefault) {
  NestedField level = Req(2, "level", Type::Int());
  level.initial_default = std::make_shared<const Literal>(Literal::Int(1));
  level.write_default = std::make_shared<const Literal>(Literal::Int(5));
  NestedField tag = Opt(3, "tag", Type::String());
  tag.write_default = std::make_shared<const Literal>(Literal::String("none"));
  NestedField key = Opt(4, "key", Type::Uuid());
  key.write_default = std::make_shared<const Literal>(Literal::Uuid(std::string(16, '\x01')));
  NestedField inner = Opt(6, "x", Type::Long());
  inner.write_default = std::make_shared<const Literal>(Literal::Long(-3));
  Schema schema(0,
                {Req(1, "id", Type::Long()), level, tag, key, Opt(5, "s", Type::Struct({inner}))});
  auto table = Read(schema, R"({"id": 1}
{"id": 2, "level": 9, "tag": null, "s": {}}
{"id": 3, "tag": "t", "s": {"x": 4}}
)");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "level", "[5, 9, 5]");
  ExpectColumn(*table, "tag", R"(["none", null, "t"])");
  auto keys = std::static_pointer_cast<arrow::FixedSizeBinaryArray>(Column(*table, "key"));
  EXPECT_EQ(keys->null_count(), 0);
  EXPECT_EQ(keys->GetString(1), std::string(16, '\x01'));
  ExpectColumn(*table, "s", R"([null, {"x": -3}, {"x": 4}])");
  // A required field without a write-default must still be given.
  EXPECT_NE(ReadError(schema, R"({"level": 1})").find("column id: required, but missing"),
            std::string::npos);
}

TEST(JsonRowsTest, NanosecondTimestampsKeepAllNineDigits) {
  Schema schema(0, {Opt(1, "ns", Type::TimestampNs()), Opt(2, "tz", Type::TimestampTzNs()),
                    Opt(3, "nothing", Type::Unknown())});
  auto table =
      Read(schema, R"({"ns": "2017-11-16T22:31:08.123456789", "tz": "2017-11-16T23:31:08.1+01:00"}
{"ns": "1969-12-31T23:59:59.999999999", "tz": null, "nothing": null}
)");
  ASSERT_NE(table, nullptr);
  ExpectColumn(*table, "ns", "[1510871468123456789, -1]");
  ExpectColumn(*table, "tz", "[1510871468100000000, null]");
  EXPECT_EQ(Column(*table, "nothing")->null_count(), 2);
  EXPECT_NE(ReadError(schema, R"({"ns": "2017-11-16T22:31:08+01:00"})").find("no offset"),
            std::string::npos);
  EXPECT_NE(ReadError(schema, R"({"nothing": 1})").find("only nulls"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
