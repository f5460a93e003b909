#include "floe/iceberg/expression/expression.h"

#include <cmath>

#include <gtest/gtest.h>

#include "floe/iceberg/type/literal_conversion.h"
#include "floe/util/uuid.h"

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
  return Schema(
      0, {F(1, "id", Type::Long(), true),
          F(2, "i", Type::Int(), false),
          F(3, "name", Type::String(), false),
          F(4, "d", Type::Date(), false),
          F(5, "ts", Type::Timestamp(), false),
          F(6, "tstz", Type::TimestampTz(), false),
          F(7, "price", Type::Decimal(9, 2), false),
          F(8, "f", Type::Float(), false),
          F(9, "x", Type::Double(), false),
          F(10, "u", Type::Uuid(), false),
          F(11, "s",
            Type::Struct({F(12, "a", Type::Int(), true), F(13, "B", Type::String(), false)}),
            false),
          F(14, "l", Type::List(F(15, "element", Type::Int(), false)), false),
          F(16, "b", Type::Boolean(), false),
          F(17, "t", Type::Time(), false)});
}

ExprPtr MustBind(const ExprPtr& e, bool case_sensitive = true) {
  auto r = Bind(e, TestSchema(), case_sensitive);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Expression::False();
}

TEST(ExpressionTest, FactoriesSimplifyConstants) {
  auto p = Eq("id", Literal::Long(1));
  EXPECT_EQ(Expression::And(Expression::True(), p), p);
  EXPECT_EQ(Expression::And(p, Expression::False())->op(), Op::kFalse);
  EXPECT_EQ(Expression::Or(Expression::True(), p)->op(), Op::kTrue);
  EXPECT_EQ(Expression::Or(Expression::False(), p), p);
  EXPECT_EQ(Expression::Not(Expression::Not(p)), p);
  EXPECT_EQ(Expression::Not(Expression::True())->op(), Op::kFalse);
}

TEST(ExpressionTest, BindResolvesFieldIdTypeAndConvertsLiteral) {
  auto b = MustBind(Eq("i", Literal::Long(5)));
  ASSERT_TRUE(b->is_bound());
  EXPECT_EQ(b->ref().field_id, 2);
  EXPECT_EQ(b->ref().type->id(), TypeId::kInt);
  EXPECT_EQ(b->literal(), Literal::Int(5));
}

TEST(ExpressionTest, BindNestedAndCaseInsensitive) {
  auto b = MustBind(Eq("S.b", Literal::String("q")), /*case_sensitive=*/false);
  EXPECT_EQ(b->ref().field_id, 13);
  EXPECT_EQ(b->ref().name, "s.B");
  EXPECT_FALSE(Bind(Eq("S.b", Literal::String("q")), TestSchema(), true).ok());
}

TEST(ExpressionTest, BindConvertsDateAndTimestampStrings) {
  EXPECT_EQ(MustBind(GtEq("d", Literal::String("2024-03-01")))->literal(),
            Literal::Date(19783));
  EXPECT_EQ(MustBind(GtEq("ts", Literal::String("2024-03-01")))->literal(),
            Literal::Timestamp(19783LL * 86400 * 1000000));
  EXPECT_EQ(MustBind(GtEq("ts", Literal::String("2024-03-01T01:02:03.5")))->literal(),
            Literal::Timestamp((19783LL * 86400 + 3723) * 1000000 + 500000));
  EXPECT_EQ(MustBind(GtEq("tstz", Literal::String("2024-03-01T01:00:00+01:00")))->literal(),
            Literal::TimestampTz(19783LL * 86400 * 1000000));
  EXPECT_EQ(MustBind(GtEq("tstz", Literal::String("1969-12-31T23:59:59Z")))->literal(),
            Literal::TimestampTz(-1000000));
  EXPECT_EQ(MustBind(Eq("t", Literal::String("10:00")))->literal(),
            Literal::Time(36000LL * 1000000));
  // A zone offset has no meaning for a timestamp without zone.
  EXPECT_FALSE(Bind(Eq("ts", Literal::String("2024-03-01T00:00:00Z")), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("d", Literal::String("2023-02-29")), TestSchema()).ok());
}

TEST(ExpressionTest, BindConvertsNumbersToDecimalAndFloating) {
  EXPECT_EQ(MustBind(Eq("price", Literal::Long(12)))->literal(), Literal::Decimal(1200, 9, 2));
  EXPECT_EQ(MustBind(Eq("price", Literal::Decimal(125, 3, 1)))->literal(),
            Literal::Decimal(1250, 9, 2));
  EXPECT_EQ(MustBind(Eq("price", Literal::String("-0.05")))->literal(),
            Literal::Decimal(-5, 9, 2));
  EXPECT_EQ(MustBind(Eq("x", Literal::Decimal(15, 2, 1)))->literal(), Literal::Double(1.5));
  EXPECT_EQ(MustBind(Eq("f", Literal::Long(3)))->literal(), Literal::Float(3.0f));
  // 1.255 needs three digits of scale; decimal(9,2) cannot hold it exactly.
  auto bad = Bind(Eq("price", Literal::Decimal(1255, 4, 3)), TestSchema());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("price"), std::string::npos);
  EXPECT_FALSE(Bind(Eq("i", Literal::Decimal(25, 2, 1)), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("i", Literal::String("5")), TestSchema()).ok());
}

TEST(ExpressionTest, OutOfRangeLiteralsBecomeConstantsLikeJava) {
  const Literal big = Literal::Long(3'000'000'000LL);
  const Literal small = Literal::Long(-3'000'000'000LL);
  // Optional column: "true for every value" keeps null rows out.
  auto lt = MustBind(Lt("i", big));
  EXPECT_EQ(lt->op(), Op::kNotNull);
  EXPECT_EQ(lt->ref().field_id, 2);
  EXPECT_EQ(MustBind(GtEq("i", big))->op(), Op::kFalse);
  EXPECT_EQ(MustBind(Eq("i", big))->op(), Op::kFalse);
  EXPECT_EQ(MustBind(NotEq("i", big))->op(), Op::kNotNull);
  EXPECT_EQ(MustBind(Gt("i", small))->op(), Op::kNotNull);
  EXPECT_EQ(MustBind(LtEq("i", small))->op(), Op::kFalse);
  // Under NOT the rewrite happens first: NOT (i < big) is i >= big, which is false.
  EXPECT_EQ(MustBind(Expression::Not(Lt("i", big)))->op(), Op::kFalse);
  // Decimal beyond the column precision.
  EXPECT_EQ(MustBind(Lt("price", Literal::Long(100'000'000)))->op(), Op::kNotNull);
  // Double beyond float range.
  EXPECT_EQ(MustBind(Gt("f", Literal::Double(1e300)))->op(), Op::kFalse);
}

TEST(ExpressionTest, NegatedOrderingOnFloatingColumnsKeepsNaN) {
  // NaN compares false with everything, so NOT (x < 1) holds for NaN rows.
  EXPECT_EQ(MustBind(Expression::Not(Lt("x", Literal::Double(1.0))))->ToString(),
            "x >= 1e0 OR x IS NAN");
  EXPECT_EQ(MustBind(Expression::Not(Eq("x", Literal::Double(1.0))))->ToString(), "x != 1e0");
  EXPECT_EQ(MustBind(Expression::Not(Lt("i", Literal::Long(1))))->ToString(), "i >= 1");
  // Beyond float range: every non-NaN value is below 1e300.
  EXPECT_EQ(MustBind(Lt("f", Literal::Double(1e300)))->ToString(), "f IS NOT NAN");
  EXPECT_EQ(MustBind(Expression::Not(Lt("f", Literal::Double(1e300))))->ToString(), "f IS NAN");
  auto bound = MustBind(Lt("x", Literal::Double(1.0)));
  EXPECT_EQ(RewriteNot(Expression::Not(bound))->ToString(), "x >= 1e0 OR x IS NAN");
}

TEST(ExpressionTest, InDropsOutOfRangeDeduplicatesAndCollapses) {
  auto in = MustBind(In("i", {Literal::Long(1), Literal::Long(2), Literal::Long(1),
                              Literal::Long(5'000'000'000LL)}));
  EXPECT_EQ(in->op(), Op::kIn);
  ASSERT_EQ(in->literals().size(), 2u);
  EXPECT_EQ(in->literals()[0], Literal::Int(1));
  auto single = MustBind(In("i", {Literal::Long(7), Literal::Long(7)}));
  EXPECT_EQ(single->op(), Op::kEq);
  EXPECT_EQ(MustBind(NotIn("i", {Literal::Long(7)}))->op(), Op::kNotEq);
  EXPECT_EQ(MustBind(In("i", {Literal::Long(5'000'000'000LL)}))->op(), Op::kFalse);
  EXPECT_EQ(MustBind(NotIn("i", {Literal::Long(5'000'000'000LL)}))->op(), Op::kNotNull);
}

TEST(ExpressionTest, NullChecksOnRequiredColumnsAreConstant) {
  EXPECT_EQ(MustBind(IsNull("id"))->op(), Op::kFalse);
  EXPECT_EQ(MustBind(NotNull("id"))->op(), Op::kTrue);
  EXPECT_EQ(MustBind(IsNull("i"))->op(), Op::kIsNull);
  // s.a is required but s is optional, so s.a can still be null.
  EXPECT_EQ(MustBind(IsNull("s.a"))->op(), Op::kIsNull);
}

TEST(ExpressionTest, BindErrorsNameTheProblem) {
  auto unknown = Bind(Eq("nope", Literal::Long(1)), TestSchema());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("nope"), std::string::npos);
  EXPECT_FALSE(Bind(IsNan("i"), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("x", Literal::Double(std::nan(""))), TestSchema()).ok());
  EXPECT_FALSE(Bind(StartsWith("i", "a"), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("s", Literal::Long(1)), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("l.element", Literal::Long(1)), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("u", Literal::String("not-a-uuid")), TestSchema()).ok());
  EXPECT_FALSE(Bind(Eq("b", Literal::Long(1)), TestSchema()).ok());
}

TEST(ExpressionTest, UuidStringsBindToBytes) {
  const std::string text = "f79c3e09-677c-4bbd-a479-3f349cb785e7";
  auto b = MustBind(Eq("u", Literal::String(text)));
  EXPECT_EQ(b->literal(), Literal::Uuid(util::UuidToBytes(text)));
  EXPECT_EQ(b->ToString(), "u = '" + text + "'");
}

TEST(ExpressionTest, RewriteNotPushesNegationToPredicates) {
  auto in = In("id", {Literal::Long(1), Literal::Long(2)});
  auto e = Expression::Not(
      Expression::And(Lt("i", Literal::Long(1)), Expression::Or(IsNull("name"), in)));
  auto r = RewriteNot(e);
  EXPECT_EQ(r->ToString(), "i >= 1 OR (name IS NOT NULL AND id NOT IN (1, 2))");
  EXPECT_EQ(RewriteNot(Expression::Not(StartsWith("name", "a")))->op(), Op::kNotStartsWith);
  EXPECT_EQ(RewriteNot(Expression::Not(IsNan("x")))->op(), Op::kNotNan);
}

TEST(ExpressionTest, ToStringQuotesWhatNeedsQuoting) {
  EXPECT_EQ(Eq("My Col", Literal::String("it's"))->ToString(), "\"My Col\" = 'it''s'");
  EXPECT_EQ(Eq("and", Literal::Long(1))->ToString(), "\"and\" = 1");
  EXPECT_EQ(Eq("s.a", Literal::Double(2.0))->ToString(), "s.a = 2e0");
  EXPECT_EQ(MustBind(Eq("price", Literal::Long(3)))->ToString(), "price = 3.00");
  EXPECT_EQ(MustBind(Eq("d", Literal::String("1969-12-31")))->ToString(), "d = '1969-12-31'");
  EXPECT_EQ(Eq("b", Literal::Binary(std::string("\x0a\xff", 2)))->ToString(), "b = X'0AFF'");
}

TEST(ExpressionTest, ReferencedFieldIdsAndFieldPath) {
  auto b = MustBind(Expression::Or(Eq("s.a", Literal::Long(1)),
                                   Expression::And(IsNull("name"), Gt("i", Literal::Long(2)))));
  EXPECT_EQ(ReferencedFieldIds(b), (std::set<int32_t>{2, 3, 12}));
  EXPECT_EQ(FieldPath(TestSchema(), 12), (std::vector<std::string>{"s", "a"}));
  EXPECT_TRUE(FieldPath(TestSchema(), 15).empty());
}

TEST(LiteralConversionTest, ParsesTextForms) {
  bool off = false;
  EXPECT_EQ(ParseDateText("1970-01-01"), 0);
  EXPECT_EQ(ParseDateText("1969-12-31"), -1);
  EXPECT_EQ(ParseDateText("+10000-01-01").value_or(0), 2932897);
  EXPECT_FALSE(ParseDateText("2024-13-01"));
  EXPECT_EQ(ParseTimestampText("1970-01-01 00:00:01.0000019", &off), 1000001);
  EXPECT_FALSE(off);
  EXPECT_EQ(ParseTimestampText("1970-01-01T05:30:00+0530", &off), 0);
  EXPECT_TRUE(off);
  EXPECT_FALSE(ParseTimestampText("1970-01-01T25:00:00", &off));
  auto dec = ParseDecimalText("-0012.340");
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->AsDecimal(), -12340);
  EXPECT_EQ(dec->type()->scale(), 3);
}

}  // namespace
}  // namespace floe::iceberg
