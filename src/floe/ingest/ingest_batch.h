#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/ingest/app_folder_source.h"

namespace floe::ingest {

/// The outcome of one app folder in a batch; becomes a processing-metadata row.
struct FolderResult {
  std::string name;
  std::string location;
  std::string status;  ///< SUCCESS or FAILED
  int64_t records = 0;
  int64_t rejects = 0;
  std::string error;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

/// A file whose lines a batch ingested, with how many records and rejects it gave.
struct BatchFile {
  std::string folder;
  SourceFile file;
  int64_t records = 0;
  int64_t rejects = 0;
};

/// The record of one commit unit of an ingest, written next to the data table's metadata
/// before the data commit and named in that snapshot's summary. It is what makes ingest exactly
/// once: a file is ingested exactly when a batch listing it is in the data table's history,
/// and the rejects and processing-metadata commits of a batch can be redone from it.
struct IngestBatch {
  std::string batch_id;
  std::string job_id;
  std::vector<FolderResult> folders;
  std::vector<BatchFile> files;

  int64_t total_rejects() const;
  std::string ToJson() const;
  static arrow::Result<IngestBatch> FromJson(const std::string& json, const std::string& location);
};

/// Snapshot summary keys that tie snapshots to batches.
inline constexpr const char* kSummaryBatchId = "floe.ingest.batch-id";
inline constexpr const char* kSummaryBatchFile = "floe.ingest.batch-file";

}  // namespace floe::ingest
