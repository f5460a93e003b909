#include <filesystem>
#include <random>

#include <arrow/api.h>
#include <arrow/extension_type.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/type/literal.h"
#include "fields_test_util.h"

namespace floe::iceberg {
namespace {

class DataReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_data_reader_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes rows (JSON objects) with an Arrow schema, one row group per JSON list.
  std::string Write(const std::shared_ptr<arrow::Schema>& schema,
                    const std::vector<std::string>& row_groups) {
    std::string location = (dir_ / ("f" + std::to_string(counter_++) + ".parquet")).string();
    pq::ParquetWriteOptions options;
    options.row_group_size_bytes = 1;
    auto writer = *pq::ParquetFileWriter::Open(*io_, location, schema, options);
    for (const auto& rows : row_groups) {
      auto array = arrow::json::ArrayFromJSONString(arrow::struct_(schema->fields()), rows);
      EXPECT_TRUE(array.ok()) << array.status().ToString();
      auto batch = *arrow::RecordBatch::FromStructArray(*array);
      EXPECT_TRUE(writer->Write(**batch->ReplaceSchema(schema)).ok());
    }
    EXPECT_TRUE(writer->Close().ok());
    return location;
  }

  std::string WriteSchema(const Schema& schema, const std::vector<std::string>& row_groups) {
    return Write(*ToArrowSchema(schema), row_groups);
  }

  // Reads a file in a projection and returns its rows as one JSON-ish string per column.
  std::shared_ptr<arrow::Table> Read(const std::string& location, const Schema& projected,
                                     const DataReadOptions& options = {}) {
    auto batches = ReadDataFile(*io_, location, projected, options);
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    if (!batches.ok()) return nullptr;
    auto table = arrow::Table::FromRecordBatches(*ToArrowSchema(projected), *batches);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    auto combined = (*table)->CombineChunks();
    EXPECT_TRUE((*combined)->ValidateFull().ok()) << (*combined)->ValidateFull().ToString();
    return *combined;
  }

  // The expected column, built from JSON in the projected Arrow type.
  void ExpectColumn(const std::shared_ptr<arrow::Table>& table, int index,
                    const std::string& json) {
    ASSERT_NE(table, nullptr);
    auto type = table->schema()->field(index)->type();
    auto expected = arrow::json::ArrayFromJSONString(type, json);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto actual = table->column(index)->chunk(0);
    EXPECT_TRUE(actual->Equals(**expected))
        << "column " << table->schema()->field(index)->name() << ": " << actual->ToString()
        << "\nexpected " << (*expected)->ToString();
  }

  Schema Base() {
    return Schema(0, {Req(1, "id", Type::Long()), Opt(2, "name", Type::String()),
                      Opt(3, "count", Type::Int()), Opt(4, "ratio", Type::Float()),
                      Opt(5, "amount", Type::Decimal(5, 2))});
  }
  std::string BaseFile() {
    return WriteSchema(Base(), {R"([{"id": 1, "name": "a", "count": 10, "ratio": 0.5,
                                     "amount": "1.25"},
                                    {"id": 2, "name": null, "count": null, "ratio": 2.0,
                                     "amount": "-3.00"}])",
                                R"([{"id": 3, "name": "c", "count": -1, "ratio": null,
                                     "amount": null}])"});
  }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  int counter_ = 0;
};

TEST_F(DataReaderTest, RenamedColumnsAreReadByFieldId) {
  std::string file = BaseFile();
  Schema renamed(1, {Req(1, "key", Type::Long()), Opt(2, "full_name", Type::String())});
  auto table = Read(file, renamed);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->num_rows(), 3);
  EXPECT_EQ(table->schema()->field(1)->name(), "full_name");
  ExpectColumn(table, 0, "[1, 2, 3]");
  ExpectColumn(table, 1, R"(["a", null, "c"])");
}

TEST_F(DataReaderTest, AddedColumnsAreNullAndDroppedColumnsAreNotRead) {
  std::string file = BaseFile();
  Schema evolved(2, {Opt(2, "name", Type::String()), Opt(9, "added", Type::String()),
                     Req(1, "id", Type::Long())});
  auto table = Read(file, evolved);
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->num_columns(), 3);
  ExpectColumn(table, 0, R"(["a", null, "c"])");
  ExpectColumn(table, 1, "[null, null, null]");
  ExpectColumn(table, 2, "[1, 2, 3]");

  Schema required_added(3, {Req(1, "id", Type::Long()), Req(9, "added", Type::String())});
  auto result = ReadDataFile(*io_, file, required_added);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("added"), std::string::npos);
  EXPECT_NE(result.status().message().find(file), std::string::npos);
}

// Spec "Default values": a field missing from a data file reads as its initial-default, and
// a required field with one is readable; the write-default plays no part in reads.
TEST_F(DataReaderTest, AddedColumnsReadTheirInitialDefault) {
  std::string file = BaseFile();
  auto with_defaults = [](NestedField field, Literal initial, Literal write) {
    field.initial_default = std::make_shared<const Literal>(std::move(initial));
    field.write_default = std::make_shared<const Literal>(std::move(write));
    return field;
  };
  Schema evolved(2, {
      Req(1, "id", Type::Long()),
      with_defaults(Req(10, "level", Type::Int()), Literal::Int(5), Literal::Int(7)),
      with_defaults(Opt(11, "tag", Type::String()), Literal::String("old"),
                    Literal::String("new")),
      with_defaults(Opt(12, "day", Type::Date()), Literal::Date(17486), Literal::Date(0)),
      with_defaults(Opt(13, "at", Type::TimestampTz()), Literal::TimestampTz(1510871468123456),
                    Literal::TimestampTz(0)),
      with_defaults(Opt(14, "price", Type::Decimal(9, 2)), Literal::Decimal(1420, 9, 2),
                    Literal::Decimal(0, 9, 2)),
      with_defaults(Opt(15, "key", Type::Uuid()),
                    Literal::Uuid(std::string("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34"
                                              "\x9c\xb7\x85\xe7",
                                              16)),
                    Literal::Uuid(std::string(16, '\0'))),
      with_defaults(Opt(16, "ns", Type::TimestampNs()), Literal::TimestampNs(1510871468123456789),
                    Literal::TimestampNs(0)),
      Opt(17, "plain", Type::Long()),
  });
  auto table = Read(file, evolved);
  ASSERT_NE(table, nullptr);
  ExpectColumn(table, 0, "[1, 2, 3]");
  ExpectColumn(table, 1, "[5, 5, 5]");
  ExpectColumn(table, 2, R"(["old", "old", "old"])");
  ExpectColumn(table, 3, "[17486, 17486, 17486]");
  ExpectColumn(table, 4, "[1510871468123456, 1510871468123456, 1510871468123456]");
  ExpectColumn(table, 5, R"(["14.20", "14.20", "14.20"])");
  auto key = table->column(6)->chunk(0);
  ASSERT_EQ(key->null_count(), 0);
  auto storage = std::static_pointer_cast<arrow::ExtensionArray>(key)->storage();
  EXPECT_EQ(std::static_pointer_cast<arrow::FixedSizeBinaryArray>(storage)->GetString(2),
            std::string("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16));
  ExpectColumn(table, 7, "[1510871468123456789, 1510871468123456789, 1510871468123456789]");
  ExpectColumn(table, 8, "[null, null, null]");
}

TEST_F(DataReaderTest, NestedFieldsAddedToAStructReadTheirInitialDefault) {
  Schema written(0, {Req(1, "id", Type::Long()),
                     Opt(2, "s", Type::Struct({Opt(3, "a", Type::Int())}))});
  std::string file = WriteSchema(written, {R"([{"id": 1, "s": {"a": 1}}, {"id": 2, "s": null}])"});
  NestedField b = Req(4, "b", Type::String());
  b.initial_default = std::make_shared<const Literal>(Literal::String("x"));
  Schema evolved(1, {Req(1, "id", Type::Long()),
                     Opt(2, "s", Type::Struct({Opt(3, "a", Type::Int()), b}))});
  auto table = Read(file, evolved);
  ASSERT_NE(table, nullptr);
  // The default fills the field; a null struct stays null.
  ExpectColumn(table, 1, R"([{"a": 1, "b": "x"}, null])");
}

TEST_F(DataReaderTest, NanosecondTimestampsReadBackExactly) {
  Schema schema(0, {Opt(1, "ns", Type::TimestampNs()), Opt(2, "tzns", Type::TimestampTzNs())});
  std::string file = WriteSchema(
      schema, {R"([{"ns": 1510871468123456789, "tzns": -1}, {"ns": null, "tzns": 7}])"});
  auto table = Read(file, schema);
  ASSERT_NE(table, nullptr);
  EXPECT_TRUE(table->schema()->field(0)->type()->Equals(arrow::timestamp(arrow::TimeUnit::NANO)));
  ExpectColumn(table, 0, "[1510871468123456789, null]");
  ExpectColumn(table, 1, "[-1, 7]");
}

TEST_F(DataReaderTest, PromotedTypesAreCast) {
  std::string file = BaseFile();
  Schema promoted(4, {Opt(3, "count", Type::Long()), Opt(4, "ratio", Type::Double()),
                      Opt(5, "amount", Type::Decimal(12, 2))});
  auto table = Read(file, promoted);
  ASSERT_NE(table, nullptr);
  ExpectColumn(table, 0, "[10, null, -1]");
  ExpectColumn(table, 1, "[0.5, 2.0, null]");
  ExpectColumn(table, 2, R"(["1.25", "-3.00", null])");
}

TEST_F(DataReaderTest, IncompatibleTypeIsAnErrorNamingTheColumn) {
  std::string file = BaseFile();
  Schema wrong(5, {Opt(2, "name", Type::Int())});
  auto result = ReadDataFile(*io_, file, wrong);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("'name' (id 2)"), std::string::npos)
      << result.status().message();
  Schema narrowing(5, {Opt(5, "amount", Type::Decimal(4, 2))});
  EXPECT_FALSE(ReadDataFile(*io_, file, narrowing).ok());
}

TEST_F(DataReaderTest, NestedFieldsEvolveByIdInsideStructsListsAndMaps) {
  Schema written(0, {
      Req(1, "id", Type::Long()),
      Opt(2, "s", Type::Struct({Opt(3, "a", Type::Int()), Opt(4, "b", Type::String())})),
      Opt(5, "l", Type::List(Opt(6, "element", Type::Struct({Opt(7, "x", Type::Float()),
                                                             Opt(8, "y", Type::Int())})))),
      Opt(9, "m", Type::Map(Req(10, "key", Type::String()), Opt(11, "value", Type::Int()))),
  });
  std::string file = WriteSchema(written, {R"([
      {"id": 1, "s": {"a": 1, "b": "one"}, "l": [{"x": 1.5, "y": 1}, null], "m": [["k", 1]]},
      {"id": 2, "s": null, "l": null, "m": null},
      {"id": 3, "s": {"a": null, "b": "three"}, "l": [], "m": [["p", null], ["q", 3]]}
  ])"});
  Schema evolved(1, {
      Req(1, "id", Type::Long()),
      // a renamed and promoted, b dropped, c added
      Opt(2, "st", Type::Struct({Opt(12, "c", Type::String()), Opt(3, "a2", Type::Long())})),
      // element: y dropped, x promoted, z added
      Opt(5, "l", Type::List(Opt(6, "element", Type::Struct({Opt(7, "x", Type::Double()),
                                                             Opt(13, "z", Type::Int())})))),
      Opt(9, "m", Type::Map(Req(10, "key", Type::String()), Opt(11, "value", Type::Long()))),
  });
  auto table = Read(file, evolved);
  ASSERT_NE(table, nullptr);
  ExpectColumn(table, 1, R"([{"c": null, "a2": 1}, null, {"c": null, "a2": null}])");
  ExpectColumn(table, 2, R"([[{"x": 1.5, "z": null}, null], null, []])");
  ExpectColumn(table, 3, R"([[["k", 1]], null, [["p", null], ["q", 3]]])");
}

TEST_F(DataReaderTest, ReadsSelectedRowGroupsAndProjectionsWithNoFileColumns) {
  std::string file = BaseFile();
  DataReadOptions options;
  options.row_groups = {1};
  auto table = Read(file, Base(), options);
  ASSERT_NE(table, nullptr);
  ExpectColumn(table, 0, "[3]");

  Schema only_new(6, {Opt(20, "later", Type::Date())});
  auto nulls = Read(file, only_new);
  ASSERT_NE(nulls, nullptr);
  EXPECT_EQ(nulls->num_rows(), 3);
  EXPECT_EQ(nulls->column(0)->null_count(), 3);
  auto one_group = Read(file, only_new, options);
  EXPECT_EQ(one_group->num_rows(), 1);
}

TEST_F(DataReaderTest, FilesWithoutFieldIdsNeedTheNameMapping) {
  auto plain = arrow::schema({arrow::field("id", arrow::int64(), false),
                              arrow::field("old_name", arrow::utf8()),
                              arrow::field("tags", arrow::list(arrow::int32()))});
  std::string file =
      Write(plain, {R"([{"id": 7, "old_name": "x", "tags": [1, 2]}, {"id": 8, "tags": null}])"});
  Schema table_schema(0, {Req(1, "id", Type::Long()), Opt(2, "name", Type::String()),
                          Opt(3, "tags", Type::List(Opt(4, "element", Type::Long())))});

  auto no_mapping = ReadDataFile(*io_, file, table_schema);
  ASSERT_FALSE(no_mapping.ok());
  EXPECT_NE(no_mapping.status().message().find("schema.name-mapping.default"),
            std::string::npos);
  EXPECT_NE(no_mapping.status().message().find(file), std::string::npos);

  auto options = DataReadOptionsFromProperties(
      {{"schema.name-mapping.default",
        R"([{"field-id": 1, "names": ["id"]},
            {"field-id": 2, "names": ["name", "old_name"]},
            {"field-id": 3, "names": ["tags"],
             "fields": [{"field-id": 4, "names": ["element"]}]}])"}});
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto table = Read(file, table_schema, *options);
  ASSERT_NE(table, nullptr);
  ExpectColumn(table, 0, "[7, 8]");
  ExpectColumn(table, 1, R"(["x", null])");
  ExpectColumn(table, 2, "[[1, 2], null]");
}

TEST_F(DataReaderTest, NameMappingRoundTripsAndRejectsBadJson) {
  Schema schema(0, {Req(1, "id", Type::Long()),
                    Opt(2, "m", Type::Map(Req(3, "key", Type::String()),
                                          Opt(4, "value", Type::Int())))});
  NameMapping mapping = NameMapping::FromSchema(schema);
  auto parsed = NameMapping::Parse(mapping.ToJson());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ToJson(), mapping.ToJson());
  EXPECT_EQ(parsed->fields()[1].fields[1].names[0], "value");
  EXPECT_EQ(parsed->fields()[1].fields[1].field_id, 4);
  EXPECT_FALSE(NameMapping::Parse("{").ok());
  EXPECT_FALSE(NameMapping::Parse(R"([{"field-id": 1}])").ok());
  EXPECT_FALSE(DataReadOptionsFromProperties({{"schema.name-mapping.default", "[1]"}}).ok());
}

TEST_F(DataReaderTest, UuidIsReadFromFixedSixteenColumns) {
  Schema written(0, {Opt(1, "u", Type::Fixed(16))});
  std::string file = WriteSchema(written, {R"([{"u": "0123456789abcdef"}, {"u": null}])"});
  Schema as_uuid(1, {Opt(1, "u", Type::Uuid())});
  auto table = Read(file, as_uuid);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->column(0)->type()->id(), arrow::Type::EXTENSION);
  EXPECT_EQ(table->column(0)->null_count(), 1);
}

TEST_F(DataReaderTest, OnlyParquetDataFilesAreRead) {
  DataFile file;
  file.file_path = BaseFile();
  file.file_format = "AVRO";
  auto result = ReadDataFile(*io_, file, Base());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalid());
  file.file_format = "parquet";
  EXPECT_TRUE(ReadDataFile(*io_, file, Base()).ok());
}

}  // namespace
}  // namespace floe::iceberg
