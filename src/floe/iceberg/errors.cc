#include "floe/iceberg/errors.h"

namespace floe::iceberg {

std::string ErrorKindDetail::ToString() const {
  switch (kind_) {
    case ErrorKind::kNoSuchNamespace:
      return "no such namespace";
    case ErrorKind::kNoSuchTable:
      return "no such table";
    case ErrorKind::kAlreadyExists:
      return "already exists";
    case ErrorKind::kNamespaceNotEmpty:
      return "namespace not empty";
    case ErrorKind::kCommitConflict:
      return "commit conflict";
    case ErrorKind::kCommitStateUnknown:
      return "commit state unknown";
    case ErrorKind::kValidationFailed:
      return "validation failed";
  }
  return "catalog error";
}

arrow::Status MakeError(ErrorKind kind, std::string message) {
  arrow::StatusCode code = arrow::StatusCode::Invalid;
  switch (kind) {
    case ErrorKind::kNoSuchNamespace:
    case ErrorKind::kNoSuchTable:
      code = arrow::StatusCode::KeyError;
      break;
    case ErrorKind::kAlreadyExists:
      code = arrow::StatusCode::AlreadyExists;
      break;
    case ErrorKind::kNamespaceNotEmpty:
    case ErrorKind::kCommitConflict:
    case ErrorKind::kValidationFailed:
      code = arrow::StatusCode::Invalid;
      break;
    case ErrorKind::kCommitStateUnknown:
      code = arrow::StatusCode::IOError;
      break;
  }
  return arrow::Status(code, std::move(message), std::make_shared<ErrorKindDetail>(kind));
}

std::optional<ErrorKind> GetErrorKind(const arrow::Status& status) {
  if (status.ok() || status.detail() == nullptr) return std::nullopt;
  if (std::string(status.detail()->type_id()) != ErrorKindDetail::kTypeId) return std::nullopt;
  return static_cast<const ErrorKindDetail&>(*status.detail()).kind();
}

}  // namespace floe::iceberg
