// floe._floe.ingest: `floe ingest` (Spark-log folders into the data, rejects and
// processing-metadata tables, exactly once) as a function returning the run's report.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "errors.h"
#include "floe/ingest/distributed_ingest.h"
#include "floe/ingest/ingest_pipeline.h"
#include "floe/ingest/job_environment.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

struct IngestArgs {
  std::string source;
  std::vector<std::string> table_ns;
  std::string table_name;
  std::string partition_by;
  int threads = 0;
  int commit_every = 0;
  int64_t commit_every_bytes = 0;
  bool rejects = true;
  bool dry_run = false;
  std::string job_id;
  bool reingest_changed = false;
  int64_t max_line_bytes = ingest::kDefaultMaxLineBytes;
};

nb::dict ReportDict(const ingest::IngestReport& r) {
  nb::dict d;
  d["job_id"] = r.job_id;
  d["dry_run"] = r.dry_run;
  nb::list folders;
  for (const auto& f : r.folders) {
    nb::dict fd;
    fd["name"] = f.name;
    fd["status"] = f.status;
    fd["files"] = f.files;
    fd["records"] = f.records;
    fd["rejects"] = f.rejects;
    fd["error"] = f.error;
    folders.append(fd);
  }
  d["folders"] = folders;
  d["records"] = r.records;
  d["rejects"] = r.rejects;
  d["rejects_by_reason"] = r.rejects_by_reason;
  d["files"] = r.files;
  d["bytes"] = r.bytes;
  d["commits"] = r.commits;
  d["recovered_batches"] = r.recovered_batches;
  nb::list skipped;
  for (const auto& s : r.skipped) skipped.append(nb::make_tuple(s.location, s.reason));
  d["skipped"] = skipped;
  d["changed_files"] = r.changed_files;
  d["unchanged_files"] = r.unchanged_files;
  d["swept_files"] = r.swept_files;
  d["warnings"] = r.warnings;
  d["seconds"] = r.seconds;
  return d;
}

ingest::IngestOptions OptionsOf(const PyCatalog& catalog, const IngestArgs& args) {
  if (args.threads < 0) throw StatusError(arrow::Status::Invalid("threads must be >= 0"));
  if (args.max_line_bytes < 1024) {
    throw StatusError(arrow::Status::Invalid("max_line_bytes must be at least 1024"));
  }
  ingest::IngestOptions options;
  options.source = args.source;
  options.source_properties = catalog.properties;
  options.table = iceberg::TableIdentifier{args.table_ns, args.table_name};
  options.partition_by = args.partition_by;
  options.threads = args.threads;
  options.commit_every = args.commit_every;
  options.commit_every_bytes = args.commit_every_bytes;
  options.rejects = args.rejects;
  options.dry_run = args.dry_run;
  options.job_id = args.job_id;
  options.reingest_changed = args.reingest_changed;
  options.max_line_bytes = args.max_line_bytes;
  return options;
}

nb::dict Ingest(const std::shared_ptr<PyCatalog>& catalog, const IngestArgs& args) {
  ingest::IngestOptions options = OptionsOf(*catalog, args);
  std::atomic<bool> stop{false};
  options.stop = &stop;
  ingest::IngestReport report;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(report, ingest::RunIngest(*catalog->catalog, options));
        return arrow::Status::OK();
      },
      &stop);
  return ReportDict(report);
}

/// The driver's side of a distributed ingest (floe.ray.ingest): the coordinator and the stop
/// flag its commit honours.
struct PyIngestCoordinator {
  std::shared_ptr<PyCatalog> catalog;
  std::unique_ptr<std::atomic<bool>> stop = std::make_unique<std::atomic<bool>>(false);
  std::unique_ptr<ingest::IngestCoordinator> coordinator;

  ingest::IngestCoordinator& get() {
    if (!coordinator) throw StatusError(arrow::Status::Invalid("the distributed ingest has ended"));
    return *coordinator;
  }
};

std::unique_ptr<PyIngestCoordinator> StartCoordinator(const std::shared_ptr<PyCatalog>& catalog,
                                                      const IngestArgs& args, int max_shards) {
  auto py = std::make_unique<PyIngestCoordinator>();
  py->catalog = catalog;
  ingest::IngestOptions options = OptionsOf(*catalog, args);
  options.stop = py->stop.get();
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(py->coordinator,
                          ingest::IngestCoordinator::Start(*catalog->catalog, options, max_shards));
    return arrow::Status::OK();
  });
  return py;
}

nb::bytes ReadShard(const std::shared_ptr<PyCatalog>& catalog, const nb::bytes& shard,
                    int threads) {
  ingest::ShardReadOptions options;
  options.threads = threads;
  options.source_properties = catalog->properties;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  const std::string text = FromBytes(shard);
  std::string result;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(result, ingest::ReadShard(*catalog->catalog, text, options));
        return arrow::Status::OK();
      },
      &stop);
  return ToBytes(result);
}

}  // namespace

void BindIngest(nb::module_& m) {
  nb::class_<IngestArgs>(m, "IngestArgs")
      .def(nb::init<>())
      .def_rw("source", &IngestArgs::source)
      .def_rw("table_ns", &IngestArgs::table_ns)
      .def_rw("table_name", &IngestArgs::table_name)
      .def_rw("partition_by", &IngestArgs::partition_by)
      .def_rw("threads", &IngestArgs::threads)
      .def_rw("commit_every", &IngestArgs::commit_every)
      .def_rw("commit_every_bytes", &IngestArgs::commit_every_bytes)
      .def_rw("rejects", &IngestArgs::rejects)
      .def_rw("dry_run", &IngestArgs::dry_run)
      .def_rw("job_id", &IngestArgs::job_id)
      .def_rw("reingest_changed", &IngestArgs::reingest_changed)
      .def_rw("max_line_bytes", &IngestArgs::max_line_bytes);
  m.def("ingest", &Ingest, nb::arg("catalog"), nb::arg("args"));

  nb::class_<PyIngestCoordinator>(m, "IngestCoordinator")
      .def_prop_ro("job_id", [](PyIngestCoordinator& c) { return c.get().job_id(); })
      .def_prop_ro("shards",
                   [](PyIngestCoordinator& c) {
                     nb::list shards;
                     for (const auto& s : c.get().shards()) shards.append(ToBytes(s));
                     return shards;
                   })
      .def("add_shard_result",
           [](PyIngestCoordinator& c, const nb::bytes& result) {
             const std::string text = FromBytes(result);
             RunReleased([&] { return c.get().AddShardResult(text); });
           })
      .def("commit",
           [](PyIngestCoordinator& c) {
             ingest::IngestReport report;
             RunReleased(
                 [&]() -> arrow::Status {
                   ARROW_ASSIGN_OR_RAISE(report, c.get().Commit());
                   return arrow::Status::OK();
                 },
                 c.stop.get());
             c.coordinator.reset();
             return ReportDict(report);
           })
      .def("abort", [](PyIngestCoordinator& c) {
        if (!c.coordinator) return;
        RunReleased([&] { return c.coordinator->Abort(); });
        c.coordinator.reset();
      });
  m.def("job_environment", [] {
    auto env = ingest::ReadJobEnvironment();
    if (!env.ok()) throw StatusError(env.status());
    nb::dict d;
    d["source"] = env->source;
    d["table"] = env->table;
    d["catalog_type"] = env->catalog_type;
    d["warehouse"] = env->warehouse;
    d["region"] = env->region;
    return d;
  });
  m.def("start_distributed_ingest", &StartCoordinator, nb::arg("catalog"), nb::arg("args"),
        nb::arg("max_shards"));
  m.def("read_shard", &ReadShard, nb::arg("catalog"), nb::arg("shard"), nb::arg("threads"));
}

}  // namespace floe::python
