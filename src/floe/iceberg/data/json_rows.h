#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/table.h>

#include <memory>
#include <string>
#include <string_view>

#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Reads JSON Lines (one JSON object per line) into rows of `schema`: the table's Arrow
/// schema, field ids included, ready to write. Every Iceberg type has one JSON form, the one
/// `floe scan --format jsonl` writes, so scanned rows append back unchanged:
///
/// - boolean true / false; int and long integers; float and double numbers, or the strings
///   "NaN", "Infinity", "-Infinity"; decimal(P, S) a number or a string ("12.50", "1.5e3")
///   with no more than S fraction digits that are not zero;
/// - date "YYYY-MM-DD", time "HH:MM:SS[.ffffff]", timestamp "YYYY-MM-DDTHH:MM:SS[.ffffff]"
///   (no zone), timestamptz the same with "Z" or "±HH:MM" (none means UTC); digits past
///   microseconds are truncated; timestamp_ns / timestamptz_ns alike with up to 9 digits;
///   unknown only null;
/// - string a string; uuid "8-4-4-4-12" hex; fixed[L] and binary their bytes in hex;
/// - struct an object; list an array; map an object (keys converted from their text to the key
///   type) or an array of {"key": …, "value": …} objects (keys of any type).
///
/// Any primitive may also be given as a string of its text ("42", "true"), as map keys in an
/// object are. Names match fields exactly or, when unambiguous, ignoring case. A field the
/// object leaves out takes its write-default (format v3), else null; a key that names no
/// field, a null or missing required field, and a value of the wrong type are errors
/// that name `source`, the line (from 1) and the column path (`attrs["k"]`, `tags[2]`,
/// `point.x`). Blank lines, a CR before the LF and a UTF-8 byte-order mark are skipped; when a
/// key repeats in an object, the last one wins.
arrow::Result<std::shared_ptr<arrow::Table>> ReadJsonRows(arrow::io::InputStream* input,
                                                          const Schema& schema,
                                                          const std::string& source);

/// The same for JSON Lines text already in memory.
arrow::Result<std::shared_ptr<arrow::Table>> ReadJsonRows(std::string_view text,
                                                          const Schema& schema,
                                                          const std::string& source);

}  // namespace floe::iceberg
