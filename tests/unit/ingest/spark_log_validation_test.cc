// Which lines the Spark log parser rejects, and why.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spark_log_test_util.h"

namespace floe::ingest {
namespace {

using testing::Build;
using testing::kAbsent;
using testing::LineSpec;
using testing::ReasonOf;

/// The required fields in the order they are checked, with a setter for each.
struct Required {
  const char* path;
  std::string LineSpec::*member;
};
const std::vector<Required> kRequired = {
    {"timestamp", &LineSpec::timestamp},
    {"log_level", &LineSpec::log_level},
    {"message", &LineSpec::message},
    {"kubernetes.pod_name", &LineSpec::pod_name},
    {"kubernetes.namespace_name", &LineSpec::namespace_name},
    {"kubernetes.labels.app", &LineSpec::app},
    {"kubernetes.labels.spark-app-selector", &LineSpec::selector},
};

TEST(SparkLogValidationTest, ValidLineIsARecord) { EXPECT_EQ(ReasonOf(Build()), ""); }

TEST(SparkLogValidationTest, EachMissingRequiredFieldIsNamed) {
  for (const Required& field : kRequired) {
    LineSpec spec;
    spec.*field.member = kAbsent;
    EXPECT_EQ(ReasonOf(Build(spec)), std::string("missing_field:") + field.path);
  }
}

TEST(SparkLogValidationTest, FirstMissingFieldInCheckOrderWins) {
  // Leave out every field from the i-th on: the i-th is reported.
  for (size_t i = 0; i < kRequired.size(); ++i) {
    LineSpec spec;
    for (size_t j = i; j < kRequired.size(); ++j) spec.*kRequired[j].member = kAbsent;
    EXPECT_EQ(ReasonOf(Build(spec)), std::string("missing_field:") + kRequired[i].path);
  }
  // The line's field order does not matter: message comes before log_level in the check.
  EXPECT_EQ(ReasonOf(R"({"message":"","kubernetes":{},"log_level":null,"timestamp":1})"),
            "missing_field:log_level");
}

TEST(SparkLogValidationTest, NullEmptyAndWhitespaceOnlyValuesAreMissing) {
  for (const char* value : {"null", "\"\"", "\" \"", "\" \\t\\r\\n \"", "\"\\u0020\"", "{}",
                            "[]", "{ }", "[ ]"}) {
    for (const Required& field : kRequired) {
      LineSpec spec;
      spec.*field.member = value;
      EXPECT_EQ(ReasonOf(Build(spec)), std::string("missing_field:") + field.path)
          << field.path << " = " << value;
    }
  }
}

TEST(SparkLogValidationTest, NumbersBooleansAndNonEmptyContainersAreNotMissing) {
  for (const char* value : {"0", "false", "-1.5e3", "{\"a\":1}", "[0]", "\" x \""}) {
    for (size_t i = 1; i < kRequired.size(); ++i) {  // all but the timestamp
      LineSpec spec;
      spec.*kRequired[i].member = value;
      EXPECT_EQ(ReasonOf(Build(spec)), "") << kRequired[i].path << " = " << value;
    }
  }
}

TEST(SparkLogValidationTest, KubernetesThatIsNotAnObjectMissesPodName) {
  for (const char* value : {"\"pod\"", "1", "true", "null", "[]", "[{\"pod_name\":\"p\"}]"}) {
    LineSpec spec;
    spec.kubernetes = value;
    EXPECT_EQ(ReasonOf(Build(spec)), "missing_field:kubernetes.pod_name") << value;
  }
  LineSpec spec;
  spec.kubernetes = kAbsent;
  EXPECT_EQ(ReasonOf(Build(spec)), "missing_field:kubernetes.pod_name");
}

TEST(SparkLogValidationTest, LabelsThatAreNotAnObjectMissApp) {
  for (const char* value : {"\"app=x\"", "7", "null", "[\"app\"]"}) {
    LineSpec spec;
    spec.labels = value;
    EXPECT_EQ(ReasonOf(Build(spec)), "missing_field:kubernetes.labels.app") << value;
  }
  LineSpec spec;
  spec.labels = kAbsent;
  EXPECT_EQ(ReasonOf(Build(spec)), "missing_field:kubernetes.labels.app");
}

TEST(SparkLogValidationTest, RequiredFieldsAtTheWrongLevelDoNotCount) {
  EXPECT_EQ(ReasonOf(R"({"timestamp":"2025-07-08T19:52:43Z","log_level":"INFO","message":"m",)"
                     R"("pod_name":"p","kubernetes":{"namespace_name":"n"}})"),
            "missing_field:kubernetes.pod_name");
  EXPECT_EQ(ReasonOf(R"({"timestamp":"2025-07-08T19:52:43Z","log_level":"INFO","message":"m",)"
                     R"("kubernetes":{"pod_name":"p","namespace_name":"n","app":"a",)"
                     R"("labels":{"spark-app-selector":"s"}}})"),
            "missing_field:kubernetes.labels.app");
}

TEST(SparkLogValidationTest, LineThatIsNotAnObjectIsInvalidJson) {
  for (const char* line : {"[1,2]", "\"text\"", "42", "null", "true", "plain log text",
                           "{", "}", "{}x", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}"}) {
    EXPECT_EQ(ReasonOf(line), "invalid_json") << line;
  }
}

TEST(SparkLogValidationTest, TruncatedAndTrailingGarbageAreInvalidJson) {
  const std::string line = Build();
  EXPECT_EQ(ReasonOf(line.substr(0, line.size() - 1)), "invalid_json");
  EXPECT_EQ(ReasonOf(line.substr(0, line.size() / 2)), "invalid_json");
  EXPECT_EQ(ReasonOf(line.substr(0, 100)), "invalid_json");  // inside a string
  EXPECT_EQ(ReasonOf(line + "}"), "invalid_json");
  EXPECT_EQ(ReasonOf(line + " x"), "invalid_json");
  EXPECT_EQ(ReasonOf(line + "{}"), "invalid_json");
  EXPECT_EQ(ReasonOf(line + line), "invalid_json");
  EXPECT_EQ(ReasonOf(line + ","), "invalid_json");
  EXPECT_EQ(ReasonOf("  " + line + " \t "), "");  // whitespace around the object is JSON
}

TEST(SparkLogValidationTest, InvalidUtf8AnywhereIsInvalidJson) {
  LineSpec spec;
  spec.message = "\"caf\xC3\"";  // truncated two-byte sequence
  EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json");
  spec.message = "\"\xED\xA0\x80\"";  // an encoded surrogate
  EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json");
  spec.message = "\"\xC0\xAF\"";  // overlong
  EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json");
  // In a field nobody reads, and in a key.
  std::string line = Build();
  line.insert(1, "\"logger2\":\"\xFF\",");
  EXPECT_EQ(ReasonOf(line), "invalid_json");
  line = Build();
  line.insert(1, "\"\xFE\":1,");
  EXPECT_EQ(ReasonOf(line), "invalid_json");
  // Valid multi-byte UTF-8 is fine.
  spec.message = "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"";
  EXPECT_EQ(ReasonOf(Build(spec)), "");
}

TEST(SparkLogValidationTest, MalformedValuesInIgnoredFieldsAreInvalidJson) {
  for (const char* bad :
       {"\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "01", "1.",
        "-", "1e", ".5", "+1", "NaN", "tru", "truex", "nul", "fals", "[1,]", "[1 2]", "{\"a\":1,}",
        "{\"a\" 1}", "[}", "\"a\tb\"", "\"a\x01b\"", "\"\x7f\x80\""}) {
    std::string line = Build();
    line.insert(1, std::string("\"extra\":") + bad + ",");
    EXPECT_EQ(ReasonOf(line), "invalid_json") << bad;
    LineSpec spec;  // the same inside kubernetes.labels
    spec.labels = std::string("{\"app\":\"a\",\"spark-app-selector\":\"s\",\"x\":") + bad + "}";
    EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json") << bad;
  }
}

TEST(SparkLogValidationTest, MalformedValuesInReadFieldsAreInvalidJson) {
  for (const char* bad : {"\"\\q\"", "01", "1.", "tru", "nul", "[1,]", "{\"a\":01}"}) {
    LineSpec spec;
    spec.container_image = bad;
    EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json") << bad;
    spec = LineSpec{};
    spec.message = bad;
    EXPECT_EQ(ReasonOf(Build(spec)), "invalid_json") << bad;
  }
}

TEST(SparkLogValidationTest, NestingDeeperThan1024IsInvalidJson) {
  std::string line = Build();
  line.insert(1, "\"deep\":" + std::string(2000, '[') + std::string(2000, ']') + ",");
  EXPECT_EQ(ReasonOf(line), "invalid_json");
  line = Build();
  line.insert(1, "\"deep\":" + std::string(100, '[') + std::string(100, ']') + ",");
  EXPECT_EQ(ReasonOf(line), "");
}

TEST(SparkLogValidationTest, DuplicateKeysKeepTheLastValue) {
  std::string line = Build();
  line.insert(1, "\"message\":\"\",");
  EXPECT_EQ(ReasonOf(line), "");  // the later, non-empty message wins
  line = Build();
  line.insert(line.size() - 1, ",\"message\":null");
  EXPECT_EQ(ReasonOf(line), "missing_field:message");
  // A later kubernetes object replaces the earlier one whole.
  line = Build();
  line.insert(line.size() - 1, ",\"kubernetes\":{\"namespace_name\":\"n\"}");
  EXPECT_EQ(ReasonOf(line), "missing_field:kubernetes.pod_name");
}

TEST(SparkLogValidationTest, BadTimestampsAreRejected) {
  for (const char* ts : {"\"yesterday\"", "\"2025-02-29T00:00:00Z\"", "\"2024-13-01T00:00:00Z\"",
                         "\"2025-07-08T24:00:00Z\"", "\"2025-07-08T23:59:60Z\"",
                         "\"1751997163\"", "true", "{\"s\":1}", "[1751997163]", "1e300",
                         "-1e20", "\" 2025-07-08T19:52:43Z\""}) {
    LineSpec spec;
    spec.timestamp = ts;
    EXPECT_EQ(ReasonOf(Build(spec)), "bad_timestamp") << ts;
  }
}

// The rules both floe and the Python expectation follow (README "Line rules").
TEST(SparkLogValidationTest, BlankValueMeansOnlyJsonWhitespace) {
  // JSON's whitespace is space, tab, LF and CR; anything else is content, not missing.
  for (const char* value : {"\"\\f\"", "\"\\u000b\"", "\" \\f \"", "\"\xc2\xa0\"", "\"\\u2028\"",
                            "\"\\u0000\"", "\"\\u3000\""}) {
    for (size_t i = 1; i < kRequired.size(); ++i) {  // all but the timestamp
      LineSpec spec;
      spec.*kRequired[i].member = value;
      EXPECT_EQ(ReasonOf(Build(spec)), "") << kRequired[i].path << " = " << value;
    }
    LineSpec spec;
    spec.timestamp = value;  // present, so it is checked as a timestamp
    EXPECT_EQ(ReasonOf(Build(spec)), "bad_timestamp") << value;
  }
  for (const char* value :
       {"\" \"", "\"\\t\"", "\"\\r\\n\"", "\" \\t\\r\\n \"", "\"\\u0009\\u000a\\u000d\\u0020\""}) {
    for (const Required& field : kRequired) {
      LineSpec spec;
      spec.*field.member = value;
      EXPECT_EQ(ReasonOf(Build(spec)), std::string("missing_field:") + field.path)
          << field.path << " = " << value;
    }
  }
}

TEST(SparkLogValidationTest, LowerCaseTAndZAreRfc3339) {
  for (const char* ts : {"\"2025-07-08t19:52:43.118z\"", "\"2025-07-08t19:52:43.118Z\"",
                         "\"2025-07-08T19:52:43.118z\"", "\"2025-07-08t21:52:43.118+02:00\""}) {
    LineSpec spec;
    spec.timestamp = ts;
    EXPECT_EQ(ReasonOf(Build(spec)), "") << ts;
  }
  LineSpec spec;
  spec.timestamp = "\"2025-07-08x19:52:43.118z\"";
  EXPECT_EQ(ReasonOf(Build(spec)), "bad_timestamp");
}

TEST(SparkLogValidationTest, TimestampsOutsideYearsOneToNineThousandNineHundredNinetyNine) {
  // Year 0000 fits RFC 3339's grammar but no Python datetime: refused, as text or as number.
  for (const char* ts :
       {"\"0000-01-01T00:00:00Z\"", "\"0000-12-31T23:59:59.999999Z\"", "\"0000-06-15 12:00:00\"",
        "\"0001-01-01T00:30:00+01:00\"", "\"9999-12-31T23:59:59-00:01\"", "-62135596801",
        "-62135596800.000001", "253402300800"}) {
    LineSpec spec;
    spec.timestamp = ts;
    EXPECT_EQ(ReasonOf(Build(spec)), "bad_timestamp") << ts;
  }
  for (const char* ts : {"\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999Z\"",
                         "-62135596800", "253402300799.999999"}) {
    LineSpec spec;
    spec.timestamp = ts;
    EXPECT_EQ(ReasonOf(Build(spec)), "") << ts;
  }
}

TEST(SparkLogValidationTest, MissingComesBeforeBadTimestamp) {
  LineSpec spec;
  spec.timestamp = "\"garbage\"";
  spec.selector = kAbsent;
  EXPECT_EQ(ReasonOf(Build(spec)), "missing_field:kubernetes.labels.spark-app-selector");
}

TEST(SparkLogValidationTest, InvalidJsonComesBeforeMissingFields) {
  EXPECT_EQ(ReasonOf("{\"a\":1,}"), "invalid_json");
  EXPECT_EQ(ReasonOf("{\"timestamp\":\"x\",\"b\":01}"), "invalid_json");
}

}  // namespace
}  // namespace floe::ingest
