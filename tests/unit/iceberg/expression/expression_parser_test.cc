#include "floe/iceberg/expression/expression_parser.h"

#include <cmath>

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

NestedField F(int32_t id, std::string name, TypePtr type, bool required) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  return f;
}

Schema TestSchema() {
  return Schema(0, {F(1, "a", Type::Long(), false),
                    F(2, "b", Type::String(), false),
                    F(3, "c", Type::Double(), false),
                    F(4, "d", Type::Int(), false),
                    F(5, "ts", Type::Timestamp(), false),
                    F(6, "My Col", Type::Decimal(10, 2), false),
                    F(7, "s", Type::Struct({F(8, "a", Type::Date(), false)}), false),
                    F(9, "bin", Type::Binary(), false),
                    F(10, "flag", Type::Boolean(), false)});
}

ExprPtr MustParse(std::string_view text) {
  auto r = ParseFilter(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Expression::False();
}

std::string ParseError(std::string_view text) {
  auto r = ParseFilter(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(ExpressionParserTest, ParsesTheDocumentedExample) {
  auto e = MustParse(
      "a > 5 AND (b = 'x' OR c IS NULL) AND NOT d IN (1, 2, 3) AND ts >= '2024-03-01T00:00:00'");
  EXPECT_EQ(e->ToString(),
            "a > 5 AND (b = 'x' OR c IS NULL) AND NOT d IN (1, 2, 3) AND "
            "ts >= '2024-03-01T00:00:00'");
  auto bound = Bind(e, TestSchema());
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ((*bound)->ToString(),
            "a > 5 AND (b = 'x' OR c IS NULL) AND d NOT IN (1, 2, 3) AND "
            "ts >= '2024-03-01T00:00:00'");
}

TEST(ExpressionParserTest, KeywordsAreCaseInsensitiveAndPrecedenceIsOrAndNot) {
  auto e = MustParse("a = 1 or b = 'x' and not c is not nan");
  ASSERT_EQ(e->op(), Op::kOr);
  EXPECT_EQ(e->left()->op(), Op::kEq);
  ASSERT_EQ(e->right()->op(), Op::kAnd);
  EXPECT_EQ(e->right()->right()->op(), Op::kNot);
  EXPECT_EQ(e->right()->right()->left()->op(), Op::kNotNan);
}

TEST(ExpressionParserTest, LiteralKinds) {
  EXPECT_EQ(MustParse("a = -42")->literal(), Literal::Long(-42));
  EXPECT_EQ(MustParse("a = 1.50")->literal(), Literal::Decimal(150, 3, 2));
  EXPECT_EQ(MustParse("a = -2.5e-1")->literal(), Literal::Double(-0.25));
  EXPECT_EQ(MustParse("b = 'it''s'")->literal(), Literal::String("it's"));
  EXPECT_EQ(MustParse("flag = TRUE")->literal(), Literal::Boolean(true));
  EXPECT_EQ(MustParse("bin = x'00fF'")->literal(), Literal::Binary(std::string("\x00\xff", 2)));
  // Beyond long: an exact decimal with scale 0.
  EXPECT_EQ(MustParse("a = 99999999999999999999")->literal().type()->id(), TypeId::kDecimal);
}

TEST(ExpressionParserTest, OperatorsAndPredicateForms) {
  EXPECT_EQ(MustParse("a == 1")->op(), Op::kEq);
  EXPECT_EQ(MustParse("a <> 1")->op(), Op::kNotEq);
  EXPECT_EQ(MustParse("a != 1")->op(), Op::kNotEq);
  EXPECT_EQ(MustParse("a <= 1")->op(), Op::kLtEq);
  EXPECT_EQ(MustParse("a IS NOT NULL")->op(), Op::kNotNull);
  EXPECT_EQ(MustParse("c is nan")->op(), Op::kIsNan);
  EXPECT_EQ(MustParse("a NOT IN (1,2)")->op(), Op::kNotIn);
  EXPECT_EQ(MustParse("b starts with 'ab'")->op(), Op::kStartsWith);
  EXPECT_EQ(MustParse("b NOT STARTS WITH 'ab'")->op(), Op::kNotStartsWith);
  EXPECT_EQ(MustParse("true")->op(), Op::kTrue);
  EXPECT_EQ(MustParse("(false)")->op(), Op::kFalse);
}

TEST(ExpressionParserTest, QuotedAndNestedNames) {
  auto e = MustParse("\"My Col\" >= 1.5 AND s.a < '2024-01-01' AND \"s\".\"a\" IS NULL");
  auto bound = Bind(e, TestSchema());
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(ReferencedFieldIds(*bound), (std::set<int32_t>{6, 8}));
  EXPECT_EQ(MustParse("\"a\"\"b\" = 1")->ref().name, "a\"b");
}

TEST(ExpressionParserTest, PrintParseRoundTripsBindToTheSameExpression) {
  const char* filters[] = {
      "a > 5 AND (b = 'x' OR c IS NULL) AND NOT d IN (1, 2, 3)",
      "a = 1 AND (b = 'y' AND c > 2.5)",
      "a = 1 OR (b = 'y' OR c < -1e300)",
      "NOT (a = 1 OR b STARTS WITH 'it''s')",
      "\"My Col\" IN (1.25, 3, -4.5) OR s.a = '1969-12-31'",
      "ts < '1969-12-31T23:59:59.999999' AND b NOT STARTS WITH 'q'",
      "bin = X'DEADBEEF' OR flag = false OR c IS NOT NAN",
  };
  for (const char* text : filters) {
    auto first = MustParse(text);
    auto again = MustParse(first->ToString());
    EXPECT_TRUE(ExpressionEquals(*first, *again)) << text << " → " << first->ToString();
    auto b1 = Bind(first, TestSchema());
    ASSERT_TRUE(b1.ok()) << text << ": " << b1.status().ToString();
    auto b2 = MustParse((*b1)->ToString());
    auto rebound = Bind(b2, TestSchema());
    ASSERT_TRUE(rebound.ok()) << (*b1)->ToString() << ": " << rebound.status().ToString();
    EXPECT_TRUE(ExpressionEquals(**b1, **rebound)) << (*b1)->ToString();
  }
}

TEST(ExpressionParserTest, ErrorsGivePositions) {
  EXPECT_NE(ParseError("a >").find("expected a value but found end of filter at position 4"),
            std::string::npos);
  EXPECT_NE(ParseError("a = 1 AND").find("at position 10"), std::string::npos);
  EXPECT_NE(ParseError("a = 'abc").find("unterminated quote at position 5"), std::string::npos);
  EXPECT_NE(ParseError("(a = 1").find("expected ')'"), std::string::npos);
  EXPECT_NE(ParseError("a = 1)").find("unexpected ')' at position 6"), std::string::npos);
  EXPECT_NE(ParseError("a ~ 1").find("unexpected character '~' at position 3"),
            std::string::npos);
  EXPECT_NE(ParseError("a = null").find("use IS NULL"), std::string::npos);
  EXPECT_NE(ParseError("a IS 5").find("expected NULL or NAN"), std::string::npos);
  EXPECT_NE(ParseError("a IN 1").find("expected '(' after IN"), std::string::npos);
  EXPECT_NE(ParseError("b STARTS 'x'").find("expected WITH"), std::string::npos);
  EXPECT_NE(ParseError("a 5").find("after column 'a'"), std::string::npos);
  EXPECT_NE(ParseError("AND a = 1").find("expected a column name"), std::string::npos);
  EXPECT_NE(ParseError("a = 12abc").find("position 7"), std::string::npos);
  EXPECT_NE(ParseError("bin = X'ABC'").find("odd number of hex digits"), std::string::npos);
  // Errors quote the filter.
  EXPECT_NE(ParseError("a >").find("\"a >\""), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
