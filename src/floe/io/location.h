#pragma once

#include <string>
#include <string_view>

#include <arrow/result.h>

namespace floe::io {

/// The stores a location can name.
enum class StorageKind { kLocal, kS3 };

/// A location taken apart. Locations are kept as they were written everywhere else (a table
/// written with `s3a://` keeps `s3a://`); this is only how the FileIO finds the bytes.
struct ParsedLocation {
  StorageKind kind = StorageKind::kLocal;
  /// What stands before the path or bucket, exactly as written: "" for a plain path,
  /// "file:", "file://", "file://localhost", "s3://", "s3a://", "s3n://".
  std::string prefix;
  /// kLocal: the file system path (absolute unless a relative path was given).
  std::string path;
  /// kS3: the bucket, and the key below it (no leading '/'; may be empty).
  std::string bucket;
  std::string key;
};

/// Parses the location forms floe reads: plain paths, `file:/abs` (what Java's Hadoop paths
/// write), `file:///abs`, `file://localhost/abs`, and `s3://`, `s3a://`, `s3n://` (one store:
/// the same bucket and key whichever of the three names it). Any other scheme is an error
/// naming it and the supported ones.
arrow::Result<ParsedLocation> ParseLocation(std::string_view location);

/// The local path a `file:` location or plain path names (the location itself when it has
/// no `file:` prefix).
std::string LocalPath(std::string_view location);

/// True for `s3://`, `s3a://` and `s3n://` locations.
bool IsS3Location(std::string_view location);

/// The normalised spelling of an S3 location: `s3://bucket/key` with the scheme `s3`,
/// repeated slashes collapsed and no trailing slash.
std::string CanonicalS3Location(const ParsedLocation& location);

}  // namespace floe::io
