#include "floe/iceberg/data/deletion_vector.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <zlib.h>

#include "floe/format/puffin/puffin_reader.h"
#include "floe/format/puffin/puffin_writer.h"
#include "floe/iceberg/data/roaring_position_bitmap.h"

namespace floe::iceberg {
namespace {

constexpr char kMagic[4] = {'\xD1', '\xD3', '\x39', '\x64'};
constexpr size_t kFramingSize = 4 + 4 + 4;  // length, magic, CRC

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t BigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return uint32_t{u[0]} << 24 | uint32_t{u[1]} << 16 | uint32_t{u[2]} << 8 | uint32_t{u[3]};
}

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0),
                                     reinterpret_cast<const Bytef*>(bytes.data()),
                                     static_cast<uInt>(bytes.size())));
}

}  // namespace

arrow::Result<std::string> SerializeDeletionVector(const PositionSet& positions) {
  ARROW_ASSIGN_OR_RAISE(std::string vector, SerializeRoaringPositions(positions));
  if (vector.size() > 0x7fffffff - 4) {
    return arrow::Status::Invalid("deletion vector of ", positions.size(),
                                  " positions is larger than a blob may be (2 GiB)");
  }
  std::string body(kMagic, 4);
  body += vector;
  std::string blob;
  blob.reserve(body.size() + 8);
  PutBigEndian32(&blob, static_cast<uint32_t>(body.size()));
  blob += body;
  PutBigEndian32(&blob, Crc32(body));
  return blob;
}

arrow::Result<PositionSet> DeserializeDeletionVector(std::string_view blob,
                                                     const std::string& what) {
  if (blob.size() < kFramingSize) {
    return arrow::Status::Invalid(what, ": a deletion vector blob of ", blob.size(),
                                  " bytes is too short");
  }
  const uint32_t length = BigEndian32(blob.data());
  if (length != blob.size() - 8) {
    return arrow::Status::Invalid(what, ": deletion vector length ", length,
                                  " does not match its blob of ", blob.size(), " bytes");
  }
  const std::string_view body = blob.substr(4, length);
  if (body.substr(0, 4) != std::string_view(kMagic, 4)) {
    return arrow::Status::Invalid(what, ": not a deletion vector (wrong magic bytes)");
  }
  const uint32_t crc = BigEndian32(blob.data() + 4 + length);
  if (crc != Crc32(body)) {
    return arrow::Status::Invalid(what,
                                  ": deletion vector checksum mismatch (the blob is corrupt)");
  }
  return DeserializeRoaringPositions(body.substr(4), what);
}

arrow::Result<PositionSet> ReadDeletionVector(io::FileIO& io, const DataFile& dv) {
  const std::string what = "deletion vector in " + dv.file_path +
                           (dv.referenced_data_file ? " for " + *dv.referenced_data_file : "");
  if (!dv.is_deletion_vector()) {
    return arrow::Status::Invalid(what, ": not a deletion vector (content ",
                                  static_cast<int>(dv.content), ", format ", dv.file_format, ")");
  }
  if (!dv.content_offset || !dv.content_size_in_bytes) {
    return arrow::Status::Invalid(
        what, ": the manifest entry has no content_offset / content_size_in_bytes");
  }
  ARROW_ASSIGN_OR_RAISE(auto file, io.OpenInput(dv.file_path));
  ARROW_ASSIGN_OR_RAISE(
      std::string blob,
      puffin::ReadBlobAt(*file, dv.file_path, *dv.content_offset, *dv.content_size_in_bytes));
  ARROW_ASSIGN_OR_RAISE(PositionSet positions, DeserializeDeletionVector(blob, what));
  if (positions.size() != dv.record_count) {
    return arrow::Status::Invalid(what, ": holds ", positions.size(),
                                  " positions but its manifest entry's record_count is ",
                                  dv.record_count);
  }
  return positions;
}

arrow::Result<std::vector<DataFile>> WriteDeletionVectors(
    io::FileIO& io, const std::string& puffin_location,
    const std::map<std::string, PositionSet>& deleted,
    const std::map<std::string, DataFile>& data_files) {
  if (deleted.empty()) {
    return arrow::Status::Invalid("deletion vectors for ", puffin_location,
                                  ": no data file has deleted rows");
  }
  for (const auto& [path, positions] : deleted) {
    if (positions.empty()) {
      return arrow::Status::Invalid("deletion vector for ", path, ": no positions to delete");
    }
    if (data_files.find(path) == data_files.end()) {
      return arrow::Status::Invalid("deletion vector for ", path,
                                    ": its data file's partition is not known");
    }
  }
  // Built in memory and written whole, so a failure leaves no partial file behind.
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(
      auto writer, puffin::PuffinWriter::Open(out, puffin_location,
                                              {{std::string(puffin::kCreatedByProperty), "floe"}}));
  std::vector<DataFile> dvs;
  for (const auto& [path, unsealed] : deleted) {
    PositionSet positions = unsealed;
    positions.Seal();
    puffin::Blob blob;
    blob.type = kDeletionVectorBlobType;
    blob.fields = {kRowPositionFieldId};
    // The snapshot id and sequence number are inherited from the manifest entry.
    blob.snapshot_id = -1;
    blob.sequence_number = -1;
    ARROW_ASSIGN_OR_RAISE(blob.payload, SerializeDeletionVector(positions));
    blob.properties = {{std::string(kReferencedDataFileProperty), path},
                       {std::string(kCardinalityProperty), std::to_string(positions.size())}};
    ARROW_ASSIGN_OR_RAISE(puffin::BlobMetadata written, writer->Add(blob));
    const DataFile& data_file = data_files.at(path);
    DataFile dv;
    dv.content = DataFileContent::kPositionDeletes;
    dv.file_path = puffin_location;
    dv.file_format = "PUFFIN";
    dv.spec_id = data_file.spec_id;
    dv.partition = data_file.partition;
    dv.record_count = positions.size();
    dv.referenced_data_file = path;
    dv.content_offset = written.offset;
    dv.content_size_in_bytes = written.length;
    dvs.push_back(std::move(dv));
  }
  ARROW_RETURN_NOT_OK(writer->Finish());
  ARROW_ASSIGN_OR_RAISE(auto bytes, out->Finish());
  ARROW_RETURN_NOT_OK(io.WriteAll(puffin_location, std::string_view(*bytes)));
  for (auto& dv : dvs) dv.file_size_in_bytes = writer->file_size();
  return dvs;
}

}  // namespace floe::iceberg
