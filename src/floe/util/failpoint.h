#pragma once

#include <string_view>

namespace floe::util {

/// Crash-test hook: when the environment variable FLOE_FAILPOINT names this point, the process
/// kills itself with SIGKILL right here, as a power cut would. Costs one cached lookup.
void Failpoint(const char* name);

/// Fault-injection hook for paths no real test can reach on demand (running out of memory):
/// true when FLOE_FAILPOINT is `name`, or `name:TEXT` with TEXT found in `subject` (a file's
/// location, say), so a test can aim at one input.
bool FailpointArmed(const char* name, std::string_view subject);

/// Interleaving hook for tests of concurrent writers: when FLOE_PAUSEPOINT is `name:PATH`, the
/// process creates PATH.waiting holding its pid and waits (up to a minute) until PATH exists,
/// so that a test can commit another change — or kill the process — at exactly this point.
/// Costs one cached lookup.
void PausePoint(const char* name);

}  // namespace floe::util
