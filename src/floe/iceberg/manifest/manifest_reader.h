#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/type.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Reads a manifest (v1, v2 or v3, written by floe, Java or Python). Fields are resolved by
/// field id from the file's own Avro schema, v1 files get their v2 defaults (spec Appendix
/// E), and null snapshot ids and sequence numbers are inherited from the manifest list row
/// (spec: "Sequence Number Inheritance"), and v3 data files without a first_row_id inherit
/// one from the manifest's (spec: "Row Lineage"). Every error names the manifest path.
class ManifestReader {
 public:
  /// Opens `manifest.manifest_path`. `partition_type`, when given (the spec's partition type
  /// over the table schema), sets the types of partition values, matched by field id;
  /// otherwise they follow the Avro schema's types and logical types.
  static arrow::Result<std::unique_ptr<ManifestReader>> Open(io::FileIO& io,
                                                             const ManifestFile& manifest,
                                                             TypePtr partition_type = nullptr);
  /// Same, over the file's bytes already in memory.
  static arrow::Result<std::unique_ptr<ManifestReader>> Open(std::string data,
                                                             const ManifestFile& manifest,
                                                             TypePtr partition_type = nullptr);
  ~ManifestReader();

  /// 1, 2 or 3: from the "format-version" header key, else from the fields present.
  int format_version() const { return format_version_; }
  /// From the "content" header key, else the manifest list row's content.
  ManifestContent content() const { return content_; }
  /// Header metadata: table schema JSON and id, partition spec fields JSON and id (empty /
  /// nullopt when the writer left them out).
  const std::string& schema_json() const { return schema_json_; }
  std::optional<int32_t> schema_id() const { return schema_id_; }
  const std::string& partition_spec_json() const { return partition_spec_json_; }
  std::optional<int32_t> partition_spec_id() const { return partition_spec_id_; }
  /// The partition tuple type entries' partition values follow.
  const TypePtr& partition_type() const { return partition_type_; }

  /// All entries, DELETED ones included (callers filter), with data_file.spec_id set to the
  /// manifest's partition spec id.
  arrow::Result<std::vector<ManifestEntry>> Entries();

 private:
  ManifestReader() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ManifestFile manifest_;
  int format_version_ = 2;
  ManifestContent content_ = ManifestContent::kData;
  std::string schema_json_;
  std::optional<int32_t> schema_id_;
  std::string partition_spec_json_;
  std::optional<int32_t> partition_spec_id_;
  TypePtr partition_type_;
};

/// Opens and reads all entries of one manifest (see ManifestReader).
arrow::Result<std::vector<ManifestEntry>> ReadManifestEntries(io::FileIO& io,
                                                              const ManifestFile& manifest,
                                                              TypePtr partition_type = nullptr);

}  // namespace floe::iceberg
