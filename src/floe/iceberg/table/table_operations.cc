#include "floe/iceberg/table/table_operations.h"

#include <arrow/status.h>

#include <charconv>
#include <cstdio>

#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

// The NNNNN of ".../metadata/NNNNN-<uuid>.metadata.json", or -1.
int64_t MetadataVersion(const std::string& location) {
  auto slash = location.rfind('/');
  std::string_view name(location);
  if (slash != std::string::npos) name = name.substr(slash + 1);
  auto dash = name.find('-');
  if (dash == std::string_view::npos) return -1;
  int64_t version = -1;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + dash, version);
  if (ec != std::errc() || ptr != name.data() + dash) return -1;
  return version;
}

}  // namespace

std::string NextMetadataLocation(const TableMetadata& metadata,
                                 const std::string& current_location) {
  int64_t next = current_location.empty() ? 0 : MetadataVersion(current_location) + 1;
  if (next < 0) next = static_cast<int64_t>(metadata.metadata_log.size()) + 1;
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "%05lld-", static_cast<long long>(next));
  return io::JoinLocation(metadata.location,
                          "metadata/" + std::string(prefix) + util::RandomUuid() + ".metadata.json");
}

arrow::Result<std::string> WriteMetadataFile(io::FileIO& io, const TableMetadata& metadata,
                                             const std::string& current_location) {
  std::string location = NextMetadataLocation(metadata, current_location);
  ARROW_RETURN_NOT_OK(io.WriteAll(location, SerializeTableMetadata(metadata)));
  return location;
}

}  // namespace floe::iceberg
