#include "floe/iceberg/data/delete_writer.h"

#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_file_metrics.h"
#include "floe/iceberg/data/data_writer.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

std::shared_ptr<const Schema> PositionDeleteSchema() {
  static const auto schema = std::make_shared<const Schema>(
      0, std::vector<NestedField>{
             NestedField{kDeleteFilePathFieldId, kDeleteFilePathName, Type::String(), true, ""},
             NestedField{kDeleteFilePosFieldId, kDeleteFilePosName, Type::Long(), true, ""}});
  return schema;
}

namespace {

std::string DataLocation(const TableMetadata& metadata) {
  auto it = metadata.properties.find(property::kWriteDataPath);
  if (it != metadata.properties.end() && !it->second.empty()) return it->second;
  return io::JoinLocation(metadata.location, "data");
}

arrow::Status InTable(const std::string& table_name, const arrow::Status& status) {
  if (status.ok() || table_name.empty()) return status;
  return status.WithMessage("table ", table_name, ": ", status.message());
}

}  // namespace

struct PositionDeleteWriter::Group {
  int32_t spec_id = 0;
  std::vector<Literal> partition;
  std::string path;                            // the partition's folder; "" when unpartitioned
  std::map<std::string, PositionSet> by_file;  // sorted by file_path, as the spec requires
};

PositionDeleteWriter::~PositionDeleteWriter() = default;

arrow::Result<std::unique_ptr<PositionDeleteWriter>> PositionDeleteWriter::Make(
    std::shared_ptr<io::FileIO> io, const TableMetadata& metadata, DeleteWriterOptions options) {
  if (metadata.format_version < 2) {
    return arrow::Status::Invalid(
        "table ", options.table_name, " is format version ", metadata.format_version,
        ": position delete files need format version 2 or later (upgrade the table's "
        "format-version)");
  }
  std::unique_ptr<PositionDeleteWriter> w(new PositionDeleteWriter());
  w->io_ = std::move(io);
  w->options_ = std::move(options);
  for (const auto& spec : metadata.partition_specs) w->specs_.emplace(spec.spec_id(), spec);
  w->properties_ = metadata.properties;
  w->data_location_ = DataLocation(metadata);
  w->write_uuid_ = util::RandomUuid();
  return w;
}

arrow::Result<PositionDeleteWriter::Group*> PositionDeleteWriter::GroupFor(
    const DataFile& data_file) {
  if (closed_) return arrow::Status::Invalid("position delete writer: delete after close");
  if (data_file.content != DataFileContent::kData) {
    return arrow::Status::Invalid("position deletes name data files; ", data_file.file_path,
                                  " is a delete file");
  }
  auto spec = specs_.find(data_file.spec_id);
  if (spec == specs_.end()) {
    return arrow::Status::Invalid("data file ", data_file.file_path,
                                  " has unknown partition spec id ", data_file.spec_id);
  }
  std::string path = spec->second.PartitionPath(data_file.partition);
  std::string key = std::to_string(data_file.spec_id) + "/" + path;
  // Two tuples may share a path (a null and the string "null"): the key gets a counter then.
  for (int n = 0;; ++n) {
    std::string k = n == 0 ? key : key + "#" + std::to_string(n);
    auto& slot = groups_[k];
    if (!slot) {
      slot = std::make_unique<Group>();
      slot->spec_id = data_file.spec_id;
      slot->partition = data_file.partition;
      slot->path = std::move(path);
      group_order_.push_back(slot.get());
      return slot.get();
    }
    if (slot->partition == data_file.partition) return slot.get();
  }
}

arrow::Status PositionDeleteWriter::Delete(const DataFile& data_file, int64_t position) {
  if (position < 0) {
    return arrow::Status::Invalid("position delete of ", data_file.file_path,
                                  ": negative position ", position);
  }
  ARROW_ASSIGN_OR_RAISE(Group * group, GroupFor(data_file));
  group->by_file[data_file.file_path].Add(position);
  return arrow::Status::OK();
}

arrow::Status PositionDeleteWriter::Delete(const DataFile& data_file,
                                           const PositionSet& positions) {
  if (positions.empty()) return arrow::Status::OK();
  for (int64_t p : positions.positions()) {
    if (p < 0) {
      return arrow::Status::Invalid("position delete of ", data_file.file_path,
                                    ": negative position ", p);
    }
  }
  ARROW_ASSIGN_OR_RAISE(Group * group, GroupFor(data_file));
  group->by_file[data_file.file_path].AddAll(positions);
  return arrow::Status::OK();
}

arrow::Result<DataFile> PositionDeleteWriter::WriteGroup(Group& group) {
  const Schema& schema = *PositionDeleteSchema();
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(schema));
  arrow::StringBuilder paths;
  arrow::Int64Builder positions;
  int64_t rows = 0;
  for (auto& [path, set] : group.by_file) {
    set.Seal();
    ARROW_RETURN_NOT_OK(positions.AppendValues(set.positions()));
    for (size_t i = 0; i < set.positions().size(); ++i) ARROW_RETURN_NOT_OK(paths.Append(path));
    rows += set.size();
  }
  ARROW_ASSIGN_OR_RAISE(auto path_array, paths.Finish());
  ARROW_ASSIGN_OR_RAISE(auto pos_array, positions.Finish());
  auto batch = arrow::RecordBatch::Make(arrow_schema, rows, {path_array, pos_array});

  pq::ParquetWriteOptions parquet_options;
  auto codec = properties_.find(property::kParquetCompressionCodec);
  if (codec != properties_.end()) parquet_options.compression = codec->second;
  ARROW_RETURN_NOT_OK(pq::CompressionFromName(parquet_options.compression).status());

  char name[160];
  std::snprintf(name, sizeof(name), "00000-0-%s-%05lld-deletes.parquet", write_uuid_.c_str(),
                static_cast<long long>(++file_count_));
  std::string folder =
      group.path.empty() ? data_location_ : io::JoinLocation(data_location_, group.path);
  std::string location = io::JoinLocation(folder, options_.file_prefix + name);
  auto writer = pq::ParquetFileWriter::Open(*io_, location, arrow_schema, parquet_options);
  if (!writer.ok()) {
    (void)io_->Delete(location);
    return writer.status();
  }
  arrow::Status written = (*writer)->Write(*batch);
  auto closed = written.ok() ? (*writer)->Close() : arrow::Result<pq::ParquetWriteResult>(written);
  if (!closed.ok()) {
    (void)io_->Delete(location);
    return closed.status();
  }
  DataFile file;
  file.content = DataFileContent::kPositionDeletes;
  file.file_path = closed->location;
  file.file_format = "PARQUET";
  file.spec_id = group.spec_id;
  file.partition = group.partition;
  file.file_size_in_bytes = closed->file_size;
  // Java's MetricsConfig.forPositionDelete: full metrics for both columns.
  ARROW_ASSIGN_OR_RAISE(MetricsConfig full, MetricsConfig::FromProperties(
                                                {{"write.metadata.metrics.default", "full"}}));
  ARROW_RETURN_NOT_OK(ComputeParquetMetrics(*closed->metadata, schema, full, {}, &file));
  file.record_count = rows;
  // As Java's PositionDeleteWriter: no per-column counts; bounds only when one data file is
  // named (then lower = upper = its path, which readers use to skip other files).
  for (int32_t id : {kDeleteFilePathFieldId, kDeleteFilePosFieldId}) {
    file.value_counts.erase(id);
    file.null_value_counts.erase(id);
    file.nan_value_counts.erase(id);
    if (group.by_file.size() > 1) {
      file.lower_bounds.erase(id);
      file.upper_bounds.erase(id);
    }
  }
  if (group.by_file.size() == 1) file.referenced_data_file = group.by_file.begin()->first;
  return file;
}

arrow::Result<std::vector<DataFile>> PositionDeleteWriter::Close() {
  if (closed_) return arrow::Status::Invalid("position delete writer closed twice");
  closed_ = true;
  for (Group* group : group_order_) {
    auto file = WriteGroup(*group);
    if (!file.ok()) return InTable(options_.table_name, file.status());
    done_.push_back(std::move(*file));
    group->by_file.clear();
  }
  return done_;
}

arrow::Status PositionDeleteWriter::Abort() {
  closed_ = true;
  arrow::Status first;
  for (const auto& file : done_) {
    arrow::Status st = io_->Delete(file.file_path);
    if (first.ok() && !st.ok()) first = st;
  }
  done_.clear();
  return first;
}

EqualityDeleteWriter::~EqualityDeleteWriter() = default;

arrow::Result<std::unique_ptr<EqualityDeleteWriter>> EqualityDeleteWriter::Make(
    std::shared_ptr<io::FileIO> io, const TableMetadata& metadata,
    std::vector<int32_t> equality_field_ids, DeleteWriterOptions options) {
  const std::string& table = options.table_name;
  if (metadata.format_version < 2) {
    return arrow::Status::Invalid("table ", table, " is format version ", metadata.format_version,
                                  ": equality delete files need format version 2 or later "
                                  "(upgrade the table's format-version)");
  }
  if (equality_field_ids.empty()) {
    return arrow::Status::Invalid("table ", table, ": equality deletes need at least one column");
  }
  auto schema = metadata.CurrentSchema();
  const PartitionSpec& spec = metadata.DefaultSpec();
  std::set<int32_t> wanted;
  for (int32_t id : equality_field_ids) {
    const NestedField* field = nullptr;
    for (const auto& f : schema->fields()) {
      if (f.id == id) field = &f;
    }
    if (field == nullptr) {
      return arrow::Status::Invalid("table ", table, ": equality delete column id ", id,
                                    " is not a top-level column of the current schema");
    }
    if (!field->type->is_primitive() || field->type->id() == TypeId::kFloat ||
        field->type->id() == TypeId::kDouble) {
      return arrow::Status::Invalid("table ", table, ": column ", field->name, " (",
                                    field->type->ToString(),
                                    ") cannot be an equality delete column; the spec allows "
                                    "primitive columns other than float and double");
    }
    if (!wanted.insert(id).second) {
      return arrow::Status::Invalid("table ", table, ": equality delete column ", field->name,
                                    " is named twice");
    }
  }
  for (const auto& field : spec.fields()) wanted.insert(field.source_id);
  std::vector<NestedField> fields;
  for (const auto& f : schema->fields()) {
    if (wanted.count(f.id)) fields.push_back(f);
  }
  if (fields.size() != wanted.size()) {
    return arrow::Status::Invalid("table ", table,
                                  ": equality deletes cannot be partitioned by a nested column");
  }
  std::unique_ptr<EqualityDeleteWriter> w(new EqualityDeleteWriter());
  w->delete_schema_ = std::make_shared<const Schema>(schema->schema_id(), std::move(fields));
  w->equality_ids_ = std::move(equality_field_ids);

  DataWriterOptions data_options;
  data_options.file_prefix = options.file_prefix;
  data_options.table_location = metadata.location;
  data_options.schema = w->delete_schema_;
  data_options.spec = spec;
  data_options.properties = metadata.properties;
  data_options.table_name = table;
  ARROW_ASSIGN_OR_RAISE(w->writer_, DataWriter::Make(std::move(io), std::move(data_options)));
  return w;
}

arrow::Status EqualityDeleteWriter::Write(const arrow::RecordBatch& batch) {
  return writer_->Write(batch);
}

arrow::Result<std::vector<DataFile>> EqualityDeleteWriter::Close() {
  ARROW_ASSIGN_OR_RAISE(auto files, writer_->Close());
  for (auto& f : files) {
    f.content = DataFileContent::kEqualityDeletes;
    f.equality_ids = equality_ids_;
    f.sort_order_id.reset();
  }
  return files;
}

arrow::Status EqualityDeleteWriter::Abort() { return writer_->Abort(); }

}  // namespace floe::iceberg
