#include "floe/ingest/decompress.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/status.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace floe::ingest {
namespace {

// Compressed input is read in windows of this size; the decoders keep no other buffer that
// grows with the data (igzip's state holds its 32 KiB history, zstd's context its window).
constexpr int64_t kInputWindow = int64_t{1} << 20;
// igzip and zstd count output in 32 bits: one decoder call fills at most this much of `out`.
constexpr int64_t kMaxOutputPerCall = int64_t{1} << 30;
// The zstd decoder's window limit, libzstd's own default: a frame asking for more (written
// with `--long=31`, say) is refused rather than allowed 2 GiB of memory.
constexpr int kZstdWindowLogMax = 27;

const std::string_view kGzipMagic("\x1f\x8b", 2);
const std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);

bool StartsWith(std::string_view data, std::string_view magic) {
  return data.size() >= magic.size() && std::memcmp(data.data(), magic.data(), magic.size()) == 0;
}

/// The compressed input seen through a fixed window: bytes not yet consumed are kept at the
/// front and the rest of the window is refilled from the stream.
class InputWindow {
 public:
  InputWindow(std::shared_ptr<arrow::io::InputStream> input, int64_t base_offset,
              std::string_view head)
      : input_(std::move(input)),
        buffer_(new uint8_t[kInputWindow]),
        end_(static_cast<int64_t>(head.size())),
        window_offset_(base_offset) {
    std::memcpy(buffer_.get(), head.data(), head.size());
  }

  uint8_t* data() const { return buffer_.get() + pos_; }
  int64_t size() const { return end_ - pos_; }
  bool eof() const { return eof_; }
  /// The file offset of data().
  int64_t offset() const { return window_offset_ + pos_; }
  void Consume(int64_t n) { pos_ += n; }

  /// Reads more after the unconsumed bytes; at the end of the stream sets eof() instead.
  arrow::Status Refill() {
    if (eof_) return arrow::Status::OK();
    if (pos_ > 0) {
      std::memmove(buffer_.get(), buffer_.get() + pos_, static_cast<size_t>(size()));
      window_offset_ += pos_;
      end_ -= pos_;
      pos_ = 0;
    }
    ARROW_ASSIGN_OR_RAISE(const int64_t n, input_->Read(kInputWindow - end_, buffer_.get() + end_));
    if (n == 0) eof_ = true;
    end_ += n;
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<arrow::io::InputStream> input_;
  std::unique_ptr<uint8_t[]> buffer_;
  int64_t pos_ = 0;
  int64_t end_ = 0;
  int64_t window_offset_;  // file offset of buffer_[0]
  bool eof_ = false;
};

/// The first bytes of `input`, enough to tell the format (fewer only at its end).
arrow::Result<std::string> ReadHead(arrow::io::InputStream* input) {
  std::string head(kZstdMagic.size(), '\0');
  size_t got = 0;
  while (got < head.size()) {
    ARROW_ASSIGN_OR_RAISE(const int64_t n, input->Read(head.size() - got, head.data() + got));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  return head;
}

}  // namespace

class ContentStream::Decoder {
 public:
  virtual ~Decoder() = default;
  virtual Compression compression() const = 0;
  /// As ContentStream::Read, with 0 < capacity <= kMaxOutputPerCall.
  virtual arrow::Result<int64_t> Read(char* out, int64_t capacity) = 0;
};

namespace {

/// Plain text: the bytes read to tell the format, then the stream straight into `out`.
class PlainDecoder : public ContentStream::Decoder {
 public:
  PlainDecoder(std::shared_ptr<arrow::io::InputStream> input, std::string head)
      : input_(std::move(input)), head_(std::move(head)) {}

  Compression compression() const override { return Compression::kNone; }

  arrow::Result<int64_t> Read(char* out, int64_t capacity) override {
    if (head_used_ < head_.size()) {
      const size_t n = std::min(head_.size() - head_used_, static_cast<size_t>(capacity));
      std::memcpy(out, head_.data() + head_used_, n);
      head_used_ += n;
      return static_cast<int64_t>(n);
    }
    return input_->Read(capacity, out);
  }

 private:
  std::shared_ptr<arrow::io::InputStream> input_;
  std::string head_;
  size_t head_used_ = 0;
};

/// gzip through ISA-L's igzip, member after member (RFC 1952 §2.2). Each member's header is
/// read with isal_read_gzip_header into a header record kept across calls: isal_inflate's own
/// header parsing (crc_flag ISAL_GZIP) keeps that record on its stack, so a header split
/// between two reads loses the header CRC summed so far, and an FHCRC header cut by a read
/// boundary fails its check (ISA-L 2.30). The deflate data then runs with
/// ISAL_GZIP_NO_HDR_VER: igzip checks the CRC-32 and ISIZE trailer and stops right after it,
/// where the next member starts.
class GzipDecoder : public ContentStream::Decoder {
 public:
  GzipDecoder(std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset,
              std::string_view head)
      : in_(std::move(input), base_offset, head),
        name_(std::move(name)),
        state_(std::make_unique<inflate_state>()) {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP_NO_HDR_VER;
    // An empty input has no member to decode (and Open checked the magic of a non-empty one).
    if (!head.empty()) StartMember();
  }

  Compression compression() const override { return Compression::kGzip; }

  arrow::Result<int64_t> Read(char* out, int64_t capacity) override {
    while (true) {
      if (!in_member_) {
        ARROW_ASSIGN_OR_RAISE(const bool another, NextMember());
        if (!another) return 0;
      }
      if (in_.size() == 0) ARROW_RETURN_NOT_OK(in_.Refill());
      const int64_t available = std::min(in_.size(), kMaxOutputPerCall);
      const auto block_state = state_->block_state;
      state_->next_in = in_.data();
      state_->avail_in = static_cast<uint32_t>(available);
      int64_t produced = 0;
      if (!in_header_) {
        state_->next_out = reinterpret_cast<uint8_t*>(out);
        state_->avail_out = static_cast<uint32_t>(capacity);
        const int rc = isal_inflate(state_.get());
        produced = capacity - state_->avail_out;
        in_.Consume(available - state_->avail_in);
        if (rc < 0) return Corrupt(rc);
        if (state_->block_state == ISAL_BLOCK_FINISH) in_member_ = false;
      } else {
        const int rc = isal_read_gzip_header(state_.get(), &header_);
        in_.Consume(available - state_->avail_in);
        if (rc < 0) return CorruptHeader(rc);
        if (rc == ISAL_DECOMP_OK) in_header_ = false;
      }
      if (produced > 0) return produced;
      if (in_.size() < available || state_->block_state != block_state || !in_member_) continue;
      if (in_.size() == 0 && in_.eof()) {
        return arrow::Status::Invalid("gzip file ", name_, ": truncated (the data ends at byte ",
                                      in_.offset(), " inside a gzip member)");
      }
      if (in_.size() > 0) {
        // igzip always takes input it is given while it has room for output: never spin.
        return arrow::Status::Invalid("gzip file ", name_, ": corrupt data near compressed byte ",
                                      in_.offset(), " (igzip made no progress)");
      }
    }
  }

 private:
  void StartMember() {
    isal_inflate_reset(state_.get());  // keeps crc_flag
    isal_gzip_header_init(&header_);   // no buffers: FEXTRA, FNAME and FCOMMENT are skipped
    member_start_ = in_.offset();
    in_member_ = true;
    in_header_ = true;
  }

  /// After a member: true if another one follows (and igzip is reset for it), false at the end.
  arrow::Result<bool> NextMember() {
    while (in_.size() < static_cast<int64_t>(kGzipMagic.size()) && !in_.eof()) {
      ARROW_RETURN_NOT_OK(in_.Refill());
    }
    if (in_.size() == 0) return false;
    const std::string_view next(reinterpret_cast<const char*>(in_.data()),
                                static_cast<size_t>(in_.size()));
    if (!StartsWith(next, kGzipMagic)) {
      return arrow::Status::Invalid("gzip file ", name_, ": the bytes after the gzip member ",
                                    "ending at byte ", in_.offset(),
                                    " are not another gzip member");
    }
    StartMember();
    return true;
  }

  arrow::Status CorruptHeader(int rc) const {
    return arrow::Status::Invalid("gzip file ", name_, ": corrupt gzip header in the member ",
                                  "starting at byte ", member_start_, " (igzip: ",
                                  rc == ISAL_UNSUPPORTED_METHOD   ? "not deflate"
                                  : rc == ISAL_INCORRECT_CHECKSUM ? "header CRC mismatch"
                                                                  : "invalid header",
                                  ")");
  }

  arrow::Status Corrupt(int rc) const {
    if (rc == ISAL_INCORRECT_CHECKSUM) {
      return arrow::Status::Invalid(
          "gzip file ", name_,
          ": corrupt data: the CRC-32 or length in the trailer of the gzip "
          "member starting at byte ",
          member_start_, " does not match its content");
    }
    const char* what = rc == ISAL_INVALID_BLOCK      ? "invalid block"
                       : rc == ISAL_INVALID_SYMBOL   ? "invalid symbol"
                       : rc == ISAL_INVALID_LOOKBACK ? "distance too far back"
                                                     : "error";
    return arrow::Status::Invalid("gzip file ", name_, ": corrupt data near compressed byte ",
                                  in_.offset(), " (igzip: ", what, " ", rc, ")");
  }

  InputWindow in_;
  std::string name_;
  std::unique_ptr<inflate_state> state_;  // ~90 KB: history and Huffman tables
  isal_gzip_header header_{};             // the current member's header, as far as read
  int64_t member_start_ = 0;              // file offset of the current member
  bool in_member_ = false;
  bool in_header_ = false;  // reading the current member's header
};

/// zstd through libzstd's streaming decoder, frame after frame (RFC 8878 §3.1).
class ZstdDecoder : public ContentStream::Decoder {
 public:
  static arrow::Result<std::unique_ptr<ZstdDecoder>> Make(
      std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset,
      std::string_view head) {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    if (dctx == nullptr) return arrow::Status::OutOfMemory("zstd file ", name, ": no context");
    auto decoder = std::unique_ptr<ZstdDecoder>(
        new ZstdDecoder(std::move(input), std::move(name), base_offset, head, dctx));
    const size_t rc = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, kZstdWindowLogMax);
    if (ZSTD_isError(rc)) {
      return arrow::Status::Invalid("zstd file ", decoder->name_, ": ", ZSTD_getErrorName(rc));
    }
    return decoder;
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }

  Compression compression() const override { return Compression::kZstd; }

  arrow::Result<int64_t> Read(char* out, int64_t capacity) override {
    while (true) {
      if (in_.size() == 0) ARROW_RETURN_NOT_OK(in_.Refill());
      const bool at_end = in_.size() == 0 && in_.eof();
      if (at_end && !frame_open_) return 0;
      // At the end of the input an open frame may still hold output to flush: ask once more.
      ZSTD_inBuffer in{in_.data(), static_cast<size_t>(in_.size()), 0};
      ZSTD_outBuffer ob{out, static_cast<size_t>(capacity), 0};
      const size_t rc = ZSTD_decompressStream(dctx_, &ob, &in);
      in_.Consume(static_cast<int64_t>(in.pos));
      if (ZSTD_isError(rc)) {
        return arrow::Status::Invalid("zstd file ", name_, ": corrupt data near compressed byte ",
                                      in_.offset(), " (zstd: ", ZSTD_getErrorName(rc), ")");
      }
      // 0: a frame is complete and flushed; the next input, if any, starts another one.
      frame_open_ = rc != 0;
      if (ob.pos > 0) return static_cast<int64_t>(ob.pos);
      if (in.pos == 0) {
        if (at_end) {
          return arrow::Status::Invalid("zstd file ", name_, ": truncated (the data ends at byte ",
                                        in_.offset(), " inside a zstd frame)");
        }
        // libzstd buffers what it cannot use yet, so input left untaken means it is stuck.
        return arrow::Status::Invalid("zstd file ", name_, ": corrupt data near compressed byte ",
                                      in_.offset(), " (zstd made no progress)");
      }
    }
  }

 private:
  ZstdDecoder(std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset,
              std::string_view head, ZSTD_DCtx* dctx)
      : in_(std::move(input), base_offset, head), name_(std::move(name)), dctx_(dctx) {}

  InputWindow in_;
  std::string name_;
  ZSTD_DCtx* dctx_;
  bool frame_open_ = false;  // inside a frame not yet complete
};

}  // namespace

Compression DetectCompression(std::string_view data) {
  if (StartsWith(data, kGzipMagic)) return Compression::kGzip;
  if (StartsWith(data, kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

ContentStream::ContentStream(std::unique_ptr<Decoder> decoder) : decoder_(std::move(decoder)) {}
ContentStream::~ContentStream() = default;

arrow::Result<std::unique_ptr<ContentStream>> ContentStream::Open(
    std::shared_ptr<arrow::io::InputStream> input, std::string name, int64_t base_offset,
    std::optional<Compression> expect) {
  ARROW_ASSIGN_OR_RAISE(std::string head, ReadHead(input.get()));
  const Compression compression = expect.value_or(DetectCompression(head));
  if (expect && !head.empty() && DetectCompression(head) != *expect &&
      *expect != Compression::kNone) {
    const bool gzip = *expect == Compression::kGzip;
    return arrow::Status::Invalid(gzip ? "gzip" : "zstd", " file ", name, ": bytes at offset ",
                                  base_offset, " are not a ", gzip ? "gzip member" : "zstd frame");
  }
  std::unique_ptr<Decoder> decoder;
  switch (compression) {
    case Compression::kGzip:
      decoder = std::make_unique<GzipDecoder>(std::move(input), std::move(name), base_offset, head);
      break;
    case Compression::kZstd: {
      ARROW_ASSIGN_OR_RAISE(
          decoder, ZstdDecoder::Make(std::move(input), std::move(name), base_offset, head));
      break;
    }
    case Compression::kNone:
      decoder = std::make_unique<PlainDecoder>(std::move(input), std::move(head));
      break;
  }
  return std::unique_ptr<ContentStream>(new ContentStream(std::move(decoder)));
}

Compression ContentStream::compression() const { return decoder_->compression(); }

arrow::Result<int64_t> ContentStream::Read(char* out, int64_t capacity) {
  if (capacity <= 0) {
    return arrow::Status::Invalid("ContentStream::Read needs room for at least one byte");
  }
  if (!error_.ok()) return error_;
  auto n = decoder_->Read(out, std::min(capacity, kMaxOutputPerCall));
  if (!n.ok()) error_ = n.status();
  return n;
}

arrow::Result<std::string> Decompress(std::string data, const std::string& name) {
  if (DetectCompression(data) == Compression::kNone) return data;
  // Log text compresses 10:1 or more: start at 8 times the compressed size, then double.
  const size_t initial = std::clamp<size_t>(data.size() * 8, 64 << 10, 256 << 20);
  auto input =
      std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(std::move(data)));
  ARROW_ASSIGN_OR_RAISE(auto stream, ContentStream::Open(std::move(input), name));
  std::string content(initial, '\0');
  size_t used = 0;
  while (true) {
    if (used == content.size()) content.resize(content.size() * 2);
    ARROW_ASSIGN_OR_RAISE(const int64_t n,
                          stream->Read(content.data() + used, content.size() - used));
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  content.resize(used);
  return content;
}

}  // namespace floe::ingest
