// floe._floe: the extension module behind the `floe` Python package. Each *_bindings.cc file
// binds one area of the library; python/floe/ holds the Python-facing API over them.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <arrow/config.h>

#include "bindings.h"
#include "errors.h"

namespace nb = nanobind;

NB_MODULE(_floe, m) {
  m.doc() = "floe's C++ library (use the `floe` package, not this module)";
  // The Arrow this module was built and linked against; floe/__init__.py compares it with
  // the pyarrow imported before loading the module.
  m.attr("ARROW_VERSION") = FLOE_ARROW_VERSION;
  m.attr("ARROW_RUNTIME_VERSION") = arrow::GetBuildInfo().version_string;
  floe::python::BindErrors(m);
  floe::python::BindCatalog(m);
  floe::python::BindTable(m);
  floe::python::BindUpdates(m);
  floe::python::BindScan(m);
  floe::python::BindIngest(m);
  floe::python::BindStream(m);
}
