#include "floe/ingest/job_environment.h"

#include <cstdlib>

namespace floe::ingest {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

arrow::Result<JobEnvironment> ReadJobEnvironment() {
  JobEnvironment env;
  if (!Env("S3_BUCKET").empty()) env.source = "s3://" + Env("S3_BUCKET") + "/" + Env("S3_PREFIX");
  if (!Env("ICEBERG_DATABASE").empty() && !Env("ICEBERG_TABLE").empty()) {
    env.table = Env("ICEBERG_DATABASE") + "." + Env("ICEBERG_TABLE");
  }
  env.warehouse = Env("ICEBERG_WAREHOUSE");
  env.catalog_type = Env("ICEBERG_CATALOG_TYPE");
  if (env.catalog_type == "sqlite") env.catalog_type = "sql";
  if (!env.catalog_type.empty() && env.catalog_type != "sql" && env.catalog_type != "glue" &&
      env.catalog_type != "rest") {
    return arrow::Status::Invalid("ICEBERG_CATALOG_TYPE=", env.catalog_type,
                                  " is not a catalog type (sql, rest, glue)");
  }
  env.region = Env("AWS_REGION");
  return env;
}

}  // namespace floe::ingest
