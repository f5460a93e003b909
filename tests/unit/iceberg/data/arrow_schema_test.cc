#include <filesystem>
#include <random>

#include <arrow/api.h>
#include <arrow/extension/uuid.h>
#include <gtest/gtest.h>
#include <parquet/metadata.h>
#include <parquet/schema.h>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "fields_test_util.h"

namespace floe::iceberg {
namespace {

Schema AllTypes() {
  return Schema(0, {
      Req(1, "b", Type::Boolean()), Opt(2, "i", Type::Int()), Opt(3, "l", Type::Long()),
      Opt(4, "f", Type::Float()), Opt(5, "d", Type::Double()),
      Opt(6, "dec", Type::Decimal(9, 2)), Opt(7, "date", Type::Date()),
      Opt(8, "time", Type::Time()), Opt(9, "ts", Type::Timestamp()),
      Opt(10, "tstz", Type::TimestampTz()), Opt(11, "s", Type::String()),
      Opt(12, "u", Type::Uuid()), Opt(13, "fx", Type::Fixed(3)), Opt(14, "bin", Type::Binary()),
      Opt(15, "st", Type::Struct({Req(16, "x", Type::Int()), Opt(17, "y", Type::String())})),
      Opt(18, "li", Type::List(Opt(19, "element", Type::Long()))),
      Opt(20, "m", Type::Map(Req(21, "key", Type::String()),
                             Opt(22, "value", Type::List(Req(23, "element", Type::Double()))))),
  });
}

TEST(ArrowSchemaTest, PrimitiveTypesMapToTheDocumentedArrowTypes) {
  auto arrow_schema = *ToArrowSchema(AllTypes());
  EXPECT_TRUE(arrow_schema->field(0)->type()->Equals(arrow::boolean()));
  EXPECT_FALSE(arrow_schema->field(0)->nullable());
  EXPECT_TRUE(arrow_schema->field(1)->nullable());
  EXPECT_TRUE(arrow_schema->field(1)->type()->Equals(arrow::int32()));
  EXPECT_TRUE(arrow_schema->field(2)->type()->Equals(arrow::int64()));
  EXPECT_TRUE(arrow_schema->field(3)->type()->Equals(arrow::float32()));
  EXPECT_TRUE(arrow_schema->field(4)->type()->Equals(arrow::float64()));
  EXPECT_TRUE(arrow_schema->field(5)->type()->Equals(arrow::decimal128(9, 2)));
  EXPECT_TRUE(arrow_schema->field(6)->type()->Equals(arrow::date32()));
  EXPECT_TRUE(arrow_schema->field(7)->type()->Equals(arrow::time64(arrow::TimeUnit::MICRO)));
  EXPECT_TRUE(arrow_schema->field(8)->type()->Equals(arrow::timestamp(arrow::TimeUnit::MICRO)));
  EXPECT_TRUE(
      arrow_schema->field(9)->type()->Equals(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  EXPECT_TRUE(arrow_schema->field(10)->type()->Equals(arrow::utf8()));
  EXPECT_TRUE(arrow_schema->field(11)->type()->Equals(arrow::extension::uuid()));
  EXPECT_TRUE(arrow_schema->field(12)->type()->Equals(arrow::fixed_size_binary(3)));
  EXPECT_TRUE(arrow_schema->field(13)->type()->Equals(arrow::binary()));
}

TEST(ArrowSchemaTest, EveryFieldCarriesItsIdIncludingListElementsAndMapParts) {
  auto arrow_schema = *ToArrowSchema(AllTypes());
  for (int i = 0; i < 14; ++i) EXPECT_EQ(pq::FieldIdOf(*arrow_schema->field(i)), i + 1);
  const auto& st = arrow_schema->field(14);
  EXPECT_EQ(pq::FieldIdOf(*st), 15);
  EXPECT_EQ(pq::FieldIdOf(*st->type()->field(0)), 16);
  EXPECT_FALSE(st->type()->field(0)->nullable());
  EXPECT_EQ(pq::FieldIdOf(*st->type()->field(1)), 17);
  const auto& li = arrow_schema->field(15);
  EXPECT_EQ(li->type()->field(0)->name(), "element");
  EXPECT_EQ(pq::FieldIdOf(*li->type()->field(0)), 19);
  const auto& map = static_cast<const arrow::MapType&>(*arrow_schema->field(16)->type());
  EXPECT_EQ(pq::FieldIdOf(*map.key_field()), 21);
  EXPECT_EQ(pq::FieldIdOf(*map.item_field()), 22);
  EXPECT_EQ(pq::FieldIdOf(*map.item_type()->field(0)), 23);
  EXPECT_FALSE(map.item_type()->field(0)->nullable());
}

TEST(ArrowSchemaTest, RoundTripsThroughArrow) {
  Schema schema = AllTypes();
  auto back = FromArrowSchema(**ToArrowSchema(schema), 0);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE((*back)->SameFields(schema)) << (*back)->ToString();
}

TEST(ArrowSchemaTest, ParquetFileSchemaHasIdsOnEveryLeafAndUuidLogicalType) {
  auto dir = std::filesystem::temp_directory_path() /
             ("floe_arrow_schema_" + std::to_string(std::random_device{}()));
  auto io = *io::MakeFileIO(dir.string());
  Schema schema = AllTypes();
  auto arrow_schema = *ToArrowSchema(schema);
  std::string location = (dir / "x.parquet").string();
  auto writer = pq::ParquetFileWriter::Open(*io, location, arrow_schema);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto result = (*writer)->Close();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto* descr = result->metadata->schema();
  std::vector<int32_t> leaf_ids;
  for (int i = 0; i < descr->num_columns(); ++i) {
    leaf_ids.push_back(descr->Column(i)->schema_node()->field_id());
  }
  EXPECT_EQ(leaf_ids, (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16,
                                            17, 19, 21, 23}));
  EXPECT_TRUE(descr->Column(11)->logical_type()->is_UUID());
  EXPECT_EQ(descr->Column(5)->physical_type(), parquet::Type::INT32);  // decimal(9, 2)
  EXPECT_TRUE(descr->Column(8)->logical_type()->Equals(
      *parquet::LogicalType::Timestamp(false, parquet::LogicalType::TimeUnit::MICROS)));
  EXPECT_TRUE(descr->Column(9)->logical_type()->Equals(
      *parquet::LogicalType::Timestamp(true, parquet::LogicalType::TimeUnit::MICROS)));

  // And reading the file back gives the same Iceberg schema, map value ids included.
  auto reader = pq::ParquetFileReader::Open(*io, location);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto back = FromArrowSchema(*(*reader)->schema());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE((*back)->SameFields(schema)) << (*back)->ToString();
  std::filesystem::remove_all(dir);
}

TEST(ArrowSchemaTest, MissingFieldIdIsAnErrorNamingTheField) {
  auto arrow_schema = arrow::schema(
      {arrow::field("a", arrow::struct_({arrow::field("inner", arrow::int32())}))
           ->WithMetadata(arrow::key_value_metadata({"PARQUET:field_id"}, {"1"}))});
  auto result = FromArrowSchema(*arrow_schema);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("a.inner"), std::string::npos)
      << result.status().message();
  EXPECT_TRUE(HasFieldIds(*arrow_schema));
  EXPECT_FALSE(HasFieldIds(*arrow::schema({arrow::field("x", arrow::int32())})));
}

TEST(ArrowSchemaTest, FreshIdsNumberEachLevelBeforeItsNestedTypes) {
  auto arrow_schema = arrow::schema({
      arrow::field("a", arrow::struct_({arrow::field("x", arrow::int32()),
                                        arrow::field("y", arrow::list(arrow::utf8()))})),
      arrow::field("b", arrow::map(arrow::utf8(), arrow::int64())),
      arrow::field("c", arrow::int64(), false),
  });
  auto result = FromArrowSchemaWithFreshIds(*arrow_schema);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Schema& s = **result;
  EXPECT_EQ(s.fields()[0].id, 1);
  EXPECT_EQ(s.fields()[1].id, 2);
  EXPECT_EQ(s.fields()[2].id, 3);
  EXPECT_TRUE(s.fields()[2].required);
  EXPECT_EQ(s.FindFieldByName("a.x")->id, 4);
  EXPECT_EQ(s.FindFieldByName("a.y")->id, 5);
  EXPECT_EQ(s.FindFieldByName("a.y.element")->id, 6);
  EXPECT_EQ(s.FindFieldByName("b.key")->id, 7);
  EXPECT_EQ(s.FindFieldByName("b.value")->id, 8);
  EXPECT_EQ(s.HighestFieldId(), 8);
}

TEST(ArrowSchemaTest, AcceptsCommonArrowVariantsFromOtherWriters) {
  EXPECT_EQ((*FromArrowType(*arrow::large_utf8()))->id(), TypeId::kString);
  EXPECT_EQ((*FromArrowType(*arrow::large_binary()))->id(), TypeId::kBinary);
  EXPECT_EQ((*FromArrowType(*arrow::int16()))->id(), TypeId::kInt);
  EXPECT_EQ((*FromArrowType(*arrow::uint32()))->id(), TypeId::kLong);
  EXPECT_EQ((*FromArrowType(*arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")))->id(),
            TypeId::kTimestampTz);
  EXPECT_EQ((*FromArrowType(*arrow::dictionary(arrow::int32(), arrow::utf8())))->id(),
            TypeId::kString);
  EXPECT_EQ((*FromArrowType(*arrow::fixed_size_binary(16)))->id(), TypeId::kFixed);
  EXPECT_EQ((*FromArrowType(*arrow::extension::uuid()))->id(), TypeId::kUuid);
  // Nanoseconds are the format v3 types (tables of older versions refuse them).
  EXPECT_EQ((*FromArrowType(*arrow::timestamp(arrow::TimeUnit::NANO)))->id(), TypeId::kTimestampNs);
  EXPECT_EQ((*FromArrowType(*arrow::timestamp(arrow::TimeUnit::NANO, "UTC")))->id(),
            TypeId::kTimestampTzNs);
  EXPECT_EQ((*FromArrowType(*arrow::null()))->id(), TypeId::kUnknown);
  EXPECT_FALSE(FromArrowType(*arrow::uint64()).ok());
  EXPECT_FALSE(FromArrowType(*arrow::timestamp(arrow::TimeUnit::MICRO, "Europe/Paris")).ok());
}

}  // namespace
}  // namespace floe::iceberg
