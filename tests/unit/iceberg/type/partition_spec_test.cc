#include "floe/iceberg/type/partition_spec.h"

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

Schema TestSchema() {
  return Schema(0, {{1, "id", Type::Long(), true, ""},
                    {2, "ts", Type::TimestampTz(), false, ""},
                    {3, "name", Type::String(), false, ""},
                    {4, "price", Type::Decimal(10, 2), false, ""},
                    {5, "d", Type::Date(), false, ""}});
}

PartitionSpec TestSpec() {
  return PartitionSpec(3, {{2, 1000, "ts_day", Transform::Day()},
                           {1, 1001, "id_bucket", Transform::Bucket(16)},
                           {3, 1002, "name_trunc", Transform::Truncate(4)},
                           {4, 1003, "price", Transform::Identity()},
                           {5, 1004, "d_month", Transform::Month()}});
}

TEST(PartitionSpecTest, PartitionTypeUsesPartitionFieldIdsAndResultTypes) {
  auto type = TestSpec().PartitionType(TestSchema());
  ASSERT_TRUE(type.ok()) << type.status();
  const auto& fields = (*type)->fields();
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].id, 1000);
  EXPECT_EQ(fields[0].name, "ts_day");
  EXPECT_TRUE(fields[0].type->Equals(*Type::Date()));
  EXPECT_TRUE(fields[1].type->Equals(*Type::Int()));
  EXPECT_TRUE(fields[2].type->Equals(*Type::String()));
  EXPECT_TRUE(fields[3].type->Equals(*Type::Decimal(10, 2)));
  EXPECT_TRUE(fields[4].type->Equals(*Type::Int()));
  for (const auto& field : fields) EXPECT_FALSE(field.required) << field.name;
}

TEST(PartitionSpecTest, PartitionTypeFailsForMissingSourceExceptVoid) {
  PartitionSpec missing(1, {{9, 1000, "gone", Transform::Identity()}});
  auto type = missing.PartitionType(TestSchema());
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("source column id 9"), std::string::npos)
      << type.status();

  PartitionSpec dropped(1, {{9, 1000, "gone", Transform::Void()}});
  auto void_type = dropped.PartitionType(TestSchema());
  ASSERT_TRUE(void_type.ok()) << void_type.status();
  EXPECT_EQ((*void_type)->fields().size(), 1u);
}

TEST(PartitionSpecTest, PartitionPathUsesHumanValues) {
  // 2024-03-01 is day 19783; 2024-03 is month 650.
  std::vector<Literal> values = {Literal::Date(19783), Literal::Int(7), Literal::String("abcd"),
                                 Literal::Decimal(1250, 10, 2), Literal::Int(650)};
  EXPECT_EQ(TestSpec().PartitionPath(values),
            "ts_day=2024-03-01/id_bucket=7/name_trunc=abcd/price=12.50/d_month=2024-03");
}

TEST(PartitionSpecTest, PartitionPathEscapesLikeJavaUrlEncoder) {
  PartitionSpec spec(0, {{3, 1000, "na me/x", Transform::Identity()}});
  EXPECT_EQ(spec.PartitionPath({Literal::String("b/c d=e&f")}), "na+me%2Fx=b%2Fc+d%3De%26f");
  EXPECT_EQ(spec.PartitionPath({Literal::String("a.b-c*d_e~")}), "na+me%2Fx=a.b-c*d_e%7E");
  EXPECT_EQ(spec.PartitionPath({Literal::String("caf\xC3\xA9")}), "na+me%2Fx=caf%C3%A9");
  EXPECT_EQ(spec.PartitionPath({Literal::Null(Type::String())}), "na+me%2Fx=null");
}

TEST(PartitionSpecTest, UnpartitionedMeansNoFieldsOrOnlyVoid) {
  EXPECT_TRUE(PartitionSpec::Unpartitioned().is_unpartitioned());
  EXPECT_TRUE(PartitionSpec(1, {{1, 1000, "id_null", Transform::Void()}}).is_unpartitioned());
  EXPECT_FALSE(TestSpec().is_unpartitioned());
  EXPECT_EQ(PartitionSpec::Unpartitioned().PartitionPath({}), "");
}

TEST(PartitionSpecTest, LastFieldIdIsTheHighestOr999) {
  EXPECT_EQ(PartitionSpec::Unpartitioned().LastFieldId(), 999);
  EXPECT_EQ(TestSpec().LastFieldId(), 1004);
  EXPECT_EQ(PartitionSpec(0, {{1, 1005, "a", Transform::Identity()},
                              {2, 1001, "b", Transform::Day()}})
                .LastFieldId(),
            1005);
}

}  // namespace
}  // namespace floe::iceberg
