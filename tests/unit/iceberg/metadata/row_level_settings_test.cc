#include "floe/iceberg/metadata/row_level_settings.h"

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

TEST(RowLevelSettingsTest, DefaultsAreSerializableCopyOnWrite) {
  auto s = RowLevelSettings::FromProperties({}, RowLevelOperation::kDelete);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->isolation, IsolationLevel::kSerializable);
  EXPECT_EQ(s->mode, RowLevelMode::kCopyOnWrite);
}

TEST(RowLevelSettingsTest, EachOperationReadsItsOwnProperties) {
  std::map<std::string, std::string> props = {{"write.delete.mode", "merge-on-read"},
                                              {"write.delete.isolation-level", "Snapshot"},
                                              {"write.update.mode", "copy-on-write"},
                                              {"write.merge.isolation-level", "snapshot"}};
  auto del = *RowLevelSettings::FromProperties(props, RowLevelOperation::kDelete);
  EXPECT_EQ(del.mode, RowLevelMode::kMergeOnRead);
  EXPECT_EQ(del.isolation, IsolationLevel::kSnapshot);
  auto update = *RowLevelSettings::FromProperties(props, RowLevelOperation::kUpdate);
  EXPECT_EQ(update.mode, RowLevelMode::kCopyOnWrite);
  EXPECT_EQ(update.isolation, IsolationLevel::kSerializable);
  auto merge = *RowLevelSettings::FromProperties(props, RowLevelOperation::kMerge);
  EXPECT_EQ(merge.mode, RowLevelMode::kCopyOnWrite);
  EXPECT_EQ(merge.isolation, IsolationLevel::kSnapshot);
}

TEST(RowLevelSettingsTest, BadValuesNameThePropertyAndTheChoices) {
  auto bad_mode =
      RowLevelSettings::FromProperties({{"write.update.mode", "mor"}}, RowLevelOperation::kUpdate);
  ASSERT_TRUE(bad_mode.status().IsInvalid());
  EXPECT_NE(bad_mode.status().message().find("write.update.mode"), std::string::npos);
  EXPECT_NE(bad_mode.status().message().find("merge-on-read"), std::string::npos);
  auto bad_level = RowLevelSettings::FromProperties({{"write.merge.isolation-level", "strict"}},
                                                    RowLevelOperation::kMerge);
  ASSERT_TRUE(bad_level.status().IsInvalid());
  EXPECT_NE(bad_level.status().message().find("'strict'"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
