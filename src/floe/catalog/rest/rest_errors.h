#pragma once

// HTTP answers of a REST catalog as floe error kinds (spec: rest-catalog-open-api.yaml, the
// responses of each operation and "ErrorModel"; Java's ErrorHandlers). The kind depends on
// what was asked: a 404 is a missing namespace or table by the error's `type`, a 409 is an
// existing object for a create and a lost race for a commit, and a 5xx on a commit leaves its
// outcome unknown.

#include <arrow/status.h>

#include <string>

#include "floe/io/http/http_client.h"

namespace floe::catalog::rest {

/// What a request was for; decides how its errors read.
enum class RestRequestKind {
  kConfig,        ///< GET /v1/config
  kNamespace,     ///< namespace operations: 404 is NoSuchNamespace
  kTable,         ///< table operations: 404 by type, 409 AlreadyExists
  kCommit,        ///< a commit to an existing table (or a transaction): 409 CommitConflict,
                  ///< 500/502/503/504 CommitStateUnknown
  kCreateCommit,  ///< a create transaction's commit (assert-create): 409 AlreadyExists
};

/// The error of a non-2xx response. `what` names the object ("table db.events"), `request`
/// the call ("POST http://…/v1/namespaces/db/tables/events").
arrow::Status ErrorFromResponse(const io::http::Response& response, RestRequestKind kind,
                                const std::string& catalog, const std::string& what,
                                const std::string& request);

/// The error of a request that got no response (the HTTP client's transport failure). A
/// commit that may have been sent has an unknown outcome.
arrow::Status ErrorFromTransport(const arrow::Status& failure, RestRequestKind kind,
                                 const std::string& catalog, const std::string& what,
                                 const std::string& request);

}  // namespace floe::catalog::rest
