// floe._floe.Scan: scan planning and reading (PyIceberg's DataScan), its rows handed to
// Python as Arrow C streams.
#include <arrow/table.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <set>

#include "arrow_c.h"
#include "bindings.h"
#include "errors.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/table/table_scan.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

struct PyScan {
  std::shared_ptr<PyTable> table;
  std::shared_ptr<iceberg::TableScan> scan;
};

std::shared_ptr<PyScan> MakeScan(const std::shared_ptr<PyTable>& t,
                                 const std::vector<std::string>& columns,
                                 const std::string& filter, std::optional<int64_t> snapshot_id,
                                 const std::optional<std::string>& ref,
                                 std::optional<int64_t> as_of_ms, std::optional<int64_t> limit,
                                 bool case_sensitive) {
  iceberg::ScanOptions options;
  options.columns = columns;
  if (!filter.empty()) options.filter = Unwrap(iceberg::ParseFilter(filter));
  options.snapshot_id = snapshot_id;
  options.ref = ref;
  options.as_of_ms = as_of_ms;
  options.limit = limit;
  options.case_sensitive = case_sensitive;
  auto out = std::make_shared<PyScan>();
  out->table = t;
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto scan, iceberg::TableScan::Make(*t->table, options));
    out->scan = std::make_shared<iceberg::TableScan>(std::move(scan));
    return arrow::Status::OK();
  });
  return out;
}

const char* ContentName(iceberg::DataFileContent content) {
  switch (content) {
    case iceberg::DataFileContent::kData: return "data";
    case iceberg::DataFileContent::kPositionDeletes: return "position_deletes";
    case iceberg::DataFileContent::kEqualityDeletes: return "equality_deletes";
  }
  return "data";
}

nb::dict FileDict(const iceberg::DataFile& f) {
  nb::dict d;
  d["file_path"] = f.file_path;
  d["file_format"] = f.file_format;
  d["content"] = ContentName(f.content);
  d["spec_id"] = f.spec_id;
  d["record_count"] = f.record_count;
  d["file_size_in_bytes"] = f.file_size_in_bytes;
  nb::list partition;
  for (const auto& value : f.partition) partition.append(value.ToString());
  d["partition"] = partition;
  return d;
}

nb::list PlanFiles(const std::shared_ptr<PyScan>& s) {
  std::vector<iceberg::FileScanTask> tasks;
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(tasks, s->scan->PlanFiles());
    return arrow::Status::OK();
  });
  nb::list out;
  for (const auto& task : tasks) {
    nb::dict d = FileDict(task.file);
    nb::list deletes;
    for (const auto& del : task.deletes) deletes.append(FileDict(del.file));
    d["delete_files"] = deletes;
    d["residual"] = task.residual ? task.residual->ToString() : std::string("true");
    out.append(d);
  }
  return out;
}

// The rows of the planned tasks whose data files are in `paths` (one worker's share).
nb::object ReadFiles(const std::shared_ptr<PyScan>& s, const std::vector<std::string>& paths) {
  std::set<std::string> wanted(paths.begin(), paths.end());
  std::unique_ptr<arrow::RecordBatchReader> reader;
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto tasks, s->scan->PlanFiles());
    std::vector<iceberg::FileScanTask> mine;
    for (auto& task : tasks) {
      if (wanted.erase(task.file.file_path) > 0) mine.push_back(std::move(task));
    }
    if (!wanted.empty()) {
      return arrow::Status::KeyError("the scan plans no task for data file '", *wanted.begin(),
                                     "'");
    }
    ARROW_ASSIGN_OR_RAISE(reader, s->scan->ToRecordBatchReader(std::move(mine)));
    return arrow::Status::OK();
  });
  return ExportReader(std::move(reader));
}

}  // namespace

void BindScan(nb::module_& m) {
  using Self = const std::shared_ptr<PyScan>&;
  nb::class_<PyScan>(m, "Scan")
      .def_prop_ro("snapshot_id",
                   [](Self s) -> std::optional<int64_t> {
                     if (s->scan->snapshot() == nullptr) return std::nullopt;
                     return s->scan->snapshot()->snapshot_id;
                   })
      .def("projection_schema",
           [](Self s) {
             return ExportSchema(*Unwrap(iceberg::ToArrowSchema(*s->scan->projection())));
           })
      .def("plan_files", &PlanFiles)
      // Streams batches as Python reads them (a file open at a time).
      .def("to_stream",
           [](Self s) {
             std::unique_ptr<arrow::RecordBatchReader> reader;
             RunReleased([&]() -> arrow::Status {
               ARROW_ASSIGN_OR_RAISE(reader, s->scan->ToRecordBatchReader());
               return arrow::Status::OK();
             });
             return ExportReader(std::move(reader));
           })
      // Reads every row in C++ (Ctrl-C stops between batches), then hands them over.
      .def("to_table_stream",
           [](Self s) {
             std::shared_ptr<arrow::Table> table;
             std::atomic<bool> stop{false};
             RunReleased(
                 [&]() -> arrow::Status {
                   ARROW_ASSIGN_OR_RAISE(table, s->scan->ToArrowTable(&stop));
                   return arrow::Status::OK();
                 },
                 &stop);
             return ExportTable(table);
           })
      .def("read_files", &ReadFiles);
  m.def("scan", &MakeScan, nb::arg("table"), nb::arg("columns"), nb::arg("filter"),
        nb::arg("snapshot_id").none(), nb::arg("ref").none(), nb::arg("as_of_ms").none(),
        nb::arg("limit").none(), nb::arg("case_sensitive"));
}

}  // namespace floe::python
