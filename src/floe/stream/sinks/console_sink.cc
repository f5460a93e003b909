#include "floe/stream/sinks/console_sink.h"

#include <librdkafka/rdkafkacpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

#include "floe/stream/kafka_source.h"

namespace floe::stream {
namespace {

constexpr size_t kMaxCellWidth = 40;

std::string Cell(const nlohmann::json& row, const std::string& column) {
  auto it = row.find(column);
  if (it == row.end() || it->is_null()) return "null";
  std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  if (text.size() > kMaxCellWidth) text = text.substr(0, kMaxCellWidth - 3) + "...";
  return text;
}

}  // namespace

arrow::Status ConsoleSink::Refresh() {
  // The group's offsets are the truth; what this process printed says nothing after a
  // rebalance.
  committed_.clear();
  return arrow::Status::OK();
}

arrow::Result<CommitResult> ConsoleSink::Commit(StreamBatch batch) {
  CommitResult result;
  result.committed = true;
  result.rows = static_cast<int64_t>(batch.row_json.size());
  result.dead_letters = static_cast<int64_t>(batch.dead_letters.size());
  for (const auto& [tp, next] : batch.next) committed_[tp] = next;

  std::ostream& out = *out_;
  out << "-------------------------------------------\n"
      << "Batch: " << batches_++ << "  (" << batch.messages << " message(s), " << result.rows
      << " row(s), " << result.dead_letters << " dead letter(s), " << batch.tombstones
      << " tombstone(s))\n";
  for (const auto& [tp, next] : batch.next) {
    out << "  " << tp.first << "[" << tp.second << "] up to offset " << next << "\n";
  }
  std::vector<std::string> columns;
  for (const auto& field : schema_->fields()) columns.push_back(field.name);
  const size_t shown = std::min<size_t>(batch.row_json.size(), static_cast<size_t>(max_rows_));
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width;
  for (const auto& c : columns) width.push_back(c.size());
  for (size_t r = 0; r < shown; ++r) {
    auto row = nlohmann::json::parse(batch.row_json[r], nullptr, false);
    std::vector<std::string> line;
    for (size_t c = 0; c < columns.size(); ++c) {
      line.push_back(Cell(row, columns[c]));
      width[c] = std::max(width[c], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  if (shown > 0) {
    auto rule = [&] {
      out << "+";
      for (size_t w : width) out << std::string(w + 2, '-') << "+";
      out << "\n";
    };
    auto print = [&](const std::vector<std::string>& line) {
      out << "|";
      for (size_t c = 0; c < line.size(); ++c) {
        out << " " << line[c] << std::string(width[c] - line[c].size(), ' ') << " |";
      }
      out << "\n";
    };
    rule();
    print(columns);
    rule();
    for (const auto& line : cells) print(line);
    rule();
    if (shown < batch.row_json.size()) {
      out << "only showing the first " << shown << " of " << batch.row_json.size() << " rows\n";
    }
  }
  for (const auto& [reason, n] : batch.dead_letters_by_reason) {
    out << "dead letters (" << reason << "): " << n << "\n";
  }
  for (size_t i = 0; i < batch.dead_letters.size() && i < 3; ++i) {
    const auto& l = batch.dead_letters[i];
    out << "  " << l.topic << "[" << l.partition << "] offset " << l.offset << ": " << l.error
        << "\n";
  }
  out.flush();
  if (source_ != nullptr) {
    // Synchronously, so a run that ends (--once) has its progress recorded when it exits.
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [tp, next] : batch.next) {
      offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, next));
    }
    auto err = source_->consumer()->commitSync(offsets);
    RdKafka::TopicPartition::destroy(offsets);
    if (err != RdKafka::ERR_NO_ERROR) {
      // The partitions moved to another consumer: it prints them from the group's offsets.
      result.committed = false;
      result.refused_reason = "kafka: committing the group's offsets: " + RdKafka::err2str(err);
    }
  }
  return result;
}

}  // namespace floe::stream
