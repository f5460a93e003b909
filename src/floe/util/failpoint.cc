#include "floe/util/failpoint.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <unistd.h>

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

void PausePoint(const char* name) {
  static const char* armed = std::getenv("FLOE_PAUSEPOINT");
  if (armed == nullptr) return;
  const std::string spec(armed);
  const std::string point(name);
  if (spec.size() <= point.size() + 1 || spec.compare(0, point.size(), point) != 0 ||
      spec[point.size()] != ':') {
    return;
  }
  const std::string path = spec.substr(point.size() + 1);
  if (FILE* f = std::fopen((path + ".waiting").c_str(), "w")) {
    std::fprintf(f, "%d\n", static_cast<int>(::getpid()));
    std::fclose(f);
  }
  for (int i = 0; i < 6000 && !std::filesystem::exists(path); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace floe::util
