#pragma once

#include <arrow/result.h>

#include <string>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_metadata.h"

namespace floe::iceberg {

/// Data files written but not committed, as bytes that another process can commit: the Avro
/// manifest the spec defines for them (in memory, never a file of the table), so a worker can
/// hand the files it wrote to the one process that commits them all in one snapshot. Every
/// file must be of one partition spec of `metadata`.
arrow::Result<std::string> EncodeDataFiles(const TableMetadata& metadata,
                                           const std::vector<DataFile>& files);

/// The files EncodeDataFiles wrote, with their spec id; `metadata` is the table's (a later
/// version of it does: specs and schemas are only ever added).
arrow::Result<std::vector<DataFile>> DecodeDataFiles(const TableMetadata& metadata,
                                                     const std::string& bytes);

}  // namespace floe::iceberg
