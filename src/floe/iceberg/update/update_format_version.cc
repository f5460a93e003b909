#include "floe/iceberg/update/update_format_version.h"

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

arrow::Status UpdateFormatVersion::Apply(TableMetadataBuilder& builder) {
  const int32_t current = builder.current().format_version;
  if (format_version_ < current) {
    return arrow::Status::Invalid(
        "table ", table_->identifier().ToString(), " is at format version ", current,
        "; format versions cannot be lowered (asked for ", format_version_, ")");
  }
  if (format_version_ > kMaxFormatVersion) {
    return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": format version ",
                                  format_version_, " is not supported; floe writes versions up to ",
                                  kMaxFormatVersion);
  }
  return builder.UpgradeFormatVersion(format_version_);
}

}  // namespace floe::iceberg
