// Apps, pods and the spelling of one Fluent Bit record, good or bad, for generated corpora.
#include <charconv>
#include <optional>

#include "floe/testing/corpus_content_internal.h"

namespace floe::testing::corpus {
namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kSecond = 1000 * kMs;

template <typename T>
const T& Pick(Rng& rng, std::initializer_list<T> items) {
  return items.begin()[rng.Below(items.size())];
}

void PutInt(std::string& out, int64_t v, int width = 0) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  for (int pad = width - static_cast<int>(res.ptr - buf); pad > 0; --pad) out.push_back('0');
  out.append(buf, res.ptr);
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void CivilFromDays(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// One edit of a pod's `kubernetes` object: a top-level key or a label, set to a raw JSON
// value, or removed (nullopt).
struct KubeEdit {
  bool label;
  std::string_view key;
  std::optional<std::string> raw;
};

std::string RenderKube(const PodInfo& pod, std::initializer_list<KubeEdit> edits) {
  const AppInfo& app = *pod.app;
  auto emit = [&](std::string& out, bool label, std::string_view key, std::string raw) {
    for (const auto& e : edits) {
      if (e.label == label && e.key == key) {
        if (!e.raw) return;
        raw = *e.raw;
      }
    }
    if (out.back() != '{') out.push_back(',');
    out.append(JsonString(key)).push_back(':');
    out.append(raw);
  };
  std::string labels = "{";
  emit(labels, true, "app", JsonString(app.app));
  emit(labels, true, "queue", JsonString(app.queue));
  emit(labels, true, "spark-app-name", JsonString(app.app_name));
  emit(labels, true, "spark-app-selector", JsonString(app.selector));
  emit(labels, true, "spark-version", JsonString(app.spark_version));
  emit(labels, true, "sparkoperator.k8s.io/app-name", JsonString(app.app_name));
  emit(labels, true, "sparkoperator.k8s.io/launched-by-spark-operator", "\"true\"");
  emit(labels, true, "sparkoperator.k8s.io/submission-id", JsonString(app.submission_id));
  emit(labels, true, "spark-role", pod.driver ? "\"driver\"" : "\"executor\"");
  if (!pod.driver) emit(labels, true, "spark-exec-id", JsonString(std::to_string(pod.exec_id)));
  labels.push_back('}');

  std::string out = "{";
  emit(out, false, "pod_name", JsonString(pod.name));
  emit(out, false, "namespace_name", JsonString(app.namespace_name));
  emit(out, false, "pod_id", JsonString(pod.pod_id));
  emit(out, false, "labels", labels);
  emit(out, false, "annotations", "{\"karpenter.sh/do-not-disrupt\":\"true\"}");
  emit(out, false, "host", JsonString(pod.host));
  emit(out, false, "pod_ip", JsonString(pod.pod_ip));
  emit(out, false, "container_name",
       pod.driver ? "\"spark-kubernetes-driver\"" : "\"spark-kubernetes-executor\"");
  emit(out, false, "docker_id", JsonString(pod.docker_id));
  emit(out, false, "container_hash", JsonString(app.image + "@" + app.image_digest));
  emit(out, false, "container_image", JsonString(app.image));
  out.push_back('}');
  return out;
}

// The share of records (out of 1008) that use each `kubernetes` variant; [0] is the usual one.
constexpr int kVariantWeights[] = {920, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
static_assert([] {
  int total = 0;
  for (int w : kVariantWeights) total += w;
  return total == 1008;
}());

std::vector<std::string> KubeVariants(const PodInfo& pod) {
  const AppInfo& app = *pod.app;
  return {
      RenderKube(pod, {}),
      RenderKube(pod, {{true, "queue", std::nullopt}}),
      RenderKube(pod, {{true, "queue", "null"}}),
      RenderKube(pod, {{true, "spark-version", "3.5"}}),
      RenderKube(pod, {{true, "sparkoperator.k8s.io/submission-id", "20250708195243"}}),
      RenderKube(pod, {{true, "queue", "{\"name\":" + JsonString(app.queue) + ",\"weight\":1}"}}),
      RenderKube(pod,
                 {{false, "container_image", std::nullopt}, {false, "container_name", "null"}}),
      RenderKube(pod, {{true, "spark-role", std::nullopt}, {true, "spark-app-name", "null"}}),
      RenderKube(pod, {{true, "spark-app-name", "true"}}),
      RenderKube(pod, {{false, "container_image",
                        "[" + JsonString(app.image) + ",\"fluent/fluent-bit:3.1\"]"}}),
      RenderKube(pod, {{true, "spark-version", "3.50"}}),
      RenderKube(pod, {{true, "sparkoperator.k8s.io/submission-id", "12345678901234567890123"}}),
  };
}

std::string Ip(Rng& rng) {
  return "10.1." + std::to_string(rng.Between(128, 191)) + "." +
         std::to_string(rng.Between(2, 254));
}

// Appends "hh:mm:ss" style time of day and, if digits > 0, a fraction of that many digits.
void AppendFraction(std::string& out, int64_t ns, int digits) {
  if (digits == 0) return;
  std::string nine;
  PutInt(nine, ((ns % kSecond) + kSecond) % kSecond, 9);
  out.push_back('.');
  out.append(nine, 0, digits);
}

// Writes the pod's clock as one of the timestamp spellings Fluent Bit pipelines produce.
void AppendTimestamp(std::string& out, int64_t ns, Rng& rng) {
  const uint64_t form = rng.Below(1000);
  if (form >= 940) {  // a JSON number of epoch seconds
    const int64_t s = ns / kSecond;
    const uint64_t numeric = rng.Below(20);
    if (numeric < 4) {
      PutInt(out, s);
    } else if (numeric < 19) {
      PutInt(out, s);
      AppendFraction(out, ns, numeric < 12 ? 3 : numeric < 16 ? 6 : 9);
    } else {  // 1.751997163118E9
      std::string digits;
      PutInt(digits, ns / kMs);
      out.push_back(digits[0]);
      out.push_back('.');
      out.append(digits, 1);
      out.append(rng.Chance(0.5) ? "E" : "e+");
      PutInt(out, static_cast<int64_t>(digits.size()) - 4);
    }
    return;
  }
  struct Zone {
    const char* text;
    int64_t minutes;
  };
  static constexpr Zone kZones[] = {{"-07:00", -420}, {"+05:30", 330}, {"+02:00", 120},
                                    {"-03:30", -210}, {"+09:00", 540}};
  static constexpr Zone kCompactZones[] = {{"-0700", -420}, {"+0000", 0}, {"+0530", 330}};
  char between = 'T';
  int digits = 3;
  std::string_view zone = "Z";
  int64_t offset_min = 0;
  if (form < 545) {
  } else if (form < 560) {  // RFC 3339 §5.6 allows lower case
    between = 't';
    zone = "z";
  } else if (form < 640) {
    digits = 6;
  } else if (form < 700) {
    digits = 9;
  } else if (form < 760) {
    zone = "+00:00";
  } else if (form < 800) {
    const Zone& z = kZones[rng.Below(std::size(kZones))];
    zone = z.text;
    offset_min = z.minutes;
    digits = rng.Chance(0.5) ? 3 : 6;
  } else if (form < 830) {
    const Zone& z = kCompactZones[rng.Below(std::size(kCompactZones))];
    zone = z.text;
    offset_min = z.minutes;
  } else if (form < 870) {
    between = ' ';
  } else if (form < 900) {
    zone = "";
  } else if (form < 930) {
    digits = 0;
  } else {
    between = ' ';
    zone = "";
    digits = 6;
  }
  out.push_back('"');
  const int64_t local = ns + offset_min * 60 * kSecond;
  AppendDateTime(out, local, '-', between, ':');
  AppendFraction(out, local, digits);
  out.append(zone);
  out.push_back('"');
}

std::string_view PickLevel(Rng& rng) {
  const uint64_t r = rng.Below(1000);
  const bool lower = rng.Chance(0.03);
  if (r < 850) return lower ? "info" : "INFO";
  if (r < 920) return lower ? "warn" : "WARN";
  if (r < 945) return lower ? "error" : "ERROR";
  if (r < 995) return lower ? "debug" : "DEBUG";
  return "TRACE";
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

}  // namespace

void AppendDateTime(std::string& out, int64_t ns, char date_sep, char between, char time_sep) {
  int64_t secs = ns / kSecond;
  if (ns % kSecond < 0) --secs;
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) sod += 86400, --days;
  int64_t y;
  int m, d;
  CivilFromDays(days, y, m, d);
  PutInt(out, y, 4);
  if (date_sep) out.push_back(date_sep);
  PutInt(out, m, 2);
  if (date_sep) out.push_back(date_sep);
  PutInt(out, d, 2);
  out.push_back(between);
  PutInt(out, sod / 3600, 2);
  if (time_sep) out.push_back(time_sep);
  PutInt(out, sod / 60 % 60, 2);
  if (time_sep) out.push_back(time_sep);
  PutInt(out, sod % 60, 2);
}

AppInfo MakeApp(Rng& rng, int index, int64_t start_ns) {
  static constexpr const char* kApps[] = {
      "taxi-trip",     "nyc-taxi-etl",          "clickstream-sessionize", "fraud-scoring",
      "inventory-compaction", "ad-impressions-rollup", "churn-features",  "iot-telemetry-agg"};
  constexpr int kNumApps = static_cast<int>(std::size(kApps));
  AppInfo app;
  app.selector = "spark-" + rng.Hex(32);
  app.app = kApps[index % kNumApps];
  if (index >= kNumApps) app.app += "-" + std::to_string(index / kNumApps + 1);
  app.app_name =
      app.app + "-" + std::string(Pick<const char*>(rng, {"ebs-pvc", "daily", "hourly",
                                                          "backfill", "v2"}));
  app.namespace_name =
      Pick<const char*>(rng, {"spark-team-a", "spark-team-b", "data-eng", "analytics"});
  app.queue = "root." + app.namespace_name;
  app.submission_id = rng.Uuid();
  app.spark_version = Pick<const char*>(rng, {"3.5.3", "3.5.1", "3.4.1"});
  app.image = rng.Chance(0.6) ? "public.ecr.aws/data-on-eks/spark:" + app.spark_version +
                                    "-scala2.12-java17-python3-ubuntu"
                              : "apache/spark:" + app.spark_version + "-scala2.12-java11-ubuntu";
  app.image_digest = "sha256:" + rng.Hex(64);
  app.start_ns = start_ns;
  return app;
}

PodInfo MakePod(Rng& rng, const AppInfo& app, int exec_id) {
  PodInfo pod;
  pod.app = &app;
  pod.driver = exec_id == 0;
  pod.exec_id = exec_id;
  pod.name = app.app_name + (pod.driver ? "-driver" : "-exec-" + std::to_string(exec_id));
  pod.pod_id = rng.Uuid();
  pod.pod_ip = Ip(rng);
  pod.host = "ip-10-1-" + std::to_string(rng.Between(0, 255)) + "-" +
             std::to_string(rng.Between(1, 254)) + ".us-west-2.compute.internal";
  pod.docker_id = rng.Hex(64);
  pod.kube_variants = KubeVariants(pod);
  pod.clock_ns = app.start_ns + (pod.driver ? 0 : rng.Between(20, 60) * kSecond +
                                                      rng.Between(0, kSecond - 1));
  return pod;
}

void AdvanceClock(PodInfo& pod, Rng& rng) {
  const uint64_t r = rng.Below(100);
  int64_t gap_ms = r < 70 ? rng.Between(0, 50)
                   : r < 95 ? rng.Between(50, 2000)
                   : r < 99 ? rng.Between(2000, 30000)
                            : rng.Between(30000, 300000);
  pod.clock_ns += gap_ms * kMs + rng.Between(0, kMs - 1);
}

void RecordWriter::Fill(PodInfo& pod, Rng& rng) {
  f_.has_timestamp = f_.has_level = f_.has_message = true;
  f_.date.clear();
  PutInt(f_.date, pod.clock_ns / kSecond);
  AppendFraction(f_.date, pod.clock_ns, 6);
  f_.timestamp.clear();
  AppendTimestamp(f_.timestamp, pod.clock_ns, rng);
  std::string_view level = pod.lines < kStartupLines ? "INFO" : PickLevel(rng);
  f_.level.assign("\"").append(level).push_back('"');
  f_.message.assign("\"");
  std::string upper(level);
  for (char& c : upper) c = Upper(c);
  f_.logger.assign("\"").append(AppendMessage(pod, rng, upper, f_.message)).push_back('"');
  f_.message.push_back('"');
  // Rare messages that are not text, or only characters that are not JSON whitespace (form
  // feed, vertical tab, no-break space): all of them are values, not missing.
  if (rng.Chance(0.002)) {
    f_.message = Pick<const char*>(
        rng, {"137", "0", "-1", "true", "\"\\f\"", "\"\\u000b\"", "\"\xc2\xa0\""});
  }
  uint64_t pick = rng.Below(1008);
  size_t variant = 0;
  while (pick >= static_cast<uint64_t>(kVariantWeights[variant])) {
    pick -= kVariantWeights[variant++];
  }
  f_.kube = &pod.kube_variants[variant];
}

void RecordWriter::Append(std::string& out) const {
  out.append("{\"date\":").append(f_.date);
  if (f_.has_timestamp) out.append(",\"timestamp\":").append(f_.timestamp);
  if (f_.has_level) out.append(",\"log_level\":").append(f_.level);
  out.append(",\"logger\":").append(f_.logger);
  if (f_.has_message) out.append(",\"message\":").append(f_.message);
  out.append(",\"stream\":\"stderr\",\"logtag\":\"F\",\"kubernetes\":").append(*f_.kube);
  out.push_back('}');
}

void RecordWriter::Good(PodInfo& pod, Rng& rng, std::string& out) {
  Fill(pod, rng);
  Append(out);
}

void RecordWriter::Bad(BadKind kind, PodInfo& pod, Rng& rng, std::string& out) {
  Fill(pod, rng);
  f_.kube = &pod.kube_variants[0];
  // The value a missing-field kind puts in place: nullopt removes the key.
  auto missing = [&](int mode) -> std::optional<std::string> {
    if (mode == 0) return std::nullopt;
    if (mode == 1) return "null";
    // Empty: "", a string of only JSON whitespace, or an empty object or array.
    return std::string(Pick<const char*>(rng, {"\"\"", "\" \"", "\"\\t \\r\\n\"", "{}", "[]"}));
  };
  auto set_top = [&](bool& has, std::string& raw, int mode) {
    auto v = missing(mode);
    has = v.has_value();
    if (v) raw = *v;
  };
  auto set_kube = [&](bool label, std::string_view key, int mode) {
    kube_scratch_ = RenderKube(pod, {{label, key, missing(mode)}});
    f_.kube = &kube_scratch_;
  };
  const int k = static_cast<int>(kind);
  const std::string date_text = f_.timestamp.size() > 12 && f_.timestamp[0] == '"'
                                    ? f_.timestamp.substr(1, 10)
                                    : std::string("2025-07-08");
  switch (kind) {
    case BadKind::kTruncated:
      scratch_.clear();
      Append(scratch_);
      out.append(scratch_, 0, rng.Between(1, static_cast<int64_t>(scratch_.size()) - 1));
      return;
    case BadKind::kArray:
      if (rng.Chance(0.5)) {
        out.push_back('[');
        Append(out);
        out.push_back(']');
      } else {
        out.append("[").append(f_.timestamp).append(",").append(f_.level).append(",");
        out.append(f_.message).append("]");
      }
      return;
    case BadKind::kNumber:
      out.append(rng.Chance(0.5) ? f_.date : "404");
      return;
    case BadKind::kString:
      out.append(f_.message[0] == '"' ? f_.message : "\"" + f_.message + "\"");
      return;
    case BadKind::kInvalidUtf8:
      f_.message.assign("\"Wrote caf\xe9 r\xe9sum\xe9 ").append(Pick<const char*>(
          rng, {"\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xf0\x9f\x98", "\xc0\xaf", "\x80"}));
      f_.message.append(" to s3a://bucket/part-00000\"");
      Append(out);
      return;
    case BadKind::kTrailingGarbage:
      Append(out);
      out.append(Pick<const char*>(rng, {"}", " x", ",", ",\"extra\":1}", "{\"date\":1}",
                                         " INFO Executor: Running task"}));
      return;
    case BadKind::kNonFiniteLiteral:
      f_.date = Pick<const char*>(rng, {"NaN", "Infinity", "-Infinity"});
      Append(out);
      return;
    case BadKind::kPlainText:
      out.append(Pick<const char*>(
          rng, {"Setting default log level to \"WARN\".",
                "To adjust logging level use sc.setLogLevel(newLevel). For SparkR, use "
                "setLogLevel(newLevel).",
                "Exception in thread \"main\" java.lang.IllegalStateException: "
                "User did not initialize spark context!",
                "++ id -u", "+ exec /usr/bin/tini -s -- /opt/spark/bin/spark-submit"}));
      return;
    case BadKind::kTimestampAbsent:
    case BadKind::kTimestampNull:
    case BadKind::kTimestampEmpty:
      set_top(f_.has_timestamp, f_.timestamp, k - static_cast<int>(BadKind::kTimestampAbsent));
      break;
    case BadKind::kLogLevelAbsent:
    case BadKind::kLogLevelNull:
    case BadKind::kLogLevelEmpty:
      set_top(f_.has_level, f_.level, k - static_cast<int>(BadKind::kLogLevelAbsent));
      break;
    case BadKind::kMessageAbsent:
    case BadKind::kMessageNull:
    case BadKind::kMessageEmpty:
      set_top(f_.has_message, f_.message, k - static_cast<int>(BadKind::kMessageAbsent));
      break;
    case BadKind::kPodNameAbsent:
    case BadKind::kPodNameNull:
    case BadKind::kPodNameEmpty:
      set_kube(false, "pod_name", k - static_cast<int>(BadKind::kPodNameAbsent));
      break;
    case BadKind::kNamespaceAbsent:
    case BadKind::kNamespaceNull:
    case BadKind::kNamespaceEmpty:
      set_kube(false, "namespace_name", k - static_cast<int>(BadKind::kNamespaceAbsent));
      break;
    case BadKind::kAppLabelAbsent:
    case BadKind::kAppLabelNull:
    case BadKind::kAppLabelEmpty:
      set_kube(true, "app", k - static_cast<int>(BadKind::kAppLabelAbsent));
      break;
    case BadKind::kSelectorAbsent:
    case BadKind::kSelectorNull:
    case BadKind::kSelectorEmpty:
      set_kube(true, "spark-app-selector", k - static_cast<int>(BadKind::kSelectorAbsent));
      break;
    case BadKind::kKubernetesNotObject:
      kube_scratch_ = Pick<std::string>(
          rng, {JsonString(pod.app->namespace_name + "/" + pod.name),
                "[" + JsonString(pod.name) + "," + JsonString(pod.app->namespace_name) + "]",
                "42"});
      f_.kube = &kube_scratch_;
      break;
    case BadKind::kLabelsNotObject:
      kube_scratch_ = RenderKube(
          pod, {{false, "labels",
                 Pick<std::string>(rng, {JsonString("app=" + pod.app->app + ",spark-role=x"),
                                         "[" + JsonString(pod.app->app) + "]", "7"})}});
      f_.kube = &kube_scratch_;
      break;
    case BadKind::kTimestampNoSuchDate: {
      if (rng.Chance(0.25)) {  // a real day, but outside UTC years 0001-9999
        f_.timestamp = Pick<const char*>(
            rng, {"\"0000-12-31T23:59:59Z\"", "\"0000-01-01 00:00:00.000\"",
                  "\"0001-01-01T00:30:00+01:00\"", "\"9999-12-31T23:59:59-00:01\"", "-62135596801",
                  "-62135596800.000001", "253402300800"});
        break;
      }
      const std::string year = date_text.substr(0, 4);
      const int y = std::stoi(year);
      const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      std::string md = Pick<const char*>(
          rng, {"02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-01", "00-10",
                "01-32", "01-00", leap ? "02-30" : "02-29"});
      f_.timestamp = "\"" + year + "-" + md + "T" +
                     Pick<const char*>(rng, {"19:52:43.118Z", "08:00:00+02:00", "23:59:59Z"}) +
                     "\"";
      break;
    }
    case BadKind::kTimestampBadTime:
      f_.timestamp = "\"" + date_text + "T" +
                     Pick<const char*>(rng, {"24:00:00Z", "25:13:07.5Z", "12:60:00Z",
                                             "07:30:61+00:00", "99:99:99Z"}) + "\"";
      break;
    case BadKind::kTimestampLongFraction:
      f_.timestamp = "\"" + date_text + "T19:52:43." +
                     Pick<const char*>(rng, {"1234567891", "12345678912", "000000000000"}) +
                     Pick<const char*>(rng, {"Z", "+00:00", ""}) + "\"";
      break;
    case BadKind::kTimestampText:
      f_.timestamp = JsonString(Pick<std::string>(
          rng, {"Tue Jul  8 19:52:43 UTC 2025", date_text.substr(0, 4) + "/07/08 19:52:43",
                "08/07/2025 19:52:43", "yesterday", "1751997163", "1751997163.118",
                date_text + "T19:52:43.Z", "2025-7-8T19:52:43Z", date_text + "T19:52:43+07",
                date_text, date_text + "T19:52Z", date_text + "T19:52:43.123 Z",
                " " + date_text + "T19:52:43Z", date_text + "T19:52:43Z[UTC]"}));
      break;
    case BadKind::kTimestampBoolean:
      f_.timestamp = rng.Chance(0.5) ? "true" : "false";
      break;
    case BadKind::kCount:
      break;
  }
  Append(out);
}

}  // namespace floe::testing::corpus
