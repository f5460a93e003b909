// floe._floe.Table: a loaded table's metadata, its appends, overwrites and deletes, and its
// metadata tables (PyIceberg's `table.inspect`).
#include <arrow/table.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "arrow_c.h"
#include "bindings.h"
#include "errors.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/data_file_bytes.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/sort_order_text.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/delete_rows.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/iceberg/update/update_properties.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

using Self = const std::shared_ptr<PyTable>&;

nb::dict SnapshotDict(const iceberg::Snapshot& s) {
  nb::dict d;
  d["snapshot_id"] = s.snapshot_id;
  d["parent_snapshot_id"] = s.parent_snapshot_id ? nb::cast(*s.parent_snapshot_id) : nb::none();
  d["sequence_number"] = s.sequence_number;
  d["timestamp_ms"] = s.timestamp_ms;
  d["manifest_list"] = s.manifest_list;
  d["summary"] = s.summary;
  d["schema_id"] = s.schema_id ? nb::cast(*s.schema_id) : nb::none();
  return d;
}

iceberg::ExprPtr Filter(const std::string& text) {
  if (text.empty()) return iceberg::Expression::True();
  return Unwrap(iceberg::ParseFilter(text));
}

std::optional<iceberg::IsolationLevel> Isolation(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  if (*text == "serializable") return iceberg::IsolationLevel::kSerializable;
  if (*text == "snapshot") return iceberg::IsolationLevel::kSnapshot;
  throw StatusError(arrow::Status::Invalid("isolation '", *text,
                                           "' is neither serializable nor snapshot"));
}

nb::object Append(Self t, nb::handle stream, const std::string& branch) {
  auto reader = ImportReader(stream);
  std::atomic<bool> stop{false};
  std::optional<iceberg::Snapshot> snapshot;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(snapshot,
                              iceberg::AppendStream(t->table, *reader, "the appended data",
                                                    branch, &stop));
        return arrow::Status::OK();
      },
      &stop);
  return snapshot ? nb::object(SnapshotDict(*snapshot)) : nb::none();
}

nb::object Overwrite(Self t, nb::handle stream, const std::string& filter,
                     const std::string& branch, const std::optional<std::string>& isolation) {
  auto reader = ImportReader(stream);
  auto expr = Filter(filter);
  auto level = Isolation(isolation);
  std::atomic<bool> stop{false};
  iceberg::Snapshot snapshot;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(auto files,
                              iceberg::WriteDataFiles(*t->table, *reader, "the new data", &stop));
        iceberg::Overwrite overwrite(t->table, expr);
        overwrite.AddFiles(files);
        overwrite.ToBranch(branch);
        if (level) overwrite.Isolation(*level);
        ARROW_ASSIGN_OR_RAISE(snapshot,
                              iceberg::CommitWrittenFiles(overwrite, *t->table->io(), files));
        return arrow::Status::OK();
      },
      &stop);
  return SnapshotDict(snapshot);
}

// A worker's share of a distributed write: its rows as data files, not committed, returned as
// bytes (EncodeDataFiles) for the one process that commits every worker's files.
nb::bytes WriteFiles(Self t, nb::handle stream) {
  auto reader = ImportReader(stream);
  std::atomic<bool> stop{false};
  std::string bytes;
  RunReleased(
      [&]() -> arrow::Status {
        ARROW_ASSIGN_OR_RAISE(auto files, iceberg::WriteDataFiles(*t->table, *reader,
                                                                  "the written data", &stop));
        auto encoded = iceberg::EncodeDataFiles(t->table->metadata(), files);
        if (!encoded.ok()) {
          for (const auto& f : files) (void)t->table->io()->Delete(f.file_path);
          return encoded.status();
        }
        bytes = std::move(*encoded);
        return arrow::Status::OK();
      },
      &stop);
  return ToBytes(bytes);
}

std::vector<iceberg::DataFile> DecodeAll(const iceberg::TableMetadata& md,
                                         const std::vector<std::string>& parts,
                                         arrow::Status* status) {
  std::vector<iceberg::DataFile> files;
  for (const auto& part : parts) {
    auto decoded = iceberg::DecodeDataFiles(md, part);
    if (!decoded.ok()) {
      *status = decoded.status();
      return files;
    }
    for (auto& f : *decoded) files.push_back(std::move(f));
  }
  return files;
}

// Commits the files of every worker (WriteFiles' bytes) in one append snapshot; nothing is
// committed, and None returned, when they hold no file. If the commit fails the files are
// deleted (unless its outcome is unknown).
std::vector<std::string> Parts(const std::vector<nb::bytes>& parts) {
  std::vector<std::string> out;
  for (const auto& part : parts) out.push_back(FromBytes(part));
  return out;
}

nb::object CommitFiles(Self t, const std::vector<nb::bytes>& bytes, const std::string& branch) {
  const std::vector<std::string> parts = Parts(bytes);
  std::optional<iceberg::Snapshot> snapshot;
  RunReleased([&]() -> arrow::Status {
    arrow::Status decoded;
    auto files = DecodeAll(t->table->metadata(), parts, &decoded);
    ARROW_RETURN_NOT_OK(decoded);
    if (files.empty()) return arrow::Status::OK();
    iceberg::FastAppend append(t->table);
    append.AppendFiles(files);
    append.ToBranch(branch);
    ARROW_ASSIGN_OR_RAISE(snapshot, iceberg::CommitWrittenFiles(append, *t->table->io(), files));
    return arrow::Status::OK();
  });
  return snapshot ? nb::object(SnapshotDict(*snapshot)) : nb::none();
}

// Deletes the files of WriteFiles' bytes (a distributed write that will not commit).
void AbortFiles(Self t, const std::vector<nb::bytes>& bytes) {
  const std::vector<std::string> parts = Parts(bytes);
  RunReleased([&]() -> arrow::Status {
    arrow::Status decoded;
    auto files = DecodeAll(t->table->metadata(), parts, &decoded);
    for (const auto& f : files) (void)t->table->io()->Delete(f.file_path);
    return decoded;
  });
}

nb::dict Delete(Self t, const std::string& filter, const std::string& branch,
                const std::optional<std::string>& mode,
                const std::optional<std::string>& isolation) {
  iceberg::DeleteRowsOptions options;
  options.branch = branch;
  options.isolation = Isolation(isolation);
  if (mode) {
    if (*mode == "copy-on-write") {
      options.mode = iceberg::RowLevelMode::kCopyOnWrite;
    } else if (*mode == "merge-on-read") {
      options.mode = iceberg::RowLevelMode::kMergeOnRead;
    } else {
      throw StatusError(arrow::Status::Invalid(
          "mode '", *mode, "' is neither copy-on-write nor merge-on-read"));
    }
  }
  auto expr = Filter(filter);
  iceberg::DeleteRowsResult result;
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(result, iceberg::DeleteRows(t->table, expr, options));
    return arrow::Status::OK();
  });
  nb::dict d;
  d["snapshot"] = result.snapshot ? nb::object(SnapshotDict(*result.snapshot)) : nb::none();
  d["rows_deleted"] = result.rows_deleted;
  d["data_files_removed"] = result.data_files_removed;
  d["data_files_rewritten"] = result.data_files_rewritten;
  d["data_files_added"] = result.data_files_added;
  d["delete_files_added"] = result.delete_files_added;
  d["delete_files_removed"] = result.delete_files_removed;
  d["mode"] = result.mode == iceberg::RowLevelMode::kCopyOnWrite ? "copy-on-write"
                                                                   : "merge-on-read";
  return d;
}

nb::object Inspect(Self t, const std::string& name, std::optional<int64_t> snapshot_id) {
  std::shared_ptr<arrow::Table> table;
  RunReleased([&]() -> arrow::Status {
    iceberg::MetadataTables tables(*t->table);
    ARROW_ASSIGN_OR_RAISE(table, iceberg::ReadMetadataTable(tables, name, snapshot_id));
    return arrow::Status::OK();
  });
  return ExportTable(table);
}

}  // namespace

void BindTable(nb::module_& m) {
  nb::class_<PyTable>(m, "Table")
      .def_prop_ro("namespace", [](Self t) { return t->table->identifier().ns; })
      .def_prop_ro("name", [](Self t) { return t->table->identifier().name; })
      .def_prop_ro("catalog", [](Self t) { return t->catalog; })
      .def_prop_ro("metadata_location", [](Self t) { return t->table->metadata_location(); })
      .def_prop_ro("location", [](Self t) { return t->table->metadata().location; })
      .def_prop_ro("table_uuid", [](Self t) { return t->table->metadata().table_uuid; })
      .def_prop_ro("format_version", [](Self t) { return t->table->metadata().format_version; })
      .def_prop_ro("properties", [](Self t) { return t->table->metadata().properties; })
      .def_prop_ro("current_snapshot_id",
                   [](Self t) { return t->table->metadata().current_snapshot_id; })
      .def("schema_text",
           [](Self t) { return iceberg::SchemaToText(*t->table->metadata().CurrentSchema()); })
      .def("arrow_schema",
           [](Self t) {
             auto schema = Unwrap(iceberg::ToArrowSchema(*t->table->metadata().CurrentSchema()));
             return ExportSchema(*schema);
           })
      .def("spec_text",
           [](Self t) {
             const auto& md = t->table->metadata();
             return iceberg::PartitionToText(md.DefaultSpec(), *md.CurrentSchema());
           })
      .def("snapshots",
           [](Self t) {
             nb::list out;
             for (const auto& s : t->table->metadata().snapshots) out.append(SnapshotDict(s));
             return out;
           })
      .def("refs",
           [](Self t) {
             nb::dict out;
             for (const auto& [name, ref] : t->table->metadata().refs) {
               nb::dict d;
               d["snapshot_id"] = ref.snapshot_id;
               d["type"] = ref.type == iceberg::SnapshotRefType::kBranch ? "branch" : "tag";
               out[name.c_str()] = d;
             }
             return out;
           })
      .def("refresh", [](Self t) { RunReleased([&] { return t->table->Refresh(); }); })
      .def("append", &Append, nb::arg("stream"), nb::arg("branch"))
      .def("overwrite", &Overwrite, nb::arg("stream"), nb::arg("filter"), nb::arg("branch"),
           nb::arg("isolation").none())
      .def("delete", &Delete, nb::arg("filter"), nb::arg("branch"), nb::arg("mode").none(),
           nb::arg("isolation").none())
      .def("update_properties",
           [](Self t, const std::map<std::string, std::string>& set,
              const std::vector<std::string>& remove) {
             RunReleased([&]() -> arrow::Status {
               iceberg::UpdateProperties update(t->table);
               for (const auto& [k, v] : set) update.Set(k, v);
               for (const auto& k : remove) update.Remove(k);
               return update.Commit();
             });
           })
      .def("write_data_files", &WriteFiles, nb::arg("stream"))
      .def("commit_data_files", &CommitFiles, nb::arg("parts"), nb::arg("branch"))
      .def("abort_data_files", &AbortFiles, nb::arg("parts"))
      .def("inspect", &Inspect, nb::arg("name"), nb::arg("snapshot_id").none());
  m.def("metadata_table_names", [] { return iceberg::MetadataTableNames(); });
}

}  // namespace floe::python
