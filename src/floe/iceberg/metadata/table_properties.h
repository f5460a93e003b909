#pragma once

#include <cstdint>

namespace floe::iceberg {

/// Table property names floe reads (spec: "Table Properties"; names and defaults as in Java).
namespace property {
inline constexpr const char* kFormatVersion = "format-version";
inline constexpr const char* kCommitNumRetries = "commit.retry.num-retries";
inline constexpr const char* kCommitMinRetryWaitMs = "commit.retry.min-wait-ms";
inline constexpr const char* kCommitMaxRetryWaitMs = "commit.retry.max-wait-ms";
inline constexpr const char* kCommitTotalRetryTimeMs = "commit.retry.total-timeout-ms";
// Snapshot expiry and file garbage collection (Java's RemoveSnapshots, DeleteOrphanFiles).
inline constexpr const char* kMaxSnapshotAgeMs = "history.expire.max-snapshot-age-ms";
inline constexpr const char* kMinSnapshotsToKeep = "history.expire.min-snapshots-to-keep";
inline constexpr const char* kMaxRefAgeMs = "history.expire.max-ref-age-ms";
inline constexpr const char* kGcEnabled = "gc.enabled";
inline constexpr const char* kManifestTargetSizeBytes = "commit.manifest.target-size-bytes";
inline constexpr int64_t kDefaultManifestTargetSizeBytes = 8LL * 1024 * 1024;
inline constexpr const char* kMetadataPreviousVersionsMax = "write.metadata.previous-versions-max";
inline constexpr const char* kParquetCompressionCodec = "write.parquet.compression-codec";
inline constexpr const char* kParquetCompressionLevel = "write.parquet.compression-level";
inline constexpr const char* kTargetFileSizeBytes = "write.target-file-size-bytes";
inline constexpr const char* kParquetRowGroupSizeBytes = "write.parquet.row-group-size-bytes";
inline constexpr const char* kParquetRowGroupLimit = "write.parquet.row-group-limit";
inline constexpr const char* kParquetPageSizeBytes = "write.parquet.page-size-bytes";
inline constexpr const char* kParquetDictSizeBytes = "write.parquet.dict-size-bytes";
inline constexpr const char* kWriteDataPath = "write.data.path";
inline constexpr int64_t kDefaultTargetFileSizeBytes = 512LL * 1024 * 1024;

// Row-level operations (Java's TableProperties DELETE_/UPDATE_/MERGE_ ISOLATION_LEVEL and
// MODE); parsed by RowLevelSettings in metadata/row_level_settings.h.
inline constexpr const char* kDeleteIsolationLevel = "write.delete.isolation-level";
inline constexpr const char* kUpdateIsolationLevel = "write.update.isolation-level";
inline constexpr const char* kMergeIsolationLevel = "write.merge.isolation-level";
inline constexpr const char* kDeleteMode = "write.delete.mode";
inline constexpr const char* kUpdateMode = "write.update.mode";
inline constexpr const char* kMergeMode = "write.merge.mode";
inline constexpr const char* kIsolationSerializable = "serializable";
inline constexpr const char* kIsolationSnapshot = "snapshot";
inline constexpr const char* kModeCopyOnWrite = "copy-on-write";
inline constexpr const char* kModeMergeOnRead = "merge-on-read";
inline constexpr const char* kDefaultIsolationLevel = kIsolationSerializable;
inline constexpr const char* kDefaultRowLevelMode = kModeCopyOnWrite;
}  // namespace property

}  // namespace floe::iceberg
