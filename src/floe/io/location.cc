#include "floe/io/location.h"

#include <cctype>

namespace floe::io {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A URI scheme per RFC 3986: a letter, then letters, digits, '+', '-', '.', then ':'.
// Returns the scheme's length, or 0 when `s` does not start with one. A Windows-style drive
// letter never occurs here (floe runs on POSIX), so "c:" would be a scheme too.
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return i;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return 0;
    }
  }
  return 0;
}

}  // namespace

std::string LocalPath(std::string_view location) {
  if (!StartsWith(location, "file:")) return std::string(location);
  std::string_view rest = location.substr(5);
  if (StartsWith(rest, "//")) {
    rest.remove_prefix(2);
    // file:///abs (empty authority) and file://localhost/abs name /abs. Anything else after
    // `file://` was read as a path relative to the working directory before URIs were
    // parsed (`file://warehouse`), and still is.
    if (StartsWith(rest, "localhost/")) rest.remove_prefix(9);
    return std::string(rest);
  }
  return std::string(rest);  // file:/abs
}

arrow::Result<ParsedLocation> ParseLocation(std::string_view location) {
  ParsedLocation out;
  size_t scheme_len = SchemeLength(location);
  if (scheme_len == 0) {
    out.path = std::string(location);
    return out;
  }
  std::string scheme = Lower(location.substr(0, scheme_len));
  if (scheme == "file") {
    out.path = LocalPath(location);
    out.prefix = std::string(location.substr(0, location.size() - out.path.size()));
    return out;
  }
  if (scheme == "s3" || scheme == "s3a" || scheme == "s3n") {
    std::string_view rest = location.substr(scheme_len + 1);
    if (!StartsWith(rest, "//")) {
      return arrow::Status::Invalid("location ", location, " is not an S3 URI: expected ",
                                    scheme, "://bucket/key");
    }
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    out.kind = StorageKind::kS3;
    out.prefix = std::string(location.substr(0, scheme_len + 3));
    out.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) {
      std::string_view key = rest.substr(slash);
      while (StartsWith(key, "/")) key.remove_prefix(1);
      out.key = std::string(key);
    }
    if (out.bucket.empty()) {
      return arrow::Status::Invalid("location ", location, " names no bucket: expected ",
                                    scheme, "://bucket/key");
    }
    return out;
  }
  return arrow::Status::Invalid("storage scheme '", location.substr(0, scheme_len),
                                "' of ", location,
                                " is not supported: use a local path, file:, s3://, s3a:// or "
                                "s3n://");
}

bool IsS3Location(std::string_view location) {
  std::string scheme = Lower(location.substr(0, SchemeLength(location)));
  return scheme == "s3" || scheme == "s3a" || scheme == "s3n";
}

std::string CanonicalS3Location(const ParsedLocation& location) {
  std::string key;
  for (char c : location.key) {
    if (c == '/' && (key.empty() || key.back() == '/')) continue;
    key += c;
  }
  while (!key.empty() && key.back() == '/') key.pop_back();
  std::string out = "s3://" + location.bucket;
  if (!key.empty()) out += "/" + key;
  return out;
}

}  // namespace floe::io
