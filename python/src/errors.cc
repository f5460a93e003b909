#include "errors.h"

#include <Python.h>

#include "floe/iceberg/errors.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

// The classes, created once at import and kept for the interpreter's life.
struct ErrorClasses {
  PyObject* base = nullptr;               // FloeError
  PyObject* invalid = nullptr;            // InvalidError (ValueError)
  PyObject* not_found = nullptr;          // NotFoundError (KeyError)
  PyObject* no_such_namespace = nullptr;  // NoSuchNamespaceError
  PyObject* no_such_table = nullptr;      // NoSuchTableError
  PyObject* already_exists = nullptr;     // AlreadyExistsError
  PyObject* namespace_not_empty = nullptr;
  PyObject* commit_failed = nullptr;         // CommitFailedError
  PyObject* commit_state_unknown = nullptr;  // CommitStateUnknownError
  PyObject* validation = nullptr;            // ValidationError
  PyObject* io = nullptr;                    // FloeIOError (OSError)
  PyObject* not_implemented = nullptr;       // NotSupportedError (NotImplementedError)
};
ErrorClasses classes;

PyObject* NewClass(nb::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("floe.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!cls) throw nb::python_error();
  m.attr(name) = nb::borrow(cls);
  return cls;
}

PyObject* Bases(std::initializer_list<PyObject*> bases) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(bases.size()));
  Py_ssize_t i = 0;
  for (PyObject* b : bases) {
    Py_INCREF(b);
    PyTuple_SET_ITEM(tuple, i++, b);
  }
  return tuple;
}

PyObject* ClassOf(const arrow::Status& status) {
  if (auto kind = iceberg::GetErrorKind(status)) {
    switch (*kind) {
      case iceberg::ErrorKind::kNoSuchNamespace: return classes.no_such_namespace;
      case iceberg::ErrorKind::kNoSuchTable: return classes.no_such_table;
      case iceberg::ErrorKind::kAlreadyExists: return classes.already_exists;
      case iceberg::ErrorKind::kNamespaceNotEmpty: return classes.namespace_not_empty;
      case iceberg::ErrorKind::kCommitConflict: return classes.commit_failed;
      case iceberg::ErrorKind::kCommitStateUnknown: return classes.commit_state_unknown;
      case iceberg::ErrorKind::kValidationFailed: return classes.validation;
    }
  }
  if (status.IsKeyError()) return classes.not_found;
  if (status.IsIOError()) return classes.io;
  if (status.IsNotImplemented()) return classes.not_implemented;
  if (status.IsInvalid() || status.IsTypeError() || status.IsIndexError()) {
    return classes.invalid;
  }
  if (status.IsCancelled()) return PyExc_KeyboardInterrupt;
  return classes.base;
}

}  // namespace

void BindErrors(nb::module_& m) {
  auto& c = classes;
  c.base = NewClass(m, "FloeError", Bases({PyExc_Exception}), "Base of floe's errors.");
  c.invalid = NewClass(m, "InvalidError", Bases({c.base, PyExc_ValueError}),
                       "An argument, a filter, a schema or input data floe cannot accept.");
  c.not_found = NewClass(m, "NotFoundError", Bases({c.base, PyExc_KeyError}),
                         "A snapshot, ref, column or file that does not exist.");
  c.no_such_namespace = NewClass(m, "NoSuchNamespaceError", Bases({c.not_found}),
                                 "The namespace does not exist.");
  c.no_such_table =
      NewClass(m, "NoSuchTableError", Bases({c.not_found}), "The table does not exist.");
  c.already_exists = NewClass(m, "AlreadyExistsError", Bases({c.base}),
                              "A table or namespace of that name exists already.");
  c.namespace_not_empty = NewClass(m, "NamespaceNotEmptyError", Bases({c.base}),
                                   "The namespace still holds tables or namespaces.");
  c.commit_failed = NewClass(m, "CommitFailedError", Bases({c.base}),
                             "The table moved on and the change was not committed; reload the "
                             "table and try again.");
  c.commit_state_unknown =
      NewClass(m, "CommitStateUnknownError", Bases({c.base}),
               "The commit may or may not have taken effect; reload the table to find out.");
  c.validation = NewClass(m, "ValidationError", Bases({c.base}),
                          "A concurrent commit conflicts with what the change read; run it "
                          "again on the current table.");
  c.io = NewClass(m, "FloeIOError", Bases({c.base, PyExc_OSError}),
                  "Reading or writing a file, an object store or a catalog failed.");
  c.not_implemented = NewClass(m, "NotSupportedError", Bases({c.base, PyExc_NotImplementedError}),
                               "What floe does not support (the message says what).");
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyErr_SetString(ClassOf(e.status()), e.status().message().c_str());
    }
  });
}

}  // namespace floe::python
