#pragma once

// The two STS calls the credential chain makes (STS query API, version 2011-06-15):
// AssumeRoleWithWebIdentity (unsigned: the web identity token is the proof) and AssumeRole
// (signed with the credentials being exchanged).

#include <arrow/result.h>

#include <string>

#include "floe/catalog/aws/sigv4.h"

namespace floe::catalog::aws {

/// Where STS calls go: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the regional endpoint
/// `https://sts.<region>.amazonaws.com` (the global one when no region is known).
std::string StsEndpoint(const std::string& region);

/// Exchanges an OIDC token (EKS IRSA's projected service account token) for the role's
/// temporary credentials.
arrow::Result<AwsCredentials> AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                        const std::string& session_name,
                                                        const std::string& web_identity_token,
                                                        const std::string& region);

/// Assumes `role_arn` with `base` credentials. `external_id` may be empty.
arrow::Result<AwsCredentials> AssumeRole(const AwsCredentials& base, const std::string& role_arn,
                                         const std::string& session_name,
                                         const std::string& external_id, const std::string& region);

/// The credentials of an STS answer (the `<Credentials>` element), or the STS error it
/// carries (`<Error><Code>`, `<Message>`) as a status naming `what`.
arrow::Result<AwsCredentials> ParseStsCredentials(const std::string& xml, int http_status,
                                                  const std::string& what);

}  // namespace floe::catalog::aws
