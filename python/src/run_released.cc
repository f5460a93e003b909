#include <Python.h>

#include <chrono>
#include <future>
#include <thread>

#include "bindings.h"
#include "errors.h"

namespace nb = nanobind;

namespace floe::python {

void RunReleased(const std::function<arrow::Status()>& work, std::atomic<bool>* stop) {
  std::promise<arrow::Status> done;
  std::future<arrow::Status> result = done.get_future();
  bool interrupted = false;
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  {
    nb::gil_scoped_release release;
    std::thread worker([&] {
      try {
        done.set_value(work());
      } catch (const std::exception& e) {
        done.set_value(arrow::Status::UnknownError(e.what()));
      }
    });
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (interrupted) continue;
      nb::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;
        PyErr_Fetch(&type, &value, &traceback);
        if (stop != nullptr) stop->store(true);
      }
    }
    worker.join();
  }
  arrow::Status status = result.get();
  if (interrupted) {
    PyErr_Restore(type, value, traceback);
    throw nb::python_error();
  }
  Check(status);
}

}  // namespace floe::python
