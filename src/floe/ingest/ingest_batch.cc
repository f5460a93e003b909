#include "floe/ingest/ingest_batch.h"

#include <nlohmann/json.hpp>

#include "floe/util/crc64.h"

namespace floe::ingest {

int64_t IngestBatch::total_rejects() const {
  int64_t n = 0;
  for (const auto& f : files) n += f.rejects;
  return n;
}

std::string IngestBatch::ToJson() const {
  nlohmann::ordered_json doc;
  doc["batch-id"] = batch_id;
  doc["job-id"] = job_id;
  auto& folders_json = doc["folders"] = nlohmann::ordered_json::array();
  for (const auto& f : folders) {
    folders_json.push_back({{"name", f.name},
                            {"location", f.location},
                            {"status", f.status},
                            {"records", f.records},
                            {"rejects", f.rejects},
                            {"error", f.error},
                            {"start-us", f.start_us},
                            {"end-us", f.end_us}});
  }
  auto& files_json = doc["files"] = nlohmann::ordered_json::array();
  for (const auto& f : files) {
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
    files_json.push_back(std::move(entry));
  }
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
  auto str = [](const nlohmann::json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [](const nlohmann::json& j, const char* k) -> int64_t {
    auto it = j.find(k);
    return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  batch.batch_id = str(doc, "batch-id");
  batch.job_id = str(doc, "job-id");
  if (batch.batch_id.empty()) return bad("missing batch-id");
  auto folders = doc.find("folders");
  auto files = doc.find("files");
  if (folders == doc.end() || !folders->is_array() || files == doc.end() || !files->is_array()) {
    return bad("missing folders or files");
  }
  for (const auto& f : *folders) {
    if (!f.is_object()) return bad("folder entry is not an object");
    batch.folders.push_back(FolderResult{str(f, "name"), str(f, "location"), str(f, "status"),
                                         num(f, "records"), num(f, "rejects"), str(f, "error"),
                                         num(f, "start-us"), num(f, "end-us")});
  }
  auto flag = [](const nlohmann::json& j, const char* k, bool fallback) {
    auto it = j.find(k);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
  };
  for (const auto& f : *files) {
    if (!f.is_object()) return bad("file entry is not an object");
    BatchFile entry;
    entry.folder = str(f, "folder");
    entry.file.location = str(f, "location");
    entry.file.identity = str(f, "identity");
    // Records written before identities were kept name files only by their location.
    if (entry.file.identity.empty()) entry.file.identity = entry.file.location;
    entry.file.size = num(f, "size");
    entry.file.mtime_ns = num(f, "mtime-ns");
    entry.file.etag = str(f, "etag");
    entry.start = num(f, "start");
    entry.has_crc = f.contains("crc64");
    if (entry.has_crc && !util::Crc64FromHex(str(f, "crc64"), &entry.crc64)) {
      return bad("crc64 is not 16 hex digits");
    }
    if (entry.has_crc && !util::Crc64FromHex(str(f, "start-crc64"), &entry.start_crc64)) {
      return bad("start-crc64 is not 16 hex digits");
    }
    entry.first_line = f.contains("first-line") ? num(f, "first-line") : 1;
    entry.last_line = num(f, "last-line");
    entry.at_line_start = flag(f, "at-line-start", true);
    entry.compression = f.contains("compression") ? str(f, "compression") : "none";
    entry.reingested = flag(f, "reingested", false);
    if (f.contains("rejected-tail-start")) {
      entry.rejected_tail_start = num(f, "rejected-tail-start");
      if (!util::Crc64FromHex(str(f, "rejected-tail-crc64"), &entry.rejected_tail_crc64)) {
        return bad("rejected-tail-crc64 is not 16 hex digits");
      }
    }
    entry.records = num(f, "records");
    entry.rejects = num(f, "rejects");
    batch.files.push_back(std::move(entry));
  }
  return batch;
}

}  // namespace floe::ingest
