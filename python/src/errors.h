#pragma once
// floe's errors as Python exceptions: a failed arrow::Status becomes a StatusError, which the
// module's translator raises as the exception class of its kind (floe.NoSuchTableError, …)
// with floe's message.
#include <arrow/result.h>
#include <arrow/status.h>
#include <nanobind/nanobind.h>

#include <stdexcept>
#include <utility>

namespace floe::python {

class StatusError : public std::runtime_error {
 public:
  explicit StatusError(arrow::Status status)
      : std::runtime_error(status.message()), status_(std::move(status)) {}
  const arrow::Status& status() const { return status_; }

 private:
  arrow::Status status_;
};

inline void Check(const arrow::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T Unwrap(arrow::Result<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return std::move(result).ValueUnsafe();
}

/// Creates the exception classes in `m` and registers the translator.
void BindErrors(nanobind::module_& m);

}  // namespace floe::python
