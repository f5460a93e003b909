#include "floe/format/puffin/puffin_reader.h"

#include <arrow/buffer.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "floe/format/puffin/puffin_codec_internal.h"

namespace floe::puffin {
namespace {

using nlohmann::json;

constexpr int64_t kMagicSize = 4;
// Footer tail after the payload: payload size (4, little-endian), flags (4), magic (4).
constexpr int64_t kFooterTailSize = 12;
constexpr uint8_t kFooterPayloadCompressed = 0x1;  // flags byte 0, bit 0

uint32_t LittleEndian32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

arrow::Result<std::string> ReadRange(arrow::io::RandomAccessFile& file, int64_t offset,
                                     int64_t length, const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, file.ReadAt(offset, length));
  if (buffer->size() != length) {
    return arrow::Status::Invalid("Puffin file ", location, ": truncated (wanted ", length,
                                  " bytes at offset ", offset, ", got ", buffer->size(), ")");
  }
  return buffer->ToString();
}

arrow::Result<std::map<std::string, std::string>> StringMap(const json& j, const char* key,
                                                            const std::string& what) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_object()) return arrow::Status::Invalid(what, ": '", key, "' is not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return arrow::Status::Invalid(what, ": property '", k, "' is not a string");
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

arrow::Result<int64_t> RequiredLong(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) {
    return arrow::Status::Invalid(what, ": blob field '", key, "' is missing or not an integer");
  }
  return it->get<int64_t>();
}

}  // namespace

std::string FileMetadataToJson(const FileMetadata& metadata) {
  json blobs = json::array();
  for (const auto& b : metadata.blobs) {
    json j = {{"type", b.type},
              {"fields", b.fields},
              {"snapshot-id", b.snapshot_id},
              {"sequence-number", b.sequence_number},
              {"offset", b.offset},
              {"length", b.length}};
    if (b.compression_codec) j["compression-codec"] = *b.compression_codec;
    if (!b.properties.empty()) j["properties"] = b.properties;
    blobs.push_back(std::move(j));
  }
  json out = {{"blobs", std::move(blobs)}};
  if (!metadata.properties.empty()) out["properties"] = metadata.properties;
  return out.dump();
}

arrow::Result<FileMetadata> FileMetadataFromJson(std::string_view text, const std::string& what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return arrow::Status::Invalid(what, ": the footer payload is not a JSON object");
  }
  FileMetadata out;
  auto blobs = j.find("blobs");
  if (blobs == j.end() || !blobs->is_array()) {
    return arrow::Status::Invalid(what, ": the footer has no 'blobs' array");
  }
  for (const auto& b : *blobs) {
    if (!b.is_object()) return arrow::Status::Invalid(what, ": a blob entry is not an object");
    BlobMetadata m;
    auto type = b.find("type");
    if (type == b.end() || !type->is_string()) {
      return arrow::Status::Invalid(what, ": a blob has no 'type' string");
    }
    m.type = type->get<std::string>();
    auto fields = b.find("fields");
    if (fields == b.end() || !fields->is_array()) {
      return arrow::Status::Invalid(what, ": blob '", m.type, "' has no 'fields' array");
    }
    for (const auto& f : *fields) {
      if (!f.is_number_integer()) {
        return arrow::Status::Invalid(what, ": blob '", m.type, "' has a non-integer field id");
      }
      m.fields.push_back(f.get<int32_t>());
    }
    ARROW_ASSIGN_OR_RAISE(m.snapshot_id, RequiredLong(b, "snapshot-id", what));
    ARROW_ASSIGN_OR_RAISE(m.sequence_number, RequiredLong(b, "sequence-number", what));
    ARROW_ASSIGN_OR_RAISE(m.offset, RequiredLong(b, "offset", what));
    ARROW_ASSIGN_OR_RAISE(m.length, RequiredLong(b, "length", what));
    if (auto codec = b.find("compression-codec"); codec != b.end() && !codec->is_null()) {
      if (!codec->is_string()) {
        return arrow::Status::Invalid(what, ": blob '", m.type,
                                      "' has a non-string compression-codec");
      }
      m.compression_codec = codec->get<std::string>();
    }
    ARROW_ASSIGN_OR_RAISE(m.properties, StringMap(b, "properties", what));
    out.blobs.push_back(std::move(m));
  }
  ARROW_ASSIGN_OR_RAISE(out.properties, StringMap(j, "properties", what));
  return out;
}

arrow::Result<std::unique_ptr<PuffinReader>> PuffinReader::Open(
    std::shared_ptr<arrow::io::RandomAccessFile> file, std::string location,
    std::optional<int64_t> file_size) {
  int64_t size = 0;
  if (file_size) {
    size = *file_size;
  } else {
    ARROW_ASSIGN_OR_RAISE(size, file->GetSize());
  }
  const std::string what = "Puffin file " + location;
  if (size < 2 * kMagicSize + kFooterTailSize) {
    return arrow::Status::Invalid(what, ": ", size, " bytes is too short to be a Puffin file");
  }
  ARROW_ASSIGN_OR_RAISE(std::string head, ReadRange(*file, 0, kMagicSize, location));
  if (head != kMagic) {
    return arrow::Status::Invalid(what, ": does not start with the Puffin magic 'PFA1'");
  }
  ARROW_ASSIGN_OR_RAISE(std::string tail,
                        ReadRange(*file, size - kFooterTailSize, kFooterTailSize, location));
  if (std::string_view(tail).substr(8) != kMagic) {
    return arrow::Status::Invalid(what, ": does not end with the Puffin magic 'PFA1'");
  }
  const int64_t payload_size = LittleEndian32(tail.data());
  const auto* flags = reinterpret_cast<const uint8_t*>(tail.data() + 4);
  const int64_t footer_start = size - kFooterTailSize - payload_size - kMagicSize;
  if (footer_start < kMagicSize) {
    return arrow::Status::Invalid(what, ": footer payload size ", payload_size,
                                  " does not fit in the file's ", size, " bytes");
  }
  ARROW_ASSIGN_OR_RAISE(std::string footer,
                        ReadRange(*file, footer_start, kMagicSize + payload_size, location));
  if (std::string_view(footer).substr(0, kMagicSize) != kMagic) {
    return arrow::Status::Invalid(what, ": the footer does not start with the Puffin magic");
  }
  std::string payload = footer.substr(kMagicSize);
  if (flags[0] & kFooterPayloadCompressed) {
    // The spec's only footer codec is LZ4.
    ARROW_ASSIGN_OR_RAISE(payload, internal::Decompress(kCodecLz4, payload, what + " footer"));
  }
  std::unique_ptr<PuffinReader> reader(new PuffinReader(std::move(file), location, size));
  ARROW_ASSIGN_OR_RAISE(reader->metadata_, FileMetadataFromJson(payload, what));
  for (const auto& blob : reader->metadata_.blobs) {
    if (blob.offset < kMagicSize || blob.length < 0 || blob.offset + blob.length > footer_start) {
      return arrow::Status::Invalid(what, ": blob '", blob.type, "' at offset ", blob.offset,
                                    " length ", blob.length, " lies outside the blob area");
    }
  }
  return reader;
}

arrow::Result<std::string> PuffinReader::ReadBlob(const BlobMetadata& blob) const {
  ARROW_ASSIGN_OR_RAISE(std::string bytes, ReadRange(*file_, blob.offset, blob.length, location_));
  if (!blob.compression_codec) return bytes;
  return internal::Decompress(*blob.compression_codec, bytes,
                              "Puffin file " + location_ + " blob '" + blob.type + "'");
}

arrow::Result<std::string> ReadBlobAt(arrow::io::RandomAccessFile& file,
                                      const std::string& location, int64_t offset, int64_t length) {
  if (offset < kMagicSize || length < 0) {
    return arrow::Status::Invalid("Puffin file ", location, ": blob range offset ", offset,
                                  " length ", length, " is not inside the file's blobs");
  }
  return ReadRange(file, offset, length, location);
}

}  // namespace floe::puffin
