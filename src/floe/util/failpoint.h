#pragma once

namespace floe::util {

/// Crash-test hook: when the environment variable FLOE_FAILPOINT names this point, the process
/// kills itself with SIGKILL right here, as a power cut would. Costs one cached lookup.
void Failpoint(const char* name);

}  // namespace floe::util
