#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <arrow/type_fwd.h>

namespace floe::cli {

/// Renders the values of one Arrow array as text and as JSON. The type is inspected once,
/// when the writer is made, so printing many rows costs no per-cell type dispatch. The
/// writer keeps a reference to the array, which must outlive it.
///
/// Text: numbers as is (floats shortest round-trip, NaN / Infinity / -Infinity), decimals
/// with their scale ("12.50"), dates, times and timestamps in ISO 8601 (a UTC timestamp ends
/// in "+00:00"), strings raw, binary and fixed as lowercase hex, arrow.uuid as
/// 8-4-4-4-12 text, structs / lists / maps as their compact JSON.
/// JSON: booleans, integers and finite floats are JSON numbers; non-finite floats, decimals
/// (kept exact), temporal values, binary (hex) and uuids are strings; a struct is an
/// object, a list an array, a map an object when its keys are strings and otherwise an
/// array of {"key": …, "value": …} objects.
class CellWriter {
 public:
  virtual ~CellWriter() = default;

  /// Whether the cell is null (Append* must not be called for a null cell).
  virtual bool IsNull(int64_t row) const;
  /// Appends the text of a non-null cell.
  virtual void AppendText(int64_t row, std::string* out) const = 0;
  /// Appends the JSON of a non-null cell.
  virtual void AppendJson(int64_t row, std::string* out) const = 0;
  /// Whether the values are numbers (tables right-align them).
  virtual bool numeric() const { return false; }

 protected:
  explicit CellWriter(const arrow::Array& array) : array_(array) {}
  const arrow::Array& array_;
};

/// The writer for an array of any type; types without a dedicated rendering fall back to
/// Arrow's own scalar text (a JSON string).
std::unique_ptr<CellWriter> MakeCellWriter(const arrow::Array& array);

}  // namespace floe::cli
