#include "floe/ingest/folder_ingest.h"

#include <arrow/builder.h>
#include <arrow/record_batch.h>

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

// Flush parsed records to Parquet at this many buffered bytes: bounds memory per worker.
constexpr int64_t kFlushBytes = 64LL << 20;

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

FolderWork IngestFolder(const IngestTables& tables, const AppFolder& folder,
                        const std::vector<SourceFile>& files, const std::string& job_id,
                        int64_t task_id, const std::function<void(int64_t bytes)>& on_file) {
  FolderWork work;
  work.result.name = folder.name;
  work.result.location = folder.location;
  work.result.start_us = NowUs();
  auto fail = [&](const std::string& error) {
    work.result.status = kStatusFailed;
    work.result.error = error;
    work.result.end_us = NowUs();
    work.files.clear();
    work.data_files.clear();
    work.reject_files.clear();
    return std::move(work);
  };
  if (!folder.error.empty()) return fail(folder.error);

  std::unique_ptr<iceberg::DataWriter> data_writer, reject_writer;
  std::shared_ptr<arrow::Schema> reject_schema;
  auto opened = MakeWriter(*tables.data, task_id);
  if (!opened.ok()) return fail(opened.status().message());
  data_writer = std::move(*opened);
  if (tables.rejects) {
    auto r = MakeWriter(*tables.rejects, task_id);
    if (!r.ok()) return fail(r.status().message());
    reject_writer = std::move(*r);
    reject_schema = *iceberg::ToArrowSchema(*RejectsSchema());
  }
  auto abort = [&](const std::string& error) {
    (void)data_writer->Abort();
    if (reject_writer) (void)reject_writer->Abort();
    return fail(error);
  };

  SparkLogParser parser;
  RejectRows reject_rows(folder.name, job_id, NowUs());
  std::vector<RejectedLine> rejected;
  for (const auto& file : files) {
    auto raw = tables.data->io()->ReadAll(file.location);
    if (!raw.ok()) return abort("file " + file.location + ": " + raw.status().message());
    int64_t size = static_cast<int64_t>(raw->size());
    auto content = Decompress(std::move(*raw), file.location);
    if (!content.ok()) return abort("file " + file.location + ": " + content.status().message());
    ParseCounts counts;
    rejected.clear();
    arrow::Status st = parser.ParseFile(*content, &rejected, &counts);
    if (!st.ok()) return abort("file " + file.location + ": " + st.message());
    std::string relative = RelativeTo(folder.location, file.location);
    for (const auto& r : rejected) {
      ++work.rejects_by_reason[r.reason];
      if (reject_writer) {
        st = reject_rows.Add(relative, r);
        if (!st.ok()) return abort(st.message());
      }
    }
    work.files.push_back(BatchFile{folder.name, file, counts.records, counts.rejected});
    work.result.records += counts.records;
    work.result.rejects += counts.rejected;
    work.bytes += size;
    if (parser.buffered_bytes() >= kFlushBytes) {
      auto batch = parser.Flush();
      if (batch.ok()) st = data_writer->Write(**batch);
      if (!batch.ok() || !st.ok()) {
        return abort(batch.ok() ? st.message() : batch.status().message());
      }
    }
    if (reject_writer && reject_rows.size() >= 64 * 1024) {
      auto batch = reject_rows.Finish(reject_schema);
      if (batch.ok()) st = reject_writer->Write(**batch);
      if (!batch.ok() || !st.ok()) {
        return abort(batch.ok() ? st.message() : batch.status().message());
      }
    }
    if (on_file) on_file(size);
  }
  if (parser.num_rows() > 0) {
    auto batch = parser.Flush();
    arrow::Status st = batch.ok() ? data_writer->Write(**batch) : batch.status();
    if (!st.ok()) return abort(st.message());
  }
  if (reject_writer && reject_rows.size() > 0) {
    auto batch = reject_rows.Finish(reject_schema);
    arrow::Status st = batch.ok() ? reject_writer->Write(**batch) : batch.status();
    if (!st.ok()) return abort(st.message());
  }
  auto data_files = data_writer->Close();
  if (!data_files.ok()) return abort(data_files.status().message());
  work.data_files = std::move(*data_files);
  if (reject_writer) {
    auto reject_files = reject_writer->Close();
    if (!reject_files.ok()) {
      for (const auto& f : work.data_files) (void)tables.data->io()->Delete(f.file_path);
      return abort(reject_files.status().message());
    }
    work.reject_files = std::move(*reject_files);
  }
  work.result.end_us = NowUs();
  if (work.result.records == 0) {
    // The folder's lines were read and their rejects kept, but it yields nothing.
    work.result.status = kStatusFailed;
    work.result.error = "No valid records found";
  } else {
    work.result.status = kStatusSuccess;
  }
  return work;
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
