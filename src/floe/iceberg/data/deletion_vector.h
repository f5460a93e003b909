#pragma once

#include <arrow/result.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/data/position_set.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// The Puffin blob type of a deletion vector (spec: Puffin "deletion-vector-v1").
inline constexpr std::string_view kDeletionVectorBlobType = "deletion-vector-v1";
/// Blob properties every deletion vector carries (spec: Puffin "deletion-vector-v1").
inline constexpr std::string_view kReferencedDataFileProperty = "referenced-data-file";
inline constexpr std::string_view kCardinalityProperty = "cardinality";
/// The row-position metadata column a deletion vector's blob names in its fields.
inline constexpr int32_t kRowPositionFieldId = 2147483545;

/// A deletion-vector-v1 blob (spec: Puffin "deletion-vector-v1", Java's
/// BitmapPositionDeleteIndex): the length of magic plus vector (4 bytes big-endian), the magic
/// D1 D3 39 64, the positions as a portable 64-bit Roaring bitmap, and the CRC-32 of magic
/// plus vector (4 bytes big-endian). `positions` must be sealed.
arrow::Result<std::string> SerializeDeletionVector(const PositionSet& positions);

/// The positions of a deletion-vector-v1 blob (sealed); `what` names it in errors. A wrong
/// length, magic or checksum is an error.
arrow::Result<PositionSet> DeserializeDeletionVector(std::string_view blob,
                                                     const std::string& what);

/// The positions a deletion vector deletes from its referenced data file (spec: "Deletion
/// Vectors"): reads content_size_in_bytes at content_offset of the Puffin file and checks the
/// count against the entry's record_count, as Java's BaseDeleteLoader does.
arrow::Result<PositionSet> ReadDeletionVector(io::FileIO& io, const DataFile& dv);

/// Writes one Puffin file at `puffin_location` with one deletion-vector-v1 blob per entry of
/// `deleted` (data file path -> its deleted positions, sealed or not; empty sets are
/// refused), and returns one position-delete DataFile per blob (Java's BaseDVFileWriter):
/// format PUFFIN, record_count the cardinality, the Puffin file's size, referenced_data_file,
/// content_offset, content_size_in_bytes, and the spec id and partition of the data file,
/// taken from `data_files` (keyed by path; every deleted path must be in it).
arrow::Result<std::vector<DataFile>> WriteDeletionVectors(
    io::FileIO& io, const std::string& puffin_location,
    const std::map<std::string, PositionSet>& deleted,
    const std::map<std::string, DataFile>& data_files);

}  // namespace floe::iceberg
