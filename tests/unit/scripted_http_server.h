#pragma once

// A loopback HTTP/1.1 server for unit tests: answers each request with the next scripted
// response (keep-alive), records what it received. "HANGUP" as a response closes the
// connection without answering.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace floe::test {

// A loopback HTTP/1.1 server answering each request with the next scripted response
// (keep-alive), recording what it received.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<std::string> responses) : responses_(std::move(responses)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 8);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int connections() const { return connections_; }

 private:
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
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
        size_t body_len = 0;
        auto cl = buffer.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body_len = std::stoul(buffer.substr(cl + 16));
        while (buffer.size() < end + 4 + body_len) {
          ssize_t n = read(c, chunk, sizeof(chunk));
          if (n <= 0) break;
          buffer.append(chunk, n);
        }
        std::string request = buffer.substr(0, end + 4 + body_len);
        buffer.erase(0, request.size());
        std::string response;
        {
          std::lock_guard lock(mu_);
          requests_.push_back(request);
          if (responses_.empty()) break;
          response = responses_.front();
          responses_.pop_front();
        }
        if (response == "HANGUP") break;  // close without answering
        write(c, response.data(), response.size());
      }
      close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::deque<std::string> responses_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

inline std::string Answer(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

}  // namespace floe::test
