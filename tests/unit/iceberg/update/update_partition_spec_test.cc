// Partition evolution rules: the specs, field ids and names a sequence of evolutions produces,
// compared with PyIceberg's UpdateSpec doing the same sequence (needs FLOE_PYTHON; those
// checks skip without it, fail under CI), and the refusals.
#include "floe/iceberg/update/update_partition_spec.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../../interop_python.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/type/schema_text.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One operation of a step, in both languages: floe takes partition text, PyIceberg a column
// and a transform string.
struct Op {
  std::string kind;  // add, remove, rename
  std::string term;  // floe partition text (add), or the field name (remove, rename)
  std::string column;
  std::string transform;            // PyIceberg's transform text (add)
  std::optional<std::string> name;  // add: the field name asked for; rename: the new name
};
using Step = std::vector<Op>;

Op AddOp(std::string term, std::string column, std::string transform,
         std::optional<std::string> name = {}) {
  return Op{"add", std::move(term), std::move(column), std::move(transform), std::move(name)};
}
Op RemoveOp(std::string name) { return Op{"remove", std::move(name), "", "", {}}; }
Op RenameOp(std::string name, std::string new_name) {
  return Op{"rename", std::move(name), "", "", std::move(new_name)};
}

std::shared_ptr<const Schema> TestSchema() {
  auto schema = ParseSchemaText("id long not null, ts timestamp, name string, region string");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return std::make_shared<const Schema>(*schema);
}

TableMetadata NewTable() {
  auto schema = TestSchema();
  auto spec = ParsePartitionText("day(ts)", *schema);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  auto md = NewTableMetadata(*schema, *spec, SortOrder::Unsorted(), "/tmp/floe-spec-test", {});
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return *md;
}

std::shared_ptr<Table> TableOf(const TableMetadata& md) {
  // Apply plans against the builder only; the table is not used to commit here.
  return std::make_shared<Table>(nullptr,
                                 TableState{std::make_shared<const TableMetadata>(md), ""});
}

// Applies a step as floe does in a commit; returns the status and moves `md` on success.
arrow::Status ApplyStep(const Step& step, TableMetadata* md) {
  UpdatePartitionSpec update(TableOf(*md));
  for (const auto& op : step) {
    if (op.kind == "add") update.AddField(op.term, op.name);
    if (op.kind == "remove") update.RemoveField(op.term);
    if (op.kind == "rename") update.RenameField(op.term, *op.name);
  }
  TableMetadataBuilder builder(*md);
  ARROW_RETURN_NOT_OK(update.Apply(builder));
  // The catalog applies the recorded update list to the table itself: it must give the same.
  TableMetadataBuilder replay(*md);
  ARROW_RETURN_NOT_OK(replay.ApplyAll(builder.updates()));
  ARROW_ASSIGN_OR_RAISE(TableMetadata replayed, replay.Build());
  ARROW_ASSIGN_OR_RAISE(*md, builder.Build());
  EXPECT_EQ(replayed.default_spec_id, md->default_spec_id);
  EXPECT_EQ(replayed.partition_specs.size(), md->partition_specs.size());
  EXPECT_EQ(replayed.last_partition_id, md->last_partition_id);
  return arrow::Status::OK();
}

json SpecsJson(const TableMetadata& md) {
  json specs = json::array();
  for (const auto& spec : md.partition_specs) {
    json fields = json::array();
    for (const auto& f : spec.fields()) {
      fields.push_back({f.source_id, f.field_id, f.name, f.transform.ToString()});
    }
    specs.push_back({spec.spec_id(), fields});
  }
  return specs;
}

json StateJson(const std::string& result, const TableMetadata& md) {
  return {{"result", result},
          {"default_spec_id", md.default_spec_id},
          {"last_partition_id", md.last_partition_id},
          {"specs", SpecsJson(md)}};
}

// The same table and steps in PyIceberg; prints one state per step.
constexpr const char* kPyIcebergEvolves = R"(
import json, sys
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import DayTransform
from pyiceberg.types import LongType, NestedField, StringType, TimestampType

steps, warehouse = json.loads(open(sys.argv[1]).read()), sys.argv[2]
catalog = SqlCatalog("t", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
catalog.create_namespace("n")
schema = Schema(NestedField(1, "id", LongType(), required=True),
                NestedField(2, "ts", TimestampType()), NestedField(3, "name", StringType()),
                NestedField(4, "region", StringType()))
table = catalog.create_table("n.t", schema,
                             partition_spec=PartitionSpec(PartitionField(2, 1000, DayTransform(), "ts_day")))
out = []
for step in steps:
    try:
        with table.update_spec() as update:
            for op in step:
                if op["kind"] == "add":
                    update.add_field(op["column"], op["transform"], op["name"])
                elif op["kind"] == "remove":
                    update.remove_field(op["term"])
                else:
                    update.rename_field(op["term"], op["name"])
        result = "ok"
    except ValueError as e:
        result = "error"
    table = catalog.load_table("n.t")
    md = table.metadata
    out.append({"result": result, "default_spec_id": md.default_spec_id,
                "last_partition_id": md.last_partition_id,
                "specs": [[s.spec_id, [[f.source_id, f.field_id, f.name, str(f.transform)]
                                       for f in s.fields]] for s in md.partition_specs]})
print(json.dumps(out))
)";

std::vector<Step> Evolution() {
  return {
      {AddOp("bucket(16, id)", "id", "bucket[16]")},
      {RemoveOp("ts_day")},
      {AddOp("day(ts)", "ts", "day")},  // gets field 1000 and its name back
      {RenameOp("id_bucket_16", "id_b")},
      {AddOp("truncate(4, name)", "name", "truncate[4]", "n4")},
      {RemoveOp("n4")},  // equal to the spec before: that spec is the default again
      {AddOp("region", "region", "identity")},
      {RemoveOp("id_b"), RemoveOp("ts_day"), RemoveOp("region")},        // unpartitioned
      {AddOp("bucket(16, id)", "id", "bucket[16]", "id_b")},             // id 1001 under this name
      {AddOp("bucket(16, id)", "id", "bucket[16]")},                     // refused: already there
      {RemoveOp("no_such_field")},                                       // refused: unknown
      {AddOp("ts", "ts", "identity", "region")},                         // refused: a column's name
      {AddOp("day(ts)", "ts", "day"), AddOp("hour(ts)", "ts", "hour")},  // refused: redundant
      {AddOp("truncate(4, name)", "name", "truncate[4]", "id_b")},       // refused: name in use
      {AddOp("hour(ts)", "ts", "hour"), RenameOp("id_b", "by_id")},
  };
}

TEST(UpdatePartitionSpecTest, EvolutionMatchesPyIceberg) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  std::vector<Step> steps = Evolution();

  json floe_states = json::array();
  TableMetadata md = NewTable();
  for (const auto& step : steps) {
    arrow::Status st = ApplyStep(step, &md);
    floe_states.push_back(StateJson(st.ok() ? "ok" : "error", md));
  }

  std::string pattern = (fs::temp_directory_path() / "floe_spec_py_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  std::string dir = pattern;
  json steps_json = json::array();
  for (const auto& step : steps) {
    json ops = json::array();
    for (const auto& op : step) {
      ops.push_back({{"kind", op.kind},
                     {"term", op.term},
                     {"column", op.column},
                     {"transform", op.transform},
                     {"name", op.name ? json(*op.name) : json(nullptr)}});
    }
    steps_json.push_back(ops);
  }
  std::ofstream(dir + "/steps.json") << steps_json.dump();
  std::ofstream(dir + "/evolve.py") << kPyIcebergEvolves;
  std::string command = "'" + python + "' '" + dir + "/evolve.py' '" + dir + "/steps.json' '" +
                        dir + "' > '" + dir + "/out.txt' 2>&1";
  int rc = std::system(command.c_str());
  std::stringstream out;
  out << std::ifstream(dir + "/out.txt").rdbuf();
  fs::remove_all(dir);
  ASSERT_EQ(rc, 0) << out.str();
  json py_states = json::parse(out.str(), nullptr, false);
  ASSERT_FALSE(py_states.is_discarded()) << out.str();
  ASSERT_EQ(py_states.size(), floe_states.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(floe_states[i], py_states[i]) << "after step " << i + 1;
  }
}

TEST(UpdatePartitionSpecTest, EvolutionRecyclesIdsAndNames) {
  TableMetadata md = NewTable();
  ASSERT_TRUE(ApplyStep({AddOp("bucket(16, id)", "", "")}, &md).ok());
  ASSERT_TRUE(ApplyStep({RemoveOp("ts_day")}, &md).ok());
  ASSERT_TRUE(ApplyStep({AddOp("day(ts)", "", "")}, &md).ok());
  const PartitionSpec& spec = md.DefaultSpec();
  EXPECT_EQ(spec.spec_id(), 3);
  ASSERT_EQ(spec.fields().size(), 2u);
  EXPECT_EQ(spec.fields()[0], (PartitionField{1, 1001, "id_bucket_16", Transform::Bucket(16)}));
  EXPECT_EQ(spec.fields()[1], (PartitionField{2, 1000, "ts_day", Transform::Day()}));
  EXPECT_EQ(md.last_partition_id, 1001);
  // Older specs stay for the files written with them.
  EXPECT_EQ(md.partition_specs.size(), 4u);
  EXPECT_EQ(md.partition_specs[0].fields().size(), 1u);
}

TEST(UpdatePartitionSpecTest, NamesAsTextOrOptionAndDefaultNames) {
  TableMetadata md = NewTable();
  ASSERT_TRUE(ApplyStep({AddOp("truncate(4, name) as name4", "", "")}, &md).ok());
  ASSERT_TRUE(ApplyStep({AddOp("bucket(8, id)", "", "", "by_id")}, &md).ok());
  ASSERT_TRUE(ApplyStep({AddOp("region", "", "")}, &md).ok());
  std::vector<std::string> names;
  for (const auto& f : md.DefaultSpec().fields()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ts_day", "name4", "by_id", "region"}));
}

TEST(UpdatePartitionSpecTest, RefusalsSayWhatIsWrong) {
  TableMetadata md = NewTable();
  auto refused = [&](const Step& step, const std::string& expect) {
    TableMetadata before = md;
    arrow::Status st = ApplyStep(step, &md);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find(expect), std::string::npos) << st.ToString();
    EXPECT_EQ(md.partition_specs.size(), before.partition_specs.size());
  };
  refused({AddOp("day(ts)", "", "")}, "already partitioned by day(ts) (field 'ts_day')");
  // Java refuses a second time transform of one column (PyIceberg only within one change).
  refused({AddOp("hour(ts)", "", "")},
          "redundant partition: column 'ts' is already "
          "partitioned by day(ts)");
  refused({RemoveOp("nope")}, "no partition field 'nope' in the default spec (fields: ts_day)");
  refused({RenameOp("nope", "x")}, "no partition field 'nope' to rename");
  refused({AddOp("bucket(4, id)", "", "", "ts_day")}, "'ts_day' is used twice");
  refused({AddOp("bucket(4, id)", "", "", "name")}, "'name' is the name of a column");
  refused({AddOp("day(ts), bucket(4, id)", "", "")}, "add one field at a time");
  refused({AddOp("bucket(4, nope)", "", "")}, "no column 'nope'");
  refused({RemoveOp("ts_day"), RenameOp("ts_day", "d")}, "both removed and renamed");
  // Changing the granularity works when the old field goes in the same change.
  ASSERT_TRUE(ApplyStep({RemoveOp("ts_day"), AddOp("hour(ts)", "", "")}, &md).ok());
  EXPECT_EQ(md.DefaultSpec().fields(),
            (std::vector<PartitionField>{{2, 1001, "ts_hour", Transform::Hour()}}));
}

TEST(UpdatePartitionSpecTest, NoChangeRecordsNothing) {
  TableMetadata md = NewTable();
  UpdatePartitionSpec update(TableOf(md));
  update.RemoveField("ts_day").AddField("day(ts)");
  TableMetadataBuilder builder(md);
  ASSERT_TRUE(update.Apply(builder).ok());
  EXPECT_TRUE(builder.empty());
}

TEST(UpdatePartitionSpecTest, RecordsAddSpecAndSetDefaultSpec) {
  TableMetadata md = NewTable();
  UpdatePartitionSpec update(TableOf(md));
  update.AddField("bucket(16, id)");
  TableMetadataBuilder builder(md);
  ASSERT_TRUE(update.Apply(builder).ok());
  ASSERT_EQ(builder.updates().size(), 2u);
  EXPECT_STREQ(UpdateAction(builder.updates()[0]), "add-spec");
  ASSERT_TRUE(std::holds_alternative<SetDefaultSpec>(builder.updates()[1]));
  EXPECT_EQ(std::get<SetDefaultSpec>(builder.updates()[1]).spec_id, kLastAdded);
}

TEST(UpdatePartitionSpecTest, AV1TableKeepsARemovedFieldAsVoid) {
  auto schema = TestSchema();
  auto spec = ParsePartitionText("day(ts), bucket(4, id)", *schema);
  ASSERT_TRUE(spec.ok());
  auto md = NewTableMetadata(*schema, *spec, SortOrder::Unsorted(), "/tmp/floe-spec-test", {});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  TableMetadata v1 = *md;  // as read from a v1 table (floe creates v2 tables only)
  v1.format_version = 1;
  ASSERT_TRUE(ApplyStep({RemoveOp("ts_day")}, &v1).ok());
  EXPECT_EQ(v1.DefaultSpec().fields(),
            (std::vector<PartitionField>{{2, 1000, "ts_day", Transform::Void()},
                                         {1, 1001, "id_bucket", Transform::Bucket(4)}}));
}

}  // namespace
}  // namespace floe::iceberg
