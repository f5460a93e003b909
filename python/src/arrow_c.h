#pragma once
// Arrow data across the language boundary without copies, through the Arrow C stream and
// schema interfaces wrapped in PyCapsules (the Arrow PyCapsule protocol: pyarrow's
// `__arrow_c_stream__` / `__arrow_c_schema__`). floe and pyarrow link the same libarrow, so
// the buffers that cross are the very ones the other side allocated.
#include <arrow/record_batch.h>
#include <arrow/type_fwd.h>
#include <nanobind/nanobind.h>

#include <memory>

namespace floe::python {

/// An "arrow_array_stream" capsule over `reader`; batches are read with the GIL released.
nanobind::object ExportReader(std::shared_ptr<arrow::RecordBatchReader> reader);
/// An "arrow_array_stream" capsule over the batches of `table` (no copy).
nanobind::object ExportTable(const std::shared_ptr<arrow::Table>& table);
/// An "arrow_schema" capsule.
nanobind::object ExportSchema(const arrow::Schema& schema);

/// The reader behind an "arrow_array_stream" capsule (which is consumed).
std::shared_ptr<arrow::RecordBatchReader> ImportReader(nanobind::handle capsule);
/// The schema behind an "arrow_schema" capsule (which is consumed).
std::shared_ptr<arrow::Schema> ImportSchema(nanobind::handle capsule);

}  // namespace floe::python
