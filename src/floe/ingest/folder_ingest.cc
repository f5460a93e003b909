#include "floe/ingest/folder_ingest.h"

#include <arrow/builder.h>
#include <arrow/record_batch.h>

#include <algorithm>
#include <chrono>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_writer.h"
#include "floe/ingest/source_reader.h"
#include "floe/ingest/spark_log_parser.h"

namespace floe::ingest {
namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Flush parsed records to Parquet at this many buffered bytes (about 100,000 records of
// Spark logs, whose few-valued columns are dictionary-encoded): bounds memory per worker, and
// batches much larger than this cost more CPU, not less — on an 8 GB corpus, 64 MB batches
// took 10 % more CPU than 16 MB ones (cache misses and fresh pages).
constexpr int64_t kFlushBytes = 16LL << 20;
// Rejected lines are flushed at this many rows or raw bytes, whichever comes first.
constexpr int64_t kFlushRejectRows = 64 * 1024;
constexpr int64_t kFlushRejectBytes = 16LL << 20;

arrow::Status Interrupted() {
  return arrow::Status::Cancelled("interrupted; the next run resumes");
}

arrow::Result<std::unique_ptr<iceberg::DataWriter>> MakeWriter(const iceberg::Table& table,
                                                               int64_t task_id,
                                                               const std::string& file_prefix) {
  const auto& md = table.metadata();
  iceberg::DataWriterOptions options;
  options.table_location = md.location;
  options.schema = md.CurrentSchema();
  options.spec = md.DefaultSpec();
  options.properties = md.properties;
  options.task_id = task_id;
  options.file_prefix = file_prefix;
  options.table_name = table.identifier().ToString();
  return iceberg::DataWriter::Make(table.io(), options);
}

/// Rows of the rejects table, built in Arrow form.
class RejectRows {
 public:
  RejectRows(std::string folder, std::string job_id, int64_t rejected_at)
      : folder_(std::move(folder)), job_id_(std::move(job_id)), rejected_at_(rejected_at) {}

  arrow::Status Add(const std::string& file, const RejectedLine& r) {
    ARROW_RETURN_NOT_OK(folder_b_.Append(folder_));
    ARROW_RETURN_NOT_OK(file_b_.Append(file));
    ARROW_RETURN_NOT_OK(line_b_.Append(r.line));
    ARROW_RETURN_NOT_OK(reason_b_.Append(r.reason));
    ARROW_RETURN_NOT_OK(raw_b_.Append(r.raw));
    bytes_ += static_cast<int64_t>(r.raw.size());
    ARROW_RETURN_NOT_OK(job_b_.Append(job_id_));
    ARROW_RETURN_NOT_OK(at_b_.Append(rejected_at_));
    return arrow::Status::OK();
  }
  int64_t size() const { return line_b_.length(); }
  int64_t bytes() const { return bytes_; }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Finish(
      const std::shared_ptr<arrow::Schema>& schema) {
    int64_t n = size();
    std::vector<std::shared_ptr<arrow::Array>> cols(7);
    ARROW_RETURN_NOT_OK(folder_b_.Finish(&cols[0]));
    ARROW_RETURN_NOT_OK(file_b_.Finish(&cols[1]));
    ARROW_RETURN_NOT_OK(line_b_.Finish(&cols[2]));
    ARROW_RETURN_NOT_OK(reason_b_.Finish(&cols[3]));
    ARROW_RETURN_NOT_OK(raw_b_.Finish(&cols[4]));
    ARROW_RETURN_NOT_OK(job_b_.Finish(&cols[5]));
    ARROW_RETURN_NOT_OK(at_b_.Finish(&cols[6]));
    bytes_ = 0;
    return arrow::RecordBatch::Make(schema, n, std::move(cols));
  }

 private:
  std::string folder_, job_id_;
  int64_t rejected_at_;
  int64_t bytes_ = 0;  // raw bytes buffered
  arrow::StringBuilder folder_b_, file_b_, reason_b_, job_b_;
  arrow::Int64Builder line_b_;
  arrow::BinaryBuilder raw_b_;
  arrow::TimestampBuilder at_b_{arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"),
                                arrow::default_memory_pool()};
};

// The file's path below its app folder, as the rejects table records it.
std::string RelativeTo(const std::string& folder_location, const std::string& file) {
  if (file.rfind(folder_location, 0) == 0) {
    std::string rest = file.substr(folder_location.size());
    while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());
    return rest;
  }
  return file;
}

}  // namespace

struct FolderPartWriter::Impl {
  const IngestTables* tables = nullptr;
  const AppFolder* folder = nullptr;
  FolderReadOptions options;
  std::unique_ptr<iceberg::DataWriter> data_writer;
  std::unique_ptr<iceberg::DataWriter> reject_writer;
  std::shared_ptr<arrow::Schema> reject_schema;
  std::unique_ptr<RejectRows> reject_rows;
  SparkLogParser parser;
  std::unique_ptr<SourceReader> reader;
  std::vector<RejectedLine> rejected;
  FolderWork work;

  arrow::Status FlushRecords() {
    ARROW_ASSIGN_OR_RAISE(auto batch, parser.Flush());
    return data_writer->Write(*batch);
  }
  arrow::Status FlushRejects() {
    ARROW_ASSIGN_OR_RAISE(auto batch, reject_rows->Finish(reject_schema));
    return reject_writer->Write(*batch);
  }
  // After every window of a file: hand its rejected lines on, flush what is buffered past
  // the thresholds, and stop if asked to.
  arrow::Status AfterWindow(const std::string& relative) {
    for (const auto& r : rejected) {
      ++work.rejects_by_reason[r.reason];
      if (reject_writer) ARROW_RETURN_NOT_OK(reject_rows->Add(relative, r));
    }
    rejected.clear();
    if (parser.buffered_bytes() >= kFlushBytes) ARROW_RETURN_NOT_OK(FlushRecords());
    if (reject_writer && (reject_rows->size() >= kFlushRejectRows ||
                          reject_rows->bytes() >= kFlushRejectBytes)) {
      ARROW_RETURN_NOT_OK(FlushRejects());
    }
    if (options.stop != nullptr && options.stop->load()) return Interrupted();
    return arrow::Status::OK();
  }
  std::string ChangedMessage(const SourceFile& file, const BatchFile& earlier) {
    const std::string what =
        earlier.has_crc ? "its first " + std::to_string(earlier.file.size) +
                              " bytes differ from those an earlier run ingested (it has " +
                              std::to_string(file.size) + " bytes now)"
                        : "it was ingested by a floe that kept no checksum, and its size or "
                          "time changed since";
    return "file " + RelativeTo(folder->location, file.location) +
           " changed after it was ingested: " + what +
           "; nothing of the folder is committed. To ingest the file again as a new file (its "
           "earlier rows stay), run with --reingest-changed";
  }
  arrow::Status Read(const SourceFile& file, const FilePlan& plan) {
    if (plan.earlier) work.had_earlier = true;
    ReadPlan read = plan.read;
    bool reingest = false;
    // A file whose ingested bytes are gone or differ fails the folder, or on request is read
    // again from its start as a new file.
    auto on_changed = [&]() -> arrow::Status {
      if (!options.reingest_changed) {
        ++work.changed_files;
        return arrow::Status::Invalid(ChangedMessage(file, *plan.earlier));
      }
      read = ReadPlan{};
      read.end = file.size;
      reingest = true;
      return arrow::Status::OK();
    };
    if (plan.action == FilePlan::Action::kChanged) ARROW_RETURN_NOT_OK(on_changed());
    const std::string relative = RelativeTo(folder->location, file.location);
    auto after_window = [&] { return AfterWindow(relative); };
    ParseCounts counts;
    rejected.clear();
    ReadOutcome got;
    while (true) {  // at most twice: a read from the start has no prefix to differ
      ARROW_ASSIGN_OR_RAISE(got, reader->Read(tables->source_io ? *tables->source_io : *tables->data->io(), file.identity, read, &parser,
                                              &rejected, &counts, after_window));
      if (!got.changed) break;
      ARROW_RETURN_NOT_OK(on_changed());
    }
    BatchFile entry;
    entry.folder = folder->name;
    entry.file = file;
    entry.file.size = got.end;
    entry.file.etag = got.etag;
    entry.start = read.start;
    entry.crc64 = got.crc;
    entry.start_crc64 = read.prefix_crc;
    entry.first_line = read.first_line;
    entry.last_line = got.last_line;
    entry.at_line_start = got.at_line_start;
    entry.compression = CompressionName(got.compression);
    entry.reingested = reingest;
    entry.rejected_tail_start = got.rejected_tail_start;
    entry.rejected_tail_crc64 = got.rejected_tail_crc;
    entry.records = counts.records;
    entry.rejects = counts.rejected;
    if (read.start == read.end && plan.earlier) {
      // Only checked: the file is as ingested, with a new time. Where its lines stand is
      // what the earlier batch recorded.
      entry.last_line = plan.earlier->last_line;
      entry.at_line_start = plan.earlier->at_line_start;
      entry.compression = plan.earlier->compression;
      ++work.unchanged_files;
    }
    work.files.push_back(std::move(entry));
    work.result.records += counts.records;
    work.result.rejects += counts.rejected;
    work.lines += counts.lines;
    work.bytes += got.end - read.start;
    return arrow::Status::OK();
  }
  arrow::Status Close() {
    if (parser.num_rows() > 0) ARROW_RETURN_NOT_OK(FlushRecords());
    if (reject_writer && reject_rows->size() > 0) ARROW_RETURN_NOT_OK(FlushRejects());
    ARROW_ASSIGN_OR_RAISE(work.data_files, data_writer->Close());
    if (reject_writer) {
      auto reject_files = reject_writer->Close();
      if (!reject_files.ok()) {
        for (const auto& f : work.data_files) (void)tables->data->io()->Delete(f.file_path);
        work.data_files.clear();
        return reject_files.status();
      }
      work.reject_files = std::move(*reject_files);
    }
    return arrow::Status::OK();
  }
  void Fail(const std::string& error) {
    if (work.result.status == kStatusFailed) return;
    (void)data_writer->Abort();
    if (reject_writer) (void)reject_writer->Abort();
    work.result.status = kStatusFailed;
    work.result.error = error;
    work.files.clear();
    work.data_files.clear();
    work.reject_files.clear();
  }
};

FolderPartWriter::FolderPartWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FolderPartWriter::~FolderPartWriter() = default;

arrow::Result<std::unique_ptr<FolderPartWriter>> FolderPartWriter::Make(
    const IngestTables& tables, const AppFolder& folder, const std::string& job_id,
    int64_t task_id, FolderReadOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->tables = &tables;
  impl->folder = &folder;
  impl->options = options;
  impl->reader = std::make_unique<SourceReader>(options.max_line_bytes);
  impl->work.result.name = folder.name;
  impl->work.result.location = folder.location;
  impl->work.result.start_us = NowUs();
  ARROW_ASSIGN_OR_RAISE(impl->data_writer,
                        MakeWriter(*tables.data, task_id, options.file_prefix));
  if (tables.rejects) {
    ARROW_ASSIGN_OR_RAISE(impl->reject_writer,
                          MakeWriter(*tables.rejects, task_id, options.file_prefix));
    ARROW_ASSIGN_OR_RAISE(impl->reject_schema, iceberg::ToArrowSchema(*RejectsSchema()));
    impl->reject_rows = std::make_unique<RejectRows>(folder.name, job_id, NowUs());
  }
  return std::unique_ptr<FolderPartWriter>(new FolderPartWriter(std::move(impl)));
}

arrow::Status FolderPartWriter::AddFile(const SourceFile& file, const FilePlan& plan) {
  if (impl_->work.result.status == kStatusFailed) {
    return arrow::Status::Invalid(impl_->work.result.error);
  }
  arrow::Status st;
  try {
    st = impl_->Read(file, plan);
  } catch (const std::bad_alloc&) {
    // Out of memory fails the folder, never the process; the next run retries it.
    st = arrow::Status::OutOfMemory("out of memory while reading it");
  }
  if (!st.ok()) {
    if (!st.IsCancelled() && !st.IsInvalid()) {
      st = arrow::Status(st.code(), "file " + RelativeTo(impl_->folder->location, file.location) +
                                        ": " + st.message());
    }
    impl_->Fail(st.message());
  }
  return st;
}

FolderWork FolderPartWriter::Finish() {
  if (impl_->work.result.status != kStatusFailed) {
    arrow::Status st = impl_->Close();
    if (!st.ok()) impl_->Fail(st.message());
  }
  impl_->work.result.end_us = NowUs();
  return std::move(impl_->work);
}

FolderWork FailedFolder(const AppFolder& folder, const std::string& error) {
  FolderWork work;
  work.result.name = folder.name;
  work.result.location = folder.location;
  work.result.status = kStatusFailed;
  work.result.error = error;
  work.result.start_us = work.result.end_us = NowUs();
  return work;
}

FolderWork MergeFolderParts(const IngestTables& tables, const AppFolder& folder,
                            std::vector<FolderWork> parts) {
  FolderWork merged;
  merged.result.name = folder.name;
  merged.result.location = folder.location;
  merged.result.start_us = NowUs();
  std::string error;
  for (auto& part : parts) {
    merged.result.start_us = std::min(merged.result.start_us, part.result.start_us);
    merged.result.end_us = std::max(merged.result.end_us, part.result.end_us);
    if (part.result.status == kStatusFailed && error.empty()) error = part.result.error;
    merged.changed_files += part.changed_files;
  }
  if (!error.empty()) {
    // One unreadable file fails the folder: nothing of it may be committed.
    for (auto& part : parts) {
      for (const auto& f : part.data_files) (void)tables.data->io()->Delete(f.file_path);
      for (const auto& f : part.reject_files) (void)tables.data->io()->Delete(f.file_path);
    }
    merged.result.status = kStatusFailed;
    merged.result.error = error;
    return merged;
  }
  for (auto& part : parts) {
    merged.result.records += part.result.records;
    merged.result.rejects += part.result.rejects;
    merged.bytes += part.bytes;
    merged.lines += part.lines;
    merged.unchanged_files += part.unchanged_files;
    merged.had_earlier = merged.had_earlier || part.had_earlier;
    for (auto& f : part.files) merged.files.push_back(std::move(f));
    for (auto& f : part.data_files) merged.data_files.push_back(std::move(f));
    for (auto& f : part.reject_files) merged.reject_files.push_back(std::move(f));
    for (const auto& [reason, n] : part.rejects_by_reason) merged.rejects_by_reason[reason] += n;
  }
  std::sort(merged.files.begin(), merged.files.end(), [](const BatchFile& a, const BatchFile& b) {
    return a.file.location < b.file.location;
  });
  if (merged.result.records == 0 && merged.lines > 0 && !merged.had_earlier) {
    // The folder's lines were read and their rejects kept, but it yields nothing.
    merged.result.status = kStatusFailed;
    merged.result.error = "No valid records found";
  } else {
    merged.result.status = kStatusSuccess;
  }
  return merged;
}

arrow::Result<std::vector<iceberg::DataFile>> RewriteBatchRejects(const IngestTables& tables,
                                                                  const IngestBatch& batch,
                                                                  const std::string& file_prefix) {
  ARROW_ASSIGN_OR_RAISE(auto writer, MakeWriter(*tables.rejects, 0, file_prefix));
  ARROW_ASSIGN_OR_RAISE(auto schema, iceberg::ToArrowSchema(*RejectsSchema()));
  auto& io = tables.source_io ? *tables.source_io : *tables.data->io();
  std::map<std::string, std::string> folder_location;
  for (const auto& f : batch.folders) folder_location[f.name] = f.location;
  SparkLogParser parser;
  SourceReader reader;
  auto restore = [&](const BatchFile& entry) -> arrow::Status {
    // The same bytes as the batch read, read the same way, give the same rejected lines.
    ReadPlan read;
    read.start = entry.start;
    read.end = entry.file.size;
    read.prefix_crc = entry.start_crc64;
    read.first_line = entry.first_line;
    read.compression = CompressionFromName(entry.compression);
    RejectRows rows(entry.folder, batch.job_id, NowUs());
    const std::string relative = RelativeTo(folder_location[entry.folder], entry.file.location);
    std::vector<RejectedLine> rejected;
    ParseCounts counts;
    auto after_window = [&]() -> arrow::Status {
      for (const auto& r : rejected) ARROW_RETURN_NOT_OK(rows.Add(relative, r));
      rejected.clear();
      (void)parser.Flush();  // the valid records are in the data table already
      if (rows.size() > 0) {
        ARROW_ASSIGN_OR_RAISE(auto rb, rows.Finish(schema));
        ARROW_RETURN_NOT_OK(writer->Write(*rb));
      }
      return arrow::Status::OK();
    };
    ARROW_ASSIGN_OR_RAISE(ReadOutcome got, reader.Read(io, entry.file.identity, read, &parser,
                                                       &rejected, &counts, after_window));
    if (got.changed || got.crc != entry.crc64 || got.end != entry.file.size) {
      return arrow::Status::IOError("file ", entry.file.location, " changed or vanished");
    }
    return arrow::Status::OK();
  };
  for (const auto& entry : batch.files) {
    if (entry.rejects == 0) continue;
    arrow::Status st = entry.has_crc ? restore(entry)
                                     : arrow::Status::IOError("file ", entry.file.location,
                                                              " was recorded without a checksum");
    if (!st.ok()) {
      (void)writer->Abort();
      return arrow::Status::IOError("cannot restore the rejects of batch ", batch.batch_id, ": ",
                                    st.message());
    }
  }
  return writer->Close();
}

}  // namespace floe::ingest
