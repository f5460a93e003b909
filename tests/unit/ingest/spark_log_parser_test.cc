// What the Spark log parser stores, line handling, and batches.

#include "floe/ingest/spark_log_parser.h"

#include <fstream>
#include <sstream>
#include <string>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "floe/ingest/spark_log_schema.h"
#include "spark_log_test_util.h"

namespace floe::ingest {
namespace {

using testing::Build;
using testing::kAbsent;
using testing::LineSpec;
using testing::Parse;
using testing::Parsed;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// 2025-07-08T19:52:43.118Z
constexpr int64_t kMicros = 1752004363118000;

TEST(SparkLogParserTest, SampleFileGivesFiveRecordsTwoRejectsAndABlankLine) {
  const std::string content =
      ReadFile(std::string(FLOE_TEST_DATA_DIR) + "/samples/fluentbit-spark.jsonl");
  ASSERT_FALSE(content.empty());
  Parsed p = Parse(content);
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.counts.lines, 8);
  EXPECT_EQ(p.counts.records, 5);
  EXPECT_EQ(p.counts.rejected, 2);
  EXPECT_EQ(p.counts.blank, 1);
  EXPECT_EQ(p.counts.bytes, static_cast<int64_t>(content.size()));
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].line, 6);
  EXPECT_EQ(p.rejects[0].reason, "invalid_json");
  EXPECT_EQ(p.rejects[1].line, 7);
  EXPECT_EQ(p.rejects[1].reason, "missing_field:kubernetes.labels.spark-app-selector");
  EXPECT_EQ(p.rejects[0].raw.substr(0, 22), "{\"date\":1751997230.1,\"");
  EXPECT_EQ(p.rejects[0].raw.back(), 't');  // "...in st": the line as cut, no newline

  ASSERT_EQ(p.batch->num_rows(), 5);
  EXPECT_EQ(p.Micros(0), kMicros);
  EXPECT_EQ(p.Cell("log_level", 0), "INFO");
  EXPECT_EQ(p.Cell("message", 0), "Running Spark version 3.5.3");
  EXPECT_EQ(p.Cell("pod_name", 0), "taxi-trip-ebs-pvc-driver");
  EXPECT_EQ(p.Cell("namespace_name", 0), "spark-team-a");
  EXPECT_EQ(p.Cell("app", 0), "taxi-trip");
  EXPECT_EQ(p.Cell("spark_app_selector", 0), "spark-1b3b78e281664cefb74ca64a1ed5a2d9");
  EXPECT_EQ(p.Cell("queue", 0), "root.spark-team-a");
  EXPECT_EQ(p.Cell("spark_app_name", 0), "taxi-trip-ebs-pvc");
  EXPECT_EQ(p.Cell("spark_role", 0), "driver");
  EXPECT_EQ(p.Cell("spark_version", 0), "3.5.3");
  EXPECT_EQ(p.Cell("submission_id", 0), "0c1f6a2e-3b7d-4f55-9d7e-2a9c0e1b5f11");
  EXPECT_EQ(p.Cell("container_name", 0), "spark-kubernetes-driver");
  EXPECT_EQ(p.Cell("container_image", 0),
            "public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu");
  EXPECT_EQ(p.Cell("log_level", 1), "INFO");  // written "info"
  EXPECT_EQ(p.Micros(2), 1752004370991113);   // six fraction digits
  EXPECT_EQ(p.Micros(3), 1752004401500000);   // +00:00
  EXPECT_EQ(p.Cell("spark_role", 3), "executor");
  EXPECT_EQ(p.Cell("message", 4),
            "Exception in task 2.0 in stage 3.0 (TID 19)\njava.io.IOException: No space left on "
            "device\n\tat java.base/java.io.FileOutputStream.writeBytes(Native Method)");
}

TEST(SparkLogParserTest, BatchHasTheSchemaWithFieldIds) {
  Parsed p = Parse(Build() + "\n");
  auto schema = SparkLogBatchSchema();
  ASSERT_TRUE(schema.ok());
  EXPECT_TRUE(p.batch->schema()->Equals(**schema, /*check_metadata=*/true));
  EXPECT_EQ(p.batch->schema()->field(0)->type()->ToString(), "timestamp[us, tz=UTC]");
  EXPECT_EQ(p.batch->num_columns(), 14);
  EXPECT_TRUE(p.batch->ValidateFull().ok());
}

TEST(SparkLogParserTest, FewValuedColumnsComeDictionaryEncodedMessageDoesNot) {
  LineSpec a, b, c;
  a.pod_name = "\"pod-a\"";
  a.log_level = "\"info\"";
  b.pod_name = "\"pod-b\"";
  b.log_level = "\"INFO\"";
  b.queue = kAbsent;
  c.pod_name = "\"pod-a\"";
  c.log_level = "\"warn\"";
  Parsed p = Parse(Build(a) + "\n" + Build(b) + "\n" + Build(c) + "\n" + Build(a) + "\n");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_EQ(p.batch->num_rows(), 4);
  ASSERT_TRUE(p.batch->ValidateFull().ok());
  EXPECT_EQ(p.batch->GetColumnByName("message")->type_id(), arrow::Type::STRING);
  const auto& pods =
      static_cast<const arrow::DictionaryArray&>(*p.batch->GetColumnByName("pod_name"));
  ASSERT_EQ(pods.dictionary()->length(), 2);  // each distinct value once
  EXPECT_EQ(pods.GetValueIndex(0), pods.GetValueIndex(2));
  EXPECT_EQ(pods.GetValueIndex(0), pods.GetValueIndex(3));
  EXPECT_NE(pods.GetValueIndex(0), pods.GetValueIndex(1));
  EXPECT_EQ(p.Cell("pod_name", 1), "pod-b");
  EXPECT_EQ(p.Cell("pod_name", 3), "pod-a");
  // Upper-cased before encoding: "info" and "INFO" are one value.
  const auto& levels =
      static_cast<const arrow::DictionaryArray&>(*p.batch->GetColumnByName("log_level"));
  EXPECT_EQ(levels.dictionary()->length(), 2);
  EXPECT_EQ(p.Cell("log_level", 0), "INFO");
  EXPECT_EQ(p.Cell("log_level", 1), "INFO");
  EXPECT_EQ(p.Cell("log_level", 2), "WARN");
  EXPECT_EQ(p.Cell("queue", 1), "<null>");
  EXPECT_EQ(p.Cell("queue", 2), "root.spark-team-a");
  EXPECT_EQ(p.batch->GetColumnByName("queue")->null_count(), 1);
}

TEST(SparkLogParserTest, OptionalFieldsAbsentOrNullAreNullAndEmptyStaysEmpty) {
  LineSpec spec;
  spec.queue = kAbsent;
  spec.spark_app_name = "null";
  spec.spark_role = "\"\"";
  spec.container_name = kAbsent;
  spec.container_image = "null";
  spec.submission_id = "\" \"";
  Parsed p = Parse(Build(spec));
  ASSERT_EQ(p.batch->num_rows(), 1);
  EXPECT_EQ(p.Cell("queue"), "<null>");
  EXPECT_EQ(p.Cell("spark_app_name"), "<null>");
  EXPECT_EQ(p.Cell("spark_role"), "");
  EXPECT_EQ(p.Cell("container_name"), "<null>");
  EXPECT_EQ(p.Cell("container_image"), "<null>");
  EXPECT_EQ(p.Cell("submission_id"), " ");
  EXPECT_EQ(p.Cell("spark_version"), "3.5.3");
}

TEST(SparkLogParserTest, NumbersAndBooleansAreStoredAsWritten) {
  LineSpec spec;
  spec.spark_version = "1.50";
  spec.queue = "true";
  spec.spark_role = "false";
  spec.message = "-0.0e+10";
  spec.app = "12345678901234567890123";
  spec.log_level = "3";
  Parsed p = Parse(Build(spec));
  ASSERT_EQ(p.batch->num_rows(), 1);
  EXPECT_EQ(p.Cell("spark_version"), "1.50");
  EXPECT_EQ(p.Cell("queue"), "true");
  EXPECT_EQ(p.Cell("spark_role"), "false");
  EXPECT_EQ(p.Cell("message"), "-0.0e+10");
  EXPECT_EQ(p.Cell("app"), "12345678901234567890123");
  EXPECT_EQ(p.Cell("log_level"), "3");
}

TEST(SparkLogParserTest, ObjectsAndArraysAreStoredMinified) {
  LineSpec spec;
  spec.message = "{ \"a\" : [ 1 , 2.50 , { } ] ,\t\"b c\" : \"x \\\" y\" }";
  spec.queue = "[ \"q1\" , null , true ]";
  spec.container_image = "{\"img\": {\"tag\": \"3.5.3\"}}";
  Parsed p = Parse(Build(spec));
  ASSERT_EQ(p.batch->num_rows(), 1);
  EXPECT_EQ(p.Cell("message"), "{\"a\":[1,2.50,{}],\"b c\":\"x \\\" y\"}");
  EXPECT_EQ(p.Cell("queue"), "[\"q1\",null,true]");
  EXPECT_EQ(p.Cell("container_image"), "{\"img\":{\"tag\":\"3.5.3\"}}");
}

TEST(SparkLogParserTest, StringsAreUnescaped) {
  LineSpec spec;
  spec.message =
      "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC \\ud83d\\ude00 \\u0000 caf\xC3\xA9\"";
  Parsed p = Parse(Build(spec));
  ASSERT_EQ(p.batch->num_rows(), 1);
  EXPECT_EQ(p.Cell("message"), std::string("q\" b\\ s/ \b\f\n\r\t \xC3\xA9 \xE2\x82\xAC "
                                           "\xF0\x9F\x98\x80 ") +
                                   std::string(1, '\0') + " caf\xC3\xA9");
}

TEST(SparkLogParserTest, EscapedKeysMatchTheirUnescapedNames) {
  const std::string line =
      R"({"time\u0073tamp":"2025-07-08T19:52:43.118Z","log_level":"warn","message":"m",)"
      R"("kubernetes":{"pod_name":"p","namespace_name":"n","labels":{"app":"a",)"
      R"("spark-app-selector":"s","sparkoperator.k8s.io\/submission-id":"id-1"}}})";
  Parsed p = Parse(line);
  ASSERT_EQ(p.batch->num_rows(), 1) << p.reason();
  EXPECT_EQ(p.Micros(), kMicros);
  EXPECT_EQ(p.Cell("submission_id"), "id-1");
  EXPECT_EQ(p.Cell("log_level"), "WARN");
}

TEST(SparkLogParserTest, LogLevelIsUpperCasedAsciiOnly) {
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"\"warn\"", "WARN"},
           {"\"Error\"", "ERROR"},
           {"\"debug-x_1\"", "DEBUG-X_1"},
           {"\"\\u00e9rror\"", "\xC3\xA9RROR"},
           {"{\"lvl\":\"info\"}", "{\"LVL\":\"INFO\"}"}}) {
    LineSpec spec;
    spec.log_level = in;
    Parsed p = Parse(Build(spec));
    ASSERT_EQ(p.batch->num_rows(), 1) << in;
    EXPECT_EQ(p.Cell("log_level"), out);
  }
}

TEST(SparkLogParserTest, TimestampFormsAreConvertedToUtcMicros) {
  for (const auto& [ts, micros] : std::vector<std::pair<std::string, int64_t>>{
           {"\"2025-07-08T19:52:43.118Z\"", kMicros},
           {"\"2025-07-08 19:52:43.118\"", kMicros},
           {"\"2025-07-08T21:52:43.118+02:00\"", kMicros},
           {"\"2025-07-08T14:22:43.118-0530\"", kMicros},
           {"\"2025-07-08T19:52:43.118999999Z\"", kMicros + 999},
           {"1752004363.118", kMicros},
           {"1.752004363118e9", kMicros},
           {"1752004363118e-3", kMicros},
           {"-1.5", -1500000},
           {"-0.0000001", -1}}) {
    LineSpec spec;
    spec.timestamp = ts;
    Parsed p = Parse(Build(spec));
    ASSERT_EQ(p.batch->num_rows(), 1) << ts << " " << p.reason();
    EXPECT_EQ(p.Micros(), micros) << ts;
  }
}

TEST(SparkLogParserTest, CrlfLineEndingsAreDropped) {
  LineSpec bad;
  bad.app = kAbsent;
  const std::string content = Build() + "\r\n" + Build(bad) + "\r\n" + Build() + "\r\n";
  Parsed p = Parse(content);
  EXPECT_EQ(p.counts.lines, 3);
  EXPECT_EQ(p.counts.records, 2);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].line, 2);
  EXPECT_EQ(p.rejects[0].raw, Build(bad));  // without the \r
  EXPECT_EQ(p.Cell("container_image", 1), "spark:3.5.3");
}

TEST(SparkLogParserTest, ByteOrderMarkAtTheStartIsIgnored) {
  const std::string bom = "\xEF\xBB\xBF";
  Parsed p = Parse(bom + Build() + "\n" + bom + Build() + "\n");
  EXPECT_EQ(p.counts.records, 1);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].line, 2);  // only the file's first bytes may be a BOM
  EXPECT_EQ(p.rejects[0].reason, "invalid_json");
  EXPECT_EQ(p.rejects[0].raw, bom + Build());
  LineSpec bad;
  bad.message = kAbsent;
  Parsed q = Parse(bom + Build(bad));
  ASSERT_EQ(q.rejects.size(), 1u);
  EXPECT_EQ(q.rejects[0].raw, Build(bad));  // the raw line leaves the BOM out
  EXPECT_EQ(Parse(bom).counts.lines, 0);
}

TEST(SparkLogParserTest, BlankLinesAreSkippedButCounted) {
  const std::string content = "\n" + Build() + "\n   \n\t \r\n\r\n" + "xx\n\n" + Build() + "\n";
  Parsed p = Parse(content);
  EXPECT_EQ(p.counts.lines, 8);
  EXPECT_EQ(p.counts.blank, 5);
  EXPECT_EQ(p.counts.records, 2);
  EXPECT_EQ(p.counts.rejected, 1);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].line, 6);  // physical line numbers count the blank ones
  EXPECT_EQ(p.counts.lines, p.counts.records + p.counts.rejected + p.counts.blank);
  EXPECT_EQ(Parse("").counts.lines, 0);
  EXPECT_EQ(Parse("\n").counts.blank, 1);
  // Form feeds and no-break spaces are not blank: such a line is not JSON.
  EXPECT_EQ(Parse("\f\n").reason(), "invalid_json");
}

TEST(SparkLogParserTest, BlankLinesAreOnlyJsonWhitespace) {
  // Spaces, tabs and CRs (a CR before CRLF stays in the line) are blank, whatever the mix.
  for (const char* line : {" \n", "\t\n", " \t \r\n", "\r\r\n", " \r \n", "\t"}) {
    Parsed p = Parse(line);
    EXPECT_EQ(p.counts.blank, 1) << ::testing::PrintToString(line);
    EXPECT_TRUE(p.rejects.empty()) << ::testing::PrintToString(line);
  }
  // Other whitespace is content, and the line is not JSON.
  for (const char* line :
       {"\f\n", "\v\n", " \f\t\n", "\xc2\xa0\n", "\xe2\x80\xa8\n", "\xe3\x80\x80\n"}) {
    Parsed p = Parse(line);
    EXPECT_EQ(p.counts.blank, 0) << ::testing::PrintToString(line);
    EXPECT_EQ(p.reason(), "invalid_json") << ::testing::PrintToString(line);
  }
  EXPECT_EQ(Parse(std::string("\0\n", 2)).reason(), "invalid_json");
  // JSON whitespace around a record is allowed, as RFC 8259 allows it around any value.
  Parsed p = Parse(" \t" + Build() + " \t\r\n");
  EXPECT_EQ(p.counts.records, 1);
}

TEST(SparkLogParserTest, LastLineWithoutNewlineIsParsed) {
  LineSpec bad;
  bad.pod_name = kAbsent;
  Parsed p = Parse(Build() + "\n" + Build());
  EXPECT_EQ(p.counts.lines, 2);
  EXPECT_EQ(p.counts.records, 2);
  Parsed q = Parse(Build() + "\n" + Build(bad));
  ASSERT_EQ(q.rejects.size(), 1u);
  EXPECT_EQ(q.rejects[0].line, 2);
  EXPECT_EQ(q.rejects[0].reason, "missing_field:kubernetes.pod_name");
  EXPECT_EQ(Parse("{\"a\":1").reason(), "invalid_json");
  EXPECT_EQ(Parse("{").reason(), "invalid_json");
}

TEST(SparkLogParserTest, RejectsKeepTheExactBytesOfTheLine) {
  const std::string bad = "{\"message\":\"caf\xC3\" \t ";
  Parsed p = Parse(Build() + "\n" + bad + "\r\n" + Build());
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].raw, bad);
  EXPECT_EQ(p.rejects[0].line, 2);
}

TEST(SparkLogParserTest, FilesAccumulateUntilFlushAndCountsAdd) {
  SparkLogParser parser;
  std::vector<RejectedLine> rejects;
  ParseCounts counts;
  ASSERT_TRUE(parser.ParseFile(Build() + "\n" + Build() + "\n", &rejects, &counts).ok());
  ASSERT_TRUE(parser.ParseFile(Build() + "\nnot json\n", &rejects, &counts).ok());
  EXPECT_EQ(parser.num_rows(), 3);
  EXPECT_GT(parser.buffered_bytes(), 3 * 50);
  EXPECT_EQ(counts.lines, 4);
  EXPECT_EQ(counts.records, 3);
  EXPECT_EQ(counts.rejected, 1);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 2);  // line numbers are per file
  auto batch = parser.Flush();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)->num_rows(), 3);
  EXPECT_TRUE((*batch)->ValidateFull().ok());
  EXPECT_EQ(parser.num_rows(), 0);
  EXPECT_EQ(parser.buffered_bytes(), 0);
  // The earlier batch keeps its values after the parser moves on.
  LineSpec other;
  other.message = "\"second batch\"";
  ASSERT_TRUE(parser.ParseFile(Build(other), &rejects, &counts).ok());
  auto second = parser.Flush();
  ASSERT_TRUE(second.ok());
  ASSERT_EQ((*second)->num_rows(), 1);
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*(*second)->column(2)).GetView(0),
            "second batch");
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*(*batch)->column(2)).GetView(2),
            "Running Spark version 3.5.3");
  // Dictionary columns too: each batch has a dictionary of its own.
  const auto& first_pods = static_cast<const arrow::DictionaryArray&>(*(*batch)->column(3));
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*first_pods.dictionary())
                .GetView(first_pods.GetValueIndex(2)),
            "taxi-driver");
  EXPECT_EQ(first_pods.dictionary()->length(), 1);
  auto empty = parser.Flush();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->num_rows(), 0);
  EXPECT_TRUE((*empty)->ValidateFull().ok());
}

TEST(SparkLogParserTest, ManyLinesWithNullsRoundTripThroughTheBatch) {
  std::string content;
  for (int i = 0; i < 5000; ++i) {
    LineSpec spec;
    spec.message = "\"message " + std::to_string(i) + "\\n\\tat frame\"";
    spec.timestamp = std::to_string(1752004363 + i) + "." + std::to_string(i % 1000);
    if (i % 3 == 0) spec.queue = kAbsent;
    if (i % 7 == 0) spec.container_image = "null";
    content += Build(spec) + (i % 2 ? "\r\n" : "\n");
  }
  Parsed p = Parse(content);
  ASSERT_EQ(p.batch->num_rows(), 5000);
  for (int i : {0, 1, 2, 3, 6, 7, 4999}) {
    EXPECT_EQ(p.Cell("message", i), "message " + std::to_string(i) + "\n\tat frame");
    EXPECT_EQ(p.Cell("queue", i) == "<null>", i % 3 == 0);
    EXPECT_EQ(p.Cell("container_image", i) == "<null>", i % 7 == 0);
  }
  EXPECT_EQ(p.batch->column(7)->null_count(), 1667);
  EXPECT_EQ(p.batch->column(0)->null_count(), 0);
}

TEST(SparkLogParserTest, LongLinesAndStringsOfEveryLengthAreRead) {
  // Lengths around the 16-byte scanning blocks, with an escape or a multi-byte character at
  // every position, and one message of 3 MB.
  std::string content;
  std::vector<std::string> expected;
  for (int n = 1; n < 40; ++n) {  // from 1: a message of just "\n" would be blank
    for (const auto& [raw, plain] : std::vector<std::pair<std::string, std::string>>{
             {"\\n", "\n"}, {"\\u00e9", "\xC3\xA9"}, {"\xE2\x82\xAC", "\xE2\x82\xAC"}}) {
      LineSpec spec;
      spec.message = "\"" + std::string(n, 'a') + raw + std::string(n % 17, 'b') + "\"";
      content += Build(spec) + "\n";
      expected.push_back(std::string(n, 'a') + plain + std::string(n % 17, 'b'));
    }
  }
  LineSpec big;
  big.message = "\"" + std::string(3 << 20, 'x') + "\\t\"";
  content += Build(big);
  expected.push_back(std::string(3 << 20, 'x') + "\t");
  Parsed p = Parse(content);
  ASSERT_EQ(p.batch->num_rows(), static_cast<int64_t>(expected.size()))
      << p.reason() << " at line " << (p.rejects.empty() ? 0 : p.rejects[0].line) << ": "
      << (p.rejects.empty() ? "" : p.rejects[0].raw.substr(0, 200));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(p.Cell("message", static_cast<int64_t>(i)), expected[i]) << i;
  }
}

}  // namespace
}  // namespace floe::ingest
