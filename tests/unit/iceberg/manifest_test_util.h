#pragma once

// Helpers shared by manifest_test and manifest_list_test: a scratch folder, running a
// PyIceberg snippet with the project venv ($FLOE_PYTHON), hex formatting.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace floe::iceberg::testing {

/// A fresh folder under the system temp dir, removed at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (tag + "-XXXXXX")).string();
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

/// The interpreter to check files with a real reader, or "" when FLOE_PYTHON is unset.
inline std::string PythonForInterop() {
  const char* python = std::getenv("FLOE_PYTHON");
  return python && *python ? python : "";
}

/// Runs a Python script (written to `dir`) and parses the JSON it prints on stdout; a parse
/// failure yields a discarded json value and the output is reported to the test.
inline nlohmann::json RunPythonJson(const std::string& python, const ScratchDir& dir,
                                    const std::string& script) {
  std::string script_path = dir / "check.py";
  std::ofstream(script_path) << script;
  std::string cmd = python + " " + script_path + " 2>&1";
  std::string output;
  if (FILE* pipe = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
    pclose(pipe);
  }
  auto json = nlohmann::json::parse(output, nullptr, false);
  if (json.is_discarded()) ADD_FAILURE() << "python output is not JSON:\n" << output;
  return json;
}

}  // namespace floe::iceberg::testing
