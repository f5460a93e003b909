#pragma once

// Content of generated corpora: who the apps and pods are, what Spark says, and how one
// Fluent Bit record (good or bad) is spelled. Shared by corpus_generator.cc only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "floe/testing/corpus_generator.h"
#include "floe/testing/corpus_random_internal.h"

namespace floe::testing::corpus {

struct AppInfo {
  std::string selector;        ///< spark-<32 hex>: the folder name and spark-app-selector
  std::string app;             ///< label `app`
  std::string app_name;        ///< label `spark-app-name`; pods are `<app_name>-driver`, …
  std::string namespace_name;
  std::string queue;
  std::string submission_id;
  std::string spark_version;
  std::string image;
  std::string image_digest;
  int64_t start_ns = 0;        ///< when the driver logs its first line
};

/// One Spark pod: identity, pre-rendered `kubernetes` objects, and the Spark progress its
/// messages follow (job, stage and task numbers only grow).
struct PodInfo {
  const AppInfo* app = nullptr;
  std::string name;
  bool driver = false;
  int exec_id = 0;  ///< 1-based for executors
  std::string pod_id, host, pod_ip, docker_id;
  /// `kubernetes` object texts: [0] the pod's usual one, then variants with optional labels
  /// absent or null and non-string values in string fields.
  std::vector<std::string> kube_variants;
  int64_t clock_ns = 0;  ///< time of the pod's latest line
  int64_t lines = 0;     ///< messages written so far
  int64_t job = 0, stage = 0, task = 0, broadcast = 0, rdd = 0, finished = 0;
};

AppInfo MakeApp(Rng& rng, int index, int64_t start_ns);
/// `exec_id` 0 makes the driver.
PodInfo MakePod(Rng& rng, const AppInfo& app, int exec_id);

/// Moves the pod's clock on by a realistic gap between two log lines.
void AdvanceClock(PodInfo& pod, Rng& rng);

/// A pod's first lines are its start-up messages, all INFO.
inline constexpr int64_t kStartupLines = 5;

/// Appends one Spark-like message as JSON string content (already escaped, no quotes) and
/// returns its logger; `level` is one of "INFO", "WARN", "ERROR", "DEBUG", "TRACE".
std::string_view AppendMessage(PodInfo& pod, Rng& rng, std::string_view level,
                               std::string& out);

/// Spells records, reusing its buffers between calls.
class RecordWriter {
 public:
  /// Appends one good record for `pod` at its clock (no line ending).
  void Good(PodInfo& pod, Rng& rng, std::string& out);
  /// Appends one line of the given bad kind (no line ending; never empty).
  void Bad(BadKind kind, PodInfo& pod, Rng& rng, std::string& out);

 private:
  struct Fields {
    std::string date, timestamp, level, logger, message;
    bool has_timestamp = true, has_level = true, has_message = true;
    const std::string* kube = nullptr;
  };
  void Fill(PodInfo& pod, Rng& rng);
  void Append(std::string& out) const;

  Fields f_;
  std::string kube_scratch_, scratch_;
};

/// Civil date-time text parts for epoch nanoseconds, for file names and timestamps.
void AppendDateTime(std::string& out, int64_t ns, char date_sep, char between, char time_sep);

}  // namespace floe::testing::corpus
