#include "floe/iceberg/data/position_set.h"

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

TEST(PositionSet, SealSortsAndDedupes) {
  PositionSet set;
  for (int64_t p : {9, 3, 3, 7, 0, 9}) set.Add(p);
  set.Seal();
  EXPECT_EQ(set.positions(), (std::vector<int64_t>{0, 3, 7, 9}));
  EXPECT_EQ(set.size(), 4);
  EXPECT_TRUE(set.Contains(7));
  EXPECT_FALSE(set.Contains(8));
}

TEST(PositionSet, InRangeIsHalfOpen) {
  PositionSet set;
  for (int64_t p : {1, 5, 10, 15}) set.Add(p);
  PositionSet more;
  more.Add(4);
  set.AddAll(more);
  set.Seal();
  EXPECT_EQ(set.InRange(4, 10), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(set.InRange(16, 100), (std::vector<int64_t>{}));
  EXPECT_EQ(set.InRange(0, 2), (std::vector<int64_t>{1}));
}

}  // namespace
}  // namespace floe::iceberg
