#include "floe/ingest/distributed_ingest.h"

#include <arrow/util/base64.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/manifest/data_file_bytes.h"
#include "floe/ingest/ingest_batch_json.h"
#include "floe/ingest/ingest_stages.h"
#include "floe/util/crc64.h"
#include "floe/util/failpoint.h"
#include "floe/util/uuid.h"

namespace floe::ingest {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

constexpr const char* kShardFormat = "floe-ingest-shard/1";
constexpr const char* kResultFormat = "floe-ingest-shard-result/1";

std::string ActionName(FilePlan::Action action) {
  return action == FilePlan::Action::kChanged ? "changed" : "read";
}

Json FilePlanToJson(const SourceFile& file, const FilePlan& plan) {
  Json j = {{"location", file.location},
            {"identity", file.identity},
            {"size", file.size},
            {"mtime-ns", file.mtime_ns},
            {"action", ActionName(plan.action)},
            {"start", plan.read.start},
            {"end", plan.read.end},
            {"prefix-crc64", util::Crc64ToHex(plan.read.prefix_crc)},
            {"first-line", plan.read.first_line},
            {"compression", CompressionName(plan.read.compression)}};
  if (!file.etag.empty()) j["etag"] = file.etag;
  if (plan.earlier) j["earlier"] = BatchFileToJson(*plan.earlier);
  return j;
}

// The shard's description and results are written by floe for floe; a field of the wrong
// type is a bug or a mix of versions, refused by the format tag first.
template <typename T>
T Get(const nlohmann::json& j, const char* key) {
  return j.at(key).get<T>();
}

arrow::Result<FilePlan> FilePlanFromJson(const nlohmann::json& j, SourceFile* file) {
  file->location = Get<std::string>(j, "location");
  file->identity = Get<std::string>(j, "identity");
  file->size = Get<int64_t>(j, "size");
  file->mtime_ns = Get<int64_t>(j, "mtime-ns");
  file->etag = j.value("etag", "");
  FilePlan plan;
  plan.action = Get<std::string>(j, "action") == "changed" ? FilePlan::Action::kChanged
                                                           : FilePlan::Action::kRead;
  plan.read.start = Get<int64_t>(j, "start");
  plan.read.end = Get<int64_t>(j, "end");
  if (!util::Crc64FromHex(Get<std::string>(j, "prefix-crc64"), &plan.read.prefix_crc)) {
    return arrow::Status::Invalid("ingest shard: prefix-crc64 is not 16 hex digits");
  }
  plan.read.first_line = Get<int64_t>(j, "first-line");
  plan.read.compression = CompressionFromName(Get<std::string>(j, "compression"));
  if (j.contains("earlier")) {
    ARROW_ASSIGN_OR_RAISE(plan.earlier, BatchFileFromJson(j["earlier"], "in an ingest shard"));
  }
  return plan;
}

arrow::Status CheckFormat(const nlohmann::json& doc, const char* format, const char* what) {
  if (!doc.is_object() || doc.value("format", "") != format) {
    return arrow::Status::Invalid("not ", what, " of this version of floe (", format, ")");
  }
  return arrow::Status::OK();
}

// A JSON parse or access error of a shard or result, as a status.
template <typename F>
auto Guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    return arrow::Status::Invalid("malformed ", what, ": ", e.what());
  }
}

arrow::Result<std::string> EncodeFiles(const std::shared_ptr<iceberg::Table>& table,
                                       const std::vector<iceberg::DataFile>& files) {
  if (files.empty()) return std::string();
  ARROW_ASSIGN_OR_RAISE(auto bytes, iceberg::EncodeDataFiles(table->metadata(), files));
  return arrow::util::base64_encode(bytes);
}

arrow::Result<std::vector<iceberg::DataFile>> DecodeFiles(
    const std::shared_ptr<iceberg::Table>& table, const std::string& text) {
  if (text.empty()) return std::vector<iceberg::DataFile>{};
  if (!table) return arrow::Status::Invalid("shard result has reject files; the run keeps none");
  ARROW_ASSIGN_OR_RAISE(auto bytes, arrow::util::base64_decode(text));
  auto decoded = iceberg::DecodeDataFiles(table->metadata(), bytes);
  if (decoded.ok()) return decoded;
  // The reader may have seen a spec or schema added since the run began.
  ARROW_RETURN_NOT_OK(table->Refresh());
  return iceberg::DecodeDataFiles(table->metadata(), bytes);
}

arrow::Result<Json> PartToJson(const IngestTables& tables, const FolderWork& w) {
  Json files = Json::array();
  for (const auto& f : w.files) files.push_back(BatchFileToJson(f));
  Json reasons = Json::object();
  for (const auto& [reason, n] : w.rejects_by_reason) reasons[reason] = n;
  ARROW_ASSIGN_OR_RAISE(auto data, EncodeFiles(tables.data, w.data_files));
  ARROW_ASSIGN_OR_RAISE(auto rejects, EncodeFiles(tables.rejects, w.reject_files));
  return Json{{"result", FolderResultToJson(w.result)},
              {"files", std::move(files)},
              {"rejects-by-reason", std::move(reasons)},
              {"bytes", w.bytes},
              {"lines", w.lines},
              {"changed-files", w.changed_files},
              {"unchanged-files", w.unchanged_files},
              {"had-earlier", w.had_earlier},
              {"data-files", data},
              {"reject-files", rejects}};
}

arrow::Result<FolderWork> PartFromJson(const IngestTables& tables, const nlohmann::json& j) {
  FolderWork w;
  w.result = FolderResultFromJson(j.at("result"));
  for (const auto& f : j.at("files")) {
    ARROW_ASSIGN_OR_RAISE(auto file, BatchFileFromJson(f, "in an ingest shard result"));
    w.files.push_back(std::move(file));
  }
  for (const auto& [reason, n] : j.at("rejects-by-reason").items()) {
    w.rejects_by_reason[reason] = n.get<int64_t>();
  }
  w.bytes = Get<int64_t>(j, "bytes");
  w.lines = Get<int64_t>(j, "lines");
  w.changed_files = Get<int64_t>(j, "changed-files");
  w.unchanged_files = Get<int64_t>(j, "unchanged-files");
  w.had_earlier = Get<bool>(j, "had-earlier");
  ARROW_ASSIGN_OR_RAISE(w.data_files, DecodeFiles(tables.data, Get<std::string>(j, "data-files")));
  ARROW_ASSIGN_OR_RAISE(w.reject_files,
                        DecodeFiles(tables.rejects, Get<std::string>(j, "reject-files")));
  return w;
}

// Shards of about equal new bytes: the largest file first into the lightest shard. Within a
// shard files keep folder order, so a reader finishes one folder before the next.
std::vector<std::vector<std::pair<size_t, size_t>>> SplitIntoShards(
    const std::vector<PendingFolder>& pending, int max_shards) {
  std::vector<std::pair<size_t, size_t>> items;  // (folder, file)
  for (size_t i = 0; i < pending.size(); ++i) {
    for (size_t f = 0; f < pending[i].files.size(); ++f) items.emplace_back(i, f);
  }
  auto bytes = [&](const std::pair<size_t, size_t>& item) {
    const auto& read = pending[item.first].files[item.second].plan.read;
    return read.end - read.start;
  };
  std::stable_sort(items.begin(), items.end(),
                   [&](const auto& a, const auto& b) { return bytes(a) > bytes(b); });
  const size_t n = std::min(items.size(), static_cast<size_t>(std::max(1, max_shards)));
  std::vector<std::vector<std::pair<size_t, size_t>>> shards(n);
  std::vector<int64_t> load(n, 0);
  for (const auto& item : items) {
    size_t lightest = std::min_element(load.begin(), load.end()) - load.begin();
    load[lightest] += std::max<int64_t>(bytes(item), 1);
    shards[lightest].push_back(item);
  }
  for (auto& shard : shards) std::sort(shard.begin(), shard.end());
  return shards;
}

}  // namespace

struct IngestCoordinator::State {
  IngestOptions options;
  IngestReport report;
  std::unique_ptr<PreparedIngest> prepared;
  std::vector<std::string> shards;
  std::vector<bool> have_result;
  std::map<std::string, size_t> folder_index;           // folder name → index in pending
  std::vector<std::vector<FolderWork>> parts;           // per pending folder
  bool finished = false;
  Clock::time_point started;
};

arrow::Result<std::unique_ptr<IngestCoordinator>> IngestCoordinator::Start(
    catalog::Catalog& catalog, const IngestOptions& options, int max_shards) {
  if (options.dry_run) {
    return arrow::Status::Invalid("a distributed ingest has no dry run; use floe ingest --dry-run");
  }
  std::unique_ptr<IngestCoordinator> self(new IngestCoordinator());
  auto state = std::make_unique<State>();
  state->started = Clock::now();
  state->options = options;
  state->report.job_id = options.job_id.empty() ? util::RandomUuid() : options.job_id;
  ARROW_ASSIGN_OR_RAISE(state->prepared, PrepareIngest(catalog, options, &state->report));
  const auto& pending = state->prepared->pending;
  state->parts.resize(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) state->folder_index[pending[i].folder->name] = i;

  const Json table = {{"namespace", options.table.ns}, {"name", options.table.name}};
  auto split = SplitIntoShards(pending, max_shards);
  for (size_t s = 0; s < split.size(); ++s) {
    Json folders = Json::array();
    for (const auto& [i, f] : split[s]) {
      const AppFolder& folder = *pending[i].folder;
      if (folders.empty() || folders.back()["name"] != folder.name) {
        folders.push_back({{"name", folder.name}, {"location", folder.location},
                           {"files", Json::array()}});
      }
      const PendingFile& file = pending[i].files[f];
      folders.back()["files"].push_back(FilePlanToJson(*file.file, file.plan));
    }
    Json doc = {{"format", kShardFormat},
                {"shard", s},
                {"job-id", state->report.job_id},
                {"table", table},
                {"source", options.source},
                {"rejects", state->prepared->tables.rejects != nullptr},
                {"reingest-changed", options.reingest_changed},
                {"max-line-bytes", options.max_line_bytes},
                {"folders", std::move(folders)}};
    state->shards.push_back(doc.dump());
  }
  state->have_result.assign(state->shards.size(), false);
  self->state_ = std::move(state);
  return self;
}

IngestCoordinator::~IngestCoordinator() {
  if (state_ && !state_->finished) (void)Abort();
}

const std::string& IngestCoordinator::job_id() const { return state_->report.job_id; }

const std::vector<std::string>& IngestCoordinator::shards() const { return state_->shards; }

arrow::Status IngestCoordinator::AddShardResult(const std::string& text) {
  if (state_->finished) return arrow::Status::Invalid("the distributed ingest has ended");
  const IngestTables& tables = state_->prepared->tables;
  return Guarded("ingest shard result", [&]() -> arrow::Status {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    ARROW_RETURN_NOT_OK(CheckFormat(doc, kResultFormat, "an ingest shard result"));
    if (Get<std::string>(doc, "job-id") != state_->report.job_id) {
      return arrow::Status::Invalid("shard result of another run (job ",
                                    Get<std::string>(doc, "job-id"), ")");
    }
    const auto shard = Get<size_t>(doc, "shard");
    if (shard >= state_->shards.size()) return arrow::Status::Invalid("no shard ", shard);
    if (state_->have_result[shard]) {
      return arrow::Status::Invalid("shard ", shard, " has a result already");
    }
    std::vector<std::pair<size_t, FolderWork>> parts;
    for (const auto& p : doc.at("parts")) {
      ARROW_ASSIGN_OR_RAISE(auto work, PartFromJson(tables, p));
      auto it = state_->folder_index.find(work.result.name);
      if (it == state_->folder_index.end()) {
        return arrow::Status::Invalid("shard result names folder ", work.result.name,
                                      ", which the run did not plan");
      }
      parts.emplace_back(it->second, std::move(work));
    }
    for (auto& [i, work] : parts) state_->parts[i].push_back(std::move(work));
    state_->have_result[shard] = true;
    return arrow::Status::OK();
  });
}

arrow::Result<IngestReport> IngestCoordinator::Commit() {
  if (state_->finished) return arrow::Status::Invalid("the distributed ingest has ended");
  for (size_t s = 0; s < state_->have_result.size(); ++s) {
    if (!state_->have_result[s]) return arrow::Status::Invalid("shard ", s, " has no result");
  }
  PreparedIngest& prepared = *state_->prepared;
  IngestReport& report = state_->report;
  auto work = MergeFolders(prepared.tables, prepared.pending, 0, prepared.pending.size(),
                           std::move(state_->parts), nullptr);
  state_->parts.clear();
  arrow::Status committed = CommitFolders(prepared.tables, *prepared.ledger, state_->options.stop,
                                          report.job_id, report.job_id + "-0", std::move(work),
                                          &report);
  if (!committed.ok()) {
    // After an unknown outcome the table may hold the batch: its files, and the marker that
    // leads to them, stay for the next run's ledger and leftover sweep to judge.
    if (iceberg::IsCommitStateUnknown(committed)) {
      if (prepared.run) prepared.run->LeaveMarker();
      prepared.run.reset();
    } else {
      (void)Abort();
    }
    state_->finished = true;
    return committed;
  }
  state_->finished = true;
  if (prepared.run) {
    auto swept = prepared.run->SweepOwnLeftovers(prepared.tables);
    if (swept.ok()) {
      report.swept_files += *swept;
    } else {
      report.warnings.push_back("cannot remove the files of abandoned shard reads (" +
                                swept.status().message() + "); the next run removes them");
    }
  }
  prepared.run.reset();
  report.seconds = std::chrono::duration<double>(Clock::now() - state_->started).count();
  return report;
}

arrow::Status IngestCoordinator::Abort() {
  state_->finished = true;
  state_->parts.clear();
  PreparedIngest& prepared = *state_->prepared;
  if (!prepared.run) return arrow::Status::OK();
  auto swept = prepared.run->SweepOwnLeftovers(prepared.tables);
  // Unless the sweep worked, the marker stays for the next run to find this run's files by.
  if (!swept.ok()) prepared.run->LeaveMarker();
  prepared.run.reset();
  return swept.status();
}

arrow::Result<std::string> ReadShard(catalog::Catalog& catalog, const std::string& text,
                                     const ShardReadOptions& options) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  ARROW_RETURN_NOT_OK(CheckFormat(doc, kShardFormat, "an ingest shard"));
  IngestOptions ingest;
  std::vector<AppFolder> folders;
  std::vector<PendingFolder> pending;
  std::string job_id;
  size_t shard = 0;
  ARROW_RETURN_NOT_OK(Guarded("ingest shard", [&]() -> arrow::Status {
    shard = Get<size_t>(doc, "shard");
    job_id = Get<std::string>(doc, "job-id");
    ingest.table.ns = doc.at("table").at("namespace").get<std::vector<std::string>>();
    ingest.table.name = Get<std::string>(doc.at("table"), "name");
    ingest.source = Get<std::string>(doc, "source");
    ingest.rejects = Get<bool>(doc, "rejects");
    ingest.reingest_changed = Get<bool>(doc, "reingest-changed");
    ingest.max_line_bytes = Get<int64_t>(doc, "max-line-bytes");
    const auto& folders_json = doc.at("folders");
    folders.resize(folders_json.size());  // not resized again: `pending` points into it
    for (size_t i = 0; i < folders.size(); ++i) {
      const auto& fj = folders_json[i];
      folders[i].name = Get<std::string>(fj, "name");
      folders[i].location = Get<std::string>(fj, "location");
      std::vector<FilePlan> plans;
      for (const auto& file : fj.at("files")) {
        SourceFile source_file;
        ARROW_ASSIGN_OR_RAISE(auto plan, FilePlanFromJson(file, &source_file));
        folders[i].files.push_back(std::move(source_file));
        plans.push_back(std::move(plan));
      }
      PendingFolder p{&folders[i], {}, 0};
      for (size_t f = 0; f < plans.size(); ++f) {
        p.bytes += plans[f].read.end - plans[f].read.start;
        p.files.push_back(PendingFile{&folders[i].files[f], std::move(plans[f])});
      }
      pending.push_back(std::move(p));
    }
    return arrow::Status::OK();
  }));

  IngestTables tables;
  ARROW_ASSIGN_OR_RAISE(tables.data, catalog.LoadTable(ingest.table));
  if (ingest.rejects) {
    ARROW_ASSIGN_OR_RAISE(tables.rejects, catalog.LoadTable(RejectsTableId(ingest.table)));
  }
  ARROW_ASSIGN_OR_RAISE(tables.source_io,
                        io::MakeFileIO(ingest.source, options.source_properties));
  ingest.stop = options.stop;
  auto parts = ReadFolderParts(tables, ReadOptionsOf(ingest, job_id), job_id,
                               ThreadsOf(options.threads), pending, 0, pending.size(), nullptr);
  if (StopRequested(options.stop)) {
    return arrow::Status::Cancelled("interrupted; the shard's files are left to its run");
  }
  // Test hook: a reader held (or killed) after writing its files, before handing them over.
  util::PausePoint("shard-read");
  Json parts_json = Json::array();
  for (const auto& folder_parts : parts) {
    for (const auto& part : folder_parts) {
      ARROW_ASSIGN_OR_RAISE(auto j, PartToJson(tables, part));
      parts_json.push_back(std::move(j));
    }
  }
  Json result = {{"format", kResultFormat},
                 {"shard", shard},
                 {"job-id", job_id},
                 {"parts", std::move(parts_json)}};
  return result.dump();
}

}  // namespace floe::ingest
