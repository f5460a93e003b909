#include "floe/catalog/rest/rest_errors.h"

#include <nlohmann/json.hpp>

#include "floe/iceberg/errors.h"

namespace floe::catalog::rest {
namespace {

using iceberg::ErrorKind;

struct ErrorModel {
  std::string type;
  std::string message;
};

// {"error": {"message", "type", "code"}}; anything else is shown as text.
ErrorModel ParseErrorModel(const io::http::Response& response) {
  ErrorModel out;
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("error") && json["error"].is_object()) {
    const auto& error = json["error"];
    if (error.contains("type") && error["type"].is_string()) out.type = error["type"];
    if (error.contains("message") && error["message"].is_string()) out.message = error["message"];
  }
  if (out.message.empty() && out.type.empty()) {
    std::string text = response.body;
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    out.message = text.empty() ? "(no body)" : text;
  }
  return out;
}

std::string Detail(const io::http::Response& response, const ErrorModel& error,
                   const std::string& request) {
  std::string out = request + " answered " + std::to_string(response.status);
  if (!error.type.empty()) out += " " + error.type;
  if (!error.message.empty()) out += ": " + error.message;
  return out;
}

}  // namespace

arrow::Status ErrorFromResponse(const io::http::Response& response, RestRequestKind kind,
                                const std::string& catalog, const std::string& what,
                                const std::string& request) {
  const ErrorModel error = ParseErrorModel(response);
  const std::string prefix = "REST catalog " + catalog + ": ";
  const std::string detail = Detail(response, error, request);
  const int status = response.status;
  const bool commit = kind == RestRequestKind::kCommit || kind == RestRequestKind::kCreateCommit;

  if (status == 401) {
    return arrow::Status::IOError(prefix, "not authorized for ", what, " (", detail,
                                  "); check the catalog's credential or token");
  }
  if (status == 403) {
    return arrow::Status::IOError(prefix, "forbidden: ", what, " (", detail,
                                  "); the catalog's principal lacks the privilege");
  }
  if (status == 404) {
    if (error.type == "NoSuchNamespaceException" || kind == RestRequestKind::kNamespace) {
      return iceberg::MakeError(ErrorKind::kNoSuchNamespace,
                                prefix + "no such namespace for " + what + " (" + detail + ")");
    }
    if (kind == RestRequestKind::kConfig) {
      return arrow::Status::IOError(prefix, "no REST catalog at ", request,
                                    " (404); check the uri and prefix");
    }
    return iceberg::MakeError(ErrorKind::kNoSuchTable,
                              prefix + what + " does not exist (" + detail + ")");
  }
  if (status == 409) {
    if (error.type == "NamespaceNotEmptyException") {
      return iceberg::MakeError(
          ErrorKind::kNamespaceNotEmpty,
          prefix + what + " is not empty (" + detail + "); drop its tables first");
    }
    if (kind == RestRequestKind::kCommit ||
        (kind == RestRequestKind::kCreateCommit && error.type != "AlreadyExistsException")) {
      return iceberg::CommitConflict(prefix + "commit to " + what + " conflicted (" + detail + ")");
    }
    return iceberg::MakeError(ErrorKind::kAlreadyExists,
                              prefix + what + " already exists (" + detail + ")");
  }
  if (status == 400 && error.type == "NamespaceNotEmptyException") {
    return iceberg::MakeError(ErrorKind::kNamespaceNotEmpty,
                              prefix + what + " is not empty (" + detail + ")");
  }
  if (commit && (status == 500 || status == 502 || status == 503 || status == 504)) {
    return iceberg::CommitStateUnknown(prefix + "commit to " + what + " has an unknown outcome (" +
                                       detail + ")");
  }
  if (status == 501 || status == 406) {
    return arrow::Status::NotImplemented(prefix, "the server does not support this for ", what,
                                         " (", detail, ")");
  }
  if (status >= 500) {
    return arrow::Status::IOError(prefix, "server error for ", what, " (", detail,
                                  "); retry later");
  }
  return arrow::Status::Invalid(prefix, "request for ", what, " was refused (", detail, ")");
}

arrow::Status ErrorFromTransport(const arrow::Status& failure, RestRequestKind kind,
                                 const std::string& catalog, const std::string& what,
                                 const std::string& request) {
  const std::string prefix = "REST catalog " + catalog + ": ";
  auto transport = io::http::GetTransportFailure(failure);
  const bool commit = kind == RestRequestKind::kCommit || kind == RestRequestKind::kCreateCommit;
  if (commit && transport == io::http::TransportFailure::kMaybeSent) {
    return iceberg::CommitStateUnknown(prefix + "commit to " + what + " has an unknown outcome: " +
                                       request + " got no answer: " + failure.message());
  }
  return failure.WithMessage(prefix, request, " for ", what, " failed: ", failure.message());
}

}  // namespace floe::catalog::rest
