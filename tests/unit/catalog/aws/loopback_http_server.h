#pragma once

// A loopback HTTP/1.1 server for tests of clients of local endpoints (credential and metadata
// endpoints): each request is answered by a handler, one connection at a time.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace floe::testing {

struct HttpExchange {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
};

struct HttpAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<HttpAnswer(const HttpExchange&)>;

  explicit LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackHttpServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<HttpExchange> exchanges() {
    std::lock_guard lock(mu_);
    return exchanges_;
  }

 private:
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string buffer;
      char chunk[4096];
      while (true) {
        auto end = buffer.find("\r\n\r\n");
        if (end == std::string::npos) {
          ssize_t n = read(c, chunk, sizeof(chunk));
          if (n <= 0) break;
          buffer.append(chunk, n);
          continue;
        }
        HttpExchange exchange = ParseHead(buffer.substr(0, end));
        size_t body_len = 0;
        if (auto it = exchange.headers.find("content-length"); it != exchange.headers.end()) {
          body_len = std::stoul(it->second);
        }
        while (buffer.size() < end + 4 + body_len) {
          ssize_t n = read(c, chunk, sizeof(chunk));
          if (n <= 0) break;
          buffer.append(chunk, n);
        }
        exchange.body = buffer.substr(end + 4, body_len);
        buffer.erase(0, end + 4 + body_len);
        HttpAnswer answer = handler_(exchange);
        {
          std::lock_guard lock(mu_);
          exchanges_.push_back(exchange);
        }
        std::string response = "HTTP/1.1 " + std::to_string(answer.status) + " X\r\n" +
                               "Content-Type: " + answer.content_type + "\r\n" +
                               "Content-Length: " + std::to_string(answer.body.size()) +
                               "\r\n\r\n" + answer.body;
        if (write(c, response.data(), response.size()) < 0) break;
      }
      close(c);
    }
  }

  static HttpExchange ParseHead(const std::string& head) {
    HttpExchange exchange;
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    auto sp1 = first.find(' ');
    auto sp2 = first.rfind(' ');
    exchange.method = first.substr(0, sp1);
    exchange.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      std::string line =
          head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        size_t v = line.find_first_not_of(' ', colon + 1);
        exchange.headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      if (next == std::string::npos) break;
      pos = next + 2;
    }
    return exchange;
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<HttpExchange> exchanges_;
};

}  // namespace floe::testing
