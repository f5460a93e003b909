// Corpus generator: plans apps, pods and files, decides which files get which quirks, deals
// bad lines by kind, and streams every file to disk. See corpus_generator.h.
#include "floe/testing/corpus_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <memory>

#include "floe/testing/corpus_content_internal.h"
#include "floe/testing/corpus_sink_internal.h"
#include "floe/ingest/spark_log_schema.h"

namespace floe::testing {
namespace {

using corpus::AppInfo;
using corpus::Compression;
using corpus::FileSink;
using corpus::PodInfo;
using corpus::Rng;

namespace fs = std::filesystem;

constexpr std::string_view kBadKindNames[kBadKindCount] = {
    "truncated",
    "array",
    "number",
    "string",
    "invalid_utf8",
    "trailing_garbage",
    "non_finite_literal",
    "plain_text",
    "timestamp_absent",
    "timestamp_null",
    "timestamp_empty",
    "log_level_absent",
    "log_level_null",
    "log_level_empty",
    "message_absent",
    "message_null",
    "message_empty",
    "pod_name_absent",
    "pod_name_null",
    "pod_name_empty",
    "namespace_name_absent",
    "namespace_name_null",
    "namespace_name_empty",
    "app_label_absent",
    "app_label_null",
    "app_label_empty",
    "selector_absent",
    "selector_null",
    "selector_empty",
    "kubernetes_not_object",
    "labels_not_object",
    "timestamp_no_such_date",
    "timestamp_bad_time",
    "timestamp_long_fraction",
    "timestamp_text",
    "timestamp_boolean",
};

// Streams of the seed, one per purpose, so that each part of the corpus draws on its own.
constexpr uint64_t kLayoutStream = 1;
constexpr uint64_t kFeatureStream = 2;
constexpr uint64_t kDecoyStream = 3;
constexpr uint64_t kPodStreamBase = 1000;

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kFirstLogNs = 1752004363 * kSecond;  // 2025-07-08T19:52:43Z
constexpr size_t kFlushBytes = 1 << 20;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct FilePlan {
  size_t pod = 0;
  int64_t budget = 0;  ///< records, or line bytes when sizing by bytes
  Compression compression = Compression::kNone;
  bool bom = false, crlf = false, blank_lines = false, no_final_newline = false;
};

// Deals bad kinds in proportion to their weights by smooth weighted round robin: exact
// shares, every enabled kind early, and no randomness to disturb.
class KindDealer {
 public:
  explicit KindDealer(const std::map<BadKind, double>& weights) {
    for (int k = 0; k < kBadKindCount; ++k) {
      auto it = weights.find(static_cast<BadKind>(k));
      weight_[k] = it == weights.end() ? 1.0 : it->second;
      total_ += weight_[k];
    }
  }
  double total() const { return total_; }
  BadKind Next() {
    int best = 0;
    for (int k = 0; k < kBadKindCount; ++k) {
      current_[k] += weight_[k];
      if (current_[k] > current_[best]) best = k;
    }
    current_[best] -= total_;
    return static_cast<BadKind>(best);
  }

 private:
  std::array<double, kBadKindCount> weight_{};
  std::array<double, kBadKindCount> current_{};
  double total_ = 0;
};

// How many of `n` files get a quirk of this share: none at 0, else at least one.
size_t ShareCount(double share, size_t n) {
  if (share <= 0 || n == 0) return 0;
  return std::clamp<size_t>(static_cast<size_t>(std::llround(share * static_cast<double>(n))),
                            1, n);
}

// `n` indices in a random order (Fisher-Yates on our own generator).
std::vector<size_t> Shuffled(Rng& rng, size_t n) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  return order;
}

// Splits `total` into `parts` positive-ish shares of random size (each 50–150% of average).
std::vector<int64_t> Split(Rng& rng, int64_t total, size_t parts) {
  std::vector<int64_t> weights(parts);
  int64_t sum = 0;
  for (auto& w : weights) sum += (w = rng.Between(50, 150));
  std::vector<int64_t> out(parts);
  int64_t given = 0;
  for (size_t i = 0; i < parts; ++i) {
    out[i] = i + 1 == parts ? total - given
                            : static_cast<int64_t>(static_cast<__int128>(total) * weights[i] /
                                                   sum);
    given += out[i];
  }
  return out;
}

arrow::Status Validate(const CorpusOptions& o) {
  auto share_ok = [](double s) { return s >= 0 && s <= 1; };
  if (o.output.empty()) return arrow::Status::Invalid("corpus: no output folder given");
  if (o.apps < 1) return arrow::Status::Invalid("corpus: apps must be at least 1");
  if (o.executors_per_app < 0) return arrow::Status::Invalid("corpus: executors must be >= 0");
  if (o.files_per_pod < 1) return arrow::Status::Invalid("corpus: files per pod must be >= 1");
  if (o.records_per_pod < 0 || (o.records_per_pod == 0 && o.target_bytes <= 0)) {
    return arrow::Status::Invalid("corpus: give a positive size or record count");
  }
  if (!share_ok(o.bad_line_rate)) {
    return arrow::Status::Invalid("corpus: bad line rate must be within [0, 1]");
  }
  for (double s : {o.gzip_share, o.zstd_share, o.bom_share, o.crlf_share, o.blank_line_share,
                   o.no_final_newline_share}) {
    if (!share_ok(s)) return arrow::Status::Invalid("corpus: shares must be within [0, 1]");
  }
  if (o.gzip_share + o.zstd_share > 1) {
    return arrow::Status::Invalid("corpus: gzip and zstd shares add up to more than 1");
  }
  for (const auto& [kind, weight] : o.bad_kind_weights) {
    if (!(weight >= 0) || static_cast<int>(kind) < 0 || kind >= BadKind::kCount) {
      return arrow::Status::Invalid("corpus: bad kind weights must be >= 0");
    }
  }
  if (o.decoy_folders < 0) return arrow::Status::Invalid("corpus: decoys must be >= 0");
  return arrow::Status::OK();
}

arrow::Status PrepareOutput(const std::string& output) {
  std::error_code ec;
  const fs::path root(output);
  if (fs::exists(root, ec)) {
    if (!fs::is_directory(root, ec)) {
      return arrow::Status::Invalid("corpus: ", output, " exists and is not a folder");
    }
    if (!fs::is_empty(root, ec)) {
      return arrow::Status::Invalid("corpus: output folder ", output, " is not empty");
    }
    return arrow::Status::OK();
  }
  fs::create_directories(root, ec);
  if (ec) return arrow::Status::IOError("corpus: cannot create ", output, ": ", ec.message());
  return arrow::Status::OK();
}

arrow::Status MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return arrow::Status::IOError(dir.string(), ": cannot create folder: ", ec.message());
  return arrow::Status::OK();
}

// Writes one planned file; adds what it wrote to `summary`.
class FileWriter {
 public:
  FileWriter(const CorpusOptions& options, CorpusSummary& summary)
      : options_(options), summary_(summary), dealer_(options.bad_kind_weights) {
    buf_.reserve(kFlushBytes + (1 << 16));
  }

  arrow::Status Write(const FilePlan& plan, PodInfo& pod, Rng& rng, const fs::path& dir) {
    const bool by_records = options_.records_per_pod > 0;
    std::string name = pod.name + "_";
    corpus::AppendDateTime(name, pod.clock_ns, 0, 'T', 0);
    name += "Z_" + rng.Hex(8) + ".json";
    if (plan.compression != Compression::kNone && rng.Chance(0.5)) {
      name += plan.compression == Compression::kGzip ? ".gz" : ".zst";
    }
    const std::string path = (dir / name).string();
    ARROW_ASSIGN_OR_RAISE(auto sink, FileSink::Open(path, plan.compression));
    const std::string_view eol = plan.crlf ? "\r\n" : "\n";
    buf_.clear();
    if (plan.bom) buf_.append(kBom);
    int64_t records = 0, line_bytes = 0;
    while (records == 0 || (by_records ? records < plan.budget : line_bytes < plan.budget)) {
      if (buf_.size() >= kFlushBytes) ARROW_RETURN_NOT_OK(Flush(*sink));
      const size_t start = buf_.size();
      // Blank lines only ever come before a record, so the last line is a record; such a
      // file starts with one, so each has at least one.
      if (plan.blank_lines && (records == 0 || rng.Chance(0.02))) {
        // Blank is empty or only spaces and tabs (JSON whitespace), never a record.
        static constexpr std::string_view kBlanks[] = {"", "", " ", "\t", "  \t "};
        buf_.append(kBlanks[rng.Below(std::size(kBlanks))]);
        buf_.append(eol);
        summary_.blank_lines++;
        summary_.lines++;
      }
      corpus::AdvanceClock(pod, rng);
      if (options_.bad_line_rate > 0 && rng.Chance(options_.bad_line_rate)) {
        const BadKind kind = dealer_.Next();
        records_.Bad(kind, pod, rng, buf_);
        summary_.bad_lines++;
        summary_.bad_by_kind[std::string(BadKindName(kind))]++;
        summary_.bad_by_reason[BadKindReason(kind)]++;
      } else {
        records_.Good(pod, rng, buf_);
        summary_.good_lines++;
      }
      buf_.append(eol);
      records++;
      line_bytes += static_cast<int64_t>(buf_.size() - start);
    }
    if (plan.no_final_newline) buf_.resize(buf_.size() - eol.size());
    ARROW_RETURN_NOT_OK(Flush(*sink));
    ARROW_RETURN_NOT_OK(sink->Close());
    summary_.files++;
    summary_.lines += records;
    summary_.bytes += sink->disk_bytes();
    if (plan.compression == Compression::kGzip) summary_.gzip_files++;
    if (plan.compression == Compression::kZstd) summary_.zstd_files++;
    return arrow::Status::OK();
  }

  bool can_deal() const { return dealer_.total() > 0; }

 private:
  arrow::Status Flush(FileSink& sink) {
    summary_.uncompressed_bytes += static_cast<int64_t>(buf_.size());
    ARROW_RETURN_NOT_OK(sink.Write(buf_));
    buf_.clear();
    return arrow::Status::OK();
  }

  const CorpusOptions& options_;
  CorpusSummary& summary_;
  KindDealer dealer_;
  corpus::RecordWriter records_;
  std::string buf_;
};

// A file of good-looking records for a decoy entry.
arrow::Status WriteDecoyFile(Rng& rng, const fs::path& path, CorpusSummary& summary) {
  AppInfo app = corpus::MakeApp(rng, static_cast<int>(rng.Below(8)), kFirstLogNs);
  PodInfo pod = corpus::MakePod(rng, app, 0);
  corpus::RecordWriter writer;
  std::string text;
  for (int i = 0; i < 20; ++i) {
    corpus::AdvanceClock(pod, rng);
    writer.Good(pod, rng, text);
    text.push_back('\n');
  }
  ARROW_ASSIGN_OR_RAISE(auto sink, FileSink::Open(path.string(), Compression::kNone));
  ARROW_RETURN_NOT_OK(sink->Write(text));
  ARROW_RETURN_NOT_OK(sink->Close());
  summary.decoy_files++;
  return arrow::Status::OK();
}

// Top-level entries an ingest must skip: folders whose names do not start with "spark-" (by
// case, a dot, a missing dash, or not at all) and plain files whose names do.
arrow::Status WriteDecoys(const CorpusOptions& options, CorpusSummary& summary) {
  Rng rng(options.seed, kDecoyStream);
  const fs::path root(options.output);
  for (int i = 0; i < options.decoy_folders; ++i) {
    const std::string suffix = i < 8 ? "" : "-" + std::to_string(i / 8 + 1);
    const std::string hex = rng.Hex(32);
    fs::path entry;
    bool plain_file = false;
    switch (i % 8) {
      case 0: entry = root / ("_tmp" + suffix); break;
      case 1: entry = root / ("logs" + suffix); break;
      case 2: entry = root / ("spark-notes" + suffix + ".txt"), plain_file = true; break;
      case 3: entry = root / ("sparkapp-" + hex); break;
      case 4: entry = root / ("Spark-" + hex); break;
      case 5: entry = root / (".spark-" + hex); break;
      case 6: entry = root / ("_spark_metadata" + suffix); break;
      default: entry = root / ("spark-" + hex + ".json"), plain_file = true; break;
    }
    summary.decoy_entries++;
    if (plain_file) {
      ARROW_RETURN_NOT_OK(WriteDecoyFile(rng, entry, summary));
      continue;
    }
    const fs::path pod_dir = entry / "decoy-driver";
    ARROW_RETURN_NOT_OK(MakeDir(pod_dir));
    ARROW_RETURN_NOT_OK(WriteDecoyFile(rng, pod_dir / "decoy-driver_0.json", summary));
  }
  return arrow::Status::OK();
}

}  // namespace

std::string_view BadKindName(BadKind kind) {
  const int k = static_cast<int>(kind);
  return k >= 0 && k < kBadKindCount ? kBadKindNames[k] : "unknown";
}

std::string BadKindReason(BadKind kind) {
  if (kind <= BadKind::kPlainText) return "invalid_json";
  if (kind <= BadKind::kSelectorEmpty) {
    const int field = (static_cast<int>(kind) - static_cast<int>(BadKind::kTimestampAbsent)) / 3;
    return "missing_field:" + std::string(ingest::kSparkLogRequiredPaths[field]);
  }
  if (kind == BadKind::kKubernetesNotObject) return "missing_field:kubernetes.pod_name";
  if (kind == BadKind::kLabelsNotObject) return "missing_field:kubernetes.labels.app";
  return "bad_timestamp";
}

arrow::Result<CorpusSummary> GenerateCorpus(const CorpusOptions& options) {
  ARROW_RETURN_NOT_OK(Validate(options));
  CorpusSummary summary;
  FileWriter writer(options, summary);
  if (options.bad_line_rate > 0 && !writer.can_deal()) {
    return arrow::Status::Invalid("corpus: a bad line rate needs a bad kind of weight > 0");
  }
  ARROW_RETURN_NOT_OK(PrepareOutput(options.output));

  // Apps start minutes apart; each has a driver and its executors. Pods point at their
  // AppInfo, so `apps` is reserved up front and never moves.
  Rng layout(options.seed, kLayoutStream);
  std::vector<AppInfo> apps;
  apps.reserve(options.apps);
  int64_t start = kFirstLogNs;
  for (int a = 0; a < options.apps; ++a) {
    apps.push_back(corpus::MakeApp(layout, a, start));
    start += layout.Between(60, 5400) * kSecond;
  }
  std::vector<PodInfo> pods;
  for (const auto& app : apps) {
    for (int e = 0; e <= options.executors_per_app; ++e) {
      pods.push_back(corpus::MakePod(layout, app, e));
    }
  }

  // What each pod writes, split over its files.
  const bool by_records = options.records_per_pod > 0;
  std::vector<int64_t> pod_budget(pods.size(), options.records_per_pod);
  if (!by_records) pod_budget = Split(layout, options.target_bytes, pods.size());
  std::vector<FilePlan> plans;
  for (size_t p = 0; p < pods.size(); ++p) {
    int64_t n = options.files_per_pod;
    if (n >= 3) n += layout.Between(-1, 1);
    if (by_records) n = std::min(n, pod_budget[p]);
    n = std::max<int64_t>(n, 1);
    for (int64_t part : Split(layout, pod_budget[p], static_cast<size_t>(n))) {
      FilePlan plan;
      plan.pod = p;
      plan.budget = std::max<int64_t>(part, 1);
      plans.push_back(plan);
    }
  }

  // Quirks go to exact shares of the files, each chosen apart.
  Rng features(options.seed, kFeatureStream);
  const size_t n = plans.size();
  {
    auto order = Shuffled(features, n);
    const size_t gz = ShareCount(options.gzip_share, n);
    const size_t zs = std::min(ShareCount(options.zstd_share, n), n - gz);
    for (size_t i = 0; i < gz + zs; ++i) {
      plans[order[i]].compression = i < gz ? Compression::kGzip : Compression::kZstd;
    }
  }
  auto assign = [&](double share, bool FilePlan::*flag) {
    auto order = Shuffled(features, n);
    for (size_t i = 0; i < ShareCount(share, n); ++i) plans[order[i]].*flag = true;
  };
  assign(options.bom_share, &FilePlan::bom);
  assign(options.crlf_share, &FilePlan::crlf);
  assign(options.blank_line_share, &FilePlan::blank_lines);
  assign(options.no_final_newline_share, &FilePlan::no_final_newline);

  std::vector<Rng> pod_rngs;
  pod_rngs.reserve(pods.size());
  for (size_t p = 0; p < pods.size(); ++p) pod_rngs.emplace_back(options.seed, kPodStreamBase + p);
  for (const auto& app : apps) summary.app_folders.push_back(app.selector);
  for (const auto& plan : plans) {
    PodInfo& pod = pods[plan.pod];
    const fs::path dir = fs::path(options.output) / pod.app->selector / pod.name;
    ARROW_RETURN_NOT_OK(MakeDir(dir));
    ARROW_RETURN_NOT_OK(writer.Write(plan, pod, pod_rngs[plan.pod], dir));
  }
  ARROW_RETURN_NOT_OK(WriteDecoys(options, summary));
  return summary;
}

}  // namespace floe::testing
