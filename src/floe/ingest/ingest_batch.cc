#include "floe/ingest/ingest_batch.h"

#include <nlohmann/json.hpp>

#include "floe/ingest/ingest_batch_json.h"
#include "floe/util/crc64.h"

namespace floe::ingest {
namespace {

std::string Str(const nlohmann::json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Num(const nlohmann::json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool Flag(const nlohmann::json& j, const char* k, bool fallback) {
  auto it = j.find(k);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

int64_t IngestBatch::total_rejects() const {
  int64_t n = 0;
  for (const auto& f : files) n += f.rejects;
  return n;
}

nlohmann::ordered_json FolderResultToJson(const FolderResult& f) {
  return {{"name", f.name},       {"location", f.location}, {"status", f.status},
          {"records", f.records}, {"rejects", f.rejects},   {"error", f.error},
          {"start-us", f.start_us}, {"end-us", f.end_us}};
}

FolderResult FolderResultFromJson(const nlohmann::json& f) {
  return FolderResult{Str(f, "name"),    Str(f, "location"), Str(f, "status"),
                      Num(f, "records"), Num(f, "rejects"),  Str(f, "error"),
                      Num(f, "start-us"), Num(f, "end-us")};
}

nlohmann::ordered_json BatchFileToJson(const BatchFile& f) {
  nlohmann::ordered_json entry = {{"folder", f.folder},
                                  {"location", f.file.location},
                                  {"identity", f.file.identity},
                                  {"size", f.file.size},
                                  {"mtime-ns", f.file.mtime_ns},
                                  {"start", f.start},
                                  {"first-line", f.first_line},
                                  {"last-line", f.last_line},
                                  {"at-line-start", f.at_line_start},
                                  {"compression", f.compression},
                                  {"records", f.records},
                                  {"rejects", f.rejects}};
  if (!f.file.etag.empty()) entry["etag"] = f.file.etag;
  if (f.has_crc) {
    entry["crc64"] = util::Crc64ToHex(f.crc64);
    entry["start-crc64"] = util::Crc64ToHex(f.start_crc64);
  }
  if (f.reingested) entry["reingested"] = true;
  if (f.rejected_tail_start >= 0) {
    entry["rejected-tail-start"] = f.rejected_tail_start;
    entry["rejected-tail-crc64"] = util::Crc64ToHex(f.rejected_tail_crc64);
  }
  return entry;
}

arrow::Result<BatchFile> BatchFileFromJson(const nlohmann::json& f, const std::string& where) {
  auto bad = [&](const char* what) {
    return arrow::Status::Invalid("ingest batch file ", where, ": ", what);
  };
  if (!f.is_object()) return bad("file entry is not an object");
  BatchFile entry;
  entry.folder = Str(f, "folder");
  entry.file.location = Str(f, "location");
  entry.file.identity = Str(f, "identity");
  // Records written before identities were kept name files only by their location.
  if (entry.file.identity.empty()) entry.file.identity = entry.file.location;
  entry.file.size = Num(f, "size");
  entry.file.mtime_ns = Num(f, "mtime-ns");
  entry.file.etag = Str(f, "etag");
  entry.start = Num(f, "start");
  entry.has_crc = f.contains("crc64");
  if (entry.has_crc && !util::Crc64FromHex(Str(f, "crc64"), &entry.crc64)) {
    return bad("crc64 is not 16 hex digits");
  }
  if (entry.has_crc && !util::Crc64FromHex(Str(f, "start-crc64"), &entry.start_crc64)) {
    return bad("start-crc64 is not 16 hex digits");
  }
  entry.first_line = f.contains("first-line") ? Num(f, "first-line") : 1;
  entry.last_line = Num(f, "last-line");
  entry.at_line_start = Flag(f, "at-line-start", true);
  entry.compression = f.contains("compression") ? Str(f, "compression") : "none";
  entry.reingested = Flag(f, "reingested", false);
  if (f.contains("rejected-tail-start")) {
    entry.rejected_tail_start = Num(f, "rejected-tail-start");
    if (!util::Crc64FromHex(Str(f, "rejected-tail-crc64"), &entry.rejected_tail_crc64)) {
      return bad("rejected-tail-crc64 is not 16 hex digits");
    }
  }
  entry.records = Num(f, "records");
  entry.rejects = Num(f, "rejects");
  return entry;
}

std::string IngestBatch::ToJson() const {
  nlohmann::ordered_json doc;
  doc["batch-id"] = batch_id;
  doc["job-id"] = job_id;
  auto& folders_json = doc["folders"] = nlohmann::ordered_json::array();
  for (const auto& f : folders) folders_json.push_back(FolderResultToJson(f));
  auto& files_json = doc["files"] = nlohmann::ordered_json::array();
  for (const auto& f : files) files_json.push_back(BatchFileToJson(f));
  return doc.dump();
}

arrow::Result<IngestBatch> IngestBatch::FromJson(const std::string& text,
                                                 const std::string& location) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const char* what) {
    return arrow::Status::Invalid("ingest batch file ", location, ": ", what);
  };
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  IngestBatch batch;
  batch.batch_id = Str(doc, "batch-id");
  batch.job_id = Str(doc, "job-id");
  if (batch.batch_id.empty()) return bad("missing batch-id");
  auto folders = doc.find("folders");
  auto files = doc.find("files");
  if (folders == doc.end() || !folders->is_array() || files == doc.end() || !files->is_array()) {
    return bad("missing folders or files");
  }
  for (const auto& f : *folders) {
    if (!f.is_object()) return bad("folder entry is not an object");
    batch.folders.push_back(FolderResultFromJson(f));
  }
  for (const auto& f : *files) {
    ARROW_ASSIGN_OR_RAISE(auto entry, BatchFileFromJson(f, location));
    batch.files.push_back(std::move(entry));
  }
  return batch;
}

}  // namespace floe::ingest
