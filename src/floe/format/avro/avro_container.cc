// Avro object container files (Avro 1.11 specification, "Object Container Files"):
//   header = "Obj" 0x01, metadata map<bytes> (avro.schema, avro.codec, user keys), 16-byte sync
//   block  = long count, long size, `size` bytes of (compressed) data, the sync marker again

#include "floe/format/avro/avro_container.h"

#include <optional>
#include <random>
#include <utility>

#include "floe/format/avro/avro_codec_internal.h"
#include "floe/format/avro/avro_encoding_internal.h"
#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro {
namespace {

using internal::Decoder;

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;
// Encoded bytes gathered before a block is written (Avro's usual sync interval).
constexpr size_t kBlockTargetSize = 64 * 1024;
// Largest decompressed block accepted: far above what writers produce (tens of KiB to a few
// MiB), low enough that a corrupt or hostile block cannot exhaust memory.
constexpr size_t kMaxBlockSize = size_t{256} << 20;
// Bound on records per block when a record encodes to zero bytes (schema "null").
constexpr int64_t kMaxZeroSizeRecords = int64_t{1} << 20;

std::string RandomSync() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  std::string sync(kSyncSize, '\0');
  for (size_t i = 0; i < kSyncSize; i += 8) {
    uint64_t r = gen();
    for (size_t j = 0; j < 8; ++j) sync[i + j] = static_cast<char>((r >> (8 * j)) & 0xFF);
  }
  return sync;
}

class ContainerWriterImpl final : public ContainerWriter {
 public:
  ContainerWriterImpl(std::shared_ptr<arrow::io::OutputStream> out, AvroSchemaPtr schema,
                      Codec codec)
      : out_(std::move(out)), schema_(std::move(schema)), codec_(codec), sync_(RandomSync()) {}

  arrow::Status WriteHeader(const std::map<std::string, std::string>& user_metadata) {
    std::map<std::string, std::string> meta = user_metadata;
    meta["avro.schema"] = schema_->ToJsonString();
    meta["avro.codec"] = std::string(internal::CodecName(codec_));
    std::string header(kMagic);
    internal::WriteLong(static_cast<int64_t>(meta.size()), &header);
    for (const auto& [key, value] : meta) {
      internal::WriteBytes(key, &header);
      internal::WriteBytes(value, &header);
    }
    internal::WriteLong(0, &header);
    header += sync_;
    return Write(header);
  }

  arrow::Status Append(const AvroValue& datum) override {
    if (closed_) return arrow::Status::Invalid("Avro container: Append after Close");
    const size_t mark = pending_.size();
    arrow::Status st = internal::EncodeDatum(*schema_, datum, &pending_);
    if (!st.ok()) {
      pending_.resize(mark);  // drop the partial datum; earlier ones stay
      return st;
    }
    ++pending_count_;
    if (pending_.size() >= kBlockTargetSize) return FlushBlock();
    return arrow::Status::OK();
  }

  arrow::Status Close() override {
    if (closed_) return arrow::Status::OK();
    closed_ = true;
    if (pending_count_ > 0) ARROW_RETURN_NOT_OK(FlushBlock());
    return out_->Close();
  }

  int64_t bytes_written() const override { return bytes_written_; }

 private:
  arrow::Status FlushBlock() {
    ARROW_RETURN_NOT_OK(internal::Compress(codec_, pending_, &compressed_));
    std::string block;
    internal::WriteLong(pending_count_, &block);
    internal::WriteLong(static_cast<int64_t>(compressed_.size()), &block);
    block += compressed_;
    block += sync_;
    pending_.clear();
    pending_count_ = 0;
    return Write(block);
  }

  arrow::Status Write(const std::string& bytes) {
    ARROW_RETURN_NOT_OK(out_->Write(bytes.data(), static_cast<int64_t>(bytes.size())));
    bytes_written_ += static_cast<int64_t>(bytes.size());
    return arrow::Status::OK();
  }

  std::shared_ptr<arrow::io::OutputStream> out_;
  AvroSchemaPtr schema_;
  Codec codec_;
  std::string sync_;
  std::string pending_;     // encoded records of the block being built
  std::string compressed_;  // scratch for the compressed block
  int64_t pending_count_ = 0;
  int64_t bytes_written_ = 0;
  bool closed_ = false;
};

class ContainerReaderImpl final : public ContainerReader {
 public:
  ContainerReaderImpl(std::string data, std::string name)
      : data_(std::move(data)), name_(std::move(name)), file_(data_, name_, 0, false) {}

  arrow::Status ReadHeader() {
    if (data_.size() < kMagic.size() || std::string_view(data_).substr(0, 4) != kMagic) {
      return arrow::Status::Invalid(name_, ": not an Avro object container file (bad magic)");
    }
    ARROW_RETURN_NOT_OK(file_.ReadView(kMagic.size(), "magic").status());
    // The metadata map: blocks of (count, [size,] entries), ended by a zero count.
    while (true) {
      const size_t at = file_.position();
      ARROW_ASSIGN_OR_RAISE(int64_t count, file_.ReadLong());
      if (count == 0) break;
      if (count < 0) {
        if (count == INT64_MIN) return file_.Corrupt("header metadata count", at);
        count = -count;
        ARROW_RETURN_NOT_OK(file_.ReadLong().status());  // block size, not needed
      }
      // Each entry takes at least two bytes (two lengths).
      if (count > static_cast<int64_t>(file_.remaining() / 2)) {
        return file_.Truncated("header metadata of " + std::to_string(count) + " entries", at);
      }
      for (int64_t i = 0; i < count; ++i) {
        std::string key, value;
        ARROW_RETURN_NOT_OK(file_.ReadBytes(&key));
        ARROW_RETURN_NOT_OK(file_.ReadBytes(&value));
        metadata_[std::move(key)] = std::move(value);
      }
    }
    ARROW_ASSIGN_OR_RAISE(std::string_view sync, file_.ReadView(kSyncSize, "sync marker"));
    sync_ = std::string(sync);

    auto schema_it = metadata_.find("avro.schema");
    if (schema_it == metadata_.end()) {
      return arrow::Status::Invalid(name_, ": header has no avro.schema");
    }
    auto parsed = AvroSchema::Parse(schema_it->second);
    if (!parsed.ok()) {
      return arrow::Status::Invalid(name_, ": header avro.schema: ", parsed.status().message());
    }
    schema_ = std::move(parsed).ValueUnsafe();
    record_min_size_ = internal::MinEncodedSize(*schema_);

    auto codec_it = metadata_.find("avro.codec");
    if (codec_it != metadata_.end() && !codec_it->second.empty()) {
      auto codec = internal::CodecFromName(codec_it->second);
      if (!codec) {
        return arrow::Status::Invalid(name_, ": unsupported Avro codec '",
                                             codec_it->second, "'");
      }
      codec_ = *codec;
    }
    return arrow::Status::OK();
  }

  const AvroSchemaPtr& schema() const override { return schema_; }
  const std::map<std::string, std::string>& metadata() const override { return metadata_; }

  arrow::Result<bool> Next(AvroValue* out) override {
    if (!error_.ok()) return error_;
    arrow::Result<bool> result = NextImpl(out);
    if (!result.ok()) error_ = result.status();  // a failed reader stays failed
    return result;
  }

 private:
  arrow::Result<bool> NextImpl(AvroValue* out) {
    while (block_left_ == 0) {
      if (block_ && !block_->at_end()) {
        return block_->Corrupt(std::to_string(block_->remaining()) +
                                   " bytes left over after the block's records",
                               block_->position());
      }
      block_.reset();
      if (file_.at_end()) return false;
      ARROW_RETURN_NOT_OK(LoadBlock());
    }
    ARROW_RETURN_NOT_OK(internal::DecodeDatum(*schema_, &*block_, out));
    --block_left_;
    return true;
  }

  arrow::Status LoadBlock() {
    const size_t start = file_.position();
    ARROW_ASSIGN_OR_RAISE(int64_t count, file_.ReadLong());
    if (count < 0) return file_.Corrupt("block record count " + std::to_string(count), start);
    const size_t size_at = file_.position();
    ARROW_ASSIGN_OR_RAISE(int64_t size, file_.ReadLong());
    if (size < 0) return file_.Corrupt("block size " + std::to_string(size), size_at);
    if (static_cast<uint64_t>(size) > file_.remaining()) {
      return file_.Truncated("block of " + std::to_string(size) + " bytes", start);
    }
    const size_t data_at = file_.position();
    ARROW_ASSIGN_OR_RAISE(std::string_view raw,
                          file_.ReadView(static_cast<size_t>(size), "block data"));
    const size_t sync_at = file_.position();
    ARROW_ASSIGN_OR_RAISE(std::string_view sync, file_.ReadView(kSyncSize, "block sync marker"));
    if (sync != sync_) {
      return arrow::Status::Invalid(name_, ": sync marker mismatch at ", file_.Where(sync_at),
                                    " (corrupt block size or data)");
    }

    std::string_view block_data = raw;
    if (codec_ != Codec::kNull) {
      arrow::Status st = internal::Decompress(codec_, raw, kMaxBlockSize, &inflated_);
      if (!st.ok()) {
        return st.WithMessage(name_, ": block at ", file_.Where(start), ": ", st.message());
      }
      block_data = inflated_;
    }
    const int64_t max_records =
        record_min_size_ > 0 ? static_cast<int64_t>(block_data.size()) / record_min_size_
                             : kMaxZeroSizeRecords;
    if (count > max_records) {
      return file_.Corrupt("block record count " + std::to_string(count) + " for " +
                               std::to_string(block_data.size()) + " bytes of data",
                           start);
    }
    block_.emplace(block_data, name_, static_cast<int64_t>(data_at), codec_ != Codec::kNull);
    block_left_ = count;
    return arrow::Status::OK();
  }

  std::string data_;
  std::string name_;
  Decoder file_;
  std::optional<Decoder> block_;
  std::string inflated_;  // the current block, decompressed
  int64_t block_left_ = 0;
  std::string sync_;
  std::map<std::string, std::string> metadata_;
  AvroSchemaPtr schema_;
  int64_t record_min_size_ = 0;
  Codec codec_ = Codec::kNull;
  arrow::Status error_;
};

}  // namespace

arrow::Result<std::unique_ptr<ContainerWriter>> ContainerWriter::Open(
    std::shared_ptr<arrow::io::OutputStream> out, AvroSchemaPtr schema,
    std::map<std::string, std::string> metadata, Codec codec) {
  if (!out) return arrow::Status::Invalid("Avro container: no output stream");
  if (!schema) return arrow::Status::Invalid("Avro container: no schema");
  ARROW_RETURN_NOT_OK(internal::ValidateForWriting(*schema));
  for (const auto& [key, value] : metadata) {
    // Spec: keys starting with "avro." are reserved for the format itself.
    if (key.rfind("avro.", 0) == 0) {
      return arrow::Status::Invalid("Avro container: metadata key '", key, "' is reserved");
    }
  }
  auto writer = std::make_unique<ContainerWriterImpl>(std::move(out), std::move(schema), codec);
  ARROW_RETURN_NOT_OK(writer->WriteHeader(metadata));
  return writer;
}

arrow::Result<std::unique_ptr<ContainerReader>> ContainerReader::Open(std::string data,
                                                                      std::string name) {
  auto reader = std::make_unique<ContainerReaderImpl>(std::move(data), std::move(name));
  ARROW_RETURN_NOT_OK(reader->ReadHeader());
  return reader;
}

}  // namespace floe::avro
