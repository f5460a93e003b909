#pragma once

// Blob and footer compression of Puffin files, through Arrow's codecs (LZ4 frame, Zstandard):
// the spec requires a single frame for each, which is what Arrow's frame codecs write.

#include <arrow/result.h>

#include <optional>
#include <string>
#include <string_view>

namespace floe::puffin::internal {

/// `data` compressed with `codec` ("lz4" or "zstd"); any other name is an error.
arrow::Result<std::string> Compress(std::string_view codec, std::string_view data);

/// The bytes of one compressed frame; `what` names the blob or footer in errors.
arrow::Result<std::string> Decompress(std::string_view codec, std::string_view data,
                                      const std::string& what);

}  // namespace floe::puffin::internal
