#include "arrow_c.h"

#include <Python.h>
#include <arrow/c/abi.h>
#include <arrow/c/bridge.h>
#include <arrow/table.h>

#include "errors.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

constexpr const char* kStreamName = "arrow_array_stream";
constexpr const char* kSchemaName = "arrow_schema";

// Reading a batch decodes Parquet and may wait on object storage: other Python threads run
// meanwhile. The consumer (pyarrow) calls in holding the GIL; a C++ consumer may not.
class GilReleasingReader : public arrow::RecordBatchReader {
 public:
  explicit GilReleasingReader(std::shared_ptr<arrow::RecordBatchReader> inner)
      : inner_(std::move(inner)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return inner_->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (Py_IsInitialized() && PyGILState_Check()) {
      nb::gil_scoped_release release;
      return inner_->ReadNext(batch);
    }
    return inner_->ReadNext(batch);
  }
  arrow::Status Close() override { return inner_->Close(); }

 private:
  std::shared_ptr<arrow::RecordBatchReader> inner_;
};

void DeleteStreamCapsule(PyObject* capsule) {
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, kStreamName));
  if (stream == nullptr) return;
  if (stream->release != nullptr) stream->release(stream);  // never consumed
  delete stream;
}

void DeleteSchemaCapsule(PyObject* capsule) {
  auto* schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule, kSchemaName));
  if (schema == nullptr) return;
  if (schema->release != nullptr) schema->release(schema);
  delete schema;
}

template <typename T>
T* CapsulePointer(nb::handle capsule, const char* name) {
  if (!PyCapsule_IsValid(capsule.ptr(), name)) {
    throw nb::type_error((std::string("expected a PyCapsule named '") + name + "'").c_str());
  }
  return static_cast<T*>(PyCapsule_GetPointer(capsule.ptr(), name));
}

}  // namespace

nb::object ExportReader(std::shared_ptr<arrow::RecordBatchReader> reader) {
  auto* stream = new ArrowArrayStream{};
  arrow::Status st =
      arrow::ExportRecordBatchReader(std::make_shared<GilReleasingReader>(std::move(reader)),
                                     stream);
  if (!st.ok()) {
    delete stream;
    throw StatusError(st);
  }
  PyObject* capsule = PyCapsule_New(stream, kStreamName, &DeleteStreamCapsule);
  if (capsule == nullptr) {
    stream->release(stream);
    delete stream;
    throw nb::python_error();
  }
  return nb::steal(capsule);
}

nb::object ExportTable(const std::shared_ptr<arrow::Table>& table) {
  return ExportReader(std::make_shared<arrow::TableBatchReader>(table));
}

nb::object ExportSchema(const arrow::Schema& schema) {
  auto* c_schema = new ArrowSchema{};
  arrow::Status st = arrow::ExportSchema(schema, c_schema);
  if (!st.ok()) {
    delete c_schema;
    throw StatusError(st);
  }
  PyObject* capsule = PyCapsule_New(c_schema, kSchemaName, &DeleteSchemaCapsule);
  if (capsule == nullptr) {
    c_schema->release(c_schema);
    delete c_schema;
    throw nb::python_error();
  }
  return nb::steal(capsule);
}

std::shared_ptr<arrow::RecordBatchReader> ImportReader(nb::handle capsule) {
  auto* stream = CapsulePointer<ArrowArrayStream>(capsule, kStreamName);
  return Unwrap(arrow::ImportRecordBatchReader(stream));
}

std::shared_ptr<arrow::Schema> ImportSchema(nb::handle capsule) {
  auto* schema = CapsulePointer<ArrowSchema>(capsule, kSchemaName);
  return Unwrap(arrow::ImportSchema(schema));
}

}  // namespace floe::python
