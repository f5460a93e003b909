#include "floe/ingest/ingest_run.h"

#include "floe/io/location.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/util/properties.h"

namespace floe::ingest {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string HostName() {
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

std::string BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

// The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or -1
// when there is no such process: with the boot id it names one process, not a reused pid.
int64_t ProcessStart(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return -1;
  auto paren = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return std::stoll(field);
  }
  return -1;
}

// Markers sit beside the batch records, as run-<job id>.json: a purge that deletes the batch
// records leaves no folder behind for them.
std::string IngestFolder(const IngestTables& tables) {
  return io::JoinLocation(tables.data->metadata().location, "metadata/floe-ingest");
}

constexpr std::string_view kMarkerPrefix = "run-";

std::string BaseName(const std::string& location) {
  auto slash = location.rfind('/');
  return slash == std::string::npos ? location : location.substr(slash + 1);
}

// Where a table's data files go (DataWriter's rule): write.data.path, else <location>/data.
std::string DataFolder(const iceberg::Table& table) {
  auto path = util::StringProperty(table.metadata().properties, iceberg::property::kWriteDataPath);
  if (!path.empty()) return path;
  return io::JoinLocation(table.metadata().location, "data");
}

// One spelling per local file for comparing locations: metadata may say `file:///a`,
// `file:/a` or `/a` for the file a listing calls `/a`.
// On S3, `s3a://b/k` and `s3://b/k` are one object.
std::string ComparableLocation(const std::string& location) {
  auto parsed = io::ParseLocation(location);
  if (!parsed.ok()) return location;
  if (parsed->kind == io::StorageKind::kS3) return io::CanonicalS3Location(*parsed);
  return parsed->path;
}

bool MarkerIsDead(const nlohmann::json& marker, const std::string& host,
                  const std::string& boot_id) {
  auto str = [&](const char* k) {
    return marker.contains(k) && marker[k].is_string() ? marker[k].get<std::string>() : "";
  };
  auto num = [&](const char* k) -> int64_t {
    return marker.contains(k) && marker[k].is_number_integer() ? marker[k].get<int64_t>() : 0;
  };
  if (str("host") == host && str("boot-id") == boot_id && !boot_id.empty()) {
    return ProcessStart(num("pid")) != num("pid-start");
  }
  return NowMs() - num("heartbeat-ms") > IngestRun::kStaleAfterMs;
}

// Deletes the files named with one of `prefixes` below the tables' data folders and the
// folder of the batch records that the tables do not reference, except those of the runs
// with the `live` prefixes. The tables' references are read once for all the prefixes.
arrow::Result<int64_t> DeleteUnreferenced(const IngestTables& tables,
                                          const std::vector<std::string>& prefixes,
                                          const std::vector<std::string>& live) {
  auto& io = *tables.data->io();
  // Everything the three tables reference stays, whoever wrote it.
  std::set<std::string> referenced;
  std::vector<std::shared_ptr<iceberg::Table>> all = {tables.data, tables.metadata};
  if (tables.rejects) all.push_back(tables.rejects);
  for (const auto& t : all) {
    ARROW_RETURN_NOT_OK(t->Refresh());
    ARROW_ASSIGN_OR_RAISE(auto reachable, iceberg::ListReachableFiles(*t->io(), t->state()));
    for (const auto& f : reachable.All()) referenced.insert(ComparableLocation(f));
  }
  // The prefix of `name` among `prefixes`, if any.
  auto prefix_of = [&](const std::string& name) -> const std::string* {
    for (const auto& p : prefixes) {
      if (name.rfind(p, 0) == 0) return &p;
    }
    return nullptr;
  };
  // (folder, recursive): the tables' data folders and the folder of the batch records.
  std::vector<std::pair<std::string, bool>> folders;
  for (const auto& t : all) folders.emplace_back(DataFolder(*t), true);
  folders.emplace_back(IngestFolder(tables), false);
  int64_t deleted = 0;
  for (const auto& [folder, recursive] : folders) {
    auto files = io.List(folder, recursive);
    if (!files.ok()) continue;  // a table without data yet
    for (const auto& f : *files) {
      const std::string name = BaseName(f.location);
      if (f.kind != io::FileKind::kFile) continue;
      const std::string* prefix = prefix_of(name);
      if (prefix == nullptr || referenced.count(ComparableLocation(f.location))) continue;
      // A live run whose job id extends the dead one's (job "a" and job "a-b") shares the
      // start of its names: its files are not the dead run's.
      bool live_run_file = false;
      for (const auto& p : live) {
        live_run_file |= p.size() > prefix->size() && name.rfind(p, 0) == 0;
      }
      if (live_run_file) continue;
      ARROW_RETURN_NOT_OK(io.Delete(f.location));
      ++deleted;
    }
  }
  return deleted;
}

}  // namespace

std::string FileNameSafe(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out;
}

std::string RunFilePrefix(const std::string& job_id) {
  return "floe-" + FileNameSafe(job_id) + "-";
}

std::string IngestRun::MarkerJson() const {
  nlohmann::ordered_json doc;
  doc["job-id"] = job_id_;
  doc["host"] = HostName();
  doc["boot-id"] = BootId();
  doc["pid"] = static_cast<int64_t>(::getpid());
  doc["pid-start"] = ProcessStart(::getpid());
  doc["started-ms"] = started_ms_;
  doc["heartbeat-ms"] = NowMs();
  doc["file-prefix"] = file_prefix_;
  return doc.dump();
}

arrow::Result<std::unique_ptr<IngestRun>> IngestRun::Start(const IngestTables& tables,
                                                           const std::string& job_id) {
  std::unique_ptr<IngestRun> run(new IngestRun());
  run->io_ = tables.data->io();
  run->job_id_ = job_id;
  run->file_prefix_ = RunFilePrefix(job_id);
  run->started_ms_ = NowMs();
  run->marker_location_ = io::JoinLocation(
      IngestFolder(tables), std::string(kMarkerPrefix) + FileNameSafe(job_id) + ".json");
  ARROW_RETURN_NOT_OK(run->io_->WriteAll(run->marker_location_, run->MarkerJson()));
  IngestRun* self = run.get();
  run->refresher_ = std::thread([self] {
    std::unique_lock<std::mutex> lock(self->mu_);
    while (!self->wake_.wait_for(lock, std::chrono::milliseconds(kRefreshMs),
                                 [self] { return self->stopping_; })) {
      // A failed refresh only makes the run look stale sooner to other hosts.
      (void)self->io_->WriteAll(self->marker_location_, self->MarkerJson());
    }
  });
  return run;
}

IngestRun::~IngestRun() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  if (!leave_marker_) (void)io_->Delete(marker_location_);
}

arrow::Result<int64_t> IngestRun::SweepDeadRuns(const IngestTables& tables,
                                                const std::string& own_job_id) {
  auto& io = *tables.data->io();
  auto markers = io.List(IngestFolder(tables), /*recursive=*/false);
  if (!markers.ok()) return 0;  // no run ever wrote here
  const std::string host = HostName();
  const std::string boot_id = BootId();
  std::vector<std::pair<std::string, std::string>> dead;  // (marker, file prefix)
  std::vector<std::string> live;                          // prefixes of runs that may still write
  for (const auto& m : *markers) {
    if (m.kind != io::FileKind::kFile || BaseName(m.location).rfind(kMarkerPrefix, 0) != 0) {
      continue;
    }
    auto text = io.ReadAll(m.location);
    if (!text.ok()) continue;  // removed meanwhile by its run
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("file-prefix") ||
        !doc["file-prefix"].is_string()) {
      continue;  // not ours to judge
    }
    const std::string prefix = doc["file-prefix"].get<std::string>();
    if (prefix.size() <= 5 || prefix.rfind("floe-", 0) != 0) continue;  // not a run's prefix
    if (doc.value("job-id", "") == own_job_id || !MarkerIsDead(doc, host, boot_id)) {
      live.push_back(prefix);
      continue;
    }
    dead.emplace_back(m.location, prefix);
  }
  if (dead.empty()) return 0;
  std::vector<std::string> dead_prefixes;
  for (const auto& [marker, prefix] : dead) dead_prefixes.push_back(prefix);
  ARROW_ASSIGN_OR_RAISE(int64_t deleted, DeleteUnreferenced(tables, dead_prefixes, live));
  for (const auto& [marker, prefix] : dead) ARROW_RETURN_NOT_OK(io.Delete(marker));
  return deleted;
}

arrow::Result<int64_t> IngestRun::SweepOwnLeftovers(const IngestTables& tables) const {
  return DeleteUnreferenced(tables, {file_prefix_}, {});
}

}  // namespace floe::ingest
