#include <gtest/gtest.h>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/metadata/table_update_json_internal.h"

namespace floe::iceberg {
namespace {

using Json = nlohmann::json;

Json Parse(const char* text) { return Json::parse(text); }

// Writes the update, compares with the JSON the OpenAPI schema asks for, reads it back and
// writes it again: the second text must equal the first.
void ExpectUpdateJson(const TableUpdate& update, const char* expected) {
  Json written = Json::parse(TableUpdateToJson(update).dump());
  EXPECT_EQ(written, Parse(expected)) << written.dump();
  auto read = TableUpdateFromJson(written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(Json::parse(TableUpdateToJson(*read).dump()), written);
}

void ExpectRequirementJson(const TableRequirement& requirement, const char* expected) {
  Json written = Json::parse(TableRequirementToJson(requirement).dump());
  EXPECT_EQ(written, Parse(expected)) << written.dump();
  auto read = TableRequirementFromJson(written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(Json::parse(TableRequirementToJson(*read).dump()), written);
}

std::shared_ptr<const Schema> TwoColumns() {
  return std::make_shared<const Schema>(
      1,
      std::vector<NestedField>{NestedField{1, "id", Type::Long(), true, ""},
                               NestedField{2, "ts", Type::TimestampTz(), false, ""}},
      std::vector<int32_t>{1});
}

TEST(TableUpdateJson, SimpleActionsUseTheOpenApiFieldNames) {
  ExpectUpdateJson(AssignUuid{"2cc52516-5e73-41f2-b139-545d41a4e151"},
                   R"({"action":"assign-uuid","uuid":"2cc52516-5e73-41f2-b139-545d41a4e151"})");
  ExpectUpdateJson(UpgradeFormatVersion{2},
                   R"({"action":"upgrade-format-version","format-version":2})");
  ExpectUpdateJson(SetCurrentSchema{-1}, R"({"action":"set-current-schema","schema-id":-1})");
  ExpectUpdateJson(SetDefaultSpec{3}, R"({"action":"set-default-spec","spec-id":3})");
  ExpectUpdateJson(SetDefaultSortOrder{kLastAdded},
                   R"({"action":"set-default-sort-order","sort-order-id":-1})");
  ExpectUpdateJson(RemoveSnapshots{{1, 9223372036854775807}},
                   R"({"action":"remove-snapshots","snapshot-ids":[1,9223372036854775807]})");
  ExpectUpdateJson(RemoveSnapshotRef{"audit"},
                   R"({"action":"remove-snapshot-ref","ref-name":"audit"})");
  ExpectUpdateJson(SetLocation{"s3://bucket/db/t"},
                   R"({"action":"set-location","location":"s3://bucket/db/t"})");
  ExpectUpdateJson(SetProperties{{{"owner", "ops"}, {"write.format.default", "parquet"}}},
                   R"({"action":"set-properties",
                       "updates":{"owner":"ops","write.format.default":"parquet"}})");
  ExpectUpdateJson(RemoveProperties{{"owner", "comment"}},
                   R"({"action":"remove-properties","removals":["owner","comment"]})");
}

TEST(TableUpdateJson, SchemaSpecAndSortOrderNestTheirMetadataJson) {
  ExpectUpdateJson(AddSchema{TwoColumns(), 2}, R"({
      "action": "add-schema",
      "schema": {"type": "struct", "schema-id": 1, "identifier-field-ids": [1], "fields": [
        {"id": 1, "name": "id", "required": true, "type": "long"},
        {"id": 2, "name": "ts", "required": false, "type": "timestamptz"}]},
      "last-column-id": 2})");
  ExpectUpdateJson(AddPartitionSpec{PartitionSpec(
                       0, {PartitionField{2, 1000, "ts_day", Transform::Day()},
                           PartitionField{1, 1001, "id_bucket", Transform::Bucket(16)}})},
                   R"({"action": "add-spec", "spec": {"spec-id": 0, "fields": [
            {"name": "ts_day", "transform": "day", "source-id": 2, "field-id": 1000},
            {"name": "id_bucket", "transform": "bucket[16]", "source-id": 1, "field-id": 1001}]}})");
  ExpectUpdateJson(
      AddSortOrder{SortOrder{
          1, {SortField{Transform::Identity(), 2, SortDirection::kDesc, NullOrder::kNullsLast}}}},
      R"({"action": "add-sort-order", "sort-order": {"order-id": 1, "fields": [
            {"transform": "identity", "source-id": 2, "direction": "desc",
             "null-order": "nulls-last"}]}})");
}

TEST(TableUpdateJson, AddSchemaWithoutTheDeprecatedLastColumnIdUsesTheSchemasHighestId) {
  auto read = TableUpdateFromJson(Parse(R"({"action": "add-schema", "schema": {
      "type": "struct", "schema-id": 0,
      "fields": [{"id": 7, "name": "x", "required": false, "type": "int"}]}})"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(std::get<AddSchema>(*read).last_column_id, 7);
}

TEST(TableUpdateJson, SnapshotAndRefsCarryEveryField) {
  Snapshot snapshot;
  snapshot.snapshot_id = 3055729675574597004;
  snapshot.parent_snapshot_id = 3051729675574597004;
  snapshot.sequence_number = 1;
  snapshot.timestamp_ms = 1555100955770;
  snapshot.manifest_list = "s3://a/b/metadata/snap-3055729675574597004-1-c.avro";
  snapshot.summary = {{"operation", "append"}, {"added-data-files", "4"}};
  snapshot.schema_id = 0;
  ExpectUpdateJson(AddSnapshot{snapshot}, R"({"action": "add-snapshot", "snapshot": {
      "snapshot-id": 3055729675574597004, "parent-snapshot-id": 3051729675574597004,
      "sequence-number": 1, "timestamp-ms": 1555100955770,
      "summary": {"operation": "append", "added-data-files": "4"},
      "manifest-list": "s3://a/b/metadata/snap-3055729675574597004-1-c.avro",
      "schema-id": 0}})");

  SnapshotRef branch;
  branch.snapshot_id = 3055729675574597004;
  ExpectUpdateJson(SetSnapshotRef{"main", branch}, R"({"action": "set-snapshot-ref",
      "ref-name": "main", "snapshot-id": 3055729675574597004, "type": "branch"})");
  SnapshotRef tag;
  tag.snapshot_id = 7;
  tag.type = SnapshotRefType::kTag;
  tag.max_ref_age_ms = 86400000;
  SnapshotRef kept;
  kept.snapshot_id = 8;
  kept.min_snapshots_to_keep = 3;
  kept.max_snapshot_age_ms = 1000;
  ExpectUpdateJson(SetSnapshotRef{"v1", tag}, R"({"action": "set-snapshot-ref",
      "ref-name": "v1", "snapshot-id": 7, "type": "tag", "max-ref-age-ms": 86400000})");
  ExpectUpdateJson(SetSnapshotRef{"audit", kept}, R"({"action": "set-snapshot-ref",
      "ref-name": "audit", "snapshot-id": 8, "type": "branch", "min-snapshots-to-keep": 3,
      "max-snapshot-age-ms": 1000})");
}

TEST(TableRequirementJson, EveryTypeUsesTheOpenApiFieldNames) {
  ExpectRequirementJson(AssertCreate{}, R"({"type": "assert-create"})");
  ExpectRequirementJson(AssertTableUuid{"2cc52516-5e73-41f2-b139-545d41a4e151"},
                        R"({"type": "assert-table-uuid",
                            "uuid": "2cc52516-5e73-41f2-b139-545d41a4e151"})");
  ExpectRequirementJson(AssertRefSnapshotId{"main", 42},
                        R"({"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": 42})");
  ExpectRequirementJson(AssertLastAssignedFieldId{12},
                        R"({"type": "assert-last-assigned-field-id",
                            "last-assigned-field-id": 12})");
  ExpectRequirementJson(AssertCurrentSchemaId{3},
                        R"({"type": "assert-current-schema-id", "current-schema-id": 3})");
  ExpectRequirementJson(AssertLastAssignedPartitionId{1001},
                        R"({"type": "assert-last-assigned-partition-id",
                            "last-assigned-partition-id": 1001})");
  ExpectRequirementJson(AssertDefaultSpecId{0},
                        R"({"type": "assert-default-spec-id", "default-spec-id": 0})");
  ExpectRequirementJson(AssertDefaultSortOrderId{1},
                        R"({"type": "assert-default-sort-order-id",
                            "default-sort-order-id": 1})");
}

TEST(TableRequirementJson, AnAbsentRefIsANullSnapshotIdNotAMissingField) {
  Json written = Json::parse(TableRequirementToJson(AssertRefSnapshotId{"main", {}}).dump());
  ASSERT_TRUE(written.contains("snapshot-id"));
  EXPECT_TRUE(written["snapshot-id"].is_null());
  auto read = TableRequirementFromJson(written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(std::get<AssertRefSnapshotId>(*read).snapshot_id.has_value());
}

TEST(TableUpdateJson, UnknownActionsAndMissingFieldsAreNamed) {
  auto unknown = TableUpdateFromJson(Parse(R"({"action": "add-view-version"})"), "updates[2]");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("updates[2]"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("add-view-version"), std::string::npos);
  auto missing = TableUpdateFromJson(Parse(R"({"action": "set-location"})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("location"), std::string::npos);
  auto no_type = TableRequirementFromJson(Parse(R"({"ref": "main"})"));
  ASSERT_FALSE(no_type.ok());
  EXPECT_NE(no_type.status().message().find("type"), std::string::npos);
}

// The update list of a new table, through JSON, builds the same metadata as the list itself:
// what a REST server receives is what floe planned.
TEST(TableUpdateJson, ANewTablesUpdateListRoundTripsAndBuildsTheSameMetadata) {
  Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                    NestedField{2, "ts", Type::TimestampTz(), false, ""}});
  PartitionSpec spec(0, {PartitionField{2, 1000, "ts_day", Transform::Day()}});
  SortOrder order{
      1, {SortField{Transform::Identity(), 1, SortDirection::kAsc, NullOrder::kNullsFirst}}};
  auto builder = NewTable(schema, spec, order, "file:///w/db/t", {{"owner", "ops"}});
  ASSERT_TRUE(builder.ok()) << builder.status().ToString();
  Json json = Json::parse(TableUpdatesToJson(builder->updates()).dump());
  auto read = TableUpdatesFromJson(json);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), builder->updates().size());
  EXPECT_EQ(Json::parse(TableUpdatesToJson(*read).dump()), json);

  auto replayed = TableMetadataBuilder::ForCreate();
  ASSERT_TRUE(replayed.ApplyAll(*read).ok());
  auto a = builder->Build();
  auto b = replayed.Build();
  ASSERT_TRUE(a.ok() && b.ok());
  b->last_updated_ms = a->last_updated_ms;
  EXPECT_EQ(SerializeTableMetadata(*a), SerializeTableMetadata(*b));

  auto requirements = TableRequirementsFromJson(
      Json::parse(TableRequirementsToJson(RequirementsFor(nullptr, builder->updates())).dump()));
  ASSERT_TRUE(requirements.ok());
  ASSERT_EQ(requirements->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<AssertCreate>((*requirements)[0]));
}

}  // namespace
}  // namespace floe::iceberg
