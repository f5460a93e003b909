// UpdateSchema on format v3 defaults and types: a default given with a new column is its
// initial- and write-default, set-default changes the write-default only, and tables of
// format version 1 and 2 refuse both defaults and the v3 types, naming the column.
#include <gtest/gtest.h>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/type/schema_json_internal.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/update_schema.h"

namespace floe::iceberg {
namespace {

TableMetadata Metadata(int format_version, int64_t rows = 0) {
  auto schema = ParseSchemaText("id long not null, level int, s struct<a: int>");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  // floe creates v2 and v3 tables; a v1 table (as older writers made them) is a v2 one marked so.
  auto metadata =
      NewTableMetadata(*schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(), "/nowhere/t",
                       {{"format-version", format_version == 3 ? "3" : "2"}});
  EXPECT_TRUE(metadata.ok()) << metadata.status().ToString();
  metadata->format_version = format_version;
  if (rows > 0) {
    Snapshot snapshot;
    snapshot.snapshot_id = 7;
    snapshot.sequence_number = 1;
    snapshot.summary = {{"operation", "append"}, {"total-records", std::to_string(rows)}};
    metadata->snapshots.push_back(snapshot);
    metadata->current_snapshot_id = 7;
  }
  return *metadata;
}

UpdateSchema Update(const TableMetadata& metadata) {
  auto state = TableState{std::make_shared<const TableMetadata>(metadata), ""};
  return UpdateSchema(std::make_shared<Table>(nullptr, state));
}

std::string Refusal(const UpdateSchema& update, const TableMetadata& metadata) {
  auto planned = update.Plan(metadata);
  EXPECT_FALSE(planned.ok()) << planned->schema.ToString();
  return planned.ok() ? "" : planned.status().message();
}

TEST(UpdateSchemaDefaultsTest, AddedColumnDefaultIsInitialAndWriteDefault) {
  const TableMetadata base = Metadata(3, /*rows=*/10);
  auto update = Update(base);
  update.AddColumn("score", Type::Long(), "", Literal::Long(5))
      .AddRequiredColumn("day", Type::Date(), "", Literal::String("2024-03-01"))
      .AddColumn("s.b", Type::String(), "", Literal::String("x"))
      .AddColumn("plain", Type::Int());
  auto planned = update.Plan(base);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  const Schema& schema = planned->schema;
  const NestedField* score = schema.FindFieldByName("score");
  ASSERT_NE(score->initial_default, nullptr);
  EXPECT_EQ(*score->initial_default, Literal::Long(5));
  EXPECT_EQ(*score->write_default, Literal::Long(5));
  // Required with a default is fine on a table with rows: old rows read the default.
  const NestedField* day = schema.FindFieldByName("day");
  EXPECT_TRUE(day->required);
  EXPECT_EQ(*day->initial_default, Literal::Date(19783));
  EXPECT_EQ(*schema.FindFieldByName("s.b")->write_default, Literal::String("x"));
  EXPECT_EQ(schema.FindFieldByName("plain")->initial_default, nullptr);

  // The spec's JSON form in the new schema.
  nlohmann::json json = SchemaToJson(schema);
  EXPECT_EQ(json["fields"][3]["initial-default"], 5);
  EXPECT_EQ(json["fields"][3]["write-default"], 5);
  EXPECT_EQ(json["fields"][4]["initial-default"], "2024-03-01");

  auto no_default = Update(base);
  no_default.AddRequiredColumn("must", Type::Int());
  EXPECT_NE(Refusal(no_default, base).find("or give it a default"), std::string::npos);
}

TEST(UpdateSchemaDefaultsTest, SetDefaultChangesOnlyTheWriteDefault) {
  TableMetadataBuilder builder(Metadata(3, 10));
  auto add = Update(builder.current());
  add.AddColumn("score", Type::Int(), "", Literal::Long(5));
  ASSERT_TRUE(add.Apply(builder).ok());
  TableMetadata added = builder.current();

  auto set = Update(added);
  set.UpdateColumnDefault("score", Literal::Long(9));
  auto planned = set.Plan(added);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  const NestedField* score = planned->schema.FindFieldByName("score");
  EXPECT_EQ(*score->initial_default, Literal::Int(5));
  EXPECT_EQ(*score->write_default, Literal::Int(9));
  // A changed write-default is a new schema.
  EXPECT_FALSE(planned->schema.SameFields(*added.CurrentSchema()));

  auto clear = Update(added);
  clear.UpdateColumnDefault("score", Literal::Null());
  auto cleared = clear.Plan(added);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->schema.FindFieldByName("score")->write_default, nullptr);
  EXPECT_NE(cleared->schema.FindFieldByName("score")->initial_default, nullptr);

  // Widening the column widens its defaults.
  auto widen = Update(added);
  widen.UpdateColumnType("score", Type::Long());
  auto widened = widen.Plan(added);
  ASSERT_TRUE(widened.ok()) << widened.status().ToString();
  EXPECT_EQ(*widened->schema.FindFieldByName("score")->initial_default, Literal::Long(5));

  auto missing = Update(added);
  missing.UpdateColumnDefault("nope", Literal::Long(1));
  EXPECT_NE(Refusal(missing, added).find("'nope': not found"), std::string::npos);
}

TEST(UpdateSchemaDefaultsTest, DefaultsMustFitTheColumn) {
  const TableMetadata base = Metadata(3);
  auto wrong = Update(base);
  wrong.AddColumn("d", Type::Date(), "", Literal::String("yesterday"));
  EXPECT_NE(Refusal(wrong, base).find("for column 'd'"), std::string::npos);
  auto range = Update(base);
  range.AddColumn("i", Type::Int(), "", Literal::Long(int64_t{1} << 40));
  EXPECT_NE(Refusal(range, base).find("out of the range of int"), std::string::npos);
  auto nested = Update(base);
  nested.AddColumn("t", *ParseTypeText("struct<x: int>"), "", Literal::String("{}"));
  EXPECT_NE(Refusal(nested, base).find("only primitive columns take defaults"), std::string::npos);
  auto unknown = Update(base);
  unknown.AddColumn("u", Type::Unknown(), "", Literal::String("1"));
  EXPECT_NE(Refusal(unknown, base).find("only primitive columns take defaults"), std::string::npos);
}

TEST(UpdateSchemaDefaultsTest, OlderFormatVersionsRefuseDefaultsAndV3Types) {
  for (int version : {1, 2}) {
    SCOPED_TRACE(version);
    const TableMetadata base = Metadata(version);
    auto with_default = Update(base);
    with_default.AddColumn("score", Type::Long(), "", Literal::Long(5));
    EXPECT_NE(Refusal(with_default, base)
                  .find("column score has a default value, which needs format version 3 (the "
                        "table is version " +
                        std::to_string(version) + ")"),
              std::string::npos);
    auto ns = Update(base);
    ns.AddColumn("s.at", Type::TimestampNs());
    EXPECT_NE(Refusal(ns, base).find("column s.at has type timestamp_ns, which needs format "
                                     "version 3"),
              std::string::npos);
    auto set = Update(base);
    set.UpdateColumnDefault("level", Literal::Long(1));
    EXPECT_NE(Refusal(set, base).find("needs format version 3"), std::string::npos);
  }
  // The same gate holds for any schema a v2 table is given, e.g. at create.
  auto schema = ParseSchemaText("id long, u unknown");
  auto created = NewTableMetadata(*schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                                  "/nowhere/t", {});
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("column u has type unknown"), std::string::npos);
  EXPECT_TRUE(NewTableMetadata(*schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                               "/nowhere/t", {{"format-version", "3"}})
                  .ok());
}

}  // namespace
}  // namespace floe::iceberg
