#include "floe/iceberg/manifest/data_file_bytes.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"

namespace floe::iceberg {

namespace {

// The manifest's location and snapshot id are never read: the bytes are not a table file.
constexpr const char* kLocation = "floe-data-files.avro";
constexpr int64_t kNoSnapshot = 0;

arrow::Result<const PartitionSpec*> SpecOf(const TableMetadata& metadata, int32_t spec_id) {
  const PartitionSpec* spec = metadata.SpecById(spec_id);
  if (spec == nullptr) {
    return arrow::Status::Invalid("data files of partition spec ", spec_id,
                                  ", which the table does not have");
  }
  return spec;
}

}  // namespace

arrow::Result<std::string> EncodeDataFiles(const TableMetadata& metadata,
                                           const std::vector<DataFile>& files) {
  const int32_t spec_id = files.empty() ? metadata.default_spec_id : files.front().spec_id;
  ARROW_ASSIGN_OR_RAISE(const PartitionSpec* spec, SpecOf(metadata, spec_id));
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::BufferOutputStream::Create());
  ManifestWriter::Options options;
  options.format_version = metadata.ManifestFormatVersion();
  ARROW_ASSIGN_OR_RAISE(auto writer,
                        ManifestWriter::Make(out, kLocation, *spec, *metadata.CurrentSchema(),
                                             nullptr, kNoSnapshot, options));
  for (const auto& file : files) {
    if (file.content != DataFileContent::kData) {
      return arrow::Status::Invalid("'", file.file_path, "' is a delete file, not a data file");
    }
    if (file.spec_id != spec_id) {
      return arrow::Status::Invalid("data files of partition specs ", spec_id, " and ",
                                    file.spec_id, " cannot travel together");
    }
    ARROW_RETURN_NOT_OK(writer->Add(file));
  }
  ARROW_RETURN_NOT_OK(writer->Close().status());
  ARROW_ASSIGN_OR_RAISE(auto buffer, out->Finish());
  return buffer->ToString();
}

arrow::Result<std::vector<DataFile>> DecodeDataFiles(const TableMetadata& metadata,
                                                     const std::string& bytes) {
  ManifestFile manifest;
  manifest.manifest_path = kLocation;
  manifest.manifest_length = static_cast<int64_t>(bytes.size());
  // The spec id rides in the manifest's header; with it, partition values are read in the
  // types of the table's partition tuple.
  ARROW_ASSIGN_OR_RAISE(auto header, ManifestReader::Open(bytes, manifest));
  if (!header->partition_spec_id()) {
    return arrow::Status::Invalid("data file bytes without a partition spec id");
  }
  manifest.partition_spec_id = *header->partition_spec_id();
  ARROW_ASSIGN_OR_RAISE(const PartitionSpec* spec, SpecOf(metadata, manifest.partition_spec_id));
  ARROW_ASSIGN_OR_RAISE(auto partition_type, spec->PartitionType(*metadata.CurrentSchema()));
  ARROW_ASSIGN_OR_RAISE(auto reader, ManifestReader::Open(bytes, manifest, partition_type));
  ARROW_ASSIGN_OR_RAISE(auto entries, reader->Entries());
  std::vector<DataFile> files;
  files.reserve(entries.size());
  for (auto& entry : entries) files.push_back(std::move(entry.data_file));
  return files;
}

}  // namespace floe::iceberg
