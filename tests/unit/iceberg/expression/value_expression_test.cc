#include "floe/iceberg/expression/value_expression.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/type/schema_text.h"

namespace floe::iceberg {
namespace {

// Three rows; row 2 holds the NULLs.
const char* kSchemaText =
    "id long required, salary double, price decimal(10, 2), dept string, name string, "
    "day date, n int, flag boolean, s struct<a int, b string>";

std::shared_ptr<arrow::RecordBatch> Rows() {
  auto schema = ParseSchemaText(kSchemaText);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  auto arrow_schema = *ToArrowSchema(*schema);
  auto col = [&](int i, const char* json) {
    auto a = arrow::json::ArrayFromJSONString(arrow_schema->field(i)->type(), json);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return *a;
  };
  return arrow::RecordBatch::Make(
      arrow_schema, 3,
      {col(0, "[1, 2, 3]"), col(1, "[100.0, 50.5, null]"), col(2, R"(["10.25", "3.00", null])"),
       col(3, R"(["IT", "HR", null])"), col(4, R"(["  Ann ", "bob", null])"),
       col(5, "[19783, 19784, null]"), col(6, "[7, -3, null]"), col(7, "[true, false, null]"),
       col(8, R"([{"a": 1, "b": "x"}, {"a": null, "b": "y"}, null])")});
}

Schema TableSchema() { return *ParseSchemaText(kSchemaText); }

std::shared_ptr<arrow::Array> Eval(const std::string& text) {
  auto expr = ParseValueExpression(text);
  EXPECT_TRUE(expr.ok()) << text << ": " << expr.status().ToString();
  if (!expr.ok()) return nullptr;
  auto batch = Rows();
  auto d = EvaluateValue(**expr, *batch);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status().ToString();
  if (!d.ok()) return nullptr;
  if (d->is_scalar()) return *arrow::MakeArrayFromScalar(*d->scalar(), batch->num_rows());
  return d->make_array();
}

void ExpectEval(const std::string& text, const std::shared_ptr<arrow::DataType>& type,
                const std::string& json) {
  auto got = Eval(text);
  ASSERT_NE(got, nullptr);
  auto want = *arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(got->Equals(*want)) << text << ": got " << got->ToString() << " of "
                                  << got->type()->ToString() << ", want " << want->ToString();
}

std::string EvalError(const std::string& text) {
  auto expr = ParseValueExpression(text);
  if (!expr.ok()) return expr.status().message();
  auto d = EvaluateValue(**expr, *Rows());
  EXPECT_FALSE(d.ok()) << text << " evaluated";
  return d.ok() ? "" : d.status().message();
}

TEST(ValueExpressionTest, ArithmeticFollowsPrecedenceAndNulls) {
  ExpectEval("salary * 1.1", arrow::float64(), "[110.00000000000001, 55.550000000000004, null]");
  ExpectEval("1 + 2 * 3 - -n", arrow::int64(), "[14, 4, null]");
  ExpectEval("(1 + 2) * id", arrow::int64(), "[3, 6, 9]");
  ExpectEval("id / 2", arrow::float64(), "[0.5, 1.0, 1.5]");
  ExpectEval("n % 2", arrow::int64(), "[1, -1, null]");
  ExpectEval("id + NULL", arrow::int64(), "[null, null, null]");
  ExpectEval("price + 1", arrow::decimal128(22, 2), R"(["11.25", "4.00", null])");
  ExpectEval("-salary", arrow::float64(), "[-100.0, -50.5, null]");
}

TEST(ValueExpressionTest, StringFunctionsAndConcatenation) {
  ExpectEval("lower(dept)", arrow::utf8(), R"(["it", "hr", null])");
  ExpectEval("upper(name)", arrow::utf8(), R"(["  ANN ", "BOB", null])");
  ExpectEval("trim(name)", arrow::utf8(), R"(["Ann", "bob", null])");
  ExpectEval("ltrim(name) || '|'", arrow::utf8(), R"(["Ann |", "bob|", null])");
  ExpectEval("rtrim(name) || '|'", arrow::utf8(), R"(["  Ann|", "bob|", null])");
  ExpectEval("length(dept)", arrow::int32(), "[2, 2, null]");
  ExpectEval("substring(trim(name), 2)", arrow::utf8(), R"(["nn", "ob", null])");
  ExpectEval("substring(trim(name), 1, 2)", arrow::utf8(), R"(["An", "bo", null])");
  ExpectEval("substring(dept, -1)", arrow::utf8(), R"(["T", "R", null])");
  ExpectEval("replace(dept, 'I', 'i')", arrow::utf8(), R"(["iT", "HR", null])");
  ExpectEval("dept || '-' || id", arrow::utf8(), R"(["IT-1", "HR-2", null])");
  ExpectEval("concat(dept, ':', n)", arrow::utf8(), R"(["IT:7", "HR:-3", null])");
  ExpectEval("concat(dept, NULL)", arrow::utf8(), "[null, null, null]");
}

TEST(ValueExpressionTest, NumericFunctions) {
  ExpectEval("abs(n)", arrow::int32(), "[7, 3, null]");
  ExpectEval("round(salary * 1.1, 1)", arrow::float64(), "[110.0, 55.6, null]");
  ExpectEval("round(2.5)", arrow::decimal128(2, 1), R"(["3.0", "3.0", "3.0"])");
  ExpectEval("round(-2.5e0)", arrow::float64(), "[-3.0, -3.0, -3.0]");
  ExpectEval("floor(salary / 3)", arrow::float64(), "[33.0, 16.0, null]");
  ExpectEval("ceil(salary / 3)", arrow::float64(), "[34.0, 17.0, null]");
  ExpectEval("floor(n)", arrow::int32(), "[7, -3, null]");
  ExpectEval("coalesce(n, 0)", arrow::int64(), "[7, -3, 0]");
  ExpectEval("coalesce(NULL, salary, 1)", arrow::float64(), "[100.0, 50.5, 1.0]");
  ExpectEval("nullif(dept, 'HR')", arrow::utf8(), R"(["IT", null, null])");
}

TEST(ValueExpressionTest, CaseWhenCastAndBooleans) {
  ExpectEval("CASE WHEN dept = 'IT' THEN salary * 2 WHEN n < 0 THEN 0 ELSE salary END",
             arrow::float64(), "[200.0, 0.0, null]");
  ExpectEval("case dept when 'IT' then 'tech' when 'HR' then 'people' end", arrow::utf8(),
             R"(["tech", "people", null])");
  // A NULL condition is not taken.
  ExpectEval("CASE WHEN flag THEN 1 ELSE 2 END", arrow::int64(), "[1, 2, 2]");
  // CAST truncates a fraction toward zero, as Spark does; assignment refuses it.
  ExpectEval("CAST(salary AS int)", arrow::int32(), "[100, 50, null]");
  ExpectEval("CAST('2024-03-01' AS date)", arrow::date32(), "[19783, 19783, 19783]");
  ExpectEval("CAST(id AS decimal(5, 1))", arrow::decimal128(5, 1), R"(["1.0", "2.0", "3.0"])");
  ExpectEval("CAST(id AS string)", arrow::utf8(), R"(["1", "2", "3"])");
  ExpectEval("day > '2024-03-01'", arrow::boolean(), "[false, true, null]");
  ExpectEval("dept IS NULL OR n > 0", arrow::boolean(), "[true, false, true]");
  ExpectEval("dept IS NOT NULL AND NOT flag", arrow::boolean(), "[false, true, false]");
  ExpectEval("n IN (7, 8)", arrow::boolean(), "[true, false, null]");
  ExpectEval("n NOT IN (7, 8)", arrow::boolean(), "[false, true, null]");
  ExpectEval("id BETWEEN 2 AND 3", arrow::boolean(), "[false, true, true]");
  ExpectEval("flag AND NULL", arrow::boolean(), "[null, false, null]");
  ExpectEval("s.a + 1", arrow::int64(), "[2, null, null]");
  ExpectEval("s.b", arrow::utf8(), R"(["x", "y", null])");
}

TEST(ValueExpressionTest, ParseErrorsGivePositions) {
  auto bad = [](const std::string& text) {
    auto r = ParseValueExpression(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.status().message();
  };
  EXPECT_NE(bad("salary * ").find("at position 10"), std::string::npos) << bad("salary * ");
  EXPECT_NE(bad("frobnicate(x)").find("unknown function 'frobnicate' at position 1"),
            std::string::npos);
  EXPECT_NE(bad("substring(x)").find("takes 2 or 3 argument(s), got 1"), std::string::npos);
  EXPECT_NE(bad("CASE WHEN a THEN 1").find("expected END"), std::string::npos);
  EXPECT_NE(bad("CAST(a AS wibble)").find("unknown type 'wibble'"), std::string::npos)
      << bad("CAST(a AS wibble)");
  EXPECT_NE(bad("'unterminated").find("unterminated quote at position 1"), std::string::npos);
  EXPECT_NE(bad("a $ b").find("unexpected character '$' at position 3"), std::string::npos);
}

TEST(ValueExpressionTest, EvaluationErrorsNameTheProblem) {
  EXPECT_NE(EvalError("id / 0").find("division by zero"), std::string::npos);
  EXPECT_NE(EvalError("lower(id)").find("lower() needs a string"), std::string::npos);
  EXPECT_NE(EvalError("missing + 1").find("position 1: no column 'missing'"), std::string::npos);
  EXPECT_NE(EvalError("dept + 1").find("'+' needs numbers"), std::string::npos);
  EXPECT_NE(EvalError("day = 'not a date'").find("'not a date' is not a date value"),
            std::string::npos);
  EXPECT_NE(EvalError("9223372036854775807 + id").find("overflow"), std::string::npos);
}

TEST(ValueExpressionTest, AssignmentsParseAndApplyToOldRow) {
  auto list = ParseAssignments(
      "salary = salary * 1.1, n = CASE WHEN n > 0 THEN n ELSE 0 END, "
      "dept = lower(dept), s.b = upper(s.b), price = price * 1.07");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 5u);
  EXPECT_EQ((*list)[0].column, "salary");
  EXPECT_EQ((*list)[0].text, "salary * 1.1");
  EXPECT_EQ((*list)[3].column, "s.b");
  ASSERT_TRUE(ValidateAssignments(*list, TableSchema()).ok());
  auto out = ApplyAssignments(*list, Rows(), TableSchema());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE((*out)->schema()->Equals(*Rows()->schema()));
  auto col = [&](const char* name) { return (*out)->GetColumnByName(name)->ToString(); };
  auto want = [&](const char* name, const char* json) {
    auto type = Rows()->schema()->GetFieldByName(name)->type();
    return (*arrow::json::ArrayFromJSONString(type, json))->ToString();
  };
  EXPECT_EQ(col("salary"), want("salary", "[110.00000000000001, 55.550000000000004, null]"));
  // n > 0 is NULL for the NULL n: the condition is not taken, so ELSE applies.
  EXPECT_EQ(col("n"), want("n", "[7, 0, 0]"));
  EXPECT_EQ(col("dept"), want("dept", R"(["it", "hr", null])"));
  // 10.25 * 1.07 = 10.9675 and 3.00 * 1.07 = 3.21: rounded half away from zero to scale 2.
  EXPECT_EQ(col("price"), want("price", R"(["10.97", "3.21", null])"));
  auto s_b = EvaluateValue(**ParseValueExpression("s.b"), **out);
  ASSERT_TRUE(s_b.ok());
  EXPECT_EQ(s_b->make_array()->ToString(), want("name", R"(["X", "Y", null])"));
  EXPECT_EQ((*out)->GetColumnByName("s")->null_count(), 1);
  EXPECT_EQ(col("id"), want("id", "[1, 2, 3]"));
  // A swap sees the old values.
  auto swap = ParseAssignments("name = dept, dept = name");
  ASSERT_TRUE(swap.ok());
  auto swapped = ApplyAssignments(*swap, Rows(), TableSchema());
  ASSERT_TRUE(swapped.ok()) << swapped.status().ToString();
  EXPECT_EQ((*swapped)->GetColumnByName("name")->ToString(), want("name", R"(["IT", "HR", null])"));
}

TEST(ValueExpressionTest, AssignmentErrorsNameTheColumn) {
  auto apply = [](const std::string& text) -> std::string {
    auto list = ParseAssignments(text);
    if (!list.ok()) return list.status().message();
    auto valid = ValidateAssignments(*list, TableSchema());
    if (!valid.ok()) return valid.message();
    auto out = ApplyAssignments(*list, Rows(), TableSchema());
    return out.ok() ? "" : out.status().message();
  };
  EXPECT_NE(apply("n = salary / 3")
                .find("SET n = salary / 3: cannot store the value in column 'n' of type int"),
            std::string::npos)
      << apply("n = salary / 3");
  EXPECT_NE(apply("id = NULL").find("column 'id' is required but the value is NULL for 3 row(s)"),
            std::string::npos);
  EXPECT_NE(apply("day = 'soon'").find("'soon' is not a date value"), std::string::npos);
  EXPECT_NE(apply("nope = 1").find("the table has no column 'nope'"), std::string::npos);
  EXPECT_NE(apply("s = NULL").find("only primitive columns"), std::string::npos);
  EXPECT_NE(apply("n = 1, n = 2").find("column 'n' is assigned twice"), std::string::npos);
  EXPECT_NE(apply("n = nope + 1").find("no column 'nope' in the table (at position 5)"),
            std::string::npos);
  EXPECT_EQ(apply("day = '2024-03-05', n = 3000000000 - 2999999990"), "");
  EXPECT_NE(apply("n = 3000000000").find("cannot store the value in column 'n'"),
            std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
