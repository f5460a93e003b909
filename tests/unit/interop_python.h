#pragma once

// The Python interpreter that unit suites use to check floe's files with real readers
// (PyIceberg, pyarrow, DuckDB, fastavro): the one FLOE_PYTHON names (`make unit-test` sets it to
// the project's .venv). Without it such a suite skips on a developer's machine, but fails under
// CI (the CI variable set, as CI services set it), where a skipped reader check would let a run
// pass that checked nothing.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace floe::interop {

/// FLOE_PYTHON, or "" when it is unset or empty.
inline std::string InteropPython() {
  const char* python = std::getenv("FLOE_PYTHON");
  return python != nullptr ? python : "";
}

/// True when the CI variable is set to anything but "", "0" or "false".
inline bool RunningUnderCi() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string value = ci;
  return !value.empty() && value != "0" && value != "false";
}

}  // namespace floe::interop

/// Assigns FLOE_PYTHON to `lhs`, or ends the test: a failure under CI, a skip elsewhere. For a
/// test body or SetUp().
#define FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(lhs)                                             \
  do {                                                                                      \
    std::string floe_interop_python = ::floe::interop::InteropPython();                     \
    if (floe_interop_python.empty()) {                                                      \
      if (::floe::interop::RunningUnderCi()) {                                              \
        FAIL() << "FLOE_PYTHON is not set, and under CI a reader check may not be skipped"; \
      }                                                                                     \
      GTEST_SKIP() << "FLOE_PYTHON is not set";                                             \
    }                                                                                       \
    lhs = floe_interop_python;                                                              \
  } while (0)
