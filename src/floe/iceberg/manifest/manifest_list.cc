#include "floe/iceberg/manifest/manifest_list.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include <map>
#include <utility>

#include "floe/iceberg/manifest/manifest_avro_internal.h"

namespace floe::iceberg {

using avro::AvroSchema;
using avro::AvroValue;
using internal::RecordView;
namespace id = internal::field_id;

namespace {

arrow::Status Named(const std::string& location, const arrow::Status& st) {
  if (st.ok() || st.message().find(location) != std::string::npos) return st;
  return arrow::Status(st.code(), "manifest list " + location + ": " + st.message());
}

AvroValue OptionalBytes(const std::optional<std::string>& v) {
  return v ? AvroValue::Bytes(*v) : AvroValue::Null();
}

}  // namespace

ManifestListWriter::~ManifestListWriter() = default;

arrow::Result<std::unique_ptr<ManifestListWriter>> ManifestListWriter::Make(
    io::FileIO& io, std::string location, int64_t snapshot_id,
    std::optional<int64_t> parent_snapshot_id, int64_t sequence_number, Options options) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, Make(buffer, std::move(location), snapshot_id,
                                          parent_snapshot_id, sequence_number, options));
  writer->io_ = &io;
  return writer;
}

arrow::Result<std::unique_ptr<ManifestListWriter>> ManifestListWriter::Make(
    std::shared_ptr<arrow::io::OutputStream> out, std::string location, int64_t snapshot_id,
    std::optional<int64_t> parent_snapshot_id, int64_t sequence_number, Options options) {
  if (options.format_version < 1 || options.format_version > 3) {
    return arrow::Status::Invalid("manifest list ", location, ": cannot write format version ",
                                  options.format_version);
  }
  if (options.format_version >= 3 && !options.first_row_id) {
    return arrow::Status::Invalid("manifest list ", location,
                                  ": a v3 manifest list needs the snapshot's first-row-id");
  }
  // Java and Python both write the text "null" when there is no parent.
  std::map<std::string, std::string> metadata = {
      {"snapshot-id", std::to_string(snapshot_id)},
      {"parent-snapshot-id",
       parent_snapshot_id ? std::to_string(*parent_snapshot_id) : std::string("null")},
      {"format-version", std::to_string(options.format_version)},
  };
  if (options.format_version >= 2) metadata["sequence-number"] = std::to_string(sequence_number);
  if (options.format_version >= 3) metadata["first-row-id"] = std::to_string(*options.first_row_id);
  auto container =
      avro::ContainerWriter::Open(out, internal::ManifestFileAvroSchema(options.format_version),
                                  std::move(metadata), options.codec);
  if (!container.ok()) return Named(location, container.status());

  std::unique_ptr<ManifestListWriter> w(new ManifestListWriter());
  w->out_ = std::move(out);
  w->writer_ = std::move(*container);
  w->location_ = std::move(location);
  w->snapshot_id_ = snapshot_id;
  w->sequence_number_ = sequence_number;
  w->options_ = options;
  if (options.format_version >= 3) w->next_row_id_ = options.first_row_id;
  return w;
}

arrow::Status ManifestListWriter::Add(const ManifestFile& m) {
  if (closed_) return arrow::Status::Invalid("manifest list ", location_, ": writer is closed");
  const bool v2 = options_.format_version >= 2;
  int64_t seq = m.sequence_number;
  int64_t min_seq = m.min_sequence_number;
  if (seq == kUnassignedSequenceNumber || min_seq == kUnassignedSequenceNumber) {
    // Only a manifest written for this very commit can still lack its sequence number.
    if (m.added_snapshot_id != snapshot_id_) {
      return arrow::Status::Invalid("manifest list ", location_, ": manifest ",
                                    m.manifest_path, " of snapshot ", m.added_snapshot_id,
                                    " has no sequence number");
    }
    if (seq == kUnassignedSequenceNumber) seq = sequence_number_;
    if (min_seq == kUnassignedSequenceNumber) min_seq = sequence_number_;
  }
  if (!v2 && m.content != ManifestContent::kData) {
    return arrow::Status::Invalid("manifest list ", location_, ": delete manifest ",
                                  m.manifest_path, " in a v1 table");
  }

  std::vector<AvroValue> partitions;
  for (const auto& s : m.partitions) {
    partitions.push_back(AvroValue::Record(
        {AvroValue::Boolean(s.contains_null),
         s.contains_nan ? AvroValue::Boolean(*s.contains_nan) : AvroValue::Null(),
         OptionalBytes(s.lower_bound), OptionalBytes(s.upper_bound)}));
  }
  std::vector<AvroValue> row;
  row.push_back(AvroValue::String(m.manifest_path));
  row.push_back(AvroValue::Long(m.manifest_length));
  row.push_back(AvroValue::Int(m.partition_spec_id));
  if (v2) {
    row.push_back(AvroValue::Int(static_cast<int32_t>(m.content)));
    row.push_back(AvroValue::Long(seq));
    row.push_back(AvroValue::Long(min_seq));
  }
  row.push_back(AvroValue::Long(m.added_snapshot_id));
  row.push_back(AvroValue::Int(m.added_files_count));
  row.push_back(AvroValue::Int(m.existing_files_count));
  row.push_back(AvroValue::Int(m.deleted_files_count));
  row.push_back(AvroValue::Long(m.added_rows_count));
  row.push_back(AvroValue::Long(m.existing_rows_count));
  row.push_back(AvroValue::Long(m.deleted_rows_count));
  row.push_back(AvroValue::Array(std::move(partitions)));
  row.push_back(OptionalBytes(m.key_metadata));
  if (options_.format_version >= 3) {
    std::optional<int64_t> first_row_id;
    if (m.content == ManifestContent::kData) {
      first_row_id = m.first_row_id;
      if (!first_row_id) {
        // Room for existing rows too: files from pre-v3 snapshots have no row ids yet.
        first_row_id = *next_row_id_;
        *next_row_id_ += m.added_rows_count + m.existing_rows_count;
      }
    }
    row.push_back(first_row_id ? AvroValue::Long(*first_row_id) : AvroValue::Null());
  }
  arrow::Status st = writer_->Append(AvroValue::Record(std::move(row)));
  if (!st.ok()) {
    return arrow::Status::Invalid("manifest list ", location_, ": manifest ", m.manifest_path,
                                  ": ", st.message());
  }
  return arrow::Status::OK();
}

arrow::Status ManifestListWriter::Add(const std::vector<ManifestFile>& manifests) {
  for (const auto& m : manifests) ARROW_RETURN_NOT_OK(Add(m));
  return arrow::Status::OK();
}

arrow::Result<int64_t> ManifestListWriter::Close() {
  if (closed_) return arrow::Status::Invalid("manifest list ", location_, ": writer is closed");
  closed_ = true;
  arrow::Status st = writer_->Close();
  if (!st.ok()) return Named(location_, st);
  int64_t length = writer_->bytes_written();
  if (io_ != nullptr) {
    auto* buffer = static_cast<arrow::io::BufferOutputStream*>(out_.get());
    auto bytes = buffer->Finish();
    if (!bytes.ok()) return Named(location_, bytes.status());
    length = (*bytes)->size();
    st = io_->WriteAll(location_, std::string_view(**bytes));
    if (!st.ok()) return Named(location_, st);
  }
  return length;
}

arrow::Result<std::vector<ManifestFile>> ReadManifestList(io::FileIO& io,
                                                          const std::string& location) {
  auto data = io.ReadAll(location);
  if (!data.ok()) return Named(location, data.status());
  return ReadManifestListData(std::move(*data), location);
}

arrow::Result<std::vector<ManifestFile>> ReadManifestListData(std::string data,
                                                              const std::string& location) {
  auto container = avro::ContainerReader::Open(std::move(data), "manifest list " + location);
  if (!container.ok()) return Named(location, container.status());
  auto& reader = **container;
  const AvroSchema& schema = *reader.schema();
  if (schema.type != avro::AvroType::kRecord) {
    return arrow::Status::Invalid("manifest list ", location, ": rows are not records");
  }

  std::vector<ManifestFile> out;
  AvroValue datum;
  while (true) {
    auto more = reader.Next(&datum);
    if (!more.ok()) return Named(location, more.status());
    if (!*more) break;
    RecordView row(&schema, &datum);
    ManifestFile m;
    auto* path = row.Get(id::kManifestPath);
    auto* length = row.Get(id::kManifestLength);
    auto* spec_id = row.Get(id::kPartitionSpecId);
    if (path == nullptr || length == nullptr || spec_id == nullptr) {
      return arrow::Status::Invalid("manifest list ", location, ": row ", out.size(),
                                    " lacks manifest_path, manifest_length or "
                                    "partition_spec_id");
    }
    m.manifest_path = path->bytes;
    m.manifest_length = length->integer;
    m.partition_spec_id = spec_id->AsInt();
    if (auto* v = row.Get(id::kManifestContent)) {
      if (v->integer != 0 && v->integer != 1) {
        return arrow::Status::Invalid("manifest list ", location, ": manifest ",
                                      m.manifest_path, " has invalid content ", v->integer);
      }
      m.content = static_cast<ManifestContent>(v->integer);
    }
    // v1 lists have no sequence numbers: everything in them is sequence number 0.
    if (auto* v = row.Get(id::kListSequenceNumber)) m.sequence_number = v->integer;
    if (auto* v = row.Get(id::kMinSequenceNumber)) m.min_sequence_number = v->integer;
    if (auto* v = row.Get(id::kAddedSnapshotId)) m.added_snapshot_id = v->integer;
    if (auto* v = row.Get(id::kAddedFilesCount)) m.added_files_count = v->AsInt();
    if (auto* v = row.Get(id::kExistingFilesCount)) m.existing_files_count = v->AsInt();
    if (auto* v = row.Get(id::kDeletedFilesCount)) m.deleted_files_count = v->AsInt();
    if (auto* v = row.Get(id::kAddedRowsCount)) m.added_rows_count = v->integer;
    if (auto* v = row.Get(id::kExistingRowsCount)) m.existing_rows_count = v->integer;
    if (auto* v = row.Get(id::kDeletedRowsCount)) m.deleted_rows_count = v->integer;
    if (auto* v = row.Get(id::kListKeyMetadata)) m.key_metadata = v->bytes;
    if (auto* v = row.Get(id::kListFirstRowId)) m.first_row_id = v->integer;
    if (auto* list = row.Get(id::kPartitions)) {
      const AvroSchema* list_schema = row.SchemaOf(id::kPartitions);
      if (list_schema->items == nullptr) {
        return arrow::Status::Invalid("manifest list ", location,
                                      ": partitions field is not a list");
      }
      const AvroSchema* summary_schema = &internal::NonNull(*list_schema->items);
      for (const AvroValue& item : list->children) {
        RecordView s(summary_schema, &item);
        PartitionFieldSummary summary;
        if (auto* v = s.Get(id::kContainsNull)) summary.contains_null = v->boolean;
        if (auto* v = s.Get(id::kContainsNan)) summary.contains_nan = v->boolean;
        if (auto* v = s.Get(id::kLowerBound)) summary.lower_bound = v->bytes;
        if (auto* v = s.Get(id::kUpperBound)) summary.upper_bound = v->bytes;
        m.partitions.push_back(std::move(summary));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace floe::iceberg
