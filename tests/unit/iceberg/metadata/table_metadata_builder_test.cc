#include "floe/iceberg/metadata/table_metadata_builder.h"

#include <gtest/gtest.h>

#include "floe/iceberg/errors.h"

namespace floe::iceberg {
namespace {

Schema TwoColumns() {
  return Schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                    NestedField{2, "name", Type::String(), false, ""}});
}

TableMetadata NewMetadata(const Schema& schema = TwoColumns()) {
  auto md = NewTableMetadata(schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                             "file:///w/db/t", {{"owner", "ops"}});
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return *md;
}

SnapshotRef Branch(int64_t snapshot_id) {
  SnapshotRef ref;
  ref.snapshot_id = snapshot_id;
  return ref;
}

SnapshotRef Tag(int64_t snapshot_id) {
  SnapshotRef ref = Branch(snapshot_id);
  ref.type = SnapshotRefType::kTag;
  return ref;
}

std::vector<std::string> Actions(const std::vector<TableUpdate>& updates) {
  std::vector<std::string> out;
  for (const auto& u : updates) out.push_back(UpdateAction(u));
  return out;
}

Snapshot MakeSnapshot(int64_t id, std::optional<int64_t> parent, int64_t sequence,
                      int64_t timestamp_ms) {
  Snapshot s;
  s.snapshot_id = id;
  s.parent_snapshot_id = parent;
  s.sequence_number = sequence;
  s.timestamp_ms = timestamp_ms;
  s.manifest_list = "file:///w/db/t/metadata/snap-" + std::to_string(id) + ".avro";
  s.summary["operation"] = "append";
  s.schema_id = 0;
  return s;
}

TEST(TableMetadataBuilderTest, NewTableIsTheUpdateListARestCatalogIsSent) {
  auto builder = NewTable(TwoColumns(), PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                          "file:///w/db/t/", {{"owner", "ops"}});
  ASSERT_TRUE(builder.ok()) << builder.status().ToString();
  EXPECT_EQ(Actions(builder->updates()),
            (std::vector<std::string>{"upgrade-format-version", "assign-uuid", "add-schema",
                                      "set-current-schema", "add-spec", "set-default-spec",
                                      "add-sort-order", "set-default-sort-order", "set-location",
                                      "set-properties"}));
  // "Last added" ids, as PyIceberg and Java send them.
  EXPECT_EQ(std::get<SetCurrentSchema>(builder->updates()[3]).schema_id, kLastAdded);
  EXPECT_EQ(std::get<SetDefaultSpec>(builder->updates()[5]).spec_id, kLastAdded);
  auto md = builder->Build();
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->location, "file:///w/db/t");
  EXPECT_EQ(md->last_column_id, 2);
  EXPECT_EQ(md->current_schema_id, 0);
  EXPECT_EQ(md->default_spec_id, 0);
  EXPECT_EQ(md->default_sort_order_id, 0);
  EXPECT_EQ(md->last_partition_id, 999);
  EXPECT_FALSE(md->table_uuid.empty());

  // Replaying the list on an empty builder gives the same table: what a catalog does.
  auto replay = TableMetadataBuilder::ForCreate();
  ASSERT_TRUE(replay.ApplyAll(builder->updates()).ok());
  auto replayed = replay.Build();
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ(replayed->table_uuid, md->table_uuid);
  EXPECT_TRUE(replayed->CurrentSchema()->SameFields(*md->CurrentSchema()));
  EXPECT_EQ(replayed->properties, md->properties);
}

TEST(TableMetadataBuilderTest, SortedNewTableGetsOrderIdOne) {
  SortOrder order{
      0, {SortField{Transform::Identity(), 1, SortDirection::kDesc, NullOrder::kNullsLast}}};
  auto md =
      NewTableMetadata(TwoColumns(), PartitionSpec::Unpartitioned(), order, "file:///w/db/t", {});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->default_sort_order_id, 1);
  ASSERT_EQ(md->sort_orders.size(), 1u);
  EXPECT_EQ(md->sort_orders[0].order_id, 1);
}

TEST(TableMetadataBuilderTest, AnEqualSchemaIsReusedAndRecordsNothing) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  auto id = builder.AddSchema(TwoColumns(), base.last_column_id);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 0);
  ASSERT_TRUE(builder.SetCurrentSchema(kLastAdded).ok());
  EXPECT_TRUE(builder.empty());
}

TEST(TableMetadataBuilderTest, NewSchemaGetsTheNextIdAndLastColumnIdMovesForwardOnly) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  Schema wider(7, {NestedField{1, "id", Type::Long(), true, ""},
                   NestedField{2, "name", Type::String(), false, ""},
                   NestedField{3, "note", Type::String(), false, ""}});
  EXPECT_FALSE(builder.AddSchema(wider, 2).ok()) << "field 3 above last-column-id 2";
  auto id = builder.AddSchema(wider, 3);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 1) << "the schema id given is ignored";
  ASSERT_TRUE(builder.SetCurrentSchema(kLastAdded).ok());
  EXPECT_EQ(Actions(builder.updates()),
            (std::vector<std::string>{"add-schema", "set-current-schema"}));
  EXPECT_EQ(std::get<AddSchema>(builder.updates()[0]).last_column_id, 3);
  EXPECT_EQ(builder.current().current_schema_id, 1);
  EXPECT_FALSE(builder.AddSchema(TwoColumns(), 2).ok()) << "last-column-id may not move back";
  // Going back to the old schema is allowed.
  ASSERT_TRUE(builder.SetCurrentSchema(0).ok());
  EXPECT_EQ(std::get<SetCurrentSchema>(builder.updates().back()).schema_id, 0);
  EXPECT_FALSE(builder.SetCurrentSchema(42).ok());
}

TEST(TableMetadataBuilderTest, IdentifierFieldsMustBeRequiredPrimitives) {
  TableMetadataBuilder builder(NewMetadata());
  Schema optional_id(0, TwoColumns().fields(), {2});
  auto refused = builder.AddSchema(optional_id, 2);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("required primitive"), std::string::npos);
  Schema unknown(0, TwoColumns().fields(), {9});
  EXPECT_FALSE(builder.AddSchema(unknown, 2).ok());
  Schema good(0, TwoColumns().fields(), {1});
  auto id = builder.AddSchema(good, 2);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1) << "identifier fields make the schema different";
}

TEST(TableMetadataBuilderTest, PartitionSpecsFollowTheV2Rules) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  auto spec = [](std::vector<PartitionField> fields) { return PartitionSpec(0, fields); };
  // v2 partition fields carry ids.
  EXPECT_FALSE(builder.AddPartitionSpec(spec({{1, 0, "id_bucket", Transform::Bucket(8)}})).ok());
  // The source must exist and accept the transform.
  EXPECT_FALSE(builder.AddPartitionSpec(spec({{9, 1000, "x", Transform::Identity()}})).ok());
  EXPECT_FALSE(builder.AddPartitionSpec(spec({{2, 1000, "name_day", Transform::Day()}})).ok());
  // Names are unique and do not shadow another column.
  EXPECT_FALSE(builder
                   .AddPartitionSpec(spec({{1, 1000, "b", Transform::Bucket(8)},
                                           {2, 1001, "b", Transform::Truncate(3)}}))
                   .ok());
  EXPECT_FALSE(builder.AddPartitionSpec(spec({{1, 1000, "name", Transform::Bucket(8)}})).ok());
  // An identity partition may carry its column's name.
  auto id = builder.AddPartitionSpec(spec(
      {{2, 1000, "name", Transform::Identity()}, {1, 1001, "id_bucket", Transform::Bucket(8)}}));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 1);
  EXPECT_EQ(builder.current().last_partition_id, 1001);
  ASSERT_TRUE(builder.SetDefaultSpec(kLastAdded).ok());
  EXPECT_EQ(builder.current().default_spec_id, 1);
  // The same fields again: the spec is reused, nothing recorded.
  size_t recorded = builder.updates().size();
  auto again = builder.AddPartitionSpec(spec(
      {{2, 1000, "name", Transform::Identity()}, {1, 1001, "id_bucket", Transform::Bucket(8)}}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(builder.updates().size(), recorded);
  // Dropping every field (v2: a new spec, no void transforms) is spec 0 again.
  auto unpartitioned = builder.AddPartitionSpec(PartitionSpec::Unpartitioned());
  ASSERT_TRUE(unpartitioned.ok());
  EXPECT_EQ(*unpartitioned, 0);
  EXPECT_EQ(builder.current().last_partition_id, 1001) << "never moves back";
}

TEST(TableMetadataBuilderTest, AReusedSpecOrOrderIsMadeDefaultByIdSoTheListReplays) {
  // Evolve to a second spec, then back to the first: the second change adds nothing, so its
  // set-default-spec must name spec 0, not "the last added".
  TableMetadata base = NewMetadata();
  TableMetadataBuilder evolve(base);
  ASSERT_TRUE(evolve.AddPartitionSpec(PartitionSpec(0, {{1, 1000, "b", Transform::Bucket(4)}}))
                  .ok());
  ASSERT_TRUE(evolve.SetDefaultSpec(kLastAdded).ok());
  ASSERT_TRUE(evolve
                  .AddSortOrder(SortOrder{0, {SortField{Transform::Identity(), 1,
                                                        SortDirection::kAsc,
                                                        NullOrder::kNullsFirst}}})
                  .ok());
  ASSERT_TRUE(evolve.SetDefaultSortOrder(kLastAdded).ok());
  auto evolved = evolve.Build();
  ASSERT_TRUE(evolved.ok());

  TableMetadataBuilder back(*evolved);
  auto spec_id = back.AddPartitionSpec(PartitionSpec::Unpartitioned());
  ASSERT_TRUE(spec_id.ok());
  ASSERT_TRUE(back.SetDefaultSpec(kLastAdded).ok());
  auto order_id = back.AddSortOrder(SortOrder::Unsorted());
  ASSERT_TRUE(order_id.ok());
  ASSERT_TRUE(back.SetDefaultSortOrder(kLastAdded).ok());
  EXPECT_EQ(Actions(back.updates()),
            (std::vector<std::string>{"set-default-spec", "set-default-sort-order"}));
  EXPECT_EQ(std::get<SetDefaultSpec>(back.updates()[0]).spec_id, 0);
  EXPECT_EQ(std::get<SetDefaultSortOrder>(back.updates()[1]).sort_order_id, 0);

  TableMetadataBuilder replay(*evolved);
  ASSERT_TRUE(replay.ApplyAll(back.updates()).ok());
  EXPECT_EQ(replay.current().default_spec_id, 0);
  EXPECT_EQ(replay.current().default_sort_order_id, 0);
}

TEST(TableMetadataBuilderTest, SortOrdersAreReusedAndUnsortedIsZero) {
  TableMetadataBuilder builder(NewMetadata());
  SortOrder by_id{
      5, {SortField{Transform::Identity(), 1, SortDirection::kAsc, NullOrder::kNullsFirst}}};
  auto id = builder.AddSortOrder(by_id);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1);
  auto same = builder.AddSortOrder(by_id);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, 1);
  auto unsorted = builder.AddSortOrder(SortOrder::Unsorted());
  ASSERT_TRUE(unsorted.ok());
  EXPECT_EQ(*unsorted, 0);
  SortOrder by_missing{
      0, {SortField{Transform::Identity(), 9, SortDirection::kAsc, NullOrder::kNullsFirst}}};
  EXPECT_FALSE(builder.AddSortOrder(by_missing).ok());
  EXPECT_FALSE(builder.SetDefaultSortOrder(7).ok());
  ASSERT_TRUE(builder.SetDefaultSortOrder(1).ok());
  EXPECT_EQ(builder.current().default_sort_order_id, 1);
}

TEST(TableMetadataBuilderTest, SnapshotsNeedNewIdsAndHigherSequenceNumbers) {
  TableMetadataBuilder builder(NewMetadata());
  ASSERT_TRUE(builder.AddSnapshot(MakeSnapshot(10, std::nullopt, 1, 1000)).ok());
  EXPECT_FALSE(builder.AddSnapshot(MakeSnapshot(10, std::nullopt, 2, 1001)).ok());
  EXPECT_FALSE(builder.AddSnapshot(MakeSnapshot(11, 10, 1, 1001)).ok())
      << "sequence number 1 is not above the last (1)";
  Snapshot bad_schema = MakeSnapshot(12, 10, 2, 1001);
  bad_schema.schema_id = 4;
  EXPECT_FALSE(builder.AddSnapshot(bad_schema).ok());
  EXPECT_FALSE(builder.current().current_snapshot_id) << "adding is not making current";
  EXPECT_FALSE(builder.SetRef("main", Branch(99)).ok()) << "unknown snapshot";
  SnapshotRef tag{10, SnapshotRefType::kTag, 3, std::nullopt, std::nullopt};
  EXPECT_FALSE(builder.SetRef("t", tag).ok()) << "tags keep no snapshots";
  EXPECT_FALSE(builder.SetRef("main", Tag(10)).ok());
  ASSERT_TRUE(builder.SetRef("main", Branch(10)).ok());
  EXPECT_EQ(builder.current().current_snapshot_id, 10);
  EXPECT_EQ(builder.current().last_sequence_number, 1);
  ASSERT_EQ(builder.current().snapshot_log.size(), 1u);
  EXPECT_EQ(builder.current().snapshot_log[0].timestamp_ms, 1000);
  size_t recorded = builder.updates().size();
  ASSERT_TRUE(builder.SetRef("main", Branch(10)).ok());
  EXPECT_EQ(builder.updates().size(), recorded) << "an unchanged ref records nothing";
}

TEST(TableMetadataBuilderTest, SnapshotsCurrentOnlyInsideOneChangeLeaveNoHistory) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  ASSERT_TRUE(builder.AddSnapshot(MakeSnapshot(10, std::nullopt, 1, 1000)).ok());
  ASSERT_TRUE(builder.SetRef("main", Branch(10)).ok());
  ASSERT_TRUE(builder.AddSnapshot(MakeSnapshot(11, 10, 2, 1001)).ok());
  ASSERT_TRUE(builder.SetRef("main", Branch(11)).ok());
  auto md = builder.Build();
  ASSERT_TRUE(md.ok());
  ASSERT_EQ(md->snapshot_log.size(), 1u);
  EXPECT_EQ(md->snapshot_log[0].snapshot_id, 11);
  EXPECT_EQ(md->last_updated_ms, std::max<int64_t>(1001, base.last_updated_ms))
      << "metadata time never moves back";
}

TEST(TableMetadataBuilderTest, RemovingSnapshotsDropsTheirRefsAndTheHistoryBeforeThem) {
  TableMetadataBuilder first(NewMetadata());
  ASSERT_TRUE(first.AddSnapshot(MakeSnapshot(10, std::nullopt, 1, 1000)).ok());
  ASSERT_TRUE(first.SetRef("main", Branch(10)).ok());
  auto one = first.Build();
  ASSERT_TRUE(one.ok());
  TableMetadataBuilder second(*one);
  ASSERT_TRUE(second.AddSnapshot(MakeSnapshot(11, 10, 2, 2000)).ok());
  ASSERT_TRUE(second.SetRef("main", Branch(11)).ok());
  ASSERT_TRUE(second.SetRef("old", Tag(10)).ok());
  auto two = second.Build();
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->snapshot_log.size(), 2u);

  TableMetadataBuilder expire(*two);
  ASSERT_TRUE(expire.RemoveSnapshots({10, 77}).ok());
  EXPECT_EQ(Actions(expire.updates()),
            (std::vector<std::string>{"remove-snapshots", "remove-snapshot-ref"}));
  EXPECT_EQ(std::get<RemoveSnapshots>(expire.updates()[0]).snapshot_ids,
            (std::vector<int64_t>{10}));
  auto three = expire.Build();
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->refs.count("old"), 0u);
  EXPECT_EQ(three->current_snapshot_id, 11);
  ASSERT_EQ(three->snapshot_log.size(), 1u);
  EXPECT_EQ(three->snapshot_log[0].snapshot_id, 11);
}

TEST(TableMetadataBuilderTest, PropertiesLocationUuidAndFormatVersion) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  EXPECT_FALSE(builder.SetProperties({{"format-version", "2"}}).ok());
  ASSERT_TRUE(builder.SetProperties({{"a", "1"}}).ok());
  ASSERT_TRUE(builder.RemoveProperties({"owner"}).ok());
  EXPECT_EQ(builder.current().properties, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_FALSE(builder.AssignUuid("another").ok()) << "a table keeps its uuid";
  ASSERT_TRUE(builder.AssignUuid(base.table_uuid).ok());
  EXPECT_FALSE(builder.UpgradeFormatVersion(1).ok());
  EXPECT_FALSE(builder.UpgradeFormatVersion(4).ok());
  ASSERT_TRUE(builder.SetLocation("s3://b/t/").ok());
  EXPECT_EQ(builder.current().location, "s3://b/t");
  EXPECT_EQ(Actions(builder.updates()),
            (std::vector<std::string>{"set-properties", "remove-properties", "set-location"}));
}

TEST(TableRequirementTest, RequirementsCoverWhatTheUpdatesWereDerivedFrom) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder builder(base);
  Schema wider(0, {NestedField{1, "id", Type::Long(), true, ""},
                   NestedField{3, "note", Type::String(), false, ""}});
  ASSERT_TRUE(builder.AddSchema(wider, 3).ok());
  ASSERT_TRUE(builder.SetCurrentSchema(kLastAdded).ok());
  ASSERT_TRUE(
      builder.AddPartitionSpec(PartitionSpec(0, {{1, 1000, "b", Transform::Bucket(4)}})).ok());
  ASSERT_TRUE(builder.SetDefaultSpec(kLastAdded).ok());
  ASSERT_TRUE(builder.AddSnapshot(MakeSnapshot(10, std::nullopt, 1, 1000)).ok());
  ASSERT_TRUE(builder.SetRef("main", Branch(10)).ok());
  ASSERT_TRUE(builder.SetRef("audit", Branch(10)).ok());
  auto requirements = RequirementsFor(&base, builder.updates());
  std::vector<std::string> types;
  for (const auto& r : requirements) types.push_back(RequirementType(r));
  EXPECT_EQ(types,
            (std::vector<std::string>{"assert-table-uuid", "assert-last-assigned-field-id",
                                      "assert-current-schema-id",
                                      "assert-last-assigned-partition-id", "assert-default-spec-id",
                                      "assert-ref-snapshot-id", "assert-ref-snapshot-id"}));
  EXPECT_EQ(std::get<AssertRefSnapshotId>(requirements[5]).snapshot_id, std::nullopt)
      << "main had no snapshot";
  EXPECT_TRUE(CheckRequirements(requirements, &base).ok());
  EXPECT_EQ(RequirementsFor(nullptr, builder.updates()).size(), 1u);
  EXPECT_TRUE(std::holds_alternative<AssertCreate>(RequirementsFor(nullptr, {})[0]));
}

TEST(TableRequirementTest, EachRequirementFailsAsACommitConflictWhenTheTableMovedOn) {
  TableMetadata base = NewMetadata();
  TableMetadataBuilder moved(base);
  ASSERT_TRUE(moved.AddSnapshot(MakeSnapshot(10, std::nullopt, 1, 1000)).ok());
  ASSERT_TRUE(moved.SetRef("main", Branch(10)).ok());
  ASSERT_TRUE(moved.AddSchema(Schema(0, {NestedField{5, "x", Type::Int(), false, ""}}), 5).ok());
  ASSERT_TRUE(moved.SetCurrentSchema(kLastAdded).ok());
  ASSERT_TRUE(
      moved.AddPartitionSpec(PartitionSpec(0, {{5, 1000, "x", Transform::Identity()}})).ok());
  ASSERT_TRUE(moved.SetDefaultSpec(kLastAdded).ok());
  ASSERT_TRUE(moved
                  .AddSortOrder(SortOrder{0,
                                          {SortField{Transform::Identity(), 5, SortDirection::kAsc,
                                                     NullOrder::kNullsFirst}}})
                  .ok());
  ASSERT_TRUE(moved.SetDefaultSortOrder(kLastAdded).ok());
  auto now = moved.Build();
  ASSERT_TRUE(now.ok()) << now.status().ToString();

  std::vector<TableRequirement> held_before = {
      AssertTableUuid{base.table_uuid},
      AssertRefSnapshotId{"main", std::nullopt},
      AssertLastAssignedFieldId{base.last_column_id},
      AssertCurrentSchemaId{base.current_schema_id},
      AssertLastAssignedPartitionId{base.last_partition_id},
      AssertDefaultSpecId{base.default_spec_id},
      AssertDefaultSortOrderId{base.default_sort_order_id},
  };
  for (size_t i = 0; i < held_before.size(); ++i) {
    EXPECT_TRUE(CheckRequirement(held_before[i], &base).ok()) << i;
    arrow::Status failed = CheckRequirement(held_before[i], &*now);
    if (i == 0) {
      EXPECT_TRUE(failed.ok()) << "same table";
      continue;
    }
    EXPECT_TRUE(IsCommitConflict(failed)) << RequirementType(held_before[i]) << ": " << failed;
    EXPECT_NE(failed.message().find(RequirementType(held_before[i])), std::string::npos);
  }
  EXPECT_TRUE(IsCommitConflict(CheckRequirement(AssertTableUuid{"other"}, &base)));
  EXPECT_TRUE(IsCommitConflict(CheckRequirement(AssertCreate{}, &base)));
  EXPECT_TRUE(CheckRequirement(AssertCreate{}, nullptr).ok());
  EXPECT_TRUE(IsCommitConflict(CheckRequirement(AssertTableUuid{base.table_uuid}, nullptr)));
  EXPECT_TRUE(CheckRequirement(AssertRefSnapshotId{"main", 10}, &*now).ok());
  EXPECT_TRUE(IsCommitConflict(CheckRequirement(AssertRefSnapshotId{"b", 10}, &*now)));
}

}  // namespace
}  // namespace floe::iceberg
