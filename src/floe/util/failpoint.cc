#include "floe/util/failpoint.h"

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace floe::util {
namespace {
const char* Armed() {
  static const char* armed = std::getenv("FLOE_FAILPOINT");
  return armed;
}
}  // namespace

void Failpoint(const char* name) {
  const char* armed = Armed();
  if (armed != nullptr && std::strcmp(armed, name) == 0) std::raise(SIGKILL);
}

bool FailpointArmed(const char* name, std::string_view subject) {
  const char* armed = Armed();
  if (armed == nullptr) return false;
  const std::string_view spec(armed);
  const std::string_view point(name);
  if (spec == point) return true;
  return spec.size() > point.size() && spec.substr(0, point.size()) == point &&
         spec[point.size()] == ':' &&
         subject.find(spec.substr(point.size() + 1)) != std::string_view::npos;
}

}  // namespace floe::util
