#include "floe/ingest/source_reader.h"

#include <arrow/buffer.h>

#include <algorithm>
#include <cstring>

#include "floe/util/crc64.h"
#include "floe/util/failpoint.h"

namespace floe::ingest {
namespace {

// Content is parsed a window at a time: big enough that per-window costs vanish, small
// enough to stay in cache and to bound memory per thread.
constexpr int64_t kWindowBytes = 4LL << 20;

arrow::Status Shrank(const std::string& location, int64_t at, int64_t listed) {
  return arrow::Status::IOError("file ", location, " shrank to ", at,
                                " bytes while it was read (it had ", listed,
                                " when listed): it was truncated or rewritten meanwhile; "
                                "its folder is retried on the next run");
}

/// The bytes [start, end) of an open file as a stream, read with pread; a read that ends
/// early means the file shrank. Optionally checksums what it hands out.
class RangeInput final : public arrow::io::InputStream {
 public:
  RangeInput(std::shared_ptr<arrow::io::RandomAccessFile> file, std::string location, int64_t start,
             int64_t end, bool checksum, uint64_t crc)
      : file_(std::move(file)),
        location_(std::move(location)),
        pos_(start),
        end_(end),
        checksum_(checksum),
        crc_(crc) {}

  arrow::Status Close() override {
    closed_ = true;
    return arrow::Status::OK();
  }
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return pos_; }

  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    const int64_t want = std::min(nbytes, end_ - pos_);
    if (want <= 0) return 0;
    ARROW_ASSIGN_OR_RAISE(int64_t got, file_->ReadAt(pos_, want, out));
    if (got <= 0) return Shrank(location_, pos_, end_);
    if (checksum_) crc_ = util::Crc64(crc_, out, static_cast<size_t>(got));
    pos_ += got;
    return got;
  }

  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::AllocateResizableBuffer(nbytes));
    ARROW_ASSIGN_OR_RAISE(int64_t n, Read(nbytes, buffer->mutable_data()));
    ARROW_RETURN_NOT_OK(buffer->Resize(n, /*shrink_to_fit=*/false));
    return std::shared_ptr<arrow::Buffer>(std::move(buffer));
  }

  uint64_t crc() const { return crc_; }

 private:
  std::shared_ptr<arrow::io::RandomAccessFile> file_;
  std::string location_;
  int64_t pos_;
  int64_t end_;
  bool checksum_;
  uint64_t crc_;
  bool closed_ = false;
};

}  // namespace

SourceReader::SourceReader(int64_t max_line_bytes)
    : max_line_bytes_(std::max<int64_t>(max_line_bytes, 1)) {}

arrow::Result<ReadOutcome> SourceReader::Read(io::FileIO& io, const std::string& location,
                                              const ReadPlan& plan, SparkLogParser* parser,
                                              std::vector<RejectedLine>* rejects,
                                              ParseCounts* counts,
                                              const std::function<arrow::Status()>& after_window) {
  if (util::FailpointArmed("reader-out-of-memory", location)) throw std::bad_alloc();
  ARROW_ASSIGN_OR_RAISE(auto file, io.OpenInput(location));
  ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
  if (size < plan.end) return Shrank(location, size, plan.end);
  const std::string etag = io::InputETag(*file);
  if (static_cast<int64_t>(window_.size()) < std::min(kWindowBytes, max_line_bytes_ + 1)) {
    window_.resize(static_cast<size_t>(std::min(kWindowBytes, max_line_bytes_ + 1)));
  }
  ReadOutcome out;
  out.etag = etag;
  out.last_line = plan.first_line - 1;

  // The prefix read earlier must be what its batch read: checksummed, not parsed.
  uint64_t crc = 0;
  for (int64_t pos = 0; pos < plan.start;) {
    const int64_t want = std::min<int64_t>(plan.start - pos, window_.size());
    ARROW_ASSIGN_OR_RAISE(int64_t got, file->ReadAt(pos, want, window_.data()));
    if (got <= 0) return Shrank(location, pos, plan.end);
    crc = util::Crc64(crc, window_.data(), static_cast<size_t>(got));
    pos += got;
  }
  if (crc != plan.prefix_crc) {
    out.changed = true;
    return out;
  }

  Compression compression = plan.compression;
  if (plan.start == 0) {
    char head[4] = {0, 0, 0, 0};
    ARROW_ASSIGN_OR_RAISE(int64_t got, file->ReadAt(0, std::min<int64_t>(4, plan.end), head));
    compression = DetectCompression(std::string_view(head, static_cast<size_t>(got)));
  }
  out.compression = compression;
  if (plan.start == plan.end) {  // only checked (a touched file): nothing new to read
    out.end = plan.end;
    out.crc = crc;
    return out;
  }
  const bool plain = compression == Compression::kNone;
  // Compressed files are checksummed as read (raw bytes); plain ones as consumed, so that the
  // checksum of the bytes before an unterminated last line is at hand.
  auto raw = std::make_shared<RangeInput>(file, location, plan.start, plan.end, !plain, crc);
  ARROW_ASSIGN_OR_RAISE(auto content, ContentStream::Open(raw, location, plan.start, compression));

  int64_t line = plan.first_line;  // the number of the line at window_[0]
  size_t used = 0;                 // content bytes in window_
  int64_t consumed = 0;            // content bytes consumed (file bytes, for plain files)
  // Drops the first n bytes of the window once they are parsed (or rejected unparsed).
  auto consume = [&](size_t n) {
    if (plain) crc = util::Crc64(crc, window_.data(), n);
    consumed += static_cast<int64_t>(n);
    std::memmove(window_.data(), window_.data() + n, used - n);
    used -= n;
  };
  bool file_start = plan.start == 0;
  bool skipping = false;  // dropping the rest of an over-long line, already rejected
  while (true) {
    if (used == window_.size()) {
      if (static_cast<int64_t>(window_.size()) <= max_line_bytes_) {
        window_.resize(static_cast<size_t>(
            std::min<int64_t>(max_line_bytes_ + 1, static_cast<int64_t>(window_.size()) * 2)));
      } else {
        // No newline in max_line_bytes: reject the line unparsed, keep its first bytes.
        RejectedLine& reject = rejects->emplace_back();
        reject.line = line;
        reject.reason = "line_too_long";
        reject.raw.assign(window_.data(), static_cast<size_t>(std::min<int64_t>(
                                              static_cast<int64_t>(used), kKeptBytesOfLongLine)));
        ++counts->lines;
        ++counts->rejected;
        counts->bytes += static_cast<int64_t>(used);
        consume(used);
        skipping = true;
        file_start = false;
        out.at_line_start = false;
      }
    }
    ARROW_ASSIGN_OR_RAISE(int64_t n, content->Read(window_.data() + used,
                                                   static_cast<int64_t>(window_.size() - used)));
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (skipping) {
      const void* nl = std::memchr(window_.data(), '\n', used);
      const size_t k = nl ? static_cast<const char*>(nl) - window_.data() + 1 : used;
      counts->bytes += static_cast<int64_t>(k);
      consume(k);
      if (!nl) continue;
      skipping = false;
      ++line;
      out.at_line_start = true;
    }
    const void* last = memrchr(window_.data(), '\n', used);
    if (last == nullptr) continue;
    const size_t k = static_cast<const char*>(last) - window_.data() + 1;
    const int64_t lines_before = counts->lines;
    ARROW_RETURN_NOT_OK(
        parser->ParseLines(std::string_view(window_.data(), k), line, file_start, rejects, counts));
    line += counts->lines - lines_before;
    consume(k);
    file_start = false;
    out.at_line_start = true;
    ARROW_RETURN_NOT_OK(after_window());
  }

  // What is left is an unterminated last line: read as it is now.
  if (used > 0) {
    const int64_t records_before = counts->records;
    const int64_t tail_start = plan.start + consumed;
    const uint64_t tail_crc = crc;
    ARROW_RETURN_NOT_OK(parser->ParseLines(std::string_view(window_.data(), used), line, file_start,
                                           rejects, counts));
    if (plain && counts->records == records_before) {
      // Not a record: perhaps a line still being written (a complete JSON object ends with
      // its "}"). Should the file grow, the line is read again, whole, from here.
      out.rejected_tail_start = tail_start;
      out.rejected_tail_crc = tail_crc;
    }
    consume(used);
    ++line;
    out.at_line_start = false;
    ARROW_RETURN_NOT_OK(after_window());
  }
  out.last_line = line - 1;
  out.end = plan.end;
  out.crc = plain ? crc : raw->crc();
  return out;
}

}  // namespace floe::ingest
