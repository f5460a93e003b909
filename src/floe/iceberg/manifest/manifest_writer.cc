#include "floe/iceberg/manifest/manifest_writer.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include <cmath>
#include <map>
#include <utility>

#include "floe/iceberg/manifest/manifest_avro_internal.h"
#include "floe/iceberg/type/schema_json_internal.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {

using avro::AvroValue;

/// Accumulates the partition field summaries of a manifest (spec: "Manifest Lists",
/// field_summary): nulls, NaNs, and the lower and upper bound of the other values.
class ManifestWriter::SummaryBuilder {
 public:
  explicit SummaryBuilder(const Type& partition_type) {
    for (const auto& f : partition_type.fields()) {
      Field field;
      field.type = f.type;
      fields_.push_back(std::move(field));
    }
  }

  void Update(const std::vector<Literal>& partition) {
    for (size_t i = 0; i < fields_.size() && i < partition.size(); ++i) {
      Field& f = fields_[i];
      const Literal& v = partition[i];
      if (v.is_null()) {
        f.contains_null = true;
      } else if (IsNaN(v)) {
        f.contains_nan = true;
      } else {
        if (!f.lower || v.Compare(*f.lower) < 0) f.lower = v;
        if (!f.upper || v.Compare(*f.upper) > 0) f.upper = v;
      }
    }
  }

  arrow::Result<std::vector<PartitionFieldSummary>> Finish() const {
    std::vector<PartitionFieldSummary> out;
    for (const Field& f : fields_) {
      PartitionFieldSummary s;
      s.contains_null = f.contains_null;
      s.contains_nan = f.contains_nan;
      if (f.lower) {
        ARROW_ASSIGN_OR_RAISE(auto lower, SerializeValue(Literal(f.type, f.lower->value())));
        s.lower_bound = std::move(lower);
      }
      if (f.upper) {
        ARROW_ASSIGN_OR_RAISE(auto upper, SerializeValue(Literal(f.type, f.upper->value())));
        s.upper_bound = std::move(upper);
      }
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  struct Field {
    TypePtr type;
    bool contains_null = false;
    bool contains_nan = false;
    std::optional<Literal> lower;
    std::optional<Literal> upper;
  };

  static bool IsNaN(const Literal& v) {
    if (auto* f = std::get_if<float>(&v.value())) return std::isnan(*f);
    if (auto* d = std::get_if<double>(&v.value())) return std::isnan(*d);
    return false;
  }

  std::vector<Field> fields_;
};

namespace {

AvroValue OptionalLong(const std::optional<int64_t>& v) {
  return v ? AvroValue::Long(*v) : AvroValue::Null();
}

AvroValue CountMap(const std::map<int32_t, int64_t>& m) {
  if (m.empty()) return AvroValue::Null();
  std::vector<AvroValue> items;
  for (const auto& [k, v] : m) {
    items.push_back(AvroValue::Record({AvroValue::Int(k), AvroValue::Long(v)}));
  }
  return AvroValue::Array(std::move(items));
}

AvroValue BoundMap(const std::map<int32_t, std::string>& m) {
  if (m.empty()) return AvroValue::Null();
  std::vector<AvroValue> items;
  for (const auto& [k, v] : m) {
    items.push_back(AvroValue::Record({AvroValue::Int(k), AvroValue::Bytes(v)}));
  }
  return AvroValue::Array(std::move(items));
}

template <typename T>
AvroValue NumberList(const std::vector<T>& v) {
  if (v.empty()) return AvroValue::Null();
  std::vector<AvroValue> items;
  for (T x : v) {
    if constexpr (sizeof(T) == 4) {
      items.push_back(AvroValue::Int(x));
    } else {
      items.push_back(AvroValue::Long(x));
    }
  }
  return AvroValue::Array(std::move(items));
}

}  // namespace

ManifestWriter::~ManifestWriter() = default;

arrow::Result<std::unique_ptr<ManifestWriter>> ManifestWriter::Make(
    io::FileIO& io, std::string location, const PartitionSpec& spec, const Schema& schema,
    TypePtr partition_type, int64_t snapshot_id, Options options) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, Make(buffer, std::move(location), spec, schema,
                                          std::move(partition_type), snapshot_id, options));
  writer->io_ = &io;
  return writer;
}

arrow::Result<std::unique_ptr<ManifestWriter>> ManifestWriter::Make(
    std::shared_ptr<arrow::io::OutputStream> out, std::string location,
    const PartitionSpec& spec, const Schema& schema, TypePtr partition_type,
    int64_t snapshot_id, Options options) {
  auto fail = [&](const arrow::Status& st) {
    return arrow::Status::Invalid("manifest ", location, ": ", st.message());
  };
  if (options.format_version < 1 || options.format_version > 3) {
    return arrow::Status::Invalid("manifest ", location, ": cannot write format version ",
                                  options.format_version);
  }
  if (options.format_version == 1 && options.content != ManifestContent::kData) {
    return arrow::Status::Invalid("manifest ", location,
                                  ": delete manifests need format version 2");
  }
  if (partition_type == nullptr) {
    auto derived = spec.PartitionType(schema);
    if (!derived.ok()) return fail(derived.status());
    partition_type = *derived;
  }
  if (partition_type->id() != TypeId::kStruct ||
      partition_type->fields().size() != spec.fields().size()) {
    return arrow::Status::Invalid("manifest ", location, ": partition type ",
                                  partition_type->ToString(), " does not match spec ",
                                  spec.spec_id());
  }
  auto avro_schema = internal::ManifestEntryAvroSchema(*partition_type, options.format_version);
  if (!avro_schema.ok()) return fail(avro_schema.status());

  std::map<std::string, std::string> metadata = {
      {"schema", SerializeSchema(schema)},
      {"schema-id", std::to_string(schema.schema_id())},
      {"partition-spec", SerializePartitionFields(spec)},
      {"partition-spec-id", std::to_string(spec.spec_id())},
      {"format-version", std::to_string(options.format_version)},
  };
  if (options.format_version >= 2) {
    metadata["content"] = options.content == ManifestContent::kData ? "data" : "deletes";
  }
  auto container = avro::ContainerWriter::Open(out, *avro_schema, std::move(metadata),
                                               options.codec);
  if (!container.ok()) return fail(container.status());

  std::unique_ptr<ManifestWriter> w(new ManifestWriter());
  w->out_ = std::move(out);
  w->writer_ = std::move(*container);
  w->location_ = std::move(location);
  w->spec_id_ = spec.spec_id();
  w->partition_type_ = partition_type;
  w->snapshot_id_ = snapshot_id;
  w->options_ = options;
  w->summaries_ = std::make_unique<SummaryBuilder>(*partition_type);
  return w;
}

arrow::Status ManifestWriter::Add(const ManifestEntry& entry) {
  ManifestEntry e = entry;
  e.status = ManifestEntryStatus::kAdded;
  e.snapshot_id = snapshot_id_;
  return Write(e);
}

arrow::Status ManifestWriter::Add(const DataFile& file) {
  ManifestEntry e;
  e.data_file = file;
  return Add(e);
}

arrow::Status ManifestWriter::AddExisting(const ManifestEntry& entry) {
  ManifestEntry e = entry;
  e.status = ManifestEntryStatus::kExisting;
  if (!e.snapshot_id) e.snapshot_id = snapshot_id_;
  return Write(e);
}

arrow::Status ManifestWriter::AddDeleted(const ManifestEntry& entry) {
  ManifestEntry e = entry;
  e.status = ManifestEntryStatus::kDeleted;
  e.snapshot_id = snapshot_id_;
  return Write(e);
}

arrow::Status ManifestWriter::Write(const ManifestEntry& e) {
  if (closed_) return arrow::Status::Invalid("manifest ", location_, ": writer is closed");
  const DataFile& f = e.data_file;
  const bool v2 = options_.format_version >= 2;
  const bool v3 = options_.format_version >= 3;
  if (f.is_deletion_vector() && !v3) {
    return arrow::Status::Invalid("manifest ", location_, ": deletion vector ", f.file_path,
                                  " needs format version 3");
  }
  // Only ADDED entries may leave sequence numbers to inheritance (spec: "Sequence Number
  // Inheritance"); carried-over and deleted entries must state theirs.
  if (v2 && e.status != ManifestEntryStatus::kAdded && !e.sequence_number) {
    return arrow::Status::Invalid("manifest ", location_, ": ",
                                  e.status == ManifestEntryStatus::kExisting ? "existing"
                                                                             : "deleted",
                                  " entry for ", f.file_path, " has no sequence number");
  }
  bool is_delete_file = f.content != DataFileContent::kData;
  if (is_delete_file != (options_.content == ManifestContent::kDeletes)) {
    return arrow::Status::Invalid("manifest ", location_, ": ",
                                  is_delete_file ? "delete" : "data", " file ", f.file_path,
                                  " does not belong in a ",
                                  is_delete_file ? "data" : "delete", " manifest");
  }
  const auto& pfields = partition_type_->fields();
  if (f.partition.size() != pfields.size()) {
    return arrow::Status::Invalid("manifest ", location_, ": file ", f.file_path, " has ",
                                  f.partition.size(), " partition values, spec ", spec_id_,
                                  " has ", pfields.size(), " fields");
  }
  std::vector<AvroValue> partition;
  for (size_t i = 0; i < pfields.size(); ++i) {
    auto v = internal::LiteralToAvro(f.partition[i], *pfields[i].type);
    if (!v.ok()) {
      return arrow::Status::Invalid("manifest ", location_, ": file ", f.file_path,
                                    ", partition field ", pfields[i].name, ": ",
                                    v.status().message());
    }
    partition.push_back(std::move(*v));
  }

  std::vector<AvroValue> df;
  if (v2) df.push_back(AvroValue::Int(static_cast<int32_t>(f.content)));
  df.push_back(AvroValue::String(f.file_path));
  df.push_back(AvroValue::String(f.file_format));
  df.push_back(AvroValue::Record(std::move(partition)));
  df.push_back(AvroValue::Long(f.record_count));
  df.push_back(AvroValue::Long(f.file_size_in_bytes));
  if (!v2) df.push_back(AvroValue::Long(internal::kV1DefaultBlockSize));
  df.push_back(CountMap(f.column_sizes));
  df.push_back(CountMap(f.value_counts));
  df.push_back(CountMap(f.null_value_counts));
  df.push_back(CountMap(f.nan_value_counts));
  df.push_back(BoundMap(f.lower_bounds));
  df.push_back(BoundMap(f.upper_bounds));
  df.push_back(f.key_metadata ? AvroValue::Bytes(*f.key_metadata) : AvroValue::Null());
  df.push_back(NumberList(f.split_offsets));
  if (v2) df.push_back(NumberList(f.equality_ids));
  df.push_back(f.sort_order_id ? AvroValue::Int(*f.sort_order_id) : AvroValue::Null());
  // Java's V2Metadata / V3Metadata: first_row_id only for data files (null on ADDED files,
  // inherited at read time), referenced_data_file only for position deletes.
  if (v3) {
    df.push_back(f.content == DataFileContent::kData ? OptionalLong(f.first_row_id)
                                                     : AvroValue::Null());
  }
  if (v2) {
    df.push_back(f.content == DataFileContent::kPositionDeletes && f.referenced_data_file
                     ? AvroValue::String(*f.referenced_data_file)
                     : AvroValue::Null());
  }
  if (v3) {
    df.push_back(OptionalLong(f.content_offset));
    df.push_back(OptionalLong(f.content_size_in_bytes));
  }

  std::vector<AvroValue> entry;
  entry.push_back(AvroValue::Int(static_cast<int32_t>(e.status)));
  if (v2) {
    entry.push_back(OptionalLong(e.snapshot_id));
    entry.push_back(OptionalLong(e.sequence_number));
    entry.push_back(OptionalLong(e.file_sequence_number));
  } else {
    entry.push_back(AvroValue::Long(e.snapshot_id.value_or(snapshot_id_)));
  }
  entry.push_back(AvroValue::Record(std::move(df)));

  arrow::Status st = writer_->Append(AvroValue::Record(std::move(entry)));
  if (!st.ok()) {
    return arrow::Status::Invalid("manifest ", location_, ": file ", f.file_path, ": ",
                                  st.message());
  }

  switch (e.status) {
    case ManifestEntryStatus::kAdded:
      ++added_files_;
      added_rows_ += f.record_count;
      break;
    case ManifestEntryStatus::kExisting:
      ++existing_files_;
      existing_rows_ += f.record_count;
      break;
    case ManifestEntryStatus::kDeleted:
      ++deleted_files_;
      deleted_rows_ += f.record_count;
      break;
  }
  if (e.status != ManifestEntryStatus::kDeleted && e.sequence_number &&
      (!min_sequence_number_ || *e.sequence_number < *min_sequence_number_)) {
    min_sequence_number_ = e.sequence_number;
  }
  summaries_->Update(f.partition);
  return arrow::Status::OK();
}

arrow::Result<ManifestFile> ManifestWriter::Close() {
  if (closed_) return arrow::Status::Invalid("manifest ", location_, ": writer is closed");
  closed_ = true;
  auto fail = [&](const arrow::Status& st) {
    if (st.message().find(location_) != std::string::npos) return st;  // FileIO named it
    return arrow::Status::IOError("manifest ", location_, ": ", st.message());
  };
  arrow::Status st = writer_->Close();
  if (!st.ok()) return fail(st);
  int64_t length = writer_->bytes_written();
  if (io_ != nullptr) {
    auto* buffer = static_cast<arrow::io::BufferOutputStream*>(out_.get());
    auto bytes = buffer->Finish();
    if (!bytes.ok()) return fail(bytes.status());
    length = (*bytes)->size();
    st = io_->WriteAll(location_, std::string_view(**bytes));
    if (!st.ok()) return fail(st);
  }

  ManifestFile m;
  m.manifest_path = location_;
  m.manifest_length = length;
  m.partition_spec_id = spec_id_;
  m.content = options_.content;
  m.sequence_number = kUnassignedSequenceNumber;
  m.min_sequence_number = min_sequence_number_.value_or(kUnassignedSequenceNumber);
  m.added_snapshot_id = snapshot_id_;
  m.added_files_count = added_files_;
  m.existing_files_count = existing_files_;
  m.deleted_files_count = deleted_files_;
  m.added_rows_count = added_rows_;
  m.existing_rows_count = existing_rows_;
  m.deleted_rows_count = deleted_rows_;
  ARROW_ASSIGN_OR_RAISE(m.partitions, summaries_->Finish());
  return m;
}

}  // namespace floe::iceberg
