// UpdateSchema: every operation and every rule it refuses, field ids assigned exactly as
// PyIceberg assigns them for the same evolution, and old rows read under the evolved schema.
#include "floe/iceberg/update/update_schema.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../interop_python.h"
#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/type/schema_json_internal.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBaseSchema =
    "id long not null, name string, price decimal(9, 2), count int, ratio float, "
    "code int not null, loc struct<lat: double, lon: double>, tags list<string>, "
    "attrs map<string, struct<a: int>>, points list<struct<x: int, y: int>>, ts timestamp";

TableMetadata Metadata(const std::string& schema_text = kBaseSchema,
                       const std::string& partition_text = "") {
  auto schema = ParseSchemaText(schema_text);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  auto spec = ParsePartitionText(partition_text, *schema);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  auto metadata = NewTableMetadata(*schema, *spec, SortOrder::Unsorted(), "/nowhere/t", {});
  EXPECT_TRUE(metadata.ok()) << metadata.status().ToString();
  return *metadata;
}

// The same table with a current snapshot of `rows` rows.
TableMetadata WithRows(TableMetadata metadata, int64_t rows) {
  Snapshot snapshot;
  snapshot.snapshot_id = 7;
  snapshot.sequence_number = 1;
  snapshot.summary = {{"operation", "append"}, {"total-records", std::to_string(rows)}};
  metadata.snapshots.push_back(snapshot);
  metadata.current_snapshot_id = 7;
  return metadata;
}

// Passes when `text` contains `part` (gmock's HasSubstr, without gmock).
::testing::AssertionResult HasSubstr(const char* text_expr, const char*, const std::string& text,
                                     const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << text_expr << " is \"" << text << "\", without \"" << part << "\"";
}

TypePtr TypeOf(const std::string& text) {
  auto type = ParseTypeText(text);
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  return *type;
}

class UpdateSchemaTest : public ::testing::Test {
 protected:
  // An UpdateSchema over a table that is never committed: planning only needs the metadata.
  UpdateSchema Update(const TableMetadata& metadata) {
    auto state = TableState{std::make_shared<const TableMetadata>(metadata), ""};
    return UpdateSchema(std::make_shared<Table>(nullptr, state));
  }

  // The planned schema, or a test failure.
  Schema Planned(const UpdateSchema& update, const TableMetadata& metadata,
                 int32_t* last_column_id = nullptr) {
    auto planned = update.Plan(metadata);
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    if (!planned.ok()) return Schema(0, {});
    if (last_column_id != nullptr) *last_column_id = planned->last_column_id;
    return planned->schema;
  }

  // The refusal message, or "" (and a test failure) when the plan succeeds.
  std::string Refusal(const UpdateSchema& update, const TableMetadata& metadata) {
    auto planned = update.Plan(metadata);
    EXPECT_FALSE(planned.ok()) << "planned: " << planned->schema.ToString();
    return planned.ok() ? "" : planned.status().message();
  }

  static std::vector<std::string> Names(const std::vector<NestedField>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.name);
    return out;
  }

  TableMetadata base_ = Metadata();
};

TEST_F(UpdateSchemaTest, AddedColumnsTakeIdsFromLastColumnIdInRequestOrder) {
  // The base schema uses ids 1..20.
  ASSERT_EQ(base_.last_column_id, 20);
  auto update = Update(base_);
  update.AddColumn("a", Type::Long(), "first added")
      .AddColumn("s", TypeOf("struct<p: int, q: list<map<string, long>>>"))
      .AddColumn("b", Type::String());
  int32_t last = 0;
  Schema schema = Planned(update, base_, &last);
  const NestedField* a = schema.FindFieldByName("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->id, 21);
  EXPECT_FALSE(a->required);
  EXPECT_EQ(a->doc, "first added");
  // The struct's own id, then its fields, then the list element, then the map key and value.
  EXPECT_EQ(schema.FindFieldByName("s")->id, 22);
  EXPECT_EQ(schema.FindFieldByName("s.p")->id, 23);
  EXPECT_EQ(schema.FindFieldByName("s.q")->id, 24);
  EXPECT_EQ(schema.FindFieldByName("s.q.element")->id, 25);
  EXPECT_EQ(schema.FindFieldByName("s.q.element.key")->id, 26);
  EXPECT_EQ(schema.FindFieldByName("s.q.element.value")->id, 27);
  EXPECT_EQ(schema.FindFieldByName("b")->id, 28);
  EXPECT_EQ(last, 28);
  // Added at the end, in order.
  auto names = Names(schema.fields());
  EXPECT_EQ(std::vector<std::string>(names.end() - 3, names.end()),
            (std::vector<std::string>{"a", "s", "b"}));
}

TEST_F(UpdateSchemaTest, AddsNestedColumnsToStructsListElementsAndMapValues) {
  auto update = Update(base_);
  update.AddColumn("loc.alt", Type::Double())
      .AddColumn("points.z", Type::Long())          // the list's element struct
      .AddColumn("points.element.w", Type::Long())  // the same struct, by its full path
      .AddColumn("attrs.b", Type::String())         // the map's value struct
      .AddColumn("attrs.value.c", Type::String());
  Schema schema = Planned(update, base_);
  EXPECT_EQ(schema.FindFieldByName("loc.alt")->id, 21);
  EXPECT_EQ(schema.FindFieldByName("points.element.z")->id, 22);
  EXPECT_EQ(schema.FindFieldByName("points.element.w")->id, 23);
  EXPECT_EQ(schema.FindFieldByName("attrs.value.b")->id, 24);
  EXPECT_EQ(schema.FindFieldByName("attrs.value.c")->id, 25);
  EXPECT_EQ(Names(schema.FindFieldByName("loc")->type->fields()),
            (std::vector<std::string>{"lat", "lon", "alt"}));
}

TEST_F(UpdateSchemaTest, AddRefusesExistingNamesMissingParentsAndNonStructParents) {
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).AddColumn("name", Type::Long()), base_),
                      "a column of that name exists");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).AddColumn("loc.lat", Type::Long()), base_),
                      "a column of that name exists");
  EXPECT_PRED_FORMAT2(
      HasSubstr,
      Refusal(Update(base_).AddColumn("x", Type::Long()).AddColumn("x", Type::Int()), base_),
      "a column of that name exists");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).AddColumn("nope.x", Type::Long()), base_),
                      "parent column 'nope' not found");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).AddColumn("count.x", Type::Long()), base_),
                      "not a struct");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).AddColumn("tags.x", Type::Long()), base_),
                      "not a struct");
  EXPECT_PRED_FORMAT2(
      HasSubstr, Refusal(Update(base_).DeleteColumn("loc").AddColumn("loc.x", Type::Long()), base_),
      "dropped in the same change");
}

TEST_F(UpdateSchemaTest, AddReplacesAColumnDroppedInTheSameChange) {
  Schema schema =
      Planned(Update(base_).DeleteColumn("name").AddColumn("name", Type::Long()), base_);
  EXPECT_EQ(schema.FindFieldByName("name")->id, 21);
  EXPECT_EQ(schema.FindFieldByName("name")->type->id(), TypeId::kLong);
}

TEST_F(UpdateSchemaTest, RequiredColumnOnlyWhileTheTableHasNoRows) {
  auto update = Update(base_);
  update.AddRequiredColumn("must", Type::Int());
  EXPECT_TRUE(Planned(update, base_).FindFieldByName("must")->required);
  EXPECT_TRUE(Planned(update, WithRows(base_, 0)).FindFieldByName("must")->required);
  std::string refusal = Refusal(update, WithRows(base_, 3));
  EXPECT_PRED_FORMAT2(HasSubstr, refusal, "cannot add required column 'must'");
  EXPECT_PRED_FORMAT2(HasSubstr, refusal, "the table has rows");
}

TEST_F(UpdateSchemaTest, AddsAtAPosition) {
  auto first = Update(base_);
  first.AddColumn("f", Type::Int()).MoveFirst("f");
  EXPECT_EQ(Planned(first, base_).fields().front().name, "f");

  auto after = Update(base_);
  after.AddColumn("g", Type::Int()).MoveAfter("g", "id");
  EXPECT_EQ(Planned(after, base_).fields()[1].name, "g");

  auto before = Update(base_);
  before.AddColumn("loc.alt", Type::Double()).MoveBefore("loc.alt", "loc.lat");
  EXPECT_EQ(Names(Planned(before, base_).FindFieldByName("loc")->type->fields()),
            (std::vector<std::string>{"alt", "lat", "lon"}));
}

TEST_F(UpdateSchemaTest, DropsColumnsTopLevelAndNested) {
  Schema schema = Planned(Update(base_).DeleteColumn("ratio").DeleteColumn("loc.lon"), base_);
  EXPECT_EQ(schema.FindFieldByName("ratio"), nullptr);
  EXPECT_EQ(schema.FindFieldByName("loc.lon"), nullptr);
  EXPECT_NE(schema.FindFieldByName("loc.lat"), nullptr);
  EXPECT_EQ(schema.fields().size(), base_.CurrentSchema()->fields().size() - 1);
}

TEST_F(UpdateSchemaTest, DropRefusesIdentifierFieldsPartitionAndSortSourcesAndListParts) {
  auto with_id = Update(base_);
  with_id.SetIdentifierFields({"id"});
  auto planned = with_id.Plan(base_);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  TableMetadata keyed = base_;
  keyed.schemas = {std::make_shared<const Schema>(planned->schema)};
  keyed.current_schema_id = planned->schema.schema_id();
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(keyed).DeleteColumn("id"), keyed),
                      "cannot drop column 'id': it is an identifier field");
  // Allowed once the identifier fields no longer name it.
  Schema dropped = Planned(Update(keyed).SetIdentifierFields({"code"}).DeleteColumn("id"), keyed);
  EXPECT_EQ(dropped.FindFieldByName("id"), nullptr);

  TableMetadata partitioned = Metadata(kBaseSchema, "day(ts), identity(loc.lat)");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(partitioned).DeleteColumn("ts"), partitioned),
                      "cannot drop column 'ts': partition field 'ts_day' of the current "
                      "partition spec uses it");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(partitioned).DeleteColumn("loc"), partitioned),
                      "partition field 'loc.lat'");

  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(partitioned).AddColumn("ts_day", Type::Int()), partitioned),
                      "column 'ts_day' would have the name of partition field 'ts_day'");
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(partitioned).RenameColumn("name", "ts_day"), partitioned),
                      "would have the name of partition field");
  // An identity partition keeps the name of its column through a rename of another one.
  EXPECT_TRUE(Update(partitioned).RenameColumn("loc.lon", "long").Plan(partitioned).ok());

  TableMetadata sorted = base_;
  SortOrder order;
  order.order_id = 1;
  order.fields.push_back(SortField{Transform::Identity(), 11});  // ts
  sorted.sort_orders.push_back(order);
  sorted.default_sort_order_id = 1;
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(sorted).DeleteColumn("ts"), sorted),
                      "cannot drop column 'ts': the table's sort order uses it");

  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).DeleteColumn("tags.element"), base_),
                      "part of their list or map");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).DeleteColumn("attrs.key"), base_),
                      "part of their list or map");
  EXPECT_PRED_FORMAT2(
      HasSubstr,
      Refusal(Update(base_).AddColumn("loc.alt", Type::Int()).DeleteColumn("loc"), base_),
      "columns are added to it");
  EXPECT_PRED_FORMAT2(
      HasSubstr,
      Refusal(Update(base_).AddColumn("points.z", Type::Int()).DeleteColumn("points"), base_),
      "columns are added to it");
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).RenameColumn("name", "n").DeleteColumn("name"), base_),
                      "also renamed or updated");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).DeleteColumn("nope"), base_),
                      "cannot drop column 'nope': not found");
}

TEST_F(UpdateSchemaTest, RenamesTopLevelNestedAndParentWithChild) {
  Schema schema = Planned(Update(base_)
                              .RenameColumn("name", "full_name")
                              .RenameColumn("loc", "location")
                              .RenameColumn("loc.lat", "latitude")
                              .RenameColumn("points.element.x", "px"),
                          base_);
  const Schema& old = *base_.CurrentSchema();
  EXPECT_EQ(schema.FindFieldByName("full_name")->id, old.FindFieldByName("name")->id);
  EXPECT_EQ(schema.FindFieldByName("location.latitude")->id, old.FindFieldByName("loc.lat")->id);
  EXPECT_EQ(schema.FindFieldByName("location.lon")->id, old.FindFieldByName("loc.lon")->id);
  EXPECT_EQ(schema.FindFieldByName("points.element.px")->id,
            old.FindFieldByName("points.element.x")->id);
  EXPECT_EQ(schema.FindFieldByName("name"), nullptr);
  // Two columns may swap names in one change.
  Schema swapped = Planned(Update(base_)
                               .RenameColumn("name", "tmp")
                               .RenameColumn("ts", "name")
                               .RenameColumn("name", "ts"),
                           base_);
  EXPECT_EQ(swapped.FindFieldByName("name")->id, old.FindFieldByName("ts")->id);
  EXPECT_EQ(swapped.FindFieldByName("ts")->id, old.FindFieldByName("name")->id);
}

TEST_F(UpdateSchemaTest, RenameRefusesTakenNamesDroppedColumnsAndListParts) {
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).RenameColumn("name", "count"), base_),
                      "cannot rename 'name' to 'count': 'count' already exists");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).RenameColumn("loc.lat", "lon"), base_),
                      "'loc.lon' already exists");
  EXPECT_PRED_FORMAT2(
      HasSubstr,
      Refusal(Update(base_).AddColumn("n2", Type::Int()).RenameColumn("name", "n2"), base_),
      "'n2' already exists");
  EXPECT_PRED_FORMAT2(
      HasSubstr, Refusal(Update(base_).RenameColumn("name", "a").RenameColumn("ts", "a"), base_),
      "two columns named 'a'");
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).DeleteColumn("name").RenameColumn("name", "n"), base_),
                      "cannot rename column 'name': it is dropped in the same change");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).RenameColumn("tags.element", "e"), base_),
                      "part of their list or map");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).RenameColumn("nope", "n"), base_),
                      "not found");
}

TEST_F(UpdateSchemaTest, WidensIntFloatAndDecimalPrecision) {
  Schema schema = Planned(Update(base_)
                              .UpdateColumnType("count", Type::Long())
                              .UpdateColumnType("ratio", Type::Double())
                              .UpdateColumnType("price", Type::Decimal(18, 2))
                              .UpdateColumnType("points.element.x", Type::Long()),
                          base_);
  EXPECT_EQ(schema.FindFieldByName("count")->type->id(), TypeId::kLong);
  EXPECT_EQ(schema.FindFieldByName("ratio")->type->id(), TypeId::kDouble);
  EXPECT_TRUE(schema.FindFieldByName("price")->type->Equals(*Type::Decimal(18, 2)));
  EXPECT_EQ(schema.FindFieldByName("points.element.x")->type->id(), TypeId::kLong);
  EXPECT_EQ(schema.FindFieldByName("count")->id,
            base_.CurrentSchema()->FindFieldByName("count")->id);
}

TEST_F(UpdateSchemaTest, WidenRefusesEverythingElseWithTheRule) {
  const char* rule = "types may only widen, int to long, float to double";
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).UpdateColumnType("id", Type::Int()), base_),
                      rule);
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).UpdateColumnType("name", Type::Binary()), base_), rule);
  EXPECT_PRED_FORMAT2(
      HasSubstr, Refusal(Update(base_).UpdateColumnType("count", Type::Double()), base_), rule);
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).UpdateColumnType("price", Type::Decimal(18, 3)), base_),
                      rule);
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).UpdateColumnType("price", Type::Decimal(5, 2)), base_),
                      rule);
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).UpdateColumnType("loc", Type::Long()), base_),
                      "only primitive types widen");
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).UpdateColumnType("attrs.key", Type::Binary()), base_),
                      "keys cannot change");
  EXPECT_PRED_FORMAT2(
      HasSubstr,
      Refusal(Update(base_).DeleteColumn("count").UpdateColumnType("count", Type::Long()), base_),
      "dropped in the same change");
  // The same type is no change.
  Schema same = Planned(Update(base_).UpdateColumnType("count", Type::Int()), base_);
  EXPECT_TRUE(same.SameFields(*base_.CurrentSchema()));
}

TEST_F(UpdateSchemaTest, MakesColumnsOptionalNeverMapKeys) {
  Schema schema = Planned(Update(base_).MakeColumnOptional("code"), base_);
  EXPECT_FALSE(schema.FindFieldByName("code")->required);
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MakeColumnOptional("attrs.key"), base_),
                      "map keys are required");
}

TEST_F(UpdateSchemaTest, UpdatesDocsAndADocAloneIsANewSchema) {
  auto update = Update(base_);
  update.UpdateColumnDoc("loc.lon", "longitude").UpdateColumnDoc("name", "display name");
  Schema schema = Planned(update, base_);
  EXPECT_EQ(schema.FindFieldByName("loc.lon")->doc, "longitude");
  EXPECT_EQ(schema.FindFieldByName("name")->doc, "display name");
  EXPECT_FALSE(schema.SameFields(*base_.CurrentSchema()));

  TableMetadataBuilder builder(base_);
  ASSERT_TRUE(update.Apply(builder).ok());
  EXPECT_EQ(builder.current().CurrentSchema()->FindFieldByName("name")->doc, "display name");
  EXPECT_EQ(builder.current().schemas.size(), 2u);
}

TEST_F(UpdateSchemaTest, MovesWithinAStruct) {
  Schema schema = Planned(Update(base_)
                              .MoveFirst("ts")
                              .MoveAfter("name", "count")
                              .MoveBefore("loc.lon", "loc.lat")
                              .MoveFirst("points.element.y"),
                          base_);
  EXPECT_EQ(Names(schema.fields()),
            (std::vector<std::string>{"ts", "id", "price", "count", "name", "ratio", "code", "loc",
                                      "tags", "attrs", "points"}));
  EXPECT_EQ(Names(schema.FindFieldByName("loc")->type->fields()),
            (std::vector<std::string>{"lon", "lat"}));
  EXPECT_EQ(Names(schema.FindFieldByName("points.element")->type->fields()),
            (std::vector<std::string>{"y", "x"}));
}

TEST_F(UpdateSchemaTest, MoveRefusesOtherStructsItselfMissingAndDroppedColumns) {
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveAfter("loc.lat", "id"), base_),
                      "columns move only within their own struct");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveBefore("id", "loc.lat"), base_),
                      "columns move only within their own struct");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveAfter("id", "id"), base_), "itself");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveFirst("nope"), base_),
                      "cannot move column 'nope': not found");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveAfter("id", "nope"), base_),
                      "no such column");
  EXPECT_PRED_FORMAT2(HasSubstr,
                      Refusal(Update(base_).DeleteColumn("name").MoveFirst("name"), base_),
                      "dropped in the same change");
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(base_).MoveFirst("tags.element"), base_),
                      "only fields of a struct move");
}

TEST_F(UpdateSchemaTest, SetsIdentifierFieldsOfRequiredPrimitiveColumns) {
  Schema schema = Planned(Update(base_)
                              .AddRequiredColumn("key", TypeOf("struct<part: string not null>"))
                              .SetIdentifierFields({"id", "key.part"}),
                          base_);
  std::vector<int32_t> ids = schema.identifier_field_ids();
  EXPECT_EQ(ids, (std::vector<int32_t>{schema.FindFieldByName("id")->id,
                                       schema.FindFieldByName("key.part")->id}));
  // Identifier names follow a rename of the same change.
  Schema renamed =
      Planned(Update(base_).SetIdentifierFields({"code"}).RenameColumn("code", "kode"), base_);
  EXPECT_EQ(renamed.identifier_field_ids(),
            (std::vector<int32_t>{base_.CurrentSchema()->FindFieldByName("code")->id}));
}

TEST_F(UpdateSchemaTest, IdentifierFieldsRefuseOptionalFloatingNestedInListsAndMissing) {
  auto refuse = [&](std::vector<std::string> names, const std::string& why,
                    const TableMetadata& metadata) {
    EXPECT_PRED_FORMAT2(
        HasSubstr, Refusal(Update(metadata).SetIdentifierFields(std::move(names)), metadata), why);
  };
  refuse({"name"}, "cannot use 'name' as an identifier field: it is optional", base_);
  refuse({"loc"}, "it is not a primitive column", base_);
  refuse({"nope"}, "identifier field 'nope' not found", base_);
  TableMetadata nested = Metadata(
      "d double not null, l list<struct<k: int not null> not null>, "
      "s struct<k: int not null>, r struct<k: int not null> not null");
  refuse({"d"}, "it is a floating-point column", nested);
  refuse({"l.element.k"}, "it is inside a list or map", nested);
  refuse({"s.k"}, "it is inside optional struct 's'", nested);
  EXPECT_TRUE(Update(nested).SetIdentifierFields({"r.k"}).Plan(nested).ok());
  // Making an identifier field optional breaks the rule too.
  auto keyed = Planned(Update(base_).SetIdentifierFields({"code"}), base_);
  TableMetadata with_key = base_;
  with_key.schemas = {std::make_shared<const Schema>(keyed)};
  EXPECT_PRED_FORMAT2(HasSubstr, Refusal(Update(with_key).MakeColumnOptional("code"), with_key),
                      "cannot use 'code' as an identifier field: it is optional");
}

TEST_F(UpdateSchemaTest, ApplyRecordsAddSchemaAndSetCurrentSchema) {
  auto update = Update(base_);
  update.AddColumn("a", Type::Long());
  TableMetadataBuilder builder(base_);
  ASSERT_TRUE(update.Apply(builder).ok());
  ASSERT_EQ(builder.updates().size(), 2u);
  EXPECT_STREQ(UpdateAction(builder.updates()[0]), "add-schema");
  EXPECT_EQ(std::get<AddSchema>(builder.updates()[0]).last_column_id, 21);
  EXPECT_STREQ(UpdateAction(builder.updates()[1]), "set-current-schema");
  EXPECT_EQ(std::get<SetCurrentSchema>(builder.updates()[1]).schema_id, kLastAdded);
  EXPECT_EQ(builder.current().current_schema_id, 1);
  EXPECT_EQ(builder.current().last_column_id, 21);
  EXPECT_NE(builder.current().CurrentSchema()->FindFieldByName("a"), nullptr);

  // Nothing to change records nothing.
  TableMetadataBuilder unchanged(base_);
  auto noop = Update(base_);
  noop.MakeColumnOptional("name").UpdateColumnType("count", Type::Int());
  ASSERT_TRUE(noop.Apply(unchanged).ok());
  EXPECT_TRUE(unchanged.empty());
}

TEST_F(UpdateSchemaTest, ReplanningOnAMovedOnTableUsesItsSchemaAndLastColumnId) {
  auto update = Update(base_);
  update.AddColumn("a", Type::Long()).RenameColumn("name", "n");
  // Meanwhile another writer added a column.
  TableMetadataBuilder other(base_);
  auto concurrent = Update(base_);
  concurrent.AddColumn("other", Type::String());
  ASSERT_TRUE(concurrent.Apply(other).ok());
  const TableMetadata& moved_on = other.current();

  TableMetadataBuilder builder(moved_on);
  ASSERT_TRUE(update.Apply(builder).ok());
  auto schema = builder.current().CurrentSchema();
  EXPECT_EQ(schema->FindFieldByName("other")->id, 21);
  EXPECT_EQ(schema->FindFieldByName("a")->id, 22);
  EXPECT_NE(schema->FindFieldByName("n"), nullptr);
  EXPECT_EQ(builder.current().last_column_id, 22);
  // A change whose rule the moved-on table breaks fails on replay.
  auto required = Update(base_);
  required.AddRequiredColumn("r", Type::Int());
  TableMetadataBuilder with_rows(WithRows(base_, 10));
  EXPECT_FALSE(required.Apply(with_rows).ok());
}

TEST_F(UpdateSchemaTest, RowsWrittenBeforeReadBackUnderTheEvolvedSchema) {
  TableMetadata base = Metadata(
      "id long not null, name string, n int, price decimal(9, 2), "
      "gone string, loc struct<lat: double>");
  fs::path dir = fs::temp_directory_path() / ("floe-update-schema-" + util::RandomUuid());
  auto io = *io::MakeFileIO(dir.string());
  std::string file = (dir / "old.parquet").string();
  {
    auto arrow_schema = *ToArrowSchema(*base.CurrentSchema());
    auto writer = *pq::ParquetFileWriter::Open(*io, file, arrow_schema, {});
    auto rows = arrow::json::ArrayFromJSONString(
        arrow::struct_(arrow_schema->fields()),
        R"([{"id": 1, "name": "a", "n": 2147483647, "price": "1.25", "gone": "x",
             "loc": {"lat": 1.5}},
            {"id": 2, "name": null, "n": -3, "price": null, "gone": "y", "loc": null}])");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    auto batch = *arrow::RecordBatch::FromStructArray(*rows);
    ASSERT_TRUE(writer->Write(**batch->ReplaceSchema(arrow_schema)).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  auto update = Update(base);
  update.AddColumn("added", Type::String())
      .AddColumn("loc.alt", Type::Double())
      .DeleteColumn("gone")
      .RenameColumn("name", "full_name")
      .UpdateColumnType("n", Type::Long())
      .UpdateColumnType("price", Type::Decimal(18, 2))
      .MoveFirst("added");
  Schema evolved = Planned(update, base);
  auto batches = ReadDataFile(*io, file, evolved);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  auto table = (*arrow::Table::FromRecordBatches(*ToArrowSchema(evolved), *batches))
                   ->CombineChunks()
                   .ValueOrDie();
  fs::remove_all(dir);
  auto expected = arrow::json::ArrayFromJSONString(
      arrow::struct_((*ToArrowSchema(evolved))->fields()),
      R"([{"added": null, "id": 1, "full_name": "a", "n": 2147483647, "price": "1.25",
           "loc": {"lat": 1.5, "alt": null}},
          {"added": null, "id": 2, "full_name": null, "n": -3, "price": null, "loc": null}])");
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  arrow::TableBatchReader reader(table);
  auto actual = *reader.ToRecordBatches();
  ASSERT_EQ(actual.size(), 1u);
  auto actual_struct = *actual[0]->ToStructArray();
  EXPECT_TRUE(actual_struct->Equals(**expected))
      << actual_struct->ToString() << "\nexpected " << (*expected)->ToString();
}

// The same evolution done by PyIceberg's UpdateSchema on the same base table.
constexpr const char* kPyIcebergEvolution = R"(
import json, sys, tempfile
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (DecimalType, DoubleType, IntegerType, ListType, LongType, MapType,
                             NestedField, StringType, StructType)

warehouse = tempfile.mkdtemp()
catalog = SqlCatalog("t", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
catalog.create_namespace("db")
table = catalog.create_table("db.t", schema=Schema.model_validate_json(open(sys.argv[1]).read()))
with table.update_schema() as update:
    update.add_column("extra", StructType(
        NestedField(1, "p", IntegerType()),
        NestedField(2, "q", ListType(3, MapType(4, StringType(), 5, LongType(), value_required=False),
                                      element_required=False)),
        NestedField(6, "r", StructType(NestedField(7, "deep", StringType())))))
    update.add_column(("loc", "alt"), DoubleType(), doc="altitude")
    update.add_column(("points", "z"), LongType())
    update.add_column(("attrs", "b"), StringType())
    update.rename_column("name", "full_name")
    update.rename_column("loc", "location")
    update.rename_column("loc.lat", "latitude")
    update.delete_column("ratio")
    update.update_column("count", LongType())
    update.update_column("price", DecimalType(18, 2))
    update.update_column("loc.lon", doc="longitude")
    update.make_column_optional("code")
    update.move_first("extra")
    update.move_after("count", "id")
    update.move_before("loc.alt", "loc.lat")
    update.set_identifier_fields("id")
with table.update_schema() as update:
    update.add_column("tail", ListType(1, StructType(NestedField(2, "u", IntegerType())),
                                      element_required=False))
    update.move_before("tail", "extra")
print(json.dumps({"schema": json.loads(table.schema().model_dump_json()),
                  "last_column_id": table.metadata.last_column_id}))
)";

TEST_F(UpdateSchemaTest, FieldIdsMatchPyIcebergForTheSameEvolution) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  fs::path dir = fs::temp_directory_path() / ("floe-update-schema-" + util::RandomUuid());
  fs::create_directories(dir);
  std::ofstream(dir / "base.json") << SerializeSchema(*base_.CurrentSchema());
  std::ofstream(dir / "evolve.py") << kPyIcebergEvolution;
  std::string command = "'" + python + "' '" + (dir / "evolve.py").string() + "' '" +
                        (dir / "base.json").string() + "' > '" + (dir / "out.json").string() +
                        "' 2>&1";
  int rc = std::system(command.c_str());
  std::stringstream out;
  out << std::ifstream(dir / "out.json").rdbuf();
  fs::remove_all(dir);
  ASSERT_EQ(rc, 0) << out.str();
  auto expected_json = nlohmann::json::parse(out.str());
  auto expected = SchemaFromJson(expected_json["schema"]);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  auto first = Update(base_);
  first
      .AddColumn("extra", TypeOf("struct<p: int, q: list<map<string, long>>, "
                                 "r: struct<deep: string>>"))
      .AddColumn("loc.alt", Type::Double(), "altitude")
      .AddColumn("points.z", Type::Long())
      .AddColumn("attrs.b", Type::String())
      .RenameColumn("name", "full_name")
      .RenameColumn("loc", "location")
      .RenameColumn("loc.lat", "latitude")
      .DeleteColumn("ratio")
      .UpdateColumnType("count", Type::Long())
      .UpdateColumnType("price", Type::Decimal(18, 2))
      .UpdateColumnDoc("loc.lon", "longitude")
      .MakeColumnOptional("code")
      .MoveFirst("extra")
      .MoveAfter("count", "id")
      .MoveBefore("loc.alt", "loc.lat")
      .SetIdentifierFields({"id"});
  TableMetadataBuilder builder(base_);
  ASSERT_TRUE(first.Apply(builder).ok());
  TableMetadata after_first = builder.current();
  auto second = Update(after_first);
  second.AddColumn("tail", TypeOf("list<struct<u: int>>")).MoveBefore("tail", "extra");
  ASSERT_TRUE(second.Apply(builder).ok());

  const Schema& actual = *builder.current().CurrentSchema();
  EXPECT_TRUE(actual.AsStruct()->Equals(*(*expected)->AsStruct()))
      << "floe:      " << SerializeSchema(actual) << "\nPyIceberg: " << SerializeSchema(**expected);
  EXPECT_EQ(actual.identifier_field_ids(), (*expected)->identifier_field_ids());
  EXPECT_EQ(builder.current().last_column_id, expected_json["last_column_id"].get<int32_t>());
}

}  // namespace
}  // namespace floe::iceberg
