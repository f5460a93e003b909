#pragma once

// SIGTERM (what Kubernetes sends before SIGKILL) and SIGINT ask a long-running command to stop;
// what stopping means is the command's (ingest abandons its batch, stream commits what is in
// flight, gen --kafka flushes what it produced). A second signal kills at once.

#include <atomic>

namespace floe::cli {

/// Installs the handlers; returns the flag they set.
std::atomic<bool>* InstallStopHandlers();

}  // namespace floe::cli
