#include "floe/catalog/aws/profile_file.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace floe::catalog::aws {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string HomeFile(const char* env, const char* name) {
  std::string path = Env(env);
  if (!path.empty()) {
    if (path.rfind("~/", 0) == 0) path = Env("HOME") + path.substr(1);
    return path;
  }
  return Env("HOME") + "/.aws/" + name;
}

bool ReadText(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

std::map<std::string, ProfileSettings> ParseAwsIni(const std::string& text) {
  std::map<std::string, ProfileSettings> sections;
  std::istringstream in(text);
  std::string line, section, last_key;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (trimmed.front() == '[') {
      auto close = trimmed.find(']');
      section = Trim(trimmed.substr(1, close == std::string::npos ? std::string::npos : close - 1));
      // "[profile   x]" names profile "x" written with one space.
      if (section.rfind("profile", 0) == 0 && section.size() > 7 &&
          (section[7] == ' ' || section[7] == '\t')) {
        section = "profile " + Trim(section.substr(7));
      }
      sections[section];
      in_section = true;
      last_key.clear();
      continue;
    }
    if (!in_section) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !last_key.empty()) {
      // A continuation line (sub-properties such as s3 settings): kept joined.
      sections[section][last_key] += "\n" + trimmed;
      continue;
    }
    auto eq = trimmed.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(trimmed.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = Trim(trimmed.substr(eq + 1));
    // An inline comment needs whitespace before '#' or ';'.
    for (const char* marker : {" #", " ;", "\t#", "\t;"}) {
      auto at = value.find(marker);
      if (at != std::string::npos) value = Trim(value.substr(0, at));
    }
    sections[section][key] = value;
    last_key = key;
  }
  return sections;
}

std::string SharedCredentialsFilePath() {
  return HomeFile("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}
std::string ConfigFilePath() { return HomeFile("AWS_CONFIG_FILE", "config"); }

std::string ProfileName(const std::string& explicit_name) {
  if (!explicit_name.empty()) return explicit_name;
  std::string env = Env("AWS_PROFILE");
  return env.empty() ? "default" : env;
}

arrow::Result<ProfileSettings> LoadProfile(const std::string& name) {
  ProfileSettings merged;
  bool found = false;
  std::string text;
  const std::string config_path = ConfigFilePath();
  if (ReadText(config_path, &text)) {
    auto sections = ParseAwsIni(text);
    // The config file names non-default profiles "profile x"; "default" may be written either way.
    for (const std::string& section :
         {name == "default" ? std::string("default") : "", "profile " + name}) {
      auto it = sections.find(section);
      if (section.empty() || it == sections.end()) continue;
      found = true;
      for (const auto& [k, v] : it->second) merged[k] = v;
    }
  }
  const std::string credentials_path = SharedCredentialsFilePath();
  if (ReadText(credentials_path, &text)) {
    auto sections = ParseAwsIni(text);
    auto it = sections.find(name);
    if (it != sections.end()) {
      found = true;
      for (const auto& [k, v] : it->second) merged[k] = v;
    }
  }
  if (!found) {
    return arrow::Status::KeyError("AWS profile '", name, "' is in neither ", credentials_path,
                                   " nor ", config_path);
  }
  return merged;
}

std::string ResolveRegion(const std::string& explicit_region, const std::string& profile) {
  if (!explicit_region.empty()) return explicit_region;
  for (const char* env : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string value = Env(env);
    if (!value.empty()) return value;
  }
  auto settings = LoadProfile(ProfileName(profile));
  if (settings.ok()) {
    auto it = settings->find("region");
    if (it != settings->end()) return it->second;
  }
  return "";
}

}  // namespace floe::catalog::aws
