// floe._floe.stream: `floe stream` into an Iceberg table (Kafka, Debezium, exactly once,
// dead letters) as a function returning the run's report.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "errors.h"
#include "floe/stream/stream_infer.h"
#include "floe/stream/stream_run.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

struct StreamArgs {
  std::vector<std::string> table_ns;
  std::string table_name;
  std::string brokers;
  std::vector<std::string> topics;
  std::string group;
  std::optional<std::string> mapping_yaml;  ///< none: inferred
  std::string mapping_source = "mapping";
  std::vector<std::string> key;
  std::string mode = "append";
  std::string starting_offsets = "earliest";
  bool once = false;
  int64_t commit_interval_ms = 10'000;
  int64_t max_records_per_commit = 100'000;
  int64_t commit_bytes = 0;
  bool dead_letters = true;
  std::optional<bool> evolve;  ///< none: on when the mapping is inferred
  std::string partition_by;
  std::string stream_id;
  std::map<std::string, std::string> kafka_properties;
};

stream::StreamOptions Options(const StreamArgs& args) {
  stream::StreamOptions options;
  options.table = iceberg::TableIdentifier{args.table_ns, args.table_name};
  options.kafka.brokers = args.brokers;
  options.kafka.topics = args.topics;
  options.kafka.group = args.group;
  options.kafka.starting_offsets = Unwrap(stream::StartingOffsets::Parse(args.starting_offsets));
  options.kafka.properties = args.kafka_properties;
  if (args.mapping_yaml) {
    options.mapping = Unwrap(stream::StreamMapping::Parse(*args.mapping_yaml, args.mapping_source));
  } else {
    options.infer_mapping = true;
    options.key = args.key;
  }
  if (args.mode == "append") {
    options.mode = stream::StreamMode::kAppend;
  } else if (args.mode == "upsert") {
    options.mode = stream::StreamMode::kUpsert;
  } else {
    throw StatusError(
        arrow::Status::Invalid("mode '", args.mode, "' is neither append nor upsert"));
  }
  if (args.max_records_per_commit < 1) {
    throw StatusError(arrow::Status::Invalid("max_records_per_commit must be >= 1"));
  }
  options.once = args.once;
  options.commit_interval_ms = args.commit_interval_ms;
  options.max_records_per_commit = args.max_records_per_commit;
  options.commit_bytes = args.commit_bytes;
  options.dead_letters = args.dead_letters;
  options.evolve = args.evolve.value_or(options.infer_mapping);
  options.partition_by = args.partition_by;
  options.stream_id = args.stream_id;
  return options;
}

nb::dict Stream(const std::shared_ptr<PyCatalog>& catalog, const StreamArgs& args) {
  stream::StreamOptions options = Options(args);
  std::atomic<bool> stop{false};
  options.stop = &stop;
  stream::StreamReport report;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(report, stream::RunStream(*catalog->catalog, options));
        return arrow::Status::OK();
      },
      &stop);
  nb::dict d;
  d["commits"] = report.commits;
  d["refused_commits"] = report.refused_commits;
  d["messages"] = report.messages;
  d["rows"] = report.rows;
  d["dead_letters"] = report.dead_letters;
  d["tombstones"] = report.tombstones;
  d["inferred_mapping"] =
      report.inferred ? nb::cast(stream::DescribeMapping(*report.inferred)) : nb::none();
  d["inferred_from_table"] = report.inferred_from_table;
  return d;
}

}  // namespace

void BindStream(nb::module_& m) {
  nb::class_<StreamArgs>(m, "StreamArgs")
      .def(nb::init<>())
      .def_rw("table_ns", &StreamArgs::table_ns)
      .def_rw("table_name", &StreamArgs::table_name)
      .def_rw("brokers", &StreamArgs::brokers)
      .def_rw("topics", &StreamArgs::topics)
      .def_rw("group", &StreamArgs::group)
      .def_rw("mapping_yaml", &StreamArgs::mapping_yaml)
      .def_rw("mapping_source", &StreamArgs::mapping_source)
      .def_rw("key", &StreamArgs::key)
      .def_rw("mode", &StreamArgs::mode)
      .def_rw("starting_offsets", &StreamArgs::starting_offsets)
      .def_rw("once", &StreamArgs::once)
      .def_rw("commit_interval_ms", &StreamArgs::commit_interval_ms)
      .def_rw("max_records_per_commit", &StreamArgs::max_records_per_commit)
      .def_rw("commit_bytes", &StreamArgs::commit_bytes)
      .def_rw("dead_letters", &StreamArgs::dead_letters)
      .def_rw("evolve", &StreamArgs::evolve)
      .def_rw("partition_by", &StreamArgs::partition_by)
      .def_rw("stream_id", &StreamArgs::stream_id)
      .def_rw("kafka_properties", &StreamArgs::kafka_properties);
  m.def("stream", &Stream, nb::arg("catalog"), nb::arg("args"));
}

}  // namespace floe::python
