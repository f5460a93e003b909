#pragma once

#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/table.h>

#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::cli {

/// Reads a Parquet or JSON Lines file (chosen by content, not name) and conforms it to the
/// table schema; errors name the file and the column (for JSON Lines, the line too). `path`
/// may be any location a FileIO reads (`s3://…` with `properties`).
arrow::Result<std::shared_ptr<arrow::Table>> ReadInputFile(const std::string& path,
                                                           const iceberg::Schema& schema,
                                                           const io::FileIOProperties& properties = {});

}  // namespace floe::cli
