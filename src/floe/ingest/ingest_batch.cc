#include "floe/ingest/ingest_batch.h"

#include <nlohmann/json.hpp>

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
    files_json.push_back({{"folder", f.folder},
                          {"location", f.file.location},
                          {"size", f.file.size},
                          {"mtime-ns", f.file.mtime_ns},
                          {"records", f.records},
                          {"rejects", f.rejects}});
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
  for (const auto& f : *files) {
    if (!f.is_object()) return bad("file entry is not an object");
    batch.files.push_back(BatchFile{str(f, "folder"),
                                    SourceFile{str(f, "location"), num(f, "size"),
                                               num(f, "mtime-ns")},
                                    num(f, "records"), num(f, "rejects")});
  }
  return batch;
}

}  // namespace floe::ingest
