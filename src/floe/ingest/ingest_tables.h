#pragma once

#include <memory>
#include <string>

#include <arrow/result.h>

#include "floe/catalog/catalog.h"
#include "floe/io/file_io.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/table/table.h"

namespace floe::ingest {

/// The processing-metadata table `<T>_processing_metadata`: one row per app folder and run
/// (the columns of the job it replaces).
const std::shared_ptr<const iceberg::Schema>& ProcessingMetadataSchema();
/// The rejects table `<T>_rejects`: one row per rejected line, with its exact bytes.
const std::shared_ptr<const iceberg::Schema>& RejectsSchema();

/// Folder statuses in the processing-metadata table.
inline constexpr const char* kStatusProcessing = "PROCESSING";
inline constexpr const char* kStatusSuccess = "SUCCESS";
inline constexpr const char* kStatusFailed = "FAILED";

/// The three tables of one ingest target.
struct IngestTables {
  std::shared_ptr<iceberg::Table> data;
  std::shared_ptr<iceberg::Table> metadata;
  std::shared_ptr<iceberg::Table> rejects;  ///< null with --no-rejects
  /// What the source's files are listed and read with (its own store and properties, which
  /// need not be the tables'); the tables' files go through their own FileIO.
  std::shared_ptr<io::FileIO> source_io;
};

/// Names of the companion tables of a data table.
iceberg::TableIdentifier MetadataTableId(const iceberg::TableIdentifier& data);
iceberg::TableIdentifier RejectsTableId(const iceberg::TableIdentifier& data);

/// Loads the tables, creating the namespace and any missing table (the data table with
/// `data_spec_text`, default `day(timestamp)`). An existing data table must have the log
/// columns; its partitioning is kept.
arrow::Result<IngestTables> OpenIngestTables(catalog::Catalog& catalog,
                                             const iceberg::TableIdentifier& data_id,
                                             const std::string& data_spec_text, bool rejects);

}  // namespace floe::ingest
