#include <chrono>

#include "floe/catalog/aws/sigv4.h"
#include "floe/catalog/glue/glue_client_internal.h"

namespace floe::catalog::glue {
namespace {

// Glue names its exceptions in `__type` ("EntityNotFoundException", sometimes with a
// "namespace#" prefix) or in the x-amzn-ErrorType header ("Name:http://…").
std::string ErrorType(const io::http::Response& response, const nlohmann::json& body) {
  std::string type;
  if (body.is_object() && body.contains("__type") && body["__type"].is_string()) {
    type = body["__type"].get<std::string>();
  } else if (auto header = response.Header("x-amzn-errortype")) {
    type = *header;
  }
  if (auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  if (auto colon = type.find(':'); colon != std::string::npos) type.erase(colon);
  return type;
}

std::string ErrorMessage(const nlohmann::json& body) {
  for (const char* key : {"message", "Message"}) {
    if (body.is_object() && body.contains(key) && body[key].is_string()) {
      return body[key].get<std::string>();
    }
  }
  return "";
}

}  // namespace

const GlueErrorDetail* GetGlueError(const arrow::Status& status) {
  auto detail = status.detail();
  if (!detail || std::string_view(detail->type_id()) != GlueErrorDetail::kTypeId) return nullptr;
  return static_cast<const GlueErrorDetail*>(detail.get());
}

bool IsGlueError(const arrow::Status& status, const char* type) {
  const GlueErrorDetail* detail = GetGlueError(status);
  return detail != nullptr && detail->error_type() == type;
}

GlueClient::GlueClient(GlueClientOptions options) : options_(std::move(options)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
    options_.endpoint.pop_back();
  io::http::ClientOptions http;
  http.user_agent = "floe-glue";
  client_ = std::make_unique<io::http::Client>(http);
  http.max_retries = 0;
  single_shot_ = std::make_unique<io::http::Client>(http);
}

arrow::Result<nlohmann::json> GlueClient::Call(const std::string& operation, nlohmann::json request,
                                               bool retry) {
  if (!options_.catalog_id.empty()) request["CatalogId"] = options_.catalog_id;
  const std::string what = "Glue " + operation + " at " + options_.endpoint;
  ARROW_ASSIGN_OR_RAISE(aws::AwsCredentials creds, options_.credentials->GetCredentials());
  io::http::Request http;
  http.method = "POST";
  http.url = options_.endpoint + "/";
  http.body = request.dump();
  http.SetHeader("Content-Type", "application/x-amz-json-1.1");
  http.SetHeader("X-Amz-Target", "AWSGlue." + operation);
  ARROW_RETURN_NOT_OK(
      aws::SignRequest(http, creds, options_.region, "glue", std::chrono::system_clock::now()));
  auto response = (retry ? client_ : single_shot_)->Send(http);
  if (!response.ok()) {
    return arrow::Status(
        response.status().code(), what + ": " + response.status().message(),
        std::make_shared<GlueErrorDetail>("", 0, io::http::GetTransportFailure(response.status())));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->ok()) {
    if (body.is_discarded()) {
      return arrow::Status::IOError(what, ": the answer (HTTP ", response->status, ") is not JSON");
    }
    return body;
  }
  std::string type = ErrorType(*response, body);
  std::string message = ErrorMessage(body);
  auto code = response->status >= 500             ? arrow::StatusCode::IOError
              : type == "EntityNotFoundException" ? arrow::StatusCode::KeyError
                                                  : arrow::StatusCode::Invalid;
  if (type == "AccessDeniedException" || response->status == 403) {
    message += " (signed with " + creds.ToString() + ")";
  }
  return arrow::Status(code,
                       what + ": HTTP " + std::to_string(response->status) +
                           (type.empty() ? "" : " " + type) +
                           (message.empty() ? "" : ": " + message),
                       std::make_shared<GlueErrorDetail>(type, response->status, std::nullopt));
}

}  // namespace floe::catalog::glue
