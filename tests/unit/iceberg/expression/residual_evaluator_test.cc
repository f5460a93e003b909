// What a data file's partition leaves of a row filter: predicates its partition values decide
// become true or false, the rest stays to be applied to the file's rows.
#include "floe/iceberg/expression/residual_evaluator.h"

#include <gtest/gtest.h>

#include "floe/iceberg/expression/expression_parser.h"

namespace floe::iceberg {
namespace {

constexpr int32_t kDay2022_01_08 = 19000;

class ResidualEvaluatorTest : public ::testing::Test {
 protected:
  Schema schema_{0,
                 {{1, "id", Type::Long(), true, ""},
                  {2, "region", Type::String(), false, ""},
                  {3, "ts", Type::Timestamp(), false, ""}}};
  PartitionSpec spec_{1,
                      {PartitionField{2, 1000, "region", Transform::Identity()},
                       PartitionField{3, 1001, "ts_day", Transform::Day()}}};

  std::string Residual(const std::string& filter, std::vector<Literal> partition,
                       const PartitionSpec* spec = nullptr) {
    auto bound = Bind(*ParseFilter(filter), schema_);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    auto eval = ResidualEvaluator::Make(spec ? *spec : spec_, schema_, RewriteNot(*bound));
    EXPECT_TRUE(eval.ok()) << eval.status().ToString();
    return eval->ResidualFor(partition)->ToString();
  }
  std::string Expected(const std::string& filter) {
    return RewriteNot(*Bind(*ParseFilter(filter), schema_))->ToString();
  }
  static std::vector<Literal> Part(std::optional<std::string> region, int32_t day) {
    return {region ? Literal::String(*region) : Literal::Null(Type::String()),
            Literal::Date(day)};
  }
};

TEST_F(ResidualEvaluatorTest, AnIdentityPartitionDecidesItsPredicates) {
  EXPECT_EQ(Residual("region = 'eu' AND id > 5", Part("eu", kDay2022_01_08)), Expected("id > 5"));
  EXPECT_EQ(Residual("region = 'eu' AND id > 5", Part("us", kDay2022_01_08)),
            Expression::False()->ToString());
  EXPECT_EQ(Residual("region = 'eu' OR id > 5", Part("eu", kDay2022_01_08)),
            Expression::True()->ToString());
  EXPECT_EQ(Residual("region IN ('eu', 'ap') OR id > 5", Part("us", kDay2022_01_08)),
            Expected("id > 5"));
}

TEST_F(ResidualEvaluatorTest, ATransformedPartitionOnlyRulesPredicatesOut) {
  // 2022-01-08 cannot hold rows from the 9th on.
  EXPECT_EQ(Residual("ts >= '2022-01-09T00:00:00' AND id = 1", Part("eu", kDay2022_01_08)),
            Expression::False()->ToString());
  // The 10th might hold some rows after noon only: the predicate stays.
  EXPECT_EQ(Residual("ts >= '2022-01-10T12:00:00'", Part("eu", kDay2022_01_08 + 2)),
            Expected("ts >= '2022-01-10T12:00:00'"));
}

TEST_F(ResidualEvaluatorTest, ANullPartitionValueDecidesOnlyWhatSqlAgreesOn) {
  EXPECT_EQ(Residual("region IS NULL", Part(std::nullopt, 1)), Expression::True()->ToString());
  EXPECT_EQ(Residual("region IS NOT NULL", Part(std::nullopt, 1)),
            Expression::False()->ToString());
  EXPECT_EQ(Residual("region = 'eu'", Part(std::nullopt, 1)), Expression::False()->ToString());
  // null != 'eu' is unknown in SQL: left for the rows to decide (they drop them).
  EXPECT_EQ(Residual("region != 'eu'", Part(std::nullopt, 1)), Expected("region != 'eu'"));
}

TEST_F(ResidualEvaluatorTest, AnUnpartitionedSpecLeavesTheWholeFilter) {
  PartitionSpec none(0, {});
  EXPECT_EQ(Residual("region = 'eu' AND id > 5", {}, &none),
            Expected("region = 'eu' AND id > 5"));
}

}  // namespace
}  // namespace floe::iceberg
