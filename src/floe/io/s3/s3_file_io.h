#pragma once

#include <memory>
#include <string>
#include <vector>

#include "floe/io/file_io.h"

namespace arrow::fs {
class S3FileSystem;
}

namespace floe::io {

/// Objects in S3 (or a store speaking its API) through Arrow's S3FileSystem, named
/// `s3://bucket/key`, `s3a://…` or `s3n://…` (one store: the scheme only says which Hadoop
/// client wrote it, and entries are listed back in the scheme they were asked for).
///
/// Properties (the names of PyIceberg's and Java's S3FileIO):
///   s3.endpoint              `http://host:port` or `https://…`; else AWS_ENDPOINT_URL_S3,
///                            then AWS_ENDPOINT_URL; else AWS's endpoint for the region
///   s3.region, client.region the bucket's region (else the SDK's: AWS_REGION, profile)
///   s3.access-key-id, s3.secret-access-key, s3.session-token   static credentials
///     (else client.access-key-id, client.secret-access-key, client.session-token)
///   s3.role-arn, s3.role-session-name   assume this role through STS (Arrow's FromAssumeRole;
///                            the call to STS uses the default chain below)
///   s3.path-style-access     true: `endpoint/bucket/key` (the default with an endpoint);
///                            false: virtual-hosted `bucket.endpoint/key`
///   s3.connect-timeout, s3.request-timeout   seconds (fractions allowed), as in PyIceberg
///
/// Without keys or a role, credentials come from the default chain of the AWS SDK for C++
/// inside the pyarrow wheel (1.11.x, DefaultAWSCredentialsProviderChain), in this order:
/// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the shared
/// config and credentials files (AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE),
/// with `credential_process` and SSO profiles; web identity (AWS_ROLE_ARN +
/// AWS_WEB_IDENTITY_TOKEN_FILE, as EKS IRSA sets them); container credentials
/// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI for ECS, AWS_CONTAINER_CREDENTIALS_FULL_URI with
/// AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE] for EKS Pod Identity); then the EC2 instance
/// metadata service (IMDSv2, falling back to v1 unless AWS_EC2_METADATA_V1_DISABLED;
/// AWS_EC2_METADATA_DISABLED=true skips it).
///
/// Writes: OpenOutput streams a multipart upload (parts go out in the background while the
/// caller writes; Close waits for them and completes the upload); a file under 10 MB is one
/// PUT at Close. Either way the object appears whole or not at all, and no folder marker
/// objects are written for its "parents". Reads: OpenInput gives ranged GETs (a Parquet
/// footer costs one request) after one HEAD for the size and ETag.
///
/// Secret values (secret key, session token) never appear in an error this class returns:
/// they are blanked out of every message from the SDK.
class S3FileIO final : public FileIO {
 public:
  ~S3FileIO() override;

  /// Initialises the AWS SDK once per process (thread-safe; finalised at exit, before static
  /// destruction) and makes a client with `properties`.
  static arrow::Result<std::unique_ptr<S3FileIO>> Make(const FileIOProperties& properties);
  /// Checks `properties` without contacting S3 or starting the SDK: the errors Make would
  /// give for a malformed value.
  static arrow::Status ValidateProperties(const FileIOProperties& properties);

  arrow::Result<std::string> ReadAll(const std::string& location) override;
  /// One PUT (a multipart upload past 10 MB): readers never see a partial object.
  arrow::Status WriteAll(const std::string& location, std::string_view data) override;
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) override;
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) override;
  /// True when an object has this key, or keys exist below it as a prefix.
  arrow::Result<bool> Exists(const std::string& location) override;
  /// Deletes the object; a missing one, or a prefix with no object of its own, is no error.
  arrow::Status Delete(const std::string& location) override;
  arrow::Status DeleteFiles(const std::vector<std::string>& locations) override;
  /// recursive: every object below the prefix; else the objects and common prefixes directly
  /// below it (ListObjectsV2 with the '/' delimiter), prefixes as kDirectory. A prefix with
  /// nothing below it lists empty. Folder marker objects (keys ending in '/') are not listed.
  arrow::Result<std::vector<FileEntry>> List(const std::string& location,
                                             bool recursive) override;
  /// Page by page, as the store returns them.
  arrow::Status ListEach(const std::string& location, bool recursive,
                         const std::function<arrow::Status(const FileEntry&)>& visit) override;
  arrow::Result<std::string> CanonicalLocation(const std::string& location) override;

 private:
  S3FileIO(std::shared_ptr<arrow::fs::S3FileSystem> fs, std::vector<std::string> secrets);

  /// `status` with every secret value blanked out of its message.
  arrow::Status Scrub(const arrow::Status& status) const;
  arrow::Status Fail(const char* action, const std::string& location,
                     const arrow::Status& status) const;

  std::shared_ptr<arrow::fs::S3FileSystem> fs_;
  std::vector<std::string> secrets_;
};

}  // namespace floe::io
