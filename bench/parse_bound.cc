// parse_bound: the parse-only lower bound for `floe ingest` on a corpus.
//
// Reads every regular file below the corpus's spark-* folders (gzip and zstd decoded by their
// magic bytes), walks each line's JSON with simdjson On-Demand and extracts the 14 log
// columns into column buffers (strings appended to one byte buffer per column with offsets and
// a validity byte, the timestamp parsed to microseconds, log_level upper-cased), then throws the
// buffers away after each file. No validation beyond what the extraction needs, no Arrow, no
// Parquet, no commit: whatever floe does on top of this is the cost of writing a table.
//
// Usage: parse_bound [--threads N] CORPUS_DIR
// Prints one JSON object: {"files":…,"records":…,"skipped":…,"bytes_read":…,
//                          "bytes_parsed":…,"ts_check":"S:U","seconds":…,"threads":…,
//                          "simdjson":"<version>, runtime kernel <k>, On-Demand compiled for <k>"}
// where S and U are the sums over the records of the timestamps' floored whole seconds and
// of their remaining microseconds (a checksum the other peers reproduce).

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "floe/ingest/decompress.h"
#include "floe/ingest/timestamp_parse.h"

#define FLOE_STR2(x) #x
#define FLOE_STR(x) FLOE_STR2(x)
#define SIMDJSON_VERSION_TEXT FLOE_STR(SIMDJSON_VERSION)

namespace fs = std::filesystem;
namespace od = simdjson::ondemand;

namespace {

// The 13 string columns, in table order after `timestamp`.
enum Column : int {
  kLogLevel, kMessage, kPodName, kNamespaceName, kApp, kSparkAppSelector, kQueue,
  kSparkAppName, kSparkRole, kSparkVersion, kSubmissionId, kContainerName, kContainerImage,
  kNumStringColumns
};

// One string column: bytes, end offsets (Arrow style, offsets[0] == 0) and validity.
struct StringColumn {
  std::string bytes;
  std::vector<int64_t> offsets{0};
  std::vector<uint8_t> valid;

  void Append(std::string_view v) {
    bytes.append(v);
    offsets.push_back(static_cast<int64_t>(bytes.size()));
    valid.push_back(1);
  }
  void AppendNull() {
    offsets.push_back(static_cast<int64_t>(bytes.size()));
    valid.push_back(0);
  }
  void Clear() {
    bytes.clear();
    offsets.resize(1);
    valid.clear();
  }
};

struct Columns {
  std::vector<int64_t> timestamp;
  std::array<StringColumn, kNumStringColumns> strings;
  void Clear() {
    timestamp.clear();
    for (auto& c : strings) c.Clear();
  }
};

struct Totals {
  int64_t files = 0;
  int64_t records = 0;
  int64_t skipped = 0;  // lines that were not an object with the required fields
  int64_t bytes_read = 0;
  int64_t bytes_parsed = 0;
  // A checksum of the parsed timestamps that peers can reproduce: sums of whole seconds and of
  // the microseconds within the second (floored), kept apart so neither overflows.
  int64_t ts_seconds = 0;
  int64_t ts_micros = 0;
};

// The values of one record before they go to the columns: views into the parser's buffers.
struct Row {
  std::array<std::string_view, kNumStringColumns> value;
  std::array<bool, kNumStringColumns> present{};
  int64_t ts = 0;
  bool ts_ok = false;
};

// raw_json_token() keeps the whitespace after a scalar: drop it.
std::string_view TrimToken(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// A string column's text: strings unescaped, null absent, anything else its JSON text.
simdjson::error_code TakeString(od::value v, Row* row, Column c) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case od::json_type::string:
      if (auto e = v.get_string().get(row->value[c])) return e;
      row->present[c] = true;
      return simdjson::SUCCESS;
    case od::json_type::null:
      row->present[c] = false;
      return simdjson::SUCCESS;
    case od::json_type::array: {
      od::array a;
      if (auto e = v.get_array().get(a)) return e;
      if (auto e = a.raw_json().get(row->value[c])) return e;
      break;
    }
    case od::json_type::object: {
      od::object o;
      if (auto e = v.get_object().get(o)) return e;
      if (auto e = o.raw_json().get(row->value[c])) return e;
      break;
    }
    default:  // number, true, false: the token as written
      row->value[c] = TrimToken(v.raw_json_token());
      break;
  }
  row->present[c] = true;
  return simdjson::SUCCESS;
}

simdjson::error_code TakeTimestamp(od::value v, Row* row) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  std::string_view text;
  if (type == od::json_type::string) {
    if (auto e = v.get_string().get(text)) return e;
    row->ts_ok = floe::ingest::ParseTimestampMicros(text, &row->ts);
  } else if (type == od::json_type::number) {
    text = TrimToken(v.raw_json_token());
    row->ts_ok = floe::ingest::ParseEpochSecondsMicros(text, &row->ts);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code TakeLabels(od::value v, Row* row) {
  od::object labels;
  if (v.get_object().get(labels)) return simdjson::SUCCESS;  // not an object: no labels
  for (auto result : labels) {
    od::field field;
    std::string_view key;
    if (auto e = std::move(result).get(field)) return e;
    if (auto e = field.unescaped_key().get(key)) return e;
    Column c;
    if (key == "app") c = kApp;
    else if (key == "spark-app-selector") c = kSparkAppSelector;
    else if (key == "queue") c = kQueue;
    else if (key == "spark-app-name") c = kSparkAppName;
    else if (key == "spark-role") c = kSparkRole;
    else if (key == "spark-version") c = kSparkVersion;
    else if (key == "sparkoperator.k8s.io/submission-id") c = kSubmissionId;
    else continue;
    if (auto e = TakeString(field.value(), row, c)) return e;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code TakeKubernetes(od::value v, Row* row) {
  od::object k8s;
  if (v.get_object().get(k8s)) return simdjson::SUCCESS;
  for (auto result : k8s) {
    od::field field;
    std::string_view key;
    if (auto e = std::move(result).get(field)) return e;
    if (auto e = field.unescaped_key().get(key)) return e;
    if (key == "labels") {
      if (auto e = TakeLabels(field.value(), row)) return e;
      continue;
    }
    Column c;
    if (key == "pod_name") c = kPodName;
    else if (key == "namespace_name") c = kNamespaceName;
    else if (key == "container_name") c = kContainerName;
    else if (key == "container_image") c = kContainerImage;
    else continue;
    if (auto e = TakeString(field.value(), row, c)) return e;
  }
  return simdjson::SUCCESS;
}

// One document of the stream into *row; false if it is not a usable record.
bool TakeRecord(od::document_reference doc, Row* row) {
  od::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(result).get(field) || field.unescaped_key().get(key)) return false;
    simdjson::error_code e = simdjson::SUCCESS;
    if (key == "timestamp") e = TakeTimestamp(field.value(), row);
    else if (key == "log_level") e = TakeString(field.value(), row, kLogLevel);
    else if (key == "message") e = TakeString(field.value(), row, kMessage);
    else if (key == "kubernetes") e = TakeKubernetes(field.value(), row);
    if (e) return false;
  }
  static constexpr Column kRequired[] = {kLogLevel, kMessage, kPodName, kNamespaceName, kApp,
                                         kSparkAppSelector};
  for (Column c : kRequired) {
    if (!row->present[c] || row->value[c].empty()) return false;
  }
  return row->ts_ok;
}

void AppendRow(const Row& row, Columns* cols, std::string* upper) {
  cols->timestamp.push_back(row.ts);
  for (int c = 0; c < kNumStringColumns; ++c) {
    StringColumn& col = cols->strings[c];
    if (!row.present[c]) {
      col.AppendNull();
    } else if (c == kLogLevel) {
      upper->assign(row.value[c]);
      for (char& ch : *upper) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      col.Append(*upper);
    } else {
      col.Append(row.value[c]);
    }
  }
}

std::vector<std::string> ListFiles(const fs::path& corpus) {
  std::vector<std::string> files;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.is_directory() && !entry.is_symlink() &&
        entry.path().filename().string().rfind("spark-", 0) == 0) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      if (entry.is_regular_file() && !entry.is_symlink()) files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  out->resize(static_cast<size_t>(size));
  return static_cast<bool>(in.read(out->data(), size));
}

// Parses one file's content into *cols; the buffers are cleared first, so each file's columns
// are built and then dropped.
bool ParseContent(od::parser& parser, std::string& content, Columns* cols, Totals* totals,
                  std::string* upper) {
  std::string_view text(content);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  totals->bytes_parsed += static_cast<int64_t>(text.size());
  // iterate_many reads up to SIMDJSON_PADDING bytes past the end: give it real padding.
  const size_t offset = static_cast<size_t>(text.data() - content.data());
  content.append(simdjson::SIMDJSON_PADDING, ' ');
  text = std::string_view(content.data() + offset, text.size());
  cols->Clear();
  od::document_stream stream;
  if (parser.iterate_many(text.data(), text.size(), 1 << 20).get(stream)) return false;
  Row row;
  for (auto doc : stream) {
    row = Row{};
    od::document_reference ref;
    if (std::move(doc).get(ref) || !TakeRecord(ref, &row)) {
      ++totals->skipped;
      continue;
    }
    AppendRow(row, cols, upper);
    ++totals->records;
    const int64_t secs = row.ts >= 0 ? row.ts / 1000000 : -((-row.ts + 999999) / 1000000);
    totals->ts_seconds += secs;
    totals->ts_micros += row.ts - secs * 1000000;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  std::string corpus;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (!arg.empty() && arg[0] != '-' && corpus.empty()) {
      corpus = argv[i];
    } else {
      std::fprintf(stderr, "usage: parse_bound [--threads N] CORPUS_DIR\n");
      return 2;
    }
  }
  if (corpus.empty() || !fs::is_directory(corpus)) {
    std::fprintf(stderr, "parse_bound: %s: not a folder\n", corpus.c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> files = ListFiles(corpus);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<Totals> totals(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      od::parser parser;
      Columns cols;
      std::string upper;
      std::string raw;
      for (size_t i = next++; i < files.size(); i = next++) {
        if (!ReadAll(files[i], &raw)) {
          std::fprintf(stderr, "parse_bound: %s: cannot read\n", files[i].c_str());
          failed = true;
          return;
        }
        totals[t].bytes_read += static_cast<int64_t>(raw.size());
        auto content = floe::ingest::Decompress(std::move(raw), files[i]);
        if (!content.ok()) {
          std::fprintf(stderr, "parse_bound: %s\n", content.status().ToString().c_str());
          failed = true;
          return;
        }
        std::string text = std::move(*content);
        if (!ParseContent(parser, text, &cols, &totals[t], &upper)) {
          std::fprintf(stderr, "parse_bound: %s: simdjson could not start\n", files[i].c_str());
          failed = true;
          return;
        }
        ++totals[t].files;
        raw = std::move(text);  // reuse the allocation for the next file
      }
    });
  }
  for (auto& w : workers) w.join();
  if (failed) return 1;
  Totals sum;
  for (const auto& t : totals) {
    sum.files += t.files;
    sum.records += t.records;
    sum.skipped += t.skipped;
    sum.bytes_read += t.bytes_read;
    sum.bytes_parsed += t.bytes_parsed;
    sum.ts_seconds += t.ts_seconds;
    sum.ts_micros += t.ts_micros;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"files\":%lld,\"records\":%lld,\"skipped\":%lld,\"bytes_read\":%lld,"
      "\"bytes_parsed\":%lld,\"ts_check\":\"%lld:%lld\",\"seconds\":%.6f,\"threads\":%d,"
      "\"simdjson\":\"%s, runtime kernel %s, On-Demand compiled for %s\"}\n",
      static_cast<long long>(sum.files), static_cast<long long>(sum.records),
      static_cast<long long>(sum.skipped), static_cast<long long>(sum.bytes_read),
      static_cast<long long>(sum.bytes_parsed), static_cast<long long>(sum.ts_seconds),
      static_cast<long long>(sum.ts_micros), seconds, threads, SIMDJSON_VERSION_TEXT,
      simdjson::get_active_implementation()->name().c_str(),
      FLOE_STR(SIMDJSON_BUILTIN_IMPLEMENTATION));
  return 0;
}
