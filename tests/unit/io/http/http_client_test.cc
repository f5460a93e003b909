#include "floe/io/http/http_client.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../../scripted_http_server.h"

namespace floe::io::http {
namespace {

using test::Answer;
using test::ScriptedServer;

ClientOptions FastRetries() {
  ClientOptions o;
  o.initial_backoff = std::chrono::milliseconds(1);
  o.max_backoff = std::chrono::milliseconds(5);
  o.request_timeout = std::chrono::milliseconds(2000);
  return o;
}

TEST(HttpClientTest, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  ScriptedServer server({Answer(201, "{\"ok\":true}", "X-Thing: Yes\r\n")});
  Client client(FastRetries());
  Request req;
  req.method = "POST";
  req.url = server.url("/v1/namespaces");
  req.SetHeader("Content-Type", "application/json");
  req.SetHeader("content-type", "application/json; charset=utf-8");  // replaces
  req.body = "{\"namespace\":[\"a\"]}";
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "{\"ok\":true}");
  EXPECT_EQ(res->Header("x-thing").value_or(""), "Yes");
  EXPECT_EQ(res->Header("X-THING").value_or(""), "Yes");
  auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rfind("POST /v1/namespaces HTTP/1.1\r\n", 0), 0u) << got[0];
  // Replaced under its first spelling, sent once.
  EXPECT_NE(got[0].find("Content-Type: application/json; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(got[0].find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(got[0].find("content-type:"), std::string::npos);
  EXPECT_NE(got[0].find("\r\n\r\n{\"namespace\":[\"a\"]}"), std::string::npos);
}

TEST(HttpClientTest, RetriesThrottlingAndReusesTheConnection) {
  ScriptedServer server(
      {Answer(429, ""), Answer(503, "", "Retry-After: 0\r\n"), Answer(200, "done")});
  Client client(FastRetries());
  Request req;
  req.url = server.url("/x");
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "done");
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);  // keep-alive
}

TEST(HttpClientTest, GivesUpAfterMaxRetriesWithTheLastAnswer) {
  ScriptedServer server({Answer(503, "a"), Answer(503, "b"), Answer(503, "c")});
  ClientOptions o = FastRetries();
  o.max_retries = 2;
  Client client(o);
  Request req;
  req.url = server.url("/x");
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->body, "c");
}

TEST(HttpClientTest, OtherErrorStatusesAreAnswersNotRetried) {
  ScriptedServer server({Answer(500, "boom"), Answer(200, "")});
  Client client(FastRetries());
  Request req;
  req.url = server.url("/x");
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClientTest, AHangUpAfterSendingMayHaveBeenSent) {
  ScriptedServer server({"HANGUP"});
  Client client(FastRetries());
  Request req;
  req.method = "POST";
  req.url = server.url("/commit");
  req.body = "x";
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(GetTransportFailure(res.status()), TransportFailure::kMaybeSent);
  EXPECT_EQ(server.requests().size(), 1u);  // never retried: it may have been applied
}

TEST(HttpClientTest, ARefusedConnectionWasNotSent) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);  // nothing listens there now
  ClientOptions o = FastRetries();
  o.max_retries = 1;
  Client client(o);
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  req.SetHeader("Authorization", "Bearer very-secret-token");
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(GetTransportFailure(res.status()), TransportFailure::kNotSent);
  EXPECT_EQ(res.status().message().find("very-secret-token"), std::string::npos);
}

TEST(HttpClientTest, TimesOutAsMaybeSent) {
  // A server that accepts and never answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  listen(fd, 1);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ClientOptions o = FastRetries();
  o.request_timeout = std::chrono::milliseconds(300);
  Client client(o);
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  auto res = client.Send(req);
  close(fd);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(GetTransportFailure(res.status()), TransportFailure::kMaybeSent);
}

TEST(HttpClientTest, EncodesLikeRfc3986) {
  EXPECT_EQ(UrlEncode("a b/c~d.e_f-g\x1f"), "a%20b%2Fc~d.e_f-g%1F");
  EXPECT_EQ(UrlEncode("ns\x1fsub"), "ns%1Fsub");
  EXPECT_EQ(FormEncode({{"grant_type", "client_credentials"}, {"scope", "catalog a:b"}}),
            "grant_type=client_credentials&scope=catalog%20a%3Ab");
}

}  // namespace
}  // namespace floe::io::http
