#pragma once

// Builds Fluent Bit-style Spark log lines and parses content for the Spark log parser tests.

#include <memory>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "floe/ingest/spark_log_parser.h"

namespace floe::ingest::testing {

/// Marks a field as left out of the line.
inline const std::string kAbsent = "<absent>";

/// Raw JSON text for each field of a line; kAbsent leaves the field out.
struct LineSpec {
  std::string timestamp = "\"2025-07-08T19:52:43.118Z\"";
  std::string log_level = "\"INFO\"";
  std::string message = "\"Running Spark version 3.5.3\"";
  std::string pod_name = "\"taxi-driver\"";
  std::string namespace_name = "\"spark-team-a\"";
  std::string app = "\"taxi-trip\"";
  std::string selector = "\"spark-1b3b78e281664cefb74ca64a1ed5a2d9\"";
  std::string queue = "\"root.spark-team-a\"";
  std::string spark_app_name = "\"taxi-trip-ebs-pvc\"";
  std::string spark_role = "\"driver\"";
  std::string spark_version = "\"3.5.3\"";
  std::string submission_id = "\"0c1f6a2e-3b7d-4f55-9d7e-2a9c0e1b5f11\"";
  std::string container_name = "\"spark-kubernetes-driver\"";
  std::string container_image = "\"spark:3.5.3\"";
  /// When set, the whole `labels` / `kubernetes` value instead of the fields above.
  std::string labels;
  std::string kubernetes;
};

inline void AddField(std::string* out, const std::string& name, const std::string& value) {
  if (value == kAbsent) return;
  if (out->back() != '{') *out += ",";
  *out += "\"" + name + "\":" + value;
}

inline std::string Build(const LineSpec& s) {
  std::string labels = s.labels;
  if (labels.empty()) {
    labels = "{";
    AddField(&labels, "app", s.app);
    AddField(&labels, "queue", s.queue);
    AddField(&labels, "spark-app-name", s.spark_app_name);
    AddField(&labels, "spark-app-selector", s.selector);
    AddField(&labels, "spark-version", s.spark_version);
    AddField(&labels, "sparkoperator.k8s.io/app-name", "\"taxi-trip-ebs-pvc\"");
    AddField(&labels, "sparkoperator.k8s.io/submission-id", s.submission_id);
    AddField(&labels, "spark-role", s.spark_role);
    labels += "}";
  }
  std::string kubernetes = s.kubernetes;
  if (kubernetes.empty()) {
    kubernetes = "{";
    AddField(&kubernetes, "pod_name", s.pod_name);
    AddField(&kubernetes, "namespace_name", s.namespace_name);
    AddField(&kubernetes, "pod_id", "\"5e3c1f0a-8d2b-4c9e-a1f7-6b0d2e4c8a13\"");
    AddField(&kubernetes, "labels", labels);
    AddField(&kubernetes, "annotations", "{\"karpenter.sh/do-not-disrupt\":\"true\"}");
    AddField(&kubernetes, "container_name", s.container_name);
    AddField(&kubernetes, "container_image", s.container_image);
    kubernetes += "}";
  }
  std::string line = "{";
  AddField(&line, "date", "1751997163.118");
  AddField(&line, "timestamp", s.timestamp);
  AddField(&line, "log_level", s.log_level);
  AddField(&line, "logger", "\"org.apache.spark.SparkContext\"");
  AddField(&line, "message", s.message);
  AddField(&line, "stream", "\"stderr\"");
  AddField(&line, "kubernetes", kubernetes);
  line += "}";
  return line;
}

inline std::string Build() { return Build(LineSpec{}); }

struct Parsed {
  arrow::Status status;
  std::vector<RejectedLine> rejects;
  ParseCounts counts;
  std::shared_ptr<arrow::RecordBatch> batch;

  std::string reason(size_t i = 0) const { return i < rejects.size() ? rejects[i].reason : ""; }
  /// Column `name` of row `row` as text, "<null>" for NULL.
  std::string Cell(const std::string& name, int64_t row = 0) const {
    auto column = batch->GetColumnByName(name);
    if (column == nullptr) return "<no column " + name + ">";
    if (column->IsNull(row)) return "<null>";
    if (column->type_id() == arrow::Type::STRING) {
      return std::string(static_cast<const arrow::StringArray&>(*column).GetView(row));
    }
    if (column->type_id() == arrow::Type::DICTIONARY) {
      const auto& dict = static_cast<const arrow::DictionaryArray&>(*column);
      return std::string(static_cast<const arrow::StringArray&>(*dict.dictionary())
                             .GetView(dict.GetValueIndex(row)));
    }
    return std::to_string(static_cast<const arrow::TimestampArray&>(*column).Value(row));
  }
  int64_t Micros(int64_t row = 0) const {
    return static_cast<const arrow::TimestampArray&>(*batch->column(0)).Value(row);
  }
};

/// Parses `content` as one file with a fresh parser and flushes.
inline Parsed Parse(std::string_view content) {
  Parsed out;
  SparkLogParser parser;
  out.status = parser.ParseFile(content, &out.rejects, &out.counts);
  auto batch = parser.Flush();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  if (batch.ok()) {
    out.batch = *batch;
    EXPECT_TRUE(out.batch->ValidateFull().ok());
  }
  return out;
}

/// The reject reason of a single line, or "" when it is a record.
inline std::string ReasonOf(const std::string& line) {
  Parsed parsed = Parse(line + "\n");
  EXPECT_TRUE(parsed.status.ok()) << parsed.status.ToString();
  EXPECT_EQ(parsed.counts.lines, 1);
  return parsed.reason();
}

}  // namespace floe::ingest::testing
