#include "floe/util/properties.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace floe::util {
namespace {

const std::map<std::string, std::string> kProps = {
    {"n", "42"},
    {"neg", "-7"},
    {"plus", "+5"},
    {"junk", "12abc"},
    {"space", " 3"},
    {"empty", ""},
    {"big", "9223372036854775808"},
    {"yes", "TRUE"},
    {"no", "false"},
    {"maybe", "yes"},
    {"path", "s3://b/data"},
};

TEST(PropertiesTest, StringPropertyFallsBackOnlyWhenAbsent) {
  EXPECT_EQ(StringProperty(kProps, "path"), "s3://b/data");
  EXPECT_EQ(StringProperty(kProps, "empty", "x"), "");
  EXPECT_EQ(StringProperty(kProps, "absent", "x"), "x");
  EXPECT_EQ(StringProperty(kProps, "absent"), "");
}

TEST(PropertiesTest, IntPropertyReadsDecimalIntegers) {
  EXPECT_EQ(*IntProperty(kProps, "n", 0), 42);
  EXPECT_EQ(*IntProperty(kProps, "neg", 0), -7);
  EXPECT_EQ(*IntProperty(kProps, "plus", 0), 5);
  EXPECT_EQ(*IntProperty(kProps, "absent", 99), 99);
}

TEST(PropertiesTest, IntPropertyNamesTheKeyAndValueOfMalformedText) {
  for (const char* key : {"junk", "space", "empty", "big", "path"}) {
    auto value = IntProperty(kProps, key, 1);
    ASSERT_FALSE(value.ok()) << key;
    EXPECT_NE(value.status().message().find(std::string("property ") + key + "='"),
              std::string::npos)
        << value.status().message();
    EXPECT_NE(value.status().message().find("not an integer"), std::string::npos);
  }
}

TEST(PropertiesTest, IntPropertyChecksTheRange) {
  EXPECT_EQ(*IntProperty(kProps, "n", 0, 1, 42), 42);
  auto low = IntProperty(kProps, "neg", 1, 1);
  ASSERT_FALSE(low.ok());
  EXPECT_NE(low.status().message().find("'-7' is not at least 1"), std::string::npos)
      << low.status().message();
  auto high = IntProperty(kProps, "n", 1, 0, 10);
  ASSERT_FALSE(high.ok());
  EXPECT_NE(high.status().message().find("between 0 and 10"), std::string::npos);
  auto at_most = IntProperty(kProps, "n", 1, std::numeric_limits<int64_t>::min(), 10);
  ASSERT_FALSE(at_most.ok());
  EXPECT_NE(at_most.status().message().find("at most 10"), std::string::npos);
  // The fallback is the caller's own choice and is not checked.
  EXPECT_EQ(*IntProperty(kProps, "absent", -1, 0), -1);
}

TEST(PropertiesTest, IntPropertyOrFallsBackOnMalformedOrOutOfRangeValues) {
  EXPECT_EQ(IntPropertyOr(kProps, "n", 4), 42);
  EXPECT_EQ(IntPropertyOr(kProps, "junk", 4), 4);
  EXPECT_EQ(IntPropertyOr(kProps, "neg", 4, 0), 4);
  EXPECT_EQ(IntPropertyOr(kProps, "absent", 4), 4);
}

TEST(PropertiesTest, BoolPropertyReadsTrueAndFalseInAnyCase) {
  EXPECT_TRUE(*BoolProperty(kProps, "yes", false));
  EXPECT_FALSE(*BoolProperty(kProps, "no", true));
  EXPECT_TRUE(*BoolProperty(kProps, "absent", true));
  auto bad = BoolProperty(kProps, "maybe", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("property maybe='yes' is not a boolean"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace floe::util
