#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "floe/iceberg/data/position_set.h"

namespace floe::iceberg {

/// The 64-bit Roaring bitmap "portable" serialization that deletion vectors hold (spec:
/// "Deletion Vectors"; Java's RoaringPositionBitmap, CRoaring's roaring64 portable format):
/// the number of 32-bit bitmaps as 8 bytes little-endian, then for each, in ascending key
/// order, its key (the positions' upper 32 bits, 4 bytes little-endian) and a 32-bit Roaring
/// bitmap of the lower 32 bits in the RoaringFormatSpec portable format (array, bitmap and
/// run containers).
///
/// Serialize picks for each 2^16-value chunk the smallest container, as CRoaring's
/// runOptimize does. `positions` must be sealed, with every position in [0, 2^63).
arrow::Result<std::string> SerializeRoaringPositions(const PositionSet& positions);

/// The positions of a serialized bitmap (sealed). `what` names the source in errors; any
/// truncation, unknown cookie, unordered key or trailing byte is an error.
arrow::Result<PositionSet> DeserializeRoaringPositions(std::string_view bytes,
                                                       const std::string& what);

}  // namespace floe::iceberg
