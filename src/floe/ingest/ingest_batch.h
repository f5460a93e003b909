#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/metadata/snapshot.h"
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

/// What a batch read of one source file: the bytes [start, file.size) after what earlier
/// batches read, and enough about [0, file.size) for the next run to tell whether the file
/// is unchanged, grew, or was rewritten.
struct BatchFile {
  std::string folder;
  SourceFile file;  ///< file.size: the end of the bytes ingested so far; file.mtime_ns as listed
  int64_t start = 0;          ///< [0, start) was ingested by earlier batches
  uint64_t crc64 = 0;         ///< CRC-64/XZ of the file's bytes [0, file.size)
  uint64_t start_crc64 = 0;   ///< CRC-64/XZ of [0, start), to read this batch's bytes again
  bool has_crc = true;        ///< false in records written before checksums were kept
  int64_t first_line = 1;     ///< number of the line at `start`
  int64_t last_line = 0;      ///< number of the last line ingested so far
  bool at_line_start = true;  ///< the ingested content ends with "\n" (or is empty)
  std::string compression = "none";  ///< "none", "gzip" or "zstd", as found at offset 0
  /// A plain file whose last line, unterminated, was rejected: where that line starts and the
  /// CRC-64/XZ of [0, there). A later run that finds the file grown reads it again from there.
  int64_t rejected_tail_start = -1;
  uint64_t rejected_tail_crc64 = 0;
  bool reingested = false;    ///< read again from the start on request (--reingest-changed)
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
// The batch record belongs to the table: purge and the leftover sweep find it by this key.
static_assert(iceberg::kSummaryFileKeys[0] == std::string_view(kSummaryBatchFile));

}  // namespace floe::ingest
