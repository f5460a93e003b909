#pragma once

// Block compression codecs of the object container format; not public API.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/format/avro/avro_container.h"

namespace floe::avro::internal {

/// The "avro.codec" spelling: "null", "deflate", "zstandard".
std::string_view CodecName(Codec codec);
std::optional<Codec> CodecFromName(std::string_view name);

/// Compresses one block. Deflate is raw RFC 1951 data (no zlib header or checksum), as the
/// Avro spec requires.
arrow::Status Compress(Codec codec, std::string_view in, std::string* out);

/// Decompresses one block into *out. Output larger than `max_size` is an error, so a corrupt
/// or hostile block cannot exhaust memory. Errors are Invalid/IOError without location: the
/// caller adds the file name and offset.
arrow::Status Decompress(Codec codec, std::string_view in, size_t max_size, std::string* out);

}  // namespace floe::avro::internal
