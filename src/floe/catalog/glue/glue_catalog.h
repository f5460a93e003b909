#pragma once

// An Iceberg catalog on AWS Glue, compatible with PyIceberg's `glue` catalog and Java's
// GlueCatalog: a Glue database per namespace (one level), a Glue table per Iceberg table whose
// Parameters carry `table_type=ICEBERG` and `metadata_location`, and commits that swap that
// pointer with Glue's optimistic lock (UpdateTable with the VersionId read).

#include <arrow/result.h>

#include <map>
#include <memory>
#include <string>

#include "floe/catalog/catalog.h"

namespace floe::catalog {

/// Opens a Glue catalog. Properties (PyIceberg's names):
///   glue.endpoint             the Glue API URL (default AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL,
///                             else https://glue.<region>.amazonaws.com)
///   glue.region               else client.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
///   glue.id                   the Glue catalog id (AWS account id) to work in
///   glue.skip-archive         skip Glue's table version archive on commit (default true)
///   glue.access-key-id, glue.secret-access-key, glue.session-token, glue.profile-name
///                             (else the client.* variants, else the default credential chain)
///   glue.role-arn             a role to assume for the Glue calls (else client.role-arn)
///   warehouse                 where tables go when their database has no location
///   s3.*                      the FileIO of metadata and data files
/// Nothing is called at open; the first operation reports bad settings or credentials.
arrow::Result<std::unique_ptr<Catalog>> OpenGlueCatalog(
    const std::string& name, const std::map<std::string, std::string>& properties);

}  // namespace floe::catalog
