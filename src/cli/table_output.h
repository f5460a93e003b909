#pragma once

#include <cstdint>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>
#include <nlohmann/json.hpp>

#include "floe/io/file_io.h"

namespace floe::cli {

/// How `floe scan` and the metadata tables print rows.
enum class OutputFormat { kTable, kCsv, kJsonl, kParquet, kArrow };

/// "table", "csv", "jsonl", "parquet" or "arrow" (any case); an unknown name is an Invalid
/// status that lists the choices.
arrow::Result<OutputFormat> ParseOutputFormat(const std::string& name);

/// Writes `table` in `format` to `path` ("" or "-" = stdout). Parquet needs a path.
///
/// - table: aligned columns under a header and a rule of dashes, numbers right-aligned,
///   nulls as "null", control characters escaped, cells cut to 60 characters with "…",
///   then "(N rows)".
/// - csv: a header line, then RFC 4180 rows (lines end in "\n"); a null is an empty field
///   and an empty string is `""` (PostgreSQL's CSV convention), so readers that do not take
///   quoted fields for nulls can tell them apart.
/// - jsonl: one compact JSON object per row, keys are the column names in column order.
/// - parquet: one file, zstd-compressed, with the table's schema and field ids.
/// - arrow: one Arrow IPC file, the exact Arrow schema (dictionaries, nested and empty
///   structs included) and values, for readers that compare types.
/// Parquet and arrow need a path. Cell text and JSON are as FormatCell and CellToJson give them.
/// `path` may be an `s3://` location, written with `properties` (the object appears whole when
/// the output is complete).
arrow::Status WriteTable(const arrow::Table& table, OutputFormat format, const std::string& path,
                         const io::FileIOProperties& properties = {});

/// The same for rows that arrive as batches, each written out as it comes so that memory
/// stays bounded by a batch and the output buffer — except the table format, which needs
/// every cell's width before printing the first row and so keeps all cells' text. Returns the
/// number of rows written.
arrow::Result<int64_t> WriteBatches(arrow::RecordBatchReader& rows, OutputFormat format,
                                    const std::string& path,
                                    const io::FileIOProperties& properties = {});

/// The rows as a JSON array of objects keyed by column name (printed in key order, as
/// nlohmann::json keeps objects), cells as CellToJson gives them: the jsonl format's objects.
arrow::Result<nlohmann::json> TableToJson(const arrow::Table& table);

/// One cell as text (the table and csv formats): see CellWriter in cli/cell_writer.h for the
/// rendering of each type. Binary and fixed values are lowercase hex, arrow.uuid values are
/// 8-4-4-4-12 text, nested values are their compact JSON. A null cell is "".
std::string FormatCell(const arrow::Array& array, int64_t row);

/// One cell as JSON (the jsonl format). Binary is a hex string (as in text, so the two
/// formats agree), decimals and temporal values are strings, NaN and infinities are the
/// strings "NaN", "Infinity", "-Infinity". A null cell is JSON null.
nlohmann::json CellToJson(const arrow::Array& array, int64_t row);

}  // namespace floe::cli
