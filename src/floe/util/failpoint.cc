#include "floe/util/failpoint.h"

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace floe::util {

void Failpoint(const char* name) {
  static const char* armed = std::getenv("FLOE_FAILPOINT");
  if (armed != nullptr && std::strcmp(armed, name) == 0) std::raise(SIGKILL);
}

}  // namespace floe::util
