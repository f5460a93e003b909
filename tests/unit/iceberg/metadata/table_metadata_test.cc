#include "floe/iceberg/metadata/table_metadata.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "../../interop_python.h"

namespace floe::iceberg {
namespace {

using nlohmann::json;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(FLOE_TEST_DATA_DIR) + "/metadata/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::shared_ptr<const TableMetadata> ParseOrDie(const std::string& text,
                                                const std::string& location = "mem.json") {
  auto parsed = ParseTableMetadata(text, location);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : nullptr;
}

// A v2 table with a nested schema in two versions, two specs, two snapshots, a branch with
// retention, a tag, both logs and a statistics file.
TableMetadata RichMetadata() {
  TableMetadata md;
  md.format_version = 2;
  md.table_uuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";
  md.location = "file:///w/db/t";
  md.last_sequence_number = 2;
  md.last_updated_ms = 1700000002000;
  md.last_column_id = 9;
  std::vector<NestedField> v0 = {
      {1, "id", Type::Long(), true, "row id"},
      {2, "ts", Type::TimestampTz(), false, ""},
      {3, "tags", Type::List({5, "element", Type::String(), false, ""}), false, ""},
      {4, "attrs",
       Type::Map({6, "key", Type::String(), true, ""}, {7, "value", Type::Decimal(9, 2), true, ""}),
       false, ""}};
  auto v1 = v0;
  v1.push_back({8, "loc", Type::Struct({{9, "lat", Type::Double(), false, ""}}), false, ""});
  md.schemas = {std::make_shared<Schema>(0, v0, std::vector<int32_t>{1}),
                std::make_shared<Schema>(1, v1, std::vector<int32_t>{1})};
  md.current_schema_id = 1;
  md.partition_specs = {PartitionSpec(0, {{2, 1000, "ts_day", Transform::Day()}}),
                        PartitionSpec(1, {{2, 1000, "ts_day", Transform::Day()},
                                          {1, 1001, "id_bucket", Transform::Bucket(16)}})};
  md.default_spec_id = 1;
  md.last_partition_id = 1001;
  md.properties = {{"owner", "floe"}, {"write.format.default", "parquet"}};
  md.current_snapshot_id = 22;
  Snapshot s1;
  s1.snapshot_id = 11;
  s1.sequence_number = 1;
  s1.timestamp_ms = 1700000001000;
  s1.manifest_list = "file:///w/db/t/metadata/snap-11.avro";
  s1.summary = {{"operation", "append"}, {"added-records", "3"}};
  s1.schema_id = 0;
  Snapshot s2 = s1;
  s2.snapshot_id = 22;
  s2.parent_snapshot_id = 11;
  s2.sequence_number = 2;
  s2.timestamp_ms = 1700000002000;
  s2.manifest_list = "file:///w/db/t/metadata/snap-22.avro";
  s2.summary = {{"operation", "overwrite"}, {"deleted-records", "1"}};
  s2.schema_id = 1;
  md.snapshots = {s1, s2};
  md.snapshot_log = {{1700000001000, 11}, {1700000002000, 22}};
  md.metadata_log = {{1700000000000, "file:///w/db/t/metadata/00000-a.metadata.json"},
                     {1700000001000, "file:///w/db/t/metadata/00001-b.metadata.json"}};
  md.sort_orders = {SortOrder::Unsorted(),
                    SortOrder{1, {{Transform::Identity(), 1, SortDirection::kDesc,
                                   NullOrder::kNullsLast}}}};
  md.default_sort_order_id = 1;
  SnapshotRef main{22, SnapshotRefType::kBranch, 3, 86400000, std::nullopt};
  SnapshotRef tag{11, SnapshotRefType::kTag, std::nullopt, std::nullopt, 604800000};
  md.refs = {{"main", main}, {"first", tag}};
  md.statistics = {{22, "file:///w/s.puffin",
                    json::parse(R"({"snapshot-id":22,"statistics-path":"file:///w/s.puffin",
      "file-size-in-bytes":413,"file-footer-size-in-bytes":42,"blob-metadata":[]})")
                        .dump()}};
  return md;
}

void ExpectSameMetadata(const TableMetadata& a, const TableMetadata& b) {
  EXPECT_EQ(a.format_version, b.format_version);
  EXPECT_EQ(a.table_uuid, b.table_uuid);
  EXPECT_EQ(a.location, b.location);
  EXPECT_EQ(a.last_sequence_number, b.last_sequence_number);
  EXPECT_EQ(a.last_updated_ms, b.last_updated_ms);
  EXPECT_EQ(a.last_column_id, b.last_column_id);
  ASSERT_EQ(a.schemas.size(), b.schemas.size());
  for (size_t i = 0; i < a.schemas.size(); ++i) {
    EXPECT_EQ(a.schemas[i]->schema_id(), b.schemas[i]->schema_id());
    EXPECT_TRUE(a.schemas[i]->SameFields(*b.schemas[i])) << a.schemas[i]->ToString();
  }
  EXPECT_EQ(a.current_schema_id, b.current_schema_id);
  ASSERT_EQ(a.partition_specs.size(), b.partition_specs.size());
  for (size_t i = 0; i < a.partition_specs.size(); ++i) {
    EXPECT_EQ(a.partition_specs[i].spec_id(), b.partition_specs[i].spec_id());
    EXPECT_EQ(a.partition_specs[i].fields(), b.partition_specs[i].fields());
  }
  EXPECT_EQ(a.default_spec_id, b.default_spec_id);
  EXPECT_EQ(a.last_partition_id, b.last_partition_id);
  EXPECT_EQ(a.properties, b.properties);
  EXPECT_EQ(a.current_snapshot_id, b.current_snapshot_id);
  ASSERT_EQ(a.snapshots.size(), b.snapshots.size());
  for (size_t i = 0; i < a.snapshots.size(); ++i) {
    const Snapshot& x = a.snapshots[i];
    const Snapshot& y = b.snapshots[i];
    EXPECT_EQ(x.snapshot_id, y.snapshot_id);
    EXPECT_EQ(x.parent_snapshot_id, y.parent_snapshot_id);
    EXPECT_EQ(x.sequence_number, y.sequence_number);
    EXPECT_EQ(x.timestamp_ms, y.timestamp_ms);
    EXPECT_EQ(x.manifest_list, y.manifest_list);
    EXPECT_EQ(x.summary, y.summary);
    EXPECT_EQ(x.schema_id, y.schema_id);
  }
  ASSERT_EQ(a.snapshot_log.size(), b.snapshot_log.size());
  for (size_t i = 0; i < a.snapshot_log.size(); ++i) {
    EXPECT_EQ(a.snapshot_log[i].timestamp_ms, b.snapshot_log[i].timestamp_ms);
    EXPECT_EQ(a.snapshot_log[i].snapshot_id, b.snapshot_log[i].snapshot_id);
  }
  ASSERT_EQ(a.metadata_log.size(), b.metadata_log.size());
  for (size_t i = 0; i < a.metadata_log.size(); ++i) {
    EXPECT_EQ(a.metadata_log[i].timestamp_ms, b.metadata_log[i].timestamp_ms);
    EXPECT_EQ(a.metadata_log[i].metadata_file, b.metadata_log[i].metadata_file);
  }
  EXPECT_EQ(a.sort_orders, b.sort_orders);
  EXPECT_EQ(a.default_sort_order_id, b.default_sort_order_id);
  ASSERT_EQ(a.refs.size(), b.refs.size());
  for (const auto& [name, ref] : a.refs) {
    auto it = b.refs.find(name);
    ASSERT_NE(it, b.refs.end()) << name;
    EXPECT_EQ(ref.snapshot_id, it->second.snapshot_id) << name;
    EXPECT_EQ(ref.type, it->second.type) << name;
    EXPECT_EQ(ref.min_snapshots_to_keep, it->second.min_snapshots_to_keep) << name;
    EXPECT_EQ(ref.max_snapshot_age_ms, it->second.max_snapshot_age_ms) << name;
    EXPECT_EQ(ref.max_ref_age_ms, it->second.max_ref_age_ms) << name;
  }
  auto same_files = [](const std::vector<StatisticsFile>& x, const std::vector<StatisticsFile>& y) {
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].snapshot_id, y[i].snapshot_id);
      EXPECT_EQ(x[i].statistics_path, y[i].statistics_path);
      EXPECT_EQ(json::parse(x[i].json), json::parse(y[i].json));
    }
  };
  same_files(a.statistics, b.statistics);
  same_files(a.partition_statistics, b.partition_statistics);
}

TEST(TableMetadataJsonTest, V2RoundTripKeepsEverything) {
  TableMetadata md = RichMetadata();
  std::string text = SerializeTableMetadata(md);
  auto parsed = ParseOrDie(text);
  ASSERT_NE(parsed, nullptr);
  ExpectSameMetadata(md, *parsed);
  EXPECT_EQ(SerializeTableMetadata(*parsed), text);
}

TEST(TableMetadataJsonTest, V2WritesEveryRequiredField) {
  std::string text = SerializeTableMetadata(RichMetadata());
  json j = json::parse(text);
  for (const char* key :
       {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
        "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
        "last-partition-id", "properties", "current-snapshot-id", "snapshots", "snapshot-log",
        "metadata-log", "sort-orders", "default-sort-order-id", "refs", "statistics",
        "partition-statistics"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_FALSE(j.contains("schema"));         // v1-only forms are not written for v2
  EXPECT_FALSE(j.contains("partition-spec"));
  const json& s = j["snapshots"][1];
  EXPECT_EQ(s["snapshot-id"], 22);
  EXPECT_EQ(s["parent-snapshot-id"], 11);
  EXPECT_EQ(s["sequence-number"], 2);
  EXPECT_EQ(s["summary"]["operation"], "overwrite");
  // The operation leads the summary (nlohmann::json sorts keys, so look at the text).
  EXPECT_NE(text.find(R"("summary":{"operation":"overwrite","deleted-records":"1"})"),
            std::string::npos);
  EXPECT_EQ(s["schema-id"], 1);
  EXPECT_EQ(j["refs"]["main"], json::parse(R"({"snapshot-id":22,"type":"branch",
      "min-snapshots-to-keep":3,"max-snapshot-age-ms":86400000})"));
  EXPECT_EQ(j["refs"]["first"],
            json::parse(R"({"snapshot-id":11,"type":"tag","max-ref-age-ms":604800000})"));
}

TEST(TableMetadataJsonTest, NoCurrentSnapshotIsWrittenAsMinusOneAndReadBackAsNone) {
  TableMetadata md = RichMetadata();
  md.current_snapshot_id.reset();
  md.snapshots.clear();
  md.snapshot_log.clear();
  md.refs.clear();
  md.statistics.clear();
  std::string text = SerializeTableMetadata(md);
  EXPECT_EQ(json::parse(text)["current-snapshot-id"], -1);
  auto parsed = ParseOrDie(text);
  ASSERT_NE(parsed, nullptr);
  EXPECT_FALSE(parsed->current_snapshot_id.has_value());
  EXPECT_EQ(parsed->CurrentSnapshot(), nullptr);
  EXPECT_TRUE(parsed->refs.empty());
}

TEST(TableMetadataJsonTest, ReadsPyIcebergV2Metadata) {
  auto md = ParseOrDie(ReadFixture("pyiceberg_v2.metadata.json"));
  ASSERT_NE(md, nullptr);
  EXPECT_EQ(md->format_version, 2);
  EXPECT_EQ(md->table_uuid, "a5099673-aed7-433c-b7c4-6d7f579d2687");
  EXPECT_EQ(md->last_sequence_number, 2);
  EXPECT_EQ(md->last_column_id, 15);
  auto schema = md->CurrentSchema();
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->fields().size(), 10u);
  EXPECT_EQ(schema->identifier_field_ids(), std::vector<int32_t>{1});
  EXPECT_EQ(schema->fields()[0].doc, "row id");
  EXPECT_TRUE(schema->FindFieldByName("price")->type->Equals(*Type::Decimal(10, 2)));
  EXPECT_EQ(schema->FindFieldByName("tags.element")->id, 11);
  EXPECT_EQ(schema->FindFieldByName("attrs.value")->id, 13);
  EXPECT_EQ(schema->FindFieldByName("loc.lon")->id, 15);
  EXPECT_TRUE(schema->FindFieldByName("blob")->type->Equals(*Type::Fixed(16)));

  ASSERT_EQ(md->partition_specs.size(), 2u);
  const PartitionSpec& spec = md->DefaultSpec();
  EXPECT_EQ(spec.spec_id(), 1);
  ASSERT_EQ(spec.fields().size(), 3u);
  EXPECT_EQ(spec.fields()[1].transform, Transform::Bucket(16));
  EXPECT_EQ(spec.fields()[2].transform, Transform::Day());
  EXPECT_EQ(spec.fields()[2].field_id, 1003);
  EXPECT_EQ(md->last_partition_id, 1003);
  EXPECT_EQ(md->Property("owner", ""), "floe");

  ASSERT_EQ(md->snapshots.size(), 2u);
  const Snapshot* current = md->CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->snapshot_id, 2021860232664482791);
  EXPECT_EQ(current->parent_snapshot_id, 67686108801018157);
  EXPECT_EQ(current->sequence_number, 2);
  EXPECT_EQ(current->operation(), operation::kAppend);
  EXPECT_EQ(current->summary.at("total-records"), "4");
  EXPECT_EQ(md->SnapshotForRef("v1tag"), current);
  EXPECT_EQ(md->refs.at("v1tag").type, SnapshotRefType::kTag);
  EXPECT_EQ(md->metadata_log.size(), 4u);
  EXPECT_EQ(md->default_sort_order_id, 1);
  EXPECT_EQ(md->sort_orders[0].fields[0].null_order, NullOrder::kNullsFirst);
}

TEST(TableMetadataJsonTest, ReadsPyIcebergV1Metadata) {
  auto md = ParseOrDie(ReadFixture("pyiceberg_v1.metadata.json"));
  ASSERT_NE(md, nullptr);
  EXPECT_EQ(md->format_version, 1);
  EXPECT_EQ(md->last_sequence_number, 0);
  ASSERT_EQ(md->schemas.size(), 1u);
  EXPECT_EQ(md->CurrentSchema()->fields().size(), 10u);
  ASSERT_EQ(md->partition_specs.size(), 2u);
  // v1 spec evolution keeps removed fields as void transforms.
  EXPECT_EQ(md->DefaultSpec().fields()[0].transform, Transform::Void());
  ASSERT_EQ(md->snapshots.size(), 2u);
  for (const auto& s : md->snapshots) EXPECT_EQ(s.sequence_number, 0);
  EXPECT_EQ(md->CurrentSnapshot()->snapshot_id, 279937116584452695);
  EXPECT_EQ(md->SnapshotForRef("main")->snapshot_id, 279937116584452695);
}

TEST(TableMetadataJsonTest, ReadsPyIcebergMetadataOfEmptyTables) {
  for (const char* name :
       {"pyiceberg_v1_empty.metadata.json", "pyiceberg_v2_empty.metadata.json"}) {
    auto md = ParseOrDie(ReadFixture(name));
    ASSERT_NE(md, nullptr) << name;
    EXPECT_FALSE(md->current_snapshot_id.has_value()) << name;
    EXPECT_TRUE(md->snapshots.empty()) << name;
    EXPECT_EQ(md->SnapshotForRef("main"), nullptr) << name;
    EXPECT_EQ(md->DefaultSpec().fields().size(), 2u) << name;
  }
}

TEST(TableMetadataJsonTest, PyIcebergFilesRoundTripThroughFloe) {
  for (const char* name : {"pyiceberg_v1.metadata.json", "pyiceberg_v2.metadata.json",
                           "pyiceberg_v1_empty.metadata.json",
                           "pyiceberg_v2_empty.metadata.json"}) {
    auto first = ParseOrDie(ReadFixture(name));
    ASSERT_NE(first, nullptr) << name;
    std::string text = SerializeTableMetadata(*first);
    auto second = ParseOrDie(text);
    ASSERT_NE(second, nullptr) << name;
    ExpectSameMetadata(*first, *second);
    EXPECT_EQ(SerializeTableMetadata(*second), text) << name;
  }
}

TEST(TableMetadataJsonTest, V1WritesTheSingleSchemaAndSpecToo) {
  auto md = ParseOrDie(ReadFixture("pyiceberg_v1.metadata.json"));
  ASSERT_NE(md, nullptr);
  json j = json::parse(SerializeTableMetadata(*md));
  EXPECT_EQ(j["format-version"], 1);
  EXPECT_EQ(j["schema"]["schema-id"], 0);
  EXPECT_EQ(j["partition-spec"].size(), 4u);
  EXPECT_FALSE(j.contains("last-sequence-number"));
  EXPECT_FALSE(j["snapshots"][0].contains("sequence-number"));
}

// A v1 file in the oldest layout: only "schema" and "partition-spec" (without field ids), no
// refs, no sequence numbers, -1 for no current snapshot in one variant.
constexpr const char* kOldV1 = R"({
  "format-version": 1,
  "location": "s3://bucket/t",
  "last-updated-ms": 1600000000000,
  "last-column-id": 2,
  "schema": {"type": "struct", "fields": [
    {"id": 1, "name": "x", "required": true, "type": "long"},
    {"id": 2, "name": "d", "required": false, "type": "date"}]},
  "partition-spec": [{"name": "d_month", "transform": "month", "source-id": 2}],
  "properties": {"k": "v"},
  "current-snapshot-id": 7,
  "snapshots": [
    {"snapshot-id": 5, "timestamp-ms": 1600000000100, "manifest-list": "s3://bucket/t/m5.avro"},
    {"snapshot-id": 7, "parent-snapshot-id": 5, "timestamp-ms": 1600000000200,
     "manifest-list": "s3://bucket/t/m7.avro", "summary": {"operation": "append"}}]
})";

TEST(TableMetadataJsonTest, ReadsOldestV1Layout) {
  auto md = ParseOrDie(kOldV1);
  ASSERT_NE(md, nullptr);
  EXPECT_TRUE(md->table_uuid.empty());
  EXPECT_EQ(md->current_schema_id, 0);
  EXPECT_EQ(md->CurrentSchema()->fields().size(), 2u);
  ASSERT_EQ(md->partition_specs.size(), 1u);
  EXPECT_EQ(md->DefaultSpec().fields()[0].field_id, 1000);
  EXPECT_EQ(md->last_partition_id, 1000);
  ASSERT_EQ(md->sort_orders.size(), 1u);
  EXPECT_EQ(md->sort_orders[0], SortOrder::Unsorted());
  EXPECT_EQ(md->snapshots[0].sequence_number, 0);
  EXPECT_TRUE(md->snapshots[0].summary.empty());
  ASSERT_EQ(md->refs.count("main"), 1u);
  EXPECT_EQ(md->refs.at("main").snapshot_id, 7);
  EXPECT_EQ(md->refs.at("main").type, SnapshotRefType::kBranch);

  json j = json::parse(kOldV1);
  j["current-snapshot-id"] = -1;
  auto none = ParseOrDie(j.dump());
  ASSERT_NE(none, nullptr);
  EXPECT_FALSE(none->current_snapshot_id.has_value());
  EXPECT_TRUE(none->refs.empty());
}

TEST(TableMetadataJsonTest, V1InlineManifestsAreRejectedNamingFileAndSnapshot) {
  json j = json::parse(kOldV1);
  j["snapshots"][0].erase("manifest-list");
  j["snapshots"][0]["manifests"] = json::array({"s3://bucket/t/m1.avro"});
  auto parsed = ParseTableMetadata(j.dump(), "/w/t/metadata/v3.metadata.json");
  ASSERT_FALSE(parsed.ok());
  const std::string& message = parsed.status().message();
  EXPECT_NE(message.find("table metadata /w/t/metadata/v3.metadata.json: snapshots[0]"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("snapshot 5"), std::string::npos) << message;
  EXPECT_NE(message.find("manifest-list"), std::string::npos) << message;
}

TEST(TableMetadataJsonTest, UnknownFormatVersionNamesFileAndVersion) {
  for (int version : {0, 4}) {
    json j = json::parse(SerializeTableMetadata(RichMetadata()));
    j["format-version"] = version;
    auto parsed = ParseTableMetadata(j.dump(), "/w/t/metadata/00009-x.metadata.json");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(),
              "table metadata /w/t/metadata/00009-x.metadata.json: unsupported format-version " +
                  std::to_string(version) + " (floe reads format versions 1, 2 and 3)");
  }
}

TEST(TableMetadataJsonTest, MalformedJsonNamesFileAndPosition) {
  auto parsed = ParseTableMetadata("{\"format-version\": 2,\n \"location\": }", "/w/m.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.status().IsInvalid());
  const std::string& message = parsed.status().message();
  EXPECT_EQ(message.rfind("table metadata /w/m.json: malformed JSON: ", 0), 0u) << message;
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

TEST(TableMetadataJsonTest, MissingRequiredFieldsNameFileAndField) {
  struct Case {
    const char* path;  // json pointer of the member to remove
    const char* expected;
  };
  for (const Case& c : {
           Case{"/last-column-id", "missing required field 'last-column-id'"},
           Case{"/table-uuid", "missing required field 'table-uuid'"},
           Case{"/last-sequence-number", "missing required field 'last-sequence-number'"},
           Case{"/sort-orders", "missing required field 'sort-orders'"},
           Case{"/schemas/1/fields/0/type", "schemas[1].fields[0]: missing required field 'type'"},
           Case{"/snapshots/0/timestamp-ms",
                "snapshots[0]: missing required field 'timestamp-ms'"},
           Case{"/refs/main/type", "refs.main: missing required field 'type'"},
           Case{"/partition-specs/1/fields/1/transform",
                "partition-specs[1].fields[1]: missing required field 'transform'"},
       }) {
    json j = json::parse(SerializeTableMetadata(RichMetadata()));
    json::json_pointer pointer(c.path);
    j[pointer.parent_pointer()].erase(pointer.back());
    auto parsed = ParseTableMetadata(j.dump(), "/w/t.json");
    ASSERT_FALSE(parsed.ok()) << c.path;
    EXPECT_TRUE(parsed.status().IsInvalid()) << c.path;
    EXPECT_EQ(parsed.status().message(), std::string("table metadata /w/t.json: ") + c.expected);
  }
}

TEST(TableMetadataJsonTest, InconsistentReferencesAreErrors) {
  json j = json::parse(SerializeTableMetadata(RichMetadata()));
  j["current-schema-id"] = 5;
  auto schema = ParseTableMetadata(j.dump(), "m.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(),
            "table metadata m.json: current-schema-id 5 is not among the schemas");

  j = json::parse(SerializeTableMetadata(RichMetadata()));
  j["current-snapshot-id"] = 99;
  auto snapshot = ParseTableMetadata(j.dump(), "m.json");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.status().message().find("current-snapshot-id 99"), std::string::npos);

  j = json::parse(SerializeTableMetadata(RichMetadata()));
  j["location"] = 5;
  auto wrong = ParseTableMetadata(j.dump(), "m.json");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "table metadata m.json: field 'location' must be a string, got 5");
}

TEST(TableMetadataTest, AccessorsFindSchemasSpecsSnapshotsAndRefs) {
  TableMetadata md = RichMetadata();
  EXPECT_EQ(md.CurrentSchema()->schema_id(), 1);
  EXPECT_EQ(md.SchemaById(0)->fields().size(), 4u);
  EXPECT_EQ(md.SchemaById(7), nullptr);
  EXPECT_EQ(md.SpecById(0)->fields().size(), 1u);
  EXPECT_EQ(md.SpecById(5), nullptr);
  EXPECT_EQ(md.DefaultSpec().spec_id(), 1);
  EXPECT_EQ(md.SnapshotById(11)->sequence_number, 1);
  EXPECT_EQ(md.SnapshotById(12), nullptr);
  EXPECT_EQ(md.CurrentSnapshot()->snapshot_id, 22);
  EXPECT_EQ(md.SnapshotForRef("main")->snapshot_id, 22);
  EXPECT_EQ(md.SnapshotForRef("first")->snapshot_id, 11);
  EXPECT_EQ(md.SnapshotForRef("nope"), nullptr);
  EXPECT_EQ(md.Property("owner", "x"), "floe");
  EXPECT_EQ(md.Property("missing", "fallback"), "fallback");

  md.default_spec_id = 9;  // not among the specs: unpartitioned
  EXPECT_TRUE(md.DefaultSpec().is_unpartitioned());
}

TEST(TableMetadataTest, SnapshotAsOfUsesTheSnapshotLog) {
  TableMetadata md = RichMetadata();
  EXPECT_EQ(md.SnapshotAsOf(1700000000999), nullptr);
  EXPECT_EQ(md.SnapshotAsOf(1700000001000)->snapshot_id, 11);
  EXPECT_EQ(md.SnapshotAsOf(1700000001999)->snapshot_id, 11);
  EXPECT_EQ(md.SnapshotAsOf(1700000002000)->snapshot_id, 22);
  EXPECT_EQ(md.SnapshotAsOf(1800000000000)->snapshot_id, 22);

  // A rollback shows in the log: 11 became current again after 22.
  md.snapshot_log.push_back({1700000003000, 11});
  EXPECT_EQ(md.SnapshotAsOf(1700000003500)->snapshot_id, 11);

  // Without a log, the current snapshot's ancestry answers.
  md.snapshot_log.clear();
  EXPECT_EQ(md.SnapshotAsOf(1700000001500)->snapshot_id, 11);
  EXPECT_EQ(md.SnapshotAsOf(1700000002500)->snapshot_id, 22);
  EXPECT_EQ(md.SnapshotAsOf(1600000000000), nullptr);
}

// Checks that PyIceberg itself accepts what floe writes. Runs when FLOE_PYTHON names a Python
// with pyiceberg installed (e.g. FLOE_PYTHON=.venv/bin/python).
TEST(TableMetadataInteropTest, PyIcebergParsesSerializedMetadata) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  auto dir = std::filesystem::temp_directory_path() /
             ("floe_metadata_interop_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  struct Case {
    std::string file;
    TableMetadata md;
    std::string check;
  };
  TableMetadata empty = RichMetadata();
  empty.current_snapshot_id.reset();
  empty.snapshots.clear();
  empty.snapshot_log.clear();
  empty.refs.clear();
  empty.statistics.clear();
  std::vector<Case> cases = {
      {"rich.metadata.json", RichMetadata(),
       "m.current_snapshot_id == 22 and len(m.partition_specs) == 2 and "
       "m.refs['first'].snapshot_ref_type == 'tag' and m.snapshots[1].sequence_number == 2 and "
       "m.schema().find_field('loc.lat').field_id == 9 and m.default_sort_order_id == 1"},
      {"empty.metadata.json", empty, "m.current_snapshot_id is None and m.snapshots == []"},
  };
  auto v1 = ParseTableMetadata(ReadFixture("pyiceberg_v1.metadata.json"), "v1");
  ASSERT_TRUE(v1.ok()) << v1.status();
  cases.push_back({"v1.metadata.json", **v1,
                   "m.format_version == 1 and m.current_snapshot_id == 279937116584452695"});

  for (const auto& c : cases) {
    auto path = dir / c.file;
    {
      std::ofstream out(path);
      out << SerializeTableMetadata(c.md);
    }
    std::string command = python +
                          " -c \"import sys; from pyiceberg.table.metadata import "
                          "TableMetadataUtil as U; m = U.parse_raw(open(sys.argv[1]).read()); "
                          "sys.exit(0 if (" +
                          c.check + ") else 3)\" " + path.string();
    EXPECT_EQ(std::system(command.c_str()), 0) << c.file;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace floe::iceberg
