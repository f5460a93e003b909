#pragma once

// Plain Parquet files outside any table: a file, a list of them, or every Parquet file below a
// folder or S3 prefix, read as one stream of rows with a column selection, a row filter in
// floe's filter syntax, deduplication on a key and a limit; and rows written back out as
// Parquet files that roll at a target size. `floe scan PATH…` and `floe parquet merge` are
// built on it; no catalog or table metadata is involved.

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Which row of several with one key deduplication keeps.
struct KeepRule {
  enum class Kind {
    kFirst,     ///< the first in input order (files in listed order, rows in file order)
    kLast,      ///< the last in input order
    kLatestBy,  ///< the greatest value of `column`; nulls lose; a tie goes to the later row
  };
  Kind kind = Kind::kFirst;
  std::string column;
};

/// What ReadParquetFiles returns of the files.
struct ParquetFilesReadOptions {
  /// Top-level columns to return, in this order; empty returns every column of the first file.
  std::vector<std::string> columns;
  /// A row filter as ParseFilter gives it (unbound; columns by name); null keeps every row.
  ExprPtr filter;
  /// Key columns: of the rows (that pass the filter) with equal values in all of them, only
  /// the one `keep` picks is returned. Nulls are equal to each other here. Empty: no
  /// deduplication. Deduplication holds the filtered rows in memory; without it, rows stream.
  std::vector<std::string> dedupe_on;
  KeepRule keep;
  /// At most this many rows (after the filter and deduplication).
  std::optional<int64_t> limit;
  /// Rows per batch read.
  int64_t batch_size = 64 * 1024;
};

/// The Parquet files `inputs` name, each once, in the order given: an input is a Parquet file
/// (any name), or a folder / S3 prefix whose files ending in ".parquet" at any depth are taken
/// in path order (names starting with "." or "_", such as _SUCCESS or .crc files, skipped).
/// An input with no Parquet file is an error naming it.
arrow::Result<std::vector<std::string>> ListParquetFiles(io::FileIO& io,
                                                         const std::vector<std::string>& inputs);

/// The rows of `files` (as ListParquetFiles gives them) as one stream, in file order. Every
/// file must have the columns read (those returned, filtered on and deduplicated on) with the
/// types of the first file; other columns may differ. Errors name the file and the column.
/// The filter is evaluated with SQL's three-valued logic (arrow_filter.h).
arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ReadParquetFiles(
    std::shared_ptr<io::FileIO> io, std::vector<std::string> files,
    const ParquetFilesReadOptions& options = {});

/// How WriteParquetFiles lays out its output.
struct ParquetFilesWriteOptions {
  /// A new file is started once the current one is estimated to hold this many bytes; the last
  /// file may be smaller. Ignored for a single-file output.
  int64_t target_file_size_bytes = 512LL * 1024 * 1024;
  pq::ParquetWriteOptions parquet;
};

struct ParquetFilesWriteResult {
  std::vector<pq::ParquetWriteResult> files;
  int64_t rows = 0;
};

/// Writes `rows` as Parquet at `output`: an output ending in ".parquet" is one file holding
/// every row; any other output is a folder / prefix that receives part-NNNNN-<id>.parquet
/// files rolled at the target size (the id is new for each call, so files already there are
/// never replaced). No rows still writes one file with the schema.
arrow::Result<ParquetFilesWriteResult> WriteParquetFiles(
    io::FileIO& io, arrow::RecordBatchReader& rows, const std::string& output,
    const ParquetFilesWriteOptions& options = {});

}  // namespace floe::iceberg
