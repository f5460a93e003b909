#pragma once

// Which columns of a batch to write without a dictionary. Arrow's Parquet writer
// dictionary-encodes every column until the dictionary outgrows its page limit; a column
// whose values are all different (ids, offsets, event times) then pays for hashing each
// value and a dictionary as large as the data, for no gain. parquet-mr falls back to plain
// for such columns after its first page; Arrow does not, so the choice is made up front from
// a sample of the file's first rows.

#include <arrow/record_batch.h>

#include <string>
#include <vector>

namespace floe::pq {

/// The names of the top-level columns of `batch` (integers, floating point, strings and
/// binaries, not dictionary arrays) whose values are nearly all distinct in an evenly spread
/// sample of its rows: columns a dictionary does not shrink.
std::vector<std::string> DistinctValuedColumns(const arrow::RecordBatch& batch);

}  // namespace floe::pq
