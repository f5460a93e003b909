#pragma once
// What the binding files share: the Python-side handles of catalogs and tables, and the
// registration function of each file.
#include <nanobind/nanobind.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <arrow/status.h>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/table/table.h"

namespace floe::python {

/// A loaded catalog and the properties it was opened with (storage settings for files
/// outside the catalog, such as ingest sources).
struct PyCatalog {
  std::shared_ptr<catalog::Catalog> catalog;
  catalog::Properties properties;
};

/// A loaded table. It keeps its catalog alive: the table commits through it.
struct PyTable {
  std::shared_ptr<PyCatalog> catalog;
  std::shared_ptr<iceberg::Table> table;
};

/// Runs `work` on another thread with the GIL released, polling Python's signal handlers every
/// 100 ms. On Ctrl-C it sets `*stop` (work that honours it abandons what it has not committed),
/// waits for `work` to return and raises KeyboardInterrupt; work without a stop flag finishes
/// first. A failed status is raised as floe's exception.
void RunReleased(const std::function<arrow::Status()>& work, std::atomic<bool>* stop = nullptr);

/// Opaque byte strings between the C++ library and Python (file descriptors, shards).
inline nanobind::bytes ToBytes(const std::string& s) {
  return nanobind::bytes(s.data(), s.size());
}
inline std::string FromBytes(const nanobind::bytes& b) {
  return std::string(b.c_str(), b.size());
}

void BindCatalog(nanobind::module_& m);
void BindTable(nanobind::module_& m);
void BindUpdates(nanobind::module_& m);
void BindScan(nanobind::module_& m);
void BindIngest(nanobind::module_& m);
void BindStream(nanobind::module_& m);

}  // namespace floe::python
