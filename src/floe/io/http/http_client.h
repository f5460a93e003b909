#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace floe::io::http {

/// One HTTP request. Header names are sent as given; `body` is sent for any method when
/// non-empty (and as an empty body for POST/PUT).
struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// Adds or replaces a header (names compare case-insensitively).
  void SetHeader(std::string name, std::string value);
  std::optional<std::string> Header(std::string_view name) const;
};

struct Response {
  int status = 0;
  /// Header names in lower case, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  /// The whole exchange, connect to last byte.
  std::chrono::milliseconds request_timeout{60'000};
  /// Further attempts after a 429 or 503 answer, or after a connection that could not be
  /// made (the request never left). Other failures are returned at once.
  int max_retries = 3;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10'000};
  std::string user_agent = "floe";
};

/// Why a request has no response.
enum class TransportFailure {
  /// The connection was never made (refused, DNS, TLS handshake): the server saw nothing.
  kNotSent,
  /// The request may have reached the server (a timeout or a reset after sending): whatever it
  /// asked for may or may not have happened.
  kMaybeSent,
};

/// The detail carried by a transport error status (an IOError).
class TransportErrorDetail : public arrow::StatusDetail {
 public:
  explicit TransportErrorDetail(TransportFailure failure) : failure_(failure) {}
  static constexpr const char* kTypeId = "floe::io::http::TransportErrorDetail";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override;
  TransportFailure failure() const { return failure_; }

 private:
  TransportFailure failure_;
};

/// The transport failure behind `status`, if it is one.
std::optional<TransportFailure> GetTransportFailure(const arrow::Status& status);

/// An HTTP/1.1 and HTTPS client on libcurl. Connections are kept alive and reused across
/// requests; the client may be used from several threads at once. An answer of any status is
/// a Response (the caller maps statuses to errors); only a missing answer is an error status,
/// carrying a TransportErrorDetail. 429 and 503 are retried with exponential backoff and
/// jitter, honouring Retry-After, up to `max_retries` times.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  arrow::Result<Response> Send(const Request& request);

  const ClientOptions& options() const { return options_; }

 private:
  class Impl;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

/// Percent-encodes everything but RFC 3986's unreserved characters (A–Z a–z 0–9 - . _ ~).
std::string UrlEncode(std::string_view text);
/// `application/x-www-form-urlencoded` body of the pairs, in order.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace floe::io::http
