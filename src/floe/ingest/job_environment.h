#pragma once

#include <string>

#include <arrow/result.h>

namespace floe::ingest {

/// The environment variables of the job floe replaces (a Ray Data job on EKS), so that its
/// deployments keep their settings: `floe ingest` and floe.ray's job entry point read them for
/// what their flags leave out.
struct JobEnvironment {
  std::string source;        ///< s3://$S3_BUCKET/$S3_PREFIX when S3_BUCKET is set
  std::string table;         ///< $ICEBERG_DATABASE.$ICEBERG_TABLE when both are set
  std::string catalog_type;  ///< $ICEBERG_CATALOG_TYPE: sql ("sqlite" too), rest or glue
  std::string warehouse;     ///< $ICEBERG_WAREHOUSE
  std::string region;        ///< $AWS_REGION, the region of every AWS client (Glue and S3)
};

/// Reads them; an ICEBERG_CATALOG_TYPE that is no catalog type is an error.
arrow::Result<JobEnvironment> ReadJobEnvironment();

}  // namespace floe::ingest
