#include "floe/io/location.h"

#include <gtest/gtest.h>

#include "floe/io/file_io.h"

namespace floe::io {
namespace {

TEST(LocationTest, LocalFormsNameTheSamePath) {
  for (const char* form : {"/data/wh/t", "file:/data/wh/t", "file:///data/wh/t",
                           "file://localhost/data/wh/t"}) {
    auto parsed = ParseLocation(form);
    ASSERT_TRUE(parsed.ok()) << form << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->kind, StorageKind::kLocal) << form;
    EXPECT_EQ(parsed->path, "/data/wh/t") << form;
    EXPECT_EQ(parsed->prefix + parsed->path, form) << "the prefix keeps the form: " << form;
    EXPECT_EQ(LocalPath(form), "/data/wh/t") << form;
  }
}

TEST(LocationTest, FileSlashSlashWithoutAbsolutePathStaysRelative) {
  // What `warehouse="file://warehouse"` has always meant to floe: ./warehouse.
  EXPECT_EQ(LocalPath("file://warehouse"), "warehouse");
  EXPECT_EQ(LocalPath("relative/dir"), "relative/dir");
}

TEST(LocationTest, S3SchemesNameTheSameBucketAndKey) {
  for (const char* form : {"s3://bucket/wh/t/m.json", "s3a://bucket/wh/t/m.json",
                           "s3n://bucket/wh/t/m.json", "S3://bucket/wh/t/m.json"}) {
    auto parsed = ParseLocation(form);
    ASSERT_TRUE(parsed.ok()) << form << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->kind, StorageKind::kS3) << form;
    EXPECT_EQ(parsed->bucket, "bucket") << form;
    EXPECT_EQ(parsed->key, "wh/t/m.json") << form;
    EXPECT_TRUE(IsS3Location(form)) << form;
    EXPECT_EQ(CanonicalS3Location(*parsed), "s3://bucket/wh/t/m.json") << form;
  }
  EXPECT_EQ(ParseLocation("s3a://b/k")->prefix, "s3a://");
}

TEST(LocationTest, CanonicalS3LocationCollapsesSlashes) {
  EXPECT_EQ(CanonicalS3Location(*ParseLocation("s3a://b//logs///spark-1/")), "s3://b/logs/spark-1");
  EXPECT_EQ(CanonicalS3Location(*ParseLocation("s3://b")), "s3://b");
  EXPECT_EQ(CanonicalS3Location(*ParseLocation("s3://b/")), "s3://b");
  EXPECT_EQ(ParseLocation("s3://b")->key, "");
}

TEST(LocationTest, MalformedAndUnsupportedLocationsSayWhy) {
  auto no_bucket = ParseLocation("s3:///key");
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_NE(no_bucket.status().message().find("no bucket"), std::string::npos);
  EXPECT_FALSE(ParseLocation("s3:bucket/key").ok());
  auto gs = ParseLocation("gs://bucket/key");
  ASSERT_FALSE(gs.ok());
  EXPECT_NE(gs.status().message().find("'gs'"), std::string::npos) << gs.status().message();
  EXPECT_NE(gs.status().message().find("s3://"), std::string::npos);
  EXPECT_FALSE(IsS3Location("/tmp/s3://x"));
}

TEST(LocationTest, MakeFileIORefusesUnknownSchemesAndBadS3Properties) {
  EXPECT_FALSE(MakeFileIO("hdfs://nn/wh").ok());
  EXPECT_TRUE(MakeFileIO("s3://bucket/wh").ok());
  auto bad_timeout = MakeFileIO("s3://bucket/wh", {{"s3.connect-timeout", "soon"}});
  ASSERT_FALSE(bad_timeout.ok());
  EXPECT_NE(bad_timeout.status().message().find("s3.connect-timeout"), std::string::npos);
  auto half_keys = MakeFileIO("s3://bucket/wh", {{"s3.access-key-id", "AKIA"}});
  ASSERT_FALSE(half_keys.ok());
  EXPECT_NE(half_keys.status().message().find("s3.secret-access-key"), std::string::npos);
  auto bad_endpoint = MakeFileIO("s3://bucket/wh", {{"s3.endpoint", "ftp://host"}});
  EXPECT_FALSE(bad_endpoint.ok());
}

TEST(LocationTest, JoinLocationKeepsTheForm) {
  EXPECT_EQ(JoinLocation("file:/wh/", "/t"), "file:/wh/t");
  EXPECT_EQ(JoinLocation("s3a://b/wh", "t/metadata"), "s3a://b/wh/t/metadata");
}

}  // namespace
}  // namespace floe::io
