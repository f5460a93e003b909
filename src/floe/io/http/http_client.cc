#include "floe/io/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

namespace floe::io::http {
namespace {

bool NameEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<Response*>(user)->body.append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<Response*>(user);
  std::string_view line(data, size * n);
  // A new status line (after a 100 Continue or a redirect) starts a new header block.
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    response->headers.emplace_back(std::move(name), Trim(line.substr(colon + 1)));
  }
  return size * n;
}

// Connection failures where nothing reached the server.
bool NotSent(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return true;
    default:
      return false;
  }
}

// The Retry-After delay, when given in seconds (the HTTP-date form is rare for these APIs).
std::optional<std::chrono::milliseconds> RetryAfter(const Response& r) {
  auto value = r.Header("retry-after");
  if (!value || value->empty() ||
      !std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::chrono::milliseconds(std::stoll(*value) * 1000);
}

}  // namespace

void Request::SetHeader(std::string name, std::string value) {
  for (auto& [n, v] : headers) {
    if (NameEquals(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (NameEquals(n, name)) return v;
  return std::nullopt;
}

std::optional<std::string> Response::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (NameEquals(n, name)) return v;
  return std::nullopt;
}

std::string TransportErrorDetail::ToString() const {
  return failure_ == TransportFailure::kNotSent ? "request not sent" : "request may have been sent";
}

std::optional<TransportFailure> GetTransportFailure(const arrow::Status& status) {
  auto detail = status.detail();
  if (!detail || std::string_view(detail->type_id()) != TransportErrorDetail::kTypeId)
    return std::nullopt;
  return static_cast<const TransportErrorDetail&>(*detail).failure();
}

// A pool of easy handles: each keeps its connections alive, and a handle is used by one
// request at a time.
class Client::Impl {
 public:
  ~Impl() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  CURL* Acquire() {
    std::lock_guard lock(mu_);
    if (idle_.empty()) return curl_easy_init();
    CURL* h = idle_.back();
    idle_.pop_back();
    return h;
  }
  void Release(CURL* h) {
    std::lock_guard lock(mu_);
    idle_.push_back(h);
  }

 private:
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

Client::Client(ClientOptions options) : options_(std::move(options)), impl_(new Impl) {
  GlobalInit();
}

Client::~Client() = default;

namespace {

arrow::Result<Response> SendOnce(CURL* h, const Request& request, const ClientOptions& options) {
  curl_easy_reset(h);
  Response response;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip for large bodies.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    auto failure = NotSent(code) ? TransportFailure::kNotSent : TransportFailure::kMaybeSent;
    std::string reason = error[0] ? error : curl_easy_strerror(code);
    // The URL, never the headers: they may carry credentials.
    return arrow::Status(arrow::StatusCode::IOError,
                         request.method + " " + request.url + ": " + reason,
                         std::make_shared<TransportErrorDetail>(failure));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace

arrow::Result<Response> Client::Send(const Request& request) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    CURL* h = impl_->Acquire();
    if (h == nullptr) return arrow::Status::OutOfMemory("cannot create an HTTP handle");
    auto result = SendOnce(h, request, options_);
    impl_->Release(h);

    std::optional<std::chrono::milliseconds> wait;
    if (result.ok()) {
      if (result->status != 429 && result->status != 503) return result;
      wait = RetryAfter(*result);
    } else if (GetTransportFailure(result.status()) != TransportFailure::kNotSent) {
      return result;
    }
    if (attempt >= options_.max_retries) return result;
    if (!wait) {
      // Full jitter: a random wait up to the current backoff, so clients retrying together
      // spread out.
      std::uniform_int_distribution<int64_t> dist(backoff.count() / 2, backoff.count());
      wait = std::chrono::milliseconds(dist(rng));
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
    std::this_thread::sleep_for(std::min(*wait, options_.max_backoff));
  }
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k);
    out += '=';
    out += UrlEncode(v);
  }
  return out;
}

}  // namespace floe::io::http
