// S3FileIO against a real S3 API: moto's standalone server, started from FLOE_PYTHON (the
// project's .venv) on a free port for this suite and stopped after it.
#include "floe/io/s3/s3_file_io.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../interop_python.h"

namespace floe::io {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

constexpr const char* kSecret = "unit-Secret-7c1d9e2f";

class S3FileIOTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string python = interop::InteropPython();
    if (python.empty()) return;
    port_ = FreePort();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_);
      ::execl(python.c_str(), python.c_str(), "-m", "moto.server", "-H", "127.0.0.1", "-p",
              port.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 600 && !Listening(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string make_bucket = python + " -c \"import boto3; boto3.client('s3', endpoint_url='" +
                              Endpoint() +
                              "', region_name='us-east-1', aws_access_key_id='k', "
                              "aws_secret_access_key='s').create_bucket(Bucket='unit')\"";
    bucket_ok_ = std::system(make_bucket.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  static std::string Endpoint() { return "http://127.0.0.1:" + std::to_string(port_); }

  void SetUp() override {
    std::string python;
    FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
    ASSERT_TRUE(bucket_ok_) << "moto server or its bucket did not come up";
    auto io = S3FileIO::Make(Properties(Endpoint()));
    ASSERT_TRUE(io.ok()) << io.status().ToString();
    io_ = std::move(*io);
    prefix_ = std::string("s3://unit/") +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
  }

  static FileIOProperties Properties(const std::string& endpoint) {
    return {{"s3.endpoint", endpoint},     {"s3.access-key-id", "AKIAUNIT"},
            {"s3.secret-access-key", kSecret}, {"s3.region", "us-east-1"},
            {"s3.connect-timeout", "2"},   {"s3.request-timeout", "5"}};
  }

  std::set<std::string> Keys(const std::string& location, bool recursive) {
    std::set<std::string> out;
    auto st = io_->ListEach(location, recursive, [&](const FileEntry& e) {
      out.insert(e.location + (e.is_dir() ? "/" : ""));
      return arrow::Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  static inline int port_ = 0;
  static inline pid_t pid_ = -1;
  static inline bool bucket_ok_ = false;
  std::unique_ptr<S3FileIO> io_;
  std::string prefix_;
};

TEST_F(S3FileIOTest, WritesReadsAndNamesObjectsInEveryS3Spelling) {
  ASSERT_TRUE(io_->WriteAll(prefix_ + "a/b/m.json", "hello").ok());
  for (const std::string& scheme : {"s3://", "s3a://", "s3n://"}) {
    std::string location = scheme + (prefix_ + "a/b/m.json").substr(5);
    auto read = io_->ReadAll(location);
    ASSERT_TRUE(read.ok()) << location << ": " << read.status().ToString();
    EXPECT_EQ(*read, "hello");
    EXPECT_TRUE(*io_->Exists(location));
    EXPECT_EQ(*io_->CanonicalLocation(location), prefix_ + "a/b/m.json");
  }
  EXPECT_TRUE(*io_->Exists(prefix_ + "a"));  // a prefix with objects below it
  EXPECT_FALSE(*io_->Exists(prefix_ + "nothing"));
  // No folder marker objects were written for a/ and a/b/.
  EXPECT_EQ(Keys(prefix_, true), std::set<std::string>{prefix_ + "a/b/m.json"});
}

TEST_F(S3FileIOTest, InputETagIsTheObjectsETag) {
  ASSERT_TRUE(io_->WriteAll(prefix_ + "e.txt", "hello").ok());
  auto in = io_->OpenInput(prefix_ + "e.txt");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(InputETag(**in), "5d41402abc4b2a76b9719d911017c592");  // MD5 of a single PUT
  EXPECT_EQ(*(*in)->GetSize(), 5);
  char buf[3];
  EXPECT_EQ(*(*in)->ReadAt(1, 3, buf), 3);  // a ranged GET
  EXPECT_EQ(std::string(buf, 3), "ell");
}

TEST_F(S3FileIOTest, StreamedOutputAppearsWholeOnClose) {
  auto out = io_->OpenOutput(prefix_ + "big.bin");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 12; ++i) ASSERT_TRUE((*out)->Write(chunk.data(), chunk.size()).ok());
  EXPECT_FALSE(*io_->Exists(prefix_ + "big.bin"));  // a multipart upload in progress
  ASSERT_TRUE((*out)->Close().ok());
  auto in = io_->OpenInput(prefix_ + "big.bin");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(*(*in)->GetSize(), 12 << 20);
  EXPECT_NE(InputETag(**in).find('-'), std::string::npos);  // a multipart ETag
}

TEST_F(S3FileIOTest, ListingPagesThroughMoreThanAThousandKeysAndUsesTheDelimiter) {
  for (int i = 0; i < 1005; ++i) {
    ASSERT_TRUE(io_->WriteAll(prefix_ + "many/spark-" + std::to_string(i % 3) + "/f" +
                                  std::to_string(i),
                              "x")
                    .ok());
  }
  ASSERT_TRUE(io_->WriteAll(prefix_ + "many/top.json", "{}").ok());
  int64_t n = 0;
  ASSERT_TRUE(io_->ListEach(prefix_ + "many", true, [&](const FileEntry& e) {
                   EXPECT_EQ(e.kind, FileKind::kFile);
                   EXPECT_EQ(e.size, e.location.ends_with("top.json") ? 2 : 1);
                   EXPECT_GT(e.mtime_ns, 0);
                   ++n;
                   return arrow::Status::OK();
                 }).ok());
  EXPECT_EQ(n, 1006);
  EXPECT_EQ(io_->List(prefix_ + "many/", true)->size(), 1006u);
  // Non-recursive: the common prefixes and the one object directly below.
  EXPECT_EQ(Keys(prefix_ + "many", false),
            (std::set<std::string>{prefix_ + "many/spark-0/", prefix_ + "many/spark-1/",
                                   prefix_ + "many/spark-2/", prefix_ + "many/top.json"}));
  // Entries come back in the scheme asked for; their identity is the canonical s3:// name.
  auto s3a = io_->List("s3a://" + (prefix_ + "many/spark-1").substr(5), true);
  ASSERT_TRUE(s3a.ok());
  ASSERT_FALSE(s3a->empty());
  EXPECT_EQ((*s3a)[0].location.rfind("s3a://unit/", 0), 0u);
  EXPECT_EQ((*s3a)[0].identity.rfind("s3://unit/", 0), 0u);
  EXPECT_TRUE(io_->List(prefix_ + "absent", false)->empty());
}

TEST_F(S3FileIOTest, DeletesObjectsAndTreatsPrefixesAndMissingKeysAsNothing) {
  ASSERT_TRUE(io_->WriteAll(prefix_ + "d/1", "1").ok());
  ASSERT_TRUE(io_->WriteAll(prefix_ + "d/2", "2").ok());
  ASSERT_TRUE(io_->WriteAll(prefix_ + "d/3", "3").ok());
  ASSERT_TRUE(io_->Delete(prefix_ + "d").ok());  // a "folder": nothing happens
  ASSERT_TRUE(io_->Delete(prefix_ + "d/missing").ok());
  EXPECT_TRUE(*io_->Exists(prefix_ + "d/1"));
  ASSERT_TRUE(io_->DeleteFiles({prefix_ + "d/1", "s3a://" + (prefix_ + "d/2").substr(5),
                                prefix_ + "d/none"})
                  .ok());
  EXPECT_FALSE(*io_->Exists(prefix_ + "d/1"));
  EXPECT_FALSE(*io_->Exists(prefix_ + "d/2"));
  EXPECT_TRUE(*io_->Exists(prefix_ + "d/3"));
}

TEST_F(S3FileIOTest, ErrorsNameTheObjectAndNeverTheSecret) {
  auto missing = io_->ReadAll(prefix_ + "missing.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(prefix_ + "missing.json"), std::string::npos)
      << missing.status().message();
  auto no_bucket = S3FileIO::Make(Properties(Endpoint()));
  ASSERT_TRUE(no_bucket.ok());
  auto st = (*no_bucket)->WriteAll("s3://no-such-bucket-unit/k", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("s3://no-such-bucket-unit/k"), std::string::npos) << st.message();
  auto dead = S3FileIO::Make(Properties("http://127.0.0.1:1"));
  ASSERT_TRUE(dead.ok());
  auto unreachable = (*dead)->ReadAll("s3://unit/k");
  ASSERT_FALSE(unreachable.ok());
  for (const auto& message : {missing.status().message(), st.message(),
                              unreachable.status().message()}) {
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
  }
  EXPECT_FALSE(io_->OpenOutput("s3://unit/").ok());  // not an object key
}

}  // namespace
}  // namespace floe::io
