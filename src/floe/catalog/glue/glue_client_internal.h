#pragma once

// The AWS Glue JSON API (`POST /`, `X-Amz-Target: AWSGlue.<Operation>`, JSON 1.1 bodies,
// SigV4 service "glue"), one call at a time. Kept internal: its bodies are nlohmann::json.

#include <arrow/result.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "floe/catalog/aws/credentials.h"
#include "floe/io/http/http_client.h"

namespace floe::catalog::glue {

/// Why a Glue call failed, riding on the status it returns.
class GlueErrorDetail : public arrow::StatusDetail {
 public:
  static constexpr const char* kTypeId = "floe::catalog::glue::GlueErrorDetail";
  GlueErrorDetail(std::string error_type, int http_status,
                  std::optional<io::http::TransportFailure> transport)
      : error_type_(std::move(error_type)), http_status_(http_status), transport_(transport) {}
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return error_type_; }

  /// Glue's exception name, e.g. "EntityNotFoundException"; "" for a transport failure.
  const std::string& error_type() const { return error_type_; }
  /// 0 when no answer came.
  int http_status() const { return http_status_; }
  std::optional<io::http::TransportFailure> transport() const { return transport_; }

 private:
  std::string error_type_;
  int http_status_;
  std::optional<io::http::TransportFailure> transport_;
};

/// The GlueErrorDetail of a status from GlueClient::Call, or nullptr.
const GlueErrorDetail* GetGlueError(const arrow::Status& status);
/// True when the status is Glue's exception `type`.
bool IsGlueError(const arrow::Status& status, const char* type);

struct GlueClientOptions {
  /// e.g. https://glue.us-east-1.amazonaws.com (trailing slash optional).
  std::string endpoint;
  std::string region;
  /// The Glue catalog id (the AWS account id) sent with every call, when set.
  std::string catalog_id;
  std::shared_ptr<aws::CredentialsProvider> credentials;
};

class GlueClient {
 public:
  explicit GlueClient(GlueClientOptions options);

  /// Calls `operation` (e.g. "GetTable") with `request` (CatalogId added when configured).
  /// `retry` false sends it once: for UpdateTable, whose outcome must not be muddied by a
  /// retry after an answer that may have followed a change.
  arrow::Result<nlohmann::json> Call(const std::string& operation, nlohmann::json request,
                                     bool retry = true);

  const GlueClientOptions& options() const { return options_; }

 private:
  GlueClientOptions options_;
  std::unique_ptr<io::http::Client> client_;
  std::unique_ptr<io::http::Client> single_shot_;
};

}  // namespace floe::catalog::glue
