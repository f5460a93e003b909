#pragma once

// The error kinds of table and catalog operations, shared by every catalog and every table
// change. A kind rides on an arrow::Status as its detail, so it survives ARROW_RETURN_NOT_OK and
// Status::WithMessage and callers test the kind instead of parsing messages.

#include <arrow/status.h>

#include <optional>
#include <string>

namespace floe::iceberg {

enum class ErrorKind {
  kNoSuchNamespace,    ///< code KeyError
  kNoSuchTable,        ///< code KeyError
  kAlreadyExists,      ///< code AlreadyExists (namespace or table)
  kNamespaceNotEmpty,  ///< code Invalid
  /// code Invalid: the table moved on, or a commit requirement no longer holds. Nothing was
  /// committed; refresh, re-apply the operation and retry.
  kCommitConflict,
  /// code IOError: the commit request may or may not have taken effect (e.g. a timeout after it
  /// was sent). The files it wrote may be referenced by the table now and must not be deleted.
  kCommitStateUnknown,
  /// code Invalid: a concurrent commit conflicts with what this change read (Java's
  /// ValidationException): it removed a file this change rewrites or references, added deletes
  /// for it, or added rows the change's filter covers under serializable isolation. Not retried:
  /// the change was planned on data that is no longer current; run the operation again.
  kValidationFailed,
};

class ErrorKindDetail : public arrow::StatusDetail {
 public:
  explicit ErrorKindDetail(ErrorKind kind) : kind_(kind) {}
  static constexpr const char* kTypeId = "floe::iceberg::ErrorKindDetail";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override;
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// A status of the given kind with message `message` (status code as listed above).
arrow::Status MakeError(ErrorKind kind, std::string message);
/// The kind carried by `status`, if any.
std::optional<ErrorKind> GetErrorKind(const arrow::Status& status);

inline arrow::Status CommitConflict(std::string message) {
  return MakeError(ErrorKind::kCommitConflict, std::move(message));
}
inline arrow::Status CommitStateUnknown(std::string message) {
  return MakeError(ErrorKind::kCommitStateUnknown, std::move(message));
}

inline arrow::Status ValidationFailed(std::string message) {
  return MakeError(ErrorKind::kValidationFailed, std::move(message));
}

/// True when a commit lost to a concurrent change (the caller may reload and retry); false for
/// every other outcome, including a missing table and an unknown commit state.
inline bool IsCommitConflict(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kCommitConflict;
}
inline bool IsCommitStateUnknown(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kCommitStateUnknown;
}
/// True when a change's validation against concurrent commits failed (never retried).
inline bool IsValidationFailed(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kValidationFailed;
}
inline bool IsNoSuchNamespace(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kNoSuchNamespace;
}
inline bool IsNoSuchTable(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kNoSuchTable;
}
inline bool IsAlreadyExists(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kAlreadyExists;
}
inline bool IsNamespaceNotEmpty(const arrow::Status& s) {
  return GetErrorKind(s) == ErrorKind::kNamespaceNotEmpty;
}

}  // namespace floe::iceberg
