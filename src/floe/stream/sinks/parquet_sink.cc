#include "floe/stream/sinks/parquet_sink.h"

#include <arrow/table.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/stream/dead_letters.h"
#include "floe/util/uuid.h"

namespace floe::stream {
namespace {

constexpr const char* kManifestRoot = "_floe_stream";
constexpr const char* kDeadLetterFolder = "_dlq";
// How often a commit is planned again when another process committed other partitions
// between its check and its manifest.
constexpr int kMaxManifestRaces = 20;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string SequenceName(int64_t sequence) {
  char name[32];
  std::snprintf(name, sizeof(name), "%08lld", static_cast<long long>(sequence));
  return name;
}

// "00000012.json" -> 12; anything else -> -1.
int64_t ManifestSequence(const std::string& location) {
  const std::string name = location.substr(location.find_last_of('/') + 1);
  if (name.size() != 13 || name.substr(8) != ".json") return -1;
  for (size_t i = 0; i < 8; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
  }
  return std::stoll(name.substr(0, 8));
}

bool SameStart(const PartitionOffsets& now, const PartitionOffsets& started,
               const std::set<TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    auto a = now.find(tp);
    auto b = started.find(tp);
    if ((a == now.end()) != (b == started.end())) return false;
    if (a != now.end() && a->second != b->second) return false;
  }
  return true;
}

}  // namespace

arrow::Result<std::unique_ptr<ParquetSink>> ParquetSink::Open(std::shared_ptr<io::FileIO> io,
                                                              ParquetSinkOptions options) {
  if (options.path.empty()) return arrow::Status::Invalid("--sink parquet needs --path");
  while (options.path.size() > 1 && options.path.back() == '/') options.path.pop_back();
  std::unique_ptr<ParquetSink> sink(new ParquetSink(std::move(io), std::move(options)));
  ARROW_RETURN_NOT_OK(sink->Refresh());
  ARROW_RETURN_NOT_OK(sink->RemoveUncommittedFiles());
  return sink;
}

std::string ParquetSink::ManifestFolder() const {
  return io::JoinLocation(io::JoinLocation(options_.path, kManifestRoot), options_.stream_id);
}

arrow::Result<std::pair<int64_t, PartitionOffsets>> ParquetSink::Newest() {
  const std::string folder = ManifestFolder();
  auto entries = io_->List(folder, false);
  if (!entries.ok()) {
    ARROW_ASSIGN_OR_RAISE(bool exists, io_->Exists(folder));
    if (!exists) return std::pair<int64_t, PartitionOffsets>{0, {}};
    return entries.status();
  }
  int64_t newest = 0;
  std::string location;
  for (const auto& e : *entries) {
    int64_t sequence = ManifestSequence(e.location);
    if (!e.is_dir() && sequence > newest) {
      newest = sequence;
      location = e.location;
    }
  }
  if (newest == 0) return std::pair<int64_t, PartitionOffsets>{0, {}};
  ARROW_ASSIGN_OR_RAISE(auto text, io_->ReadAll(location));
  auto manifest = nlohmann::json::parse(text, nullptr, false);
  if (manifest.is_discarded() || !manifest.contains("offsets")) {
    return arrow::Status::Invalid("stream manifest ", location, ": not a manifest (no offsets)");
  }
  ARROW_ASSIGN_OR_RAISE(auto offsets, DecodeOffsets(manifest["offsets"].dump(), location));
  return std::pair<int64_t, PartitionOffsets>{newest, std::move(offsets)};
}

arrow::Status ParquetSink::Refresh() {
  ARROW_ASSIGN_OR_RAISE(auto newest, Newest());
  sequence_ = newest.first;
  committed_ = std::move(newest.second);
  return arrow::Status::OK();
}

arrow::Status ParquetSink::RemoveUncommittedFiles() {
  std::set<std::string> listed;
  auto manifests = io_->List(ManifestFolder(), false);
  if (manifests.ok()) {
    for (const auto& e : *manifests) {
      if (e.is_dir() || ManifestSequence(e.location) < 0) continue;
      ARROW_ASSIGN_OR_RAISE(auto text, io_->ReadAll(e.location));
      auto manifest = nlohmann::json::parse(text, nullptr, false);
      if (manifest.is_discarded()) continue;
      for (const auto& f : manifest.value("files", nlohmann::json::array())) {
        listed.insert(f.value("path", ""));
      }
    }
  }
  const std::string prefix = options_.stream_id + "-";
  std::vector<std::string> orphans;
  auto visit = [&](const std::string& folder) -> arrow::Status {
    auto entries = io_->List(folder, false);
    if (!entries.ok()) return arrow::Status::OK();  // no such folder yet
    for (const auto& e : *entries) {
      if (e.is_dir()) continue;
      const std::string name = e.location.substr(e.location.find_last_of('/') + 1);
      // <stream-id>-<sequence>-<id>.parquet; a sequence past the newest manifest may be a
      // commit in flight in another process.
      if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 9) continue;
      const std::string digits = name.substr(prefix.size(), 8);
      if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
      if (std::stoll(digits) > sequence_) continue;
      const std::string rel = folder == options_.path
                                  ? name
                                  : std::string(kDeadLetterFolder) + "/" + name;
      if (!listed.count(rel)) orphans.push_back(e.location);
    }
    return arrow::Status::OK();
  };
  ARROW_RETURN_NOT_OK(visit(options_.path));
  ARROW_RETURN_NOT_OK(visit(io::JoinLocation(options_.path, kDeadLetterFolder)));
  if (orphans.empty()) return arrow::Status::OK();
  return io_->DeleteFiles(orphans);
}

arrow::Result<std::string> ParquetSink::WriteFile(const std::string& folder, int64_t sequence,
                                                  const arrow::Table& rows) {
  const std::string name =
      options_.stream_id + "-" + SequenceName(sequence) + "-" + util::RandomUuid() + ".parquet";
  const std::string rel = folder.empty() ? name : folder + "/" + name;
  const std::string location = io::JoinLocation(options_.path, rel);
  ARROW_ASSIGN_OR_RAISE(auto writer, pq::ParquetFileWriter::Open(*io_, location, rows.schema()));
  arrow::TableBatchReader reader(rows);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) break;
    ARROW_RETURN_NOT_OK(writer->Write(*batch));
  }
  ARROW_RETURN_NOT_OK(writer->Close().status());
  return rel;
}

arrow::Result<CommitResult> ParquetSink::Commit(StreamBatch batch) {
  CommitResult result;
  if (batch.partitions.empty()) return result;
  if (!batch.dead_letters.empty() && !options_.dead_letters) {
    const auto& l = batch.dead_letters.front();
    return arrow::Status::Invalid("stream '", options_.stream_id, "': ", l.topic, "[",
                                  l.partition, "] offset ", l.offset, ": ", l.reason, ": ",
                                  l.error);
  }
  const PartitionOffsets started = committed_;
  nlohmann::json files = nlohmann::json::array();
  std::vector<std::string> written;
  auto drop_files = [&] {
    std::vector<std::string> locations;
    for (const auto& rel : written) locations.push_back(io::JoinLocation(options_.path, rel));
    (void)io_->DeleteFiles(locations);
  };
  for (int race = 0;; ++race) {
    ARROW_ASSIGN_OR_RAISE(auto newest, Newest());
    if (!SameStart(newest.second, started, batch.partitions)) {
      drop_files();
      result.refused_reason = "stream '" + options_.stream_id +
                              "': another process committed these partitions (manifest " +
                              SequenceName(newest.first) + ")";
      return result;
    }
    const int64_t sequence = newest.first + 1;
    if (written.empty() || sequence != sequence_ + 1) {
      // (Re)write the files under this sequence number, so cleanup can tell them apart.
      drop_files();
      written.clear();
      files = nlohmann::json::array();
      if (batch.rows != nullptr && batch.rows->num_rows() > 0) {
        ARROW_ASSIGN_OR_RAISE(auto rel, WriteFile("", sequence, *batch.rows));
        written.push_back(rel);
        files.push_back({{"path", rel}, {"content", "data"}, {"rows", batch.rows->num_rows()}});
      }
      if (!batch.dead_letters.empty()) {
        ARROW_ASSIGN_OR_RAISE(auto letters, DeadLetterRows(batch.dead_letters, *DeadLetterSchema(),
                                                           options_.stream_id, NowMs()));
        ARROW_ASSIGN_OR_RAISE(auto rel, WriteFile(kDeadLetterFolder, sequence, *letters));
        written.push_back(rel);
        files.push_back(
            {{"path", rel}, {"content", "dead-letters"}, {"rows", letters->num_rows()}});
      }
      sequence_ = sequence - 1;
    }
    // The files took a while: if a manifest landed meanwhile, plan again on top of it.
    ARROW_ASSIGN_OR_RAISE(auto again, Newest());
    if (again.first != newest.first) {
      if (race < kMaxManifestRaces) continue;
      drop_files();
      return arrow::Status::IOError("stream '", options_.stream_id,
                                    "': other processes keep committing manifests under ",
                                    options_.path);
    }
    PartitionOffsets next = newest.second;
    for (const auto& [tp, offset] : batch.next) next[tp] = offset;
    nlohmann::json manifest = {{"stream_id", options_.stream_id},
                               {"sequence", sequence},
                               {"committed_at_ms", NowMs()},
                               {"messages", batch.messages},
                               {"tombstones", batch.tombstones},
                               {"offsets", nlohmann::json::parse(EncodeOffsets(next))},
                               {"files", files}};
    ARROW_RETURN_NOT_OK(io_->WriteAll(
        io::JoinLocation(ManifestFolder(), SequenceName(sequence) + ".json"), manifest.dump(1)));
    sequence_ = sequence;
    committed_ = std::move(next);
    result.committed = true;
    result.rows = batch.rows ? batch.rows->num_rows() : 0;
    result.dead_letters = static_cast<int64_t>(batch.dead_letters.size());
    return result;
  }
}

}  // namespace floe::stream
