#include "floe/format/puffin/puffin_writer.h"

#include "floe/format/puffin/puffin_codec_internal.h"
#include "floe/format/puffin/puffin_reader.h"

namespace floe::puffin {

PuffinWriter::PuffinWriter(std::shared_ptr<arrow::io::OutputStream> out, std::string location,
                           std::map<std::string, std::string> properties)
    : out_(std::move(out)), location_(std::move(location)) {
  metadata_.properties = std::move(properties);
}

PuffinWriter::~PuffinWriter() {
  // An unfinished file is abandoned: abort the stream rather than close it as if complete.
  if (!finished_ && out_ != nullptr) (void)out_->Abort();
}

arrow::Result<std::unique_ptr<PuffinWriter>> PuffinWriter::Open(
    std::shared_ptr<arrow::io::OutputStream> out, std::string location,
    std::map<std::string, std::string> properties) {
  std::unique_ptr<PuffinWriter> writer(
      new PuffinWriter(std::move(out), std::move(location), std::move(properties)));
  ARROW_RETURN_NOT_OK(writer->Write(kMagic));
  return writer;
}

arrow::Status PuffinWriter::Write(std::string_view bytes) {
  ARROW_RETURN_NOT_OK(out_->Write(bytes.data(), static_cast<int64_t>(bytes.size())));
  written_ += static_cast<int64_t>(bytes.size());
  return arrow::Status::OK();
}

arrow::Result<BlobMetadata> PuffinWriter::Add(const Blob& blob, std::optional<std::string> codec) {
  if (finished_) {
    return arrow::Status::Invalid("Puffin file ", location_, ": a blob added after Finish");
  }
  BlobMetadata m;
  m.type = blob.type;
  m.fields = blob.fields;
  m.snapshot_id = blob.snapshot_id;
  m.sequence_number = blob.sequence_number;
  m.properties = blob.properties;
  m.offset = written_;
  if (codec) {
    ARROW_ASSIGN_OR_RAISE(std::string compressed, internal::Compress(*codec, blob.payload));
    m.compression_codec = codec;
    m.length = static_cast<int64_t>(compressed.size());
    ARROW_RETURN_NOT_OK(Write(compressed));
  } else {
    m.length = static_cast<int64_t>(blob.payload.size());
    ARROW_RETURN_NOT_OK(Write(blob.payload));
  }
  metadata_.blobs.push_back(m);
  return m;
}

arrow::Status PuffinWriter::Finish() {
  if (finished_) return arrow::Status::OK();
  const std::string payload = FileMetadataToJson(metadata_);
  if (payload.size() > 0x7fffffff) {
    return arrow::Status::Invalid("Puffin file ", location_, ": footer too large");
  }
  std::string tail;
  tail.append(kMagic);
  tail.append(payload);
  const auto n = static_cast<uint32_t>(payload.size());
  for (int shift = 0; shift < 32; shift += 8)
    tail.push_back(static_cast<char>((n >> shift) & 0xff));
  tail.append(4, '\0');  // flags: footer payload not compressed
  tail.append(kMagic);
  ARROW_RETURN_NOT_OK(Write(tail));
  ARROW_RETURN_NOT_OK(out_->Close());
  finished_ = true;
  return arrow::Status::OK();
}

}  // namespace floe::puffin
