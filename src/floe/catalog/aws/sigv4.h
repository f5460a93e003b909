#pragma once

// AWS Signature Version 4 for HTTP requests (AWS docs: "Create a signed AWS API request"), as
// the SDKs sign them with an `Authorization` header. Independent of any catalog: the Glue
// catalog, the REST catalog (`rest.sigv4-enabled`) and the STS calls of the credential chain
// all sign through here.

#include <arrow/status.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "floe/io/http/http_client.h"

namespace floe::catalog::aws {

/// A set of AWS credentials: long-term keys, or temporary ones with a session token and an
/// expiration.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// When temporary credentials stop working; none for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  /// Where they came from ("environment", "profile default", ...), for messages.
  std::string source;

  /// For logs and errors: the key id and source, never the secret or the token.
  std::string ToString() const;
};

/// How one service wants its requests signed. The defaults are the SDKs' for every service but
/// S3 (see ForService).
struct SigV4Options {
  /// Remove `.` and `..` segments and repeated slashes from the path before signing.
  bool normalize_path = true;
  /// Percent-encode the path as sent once more (every service but S3); S3 signs the path as
  /// sent, in its canonical encoding.
  bool encode_path_again = true;
  /// Send and sign `x-amz-content-sha256` with the payload's hash (S3 requires it).
  bool payload_hash_header = false;
  /// Sign `X-Amz-Security-Token`; false adds it after signing (the suite's
  /// `omit_session_token`, used by a few services).
  bool sign_session_token = true;

  /// The SDKs' rules for `service`: S3 ("s3") neither normalizes nor re-encodes the path and
  /// sends the payload hash header; other services do the opposite.
  static SigV4Options ForService(std::string_view service);
};

/// The pieces of one signature, for tests and for debugging a rejected request (none of them
/// holds a secret).
struct SigV4Parts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;
};

/// Signs `request` in place: sets `Host` (from the URL when absent, so what is signed is what
/// is sent), `X-Amz-Date`, `X-Amz-Security-Token` for session credentials,
/// `x-amz-content-sha256` when the options ask for it, and `Authorization`. Every header the
/// request already has is signed, except hop-by-hop ones a proxy may change (User-Agent,
/// Expect, Connection, X-Amzn-Trace-Id). A caller may set `x-amz-content-sha256` itself
/// (e.g. to `UNSIGNED-PAYLOAD`); that value is then signed as the payload hash.
arrow::Result<SigV4Parts> SignRequest(io::http::Request& request, const AwsCredentials& creds,
                                      std::string_view region, std::string_view service,
                                      std::chrono::system_clock::time_point now,
                                      const SigV4Options& options);

/// SignRequest with the options of `service` (SigV4Options::ForService).
arrow::Status SignRequest(io::http::Request& request, const AwsCredentials& creds,
                          std::string_view region, std::string_view service,
                          std::chrono::system_clock::time_point now);

/// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

/// `now` as SigV4's basic ISO-8601 form, e.g. 20150830T123600Z.
std::string AmzDate(std::chrono::system_clock::time_point now);

}  // namespace floe::catalog::aws
