#include "floe/ingest/folder_ingest.h"

#include <arrow/builder.h>
#include <arrow/record_batch.h>

#include <algorithm>
#include <chrono>

#include "floe/iceberg/arrow_schema.h"
#include "floe/iceberg/data_writer.h"
#include "floe/ingest/decompress.h"
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

arrow::Result<std::unique_ptr<iceberg::DataWriter>> MakeWriter(const iceberg::Table& table,
                                                               int64_t task_id) {
  const auto& md = table.metadata();
  iceberg::DataWriterOptions options;
  options.table_location = md.location;
  options.schema = md.CurrentSchema();
  options.spec = md.DefaultSpec();
  options.properties = md.properties;
  options.task_id = task_id;
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
    ARROW_RETURN_NOT_OK(job_b_.Append(job_id_));
    ARROW_RETURN_NOT_OK(at_b_.Append(rejected_at_));
    return arrow::Status::OK();
  }
  int64_t size() const { return line_b_.length(); }

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
    return arrow::RecordBatch::Make(schema, n, std::move(cols));
  }

 private:
  std::string folder_, job_id_;
  int64_t rejected_at_;
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
  std::unique_ptr<iceberg::DataWriter> data_writer;
  std::unique_ptr<iceberg::DataWriter> reject_writer;
  std::shared_ptr<arrow::Schema> reject_schema;
  std::unique_ptr<RejectRows> reject_rows;
  SparkLogParser parser;
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
  arrow::Status Read(const SourceFile& file) {
    // Mapped, not copied, where the storage allows: reading a file into a buffer of our own
    // (fresh pages, one more copy) cost as much as a quarter of an ingest's CPU time.
    ARROW_ASSIGN_OR_RAISE(auto buffer, tables->data->io()->ReadBuffer(file.location));
    const std::string_view raw(reinterpret_cast<const char*>(buffer->data()),
                               static_cast<size_t>(buffer->size()));
    int64_t size = static_cast<int64_t>(raw.size());
    std::string decompressed;
    std::string_view content = raw;
    if (DetectCompression(raw) != Compression::kNone) {
      ARROW_ASSIGN_OR_RAISE(decompressed, Decompress(std::string(raw), file.location));
      content = decompressed;
    }
    ParseCounts counts;
    rejected.clear();
    ARROW_RETURN_NOT_OK(parser.ParseFile(content, &rejected, &counts));
    std::string relative = RelativeTo(folder->location, file.location);
    for (const auto& r : rejected) {
      ++work.rejects_by_reason[r.reason];
      if (reject_writer) ARROW_RETURN_NOT_OK(reject_rows->Add(relative, r));
    }
    work.files.push_back(BatchFile{folder->name, file, counts.records, counts.rejected});
    work.result.records += counts.records;
    work.result.rejects += counts.rejected;
    work.bytes += size;
    if (parser.buffered_bytes() >= kFlushBytes) ARROW_RETURN_NOT_OK(FlushRecords());
    if (reject_writer && reject_rows->size() >= 64 * 1024) ARROW_RETURN_NOT_OK(FlushRejects());
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
    int64_t task_id) {
  auto impl = std::make_unique<Impl>();
  impl->tables = &tables;
  impl->folder = &folder;
  impl->work.result.name = folder.name;
  impl->work.result.location = folder.location;
  impl->work.result.start_us = NowUs();
  ARROW_ASSIGN_OR_RAISE(impl->data_writer, MakeWriter(*tables.data, task_id));
  if (tables.rejects) {
    ARROW_ASSIGN_OR_RAISE(impl->reject_writer, MakeWriter(*tables.rejects, task_id));
    ARROW_ASSIGN_OR_RAISE(impl->reject_schema, iceberg::ToArrowSchema(*RejectsSchema()));
    impl->reject_rows = std::make_unique<RejectRows>(folder.name, job_id, NowUs());
  }
  return std::unique_ptr<FolderPartWriter>(new FolderPartWriter(std::move(impl)));
}

arrow::Status FolderPartWriter::AddFile(const SourceFile& file) {
  if (impl_->work.result.status == kStatusFailed) {
    return arrow::Status::Invalid(impl_->work.result.error);
  }
  arrow::Status st = impl_->Read(file);
  if (!st.ok()) {
    st = arrow::Status::IOError("file ", file.location, ": ", st.message());
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
    for (auto& f : part.files) merged.files.push_back(std::move(f));
    for (auto& f : part.data_files) merged.data_files.push_back(std::move(f));
    for (auto& f : part.reject_files) merged.reject_files.push_back(std::move(f));
    for (const auto& [reason, n] : part.rejects_by_reason) merged.rejects_by_reason[reason] += n;
  }
  std::sort(merged.files.begin(), merged.files.end(), [](const BatchFile& a, const BatchFile& b) {
    return a.file.location < b.file.location;
  });
  if (merged.result.records == 0) {
    // The folder's lines were read and their rejects kept, but it yields nothing.
    merged.result.status = kStatusFailed;
    merged.result.error = "No valid records found";
  } else {
    merged.result.status = kStatusSuccess;
  }
  return merged;
}

arrow::Result<std::vector<iceberg::DataFile>> RewriteBatchRejects(const IngestTables& tables,
                                                                  const IngestBatch& batch) {
  ARROW_ASSIGN_OR_RAISE(auto writer, MakeWriter(*tables.rejects, 0));
  ARROW_ASSIGN_OR_RAISE(auto schema, iceberg::ToArrowSchema(*RejectsSchema()));
  auto& io = *tables.data->io();
  std::map<std::string, std::string> folder_location;
  for (const auto& f : batch.folders) folder_location[f.name] = f.location;
  SparkLogParser parser;
  for (const auto& entry : batch.files) {
    if (entry.rejects == 0) continue;
    auto stat = io.Stat(entry.file.location);
    if (!stat.ok() || stat->size != entry.file.size || stat->mtime_ns != entry.file.mtime_ns) {
      (void)writer->Abort();
      return arrow::Status::IOError("cannot restore the rejects of batch ", batch.batch_id,
                                    ": file ", entry.file.location, " changed or vanished");
    }
    ARROW_ASSIGN_OR_RAISE(auto raw, io.ReadAll(entry.file.location));
    ARROW_ASSIGN_OR_RAISE(auto content, Decompress(std::move(raw), entry.file.location));
    std::vector<RejectedLine> rejected;
    ParseCounts counts;
    ARROW_RETURN_NOT_OK(parser.ParseFile(content, &rejected, &counts));
    (void)parser.Flush();  // the valid records are in the data table already
    RejectRows rows(entry.folder, batch.job_id, NowUs());
    std::string relative = RelativeTo(folder_location[entry.folder], entry.file.location);
    for (const auto& r : rejected) ARROW_RETURN_NOT_OK(rows.Add(relative, r));
    ARROW_ASSIGN_OR_RAISE(auto rb, rows.Finish(schema));
    ARROW_RETURN_NOT_OK(writer->Write(*rb));
  }
  return writer->Close();
}

}  // namespace floe::ingest
