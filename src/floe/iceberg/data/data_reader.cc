#include "floe/iceberg/data/data_reader.h"

#include <algorithm>
#include <cctype>

#include <arrow/array.h>
#include <arrow/array/util.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/initialize.h>
#include <arrow/extension_type.h>
#include <arrow/type.h>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/default_array.h"

namespace floe::iceberg {

struct DataFileReader::Column {
  const NestedField* field = nullptr;
  std::shared_ptr<arrow::DataType> target;
  int batch_index = -1;  // position in the batches read from the file; -1: not in the file
  std::shared_ptr<arrow::Field> file_field;
};

namespace {

const arrow::DataType& ValueType(const arrow::DataType& type) {
  if (type.id() == arrow::Type::DICTIONARY) {
    return *static_cast<const arrow::DictionaryType&>(type).value_type();
  }
  return type;
}

bool IsList(arrow::Type::type id) {
  return id == arrow::Type::LIST || id == arrow::Type::LARGE_LIST;
}

// Whether values of Iceberg type `from` (as stored in a file) may be read as `to`
// (spec: "Schema Evolution", valid type promotions).
bool CanPromote(const Type& from, const Type& to) {
  if (from.Equals(to)) return true;
  if (from.id() == TypeId::kInt && to.id() == TypeId::kLong) return true;
  if (from.id() == TypeId::kFloat && to.id() == TypeId::kDouble) return true;
  if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal) {
    return from.scale() == to.scale() && from.precision() <= to.precision();
  }
  // Older writers store uuids as plain fixed[16].
  if (from.id() == TypeId::kFixed && from.length() == 16 && to.id() == TypeId::kUuid) {
    return true;
  }
  return false;
}

// The file's child field with a given id, or nullptr.
std::shared_ptr<arrow::Field> ChildById(const arrow::DataType& type, int32_t id) {
  for (const auto& child : type.fields()) {
    if (pq::FieldIdOf(*child) == id) return child;
  }
  return nullptr;
}

class Projector {
 public:
  explicit Projector(const std::string& location) : location_(location) {}

  // Checks up front that the file's field can be read as the projected field.
  arrow::Status Check(const arrow::Field& file_field, const NestedField& field) const {
    const arrow::DataType& file_type = ValueType(*file_field.type());
    const Type& type = *field.type;
    switch (type.id()) {
      case TypeId::kStruct: {
        if (file_type.id() != arrow::Type::STRUCT) return Mismatch(file_type, field);
        for (const auto& child : type.fields()) {
          auto file_child = ChildById(file_type, child.id);
          if (file_child) {
            ARROW_RETURN_NOT_OK(Check(*file_child, child));
          } else if (child.required && !child.initial_default) {
            return Missing(child);
          }
        }
        return arrow::Status::OK();
      }
      case TypeId::kList:
        if (!IsList(file_type.id())) return Mismatch(file_type, field);
        return Check(*file_type.field(0), type.element());
      case TypeId::kMap: {
        if (file_type.id() != arrow::Type::MAP) return Mismatch(file_type, field);
        const auto& map = static_cast<const arrow::MapType&>(file_type);
        ARROW_RETURN_NOT_OK(Check(*map.key_field(), type.key()));
        return Check(*map.item_field(), type.value());
      }
      default: {
        if (file_type.id() == arrow::Type::STRUCT || IsList(file_type.id()) ||
            file_type.id() == arrow::Type::MAP) {
          return Mismatch(file_type, field);
        }
        auto stored = FromArrowType(file_type);
        if (!stored.ok() || !CanPromote(**stored, type)) return Mismatch(file_type, field);
        return arrow::Status::OK();
      }
    }
  }

  arrow::Status Missing(const NestedField& field) const {
    return arrow::Status::Invalid("data file ", location_, " has no column for required field ",
                                  field.name, " (id ", field.id, ")");
  }

  // Converts one column's data (any offset) to the projected type, keeping length and
  // offset so that parents' offsets and validity still apply.
  arrow::Result<std::shared_ptr<arrow::ArrayData>> Convert(
      const std::shared_ptr<arrow::ArrayData>& data, const arrow::Field& file_field,
      const NestedField& field, const std::shared_ptr<arrow::DataType>& target) const {
    const Type& type = *field.type;
    switch (type.id()) {
      case TypeId::kStruct: {
        std::vector<std::shared_ptr<arrow::ArrayData>> children;
        const int64_t child_length = data->offset + data->length;
        for (size_t i = 0; i < type.fields().size(); ++i) {
          const NestedField& child = type.fields()[i];
          const auto& child_target = target->field(static_cast<int>(i))->type();
          int index = -1;
          const auto& file_children = file_field.type()->fields();
          for (size_t j = 0; j < file_children.size(); ++j) {
            if (pq::FieldIdOf(*file_children[j]) == child.id) index = static_cast<int>(j);
          }
          if (index < 0) {
            // A field added after the file was written reads as its initial-default.
            ARROW_ASSIGN_OR_RAISE(
                auto filled, MakeDefaultArray(child.initial_default, child_target, child_length));
            children.push_back(filled->data());
            continue;
          }
          ARROW_ASSIGN_OR_RAISE(auto converted, Convert(data->child_data[index],
                                                        *file_children[index], child,
                                                        child_target));
          children.push_back(std::move(converted));
        }
        return arrow::ArrayData::Make(target, data->length, {data->buffers[0]},
                                      std::move(children), data->null_count, data->offset);
      }
      case TypeId::kList: {
        std::shared_ptr<arrow::ArrayData> list = data;
        std::shared_ptr<arrow::Field> element = file_field.type()->field(0);
        if (data->type->id() == arrow::Type::LARGE_LIST) {
          // 64-bit offsets to the 32-bit offsets of the table's list type.
          ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*arrow::MakeArray(data),
                                                                arrow::list(element)));
          list = cast->data();
        }
        const auto& element_target = target->field(0)->type();
        ARROW_ASSIGN_OR_RAISE(auto values, Convert(list->child_data[0], *element,
                                                   type.element(), element_target));
        return arrow::ArrayData::Make(target, list->length, {list->buffers[0], list->buffers[1]},
                                      {std::move(values)}, list->null_count, list->offset);
      }
      case TypeId::kMap: {
        const auto& file_map = static_cast<const arrow::MapType&>(*file_field.type());
        const auto& target_map = static_cast<const arrow::MapType&>(*target);
        const auto& entries = data->child_data[0];
        ARROW_ASSIGN_OR_RAISE(auto keys, Convert(entries->child_data[0], *file_map.key_field(),
                                                 type.key(), target_map.key_type()));
        ARROW_ASSIGN_OR_RAISE(auto items,
                              Convert(entries->child_data[1], *file_map.item_field(),
                                      type.value(), target_map.item_type()));
        auto converted_entries = arrow::ArrayData::Make(
            target_map.value_type(), entries->length, {entries->buffers[0]},
            {std::move(keys), std::move(items)}, entries->null_count, entries->offset);
        return arrow::ArrayData::Make(target, data->length, {data->buffers[0], data->buffers[1]},
                                      {std::move(converted_entries)}, data->null_count,
                                      data->offset);
      }
      default:
        return ConvertPrimitive(data, target);
    }
  }

 private:
  arrow::Status Mismatch(const arrow::DataType& file_type, const NestedField& field) const {
    return arrow::Status::TypeError("data file ", location_, ": column '", field.name, "' (id ",
                                    field.id, ") is ", file_type.ToString(),
                                    " in the file and cannot be read as ",
                                    field.type->ToString());
  }

  arrow::Result<std::shared_ptr<arrow::ArrayData>> ConvertPrimitive(
      const std::shared_ptr<arrow::ArrayData>& data,
      const std::shared_ptr<arrow::DataType>& target) const {
    if (data->type->Equals(*target)) return data;
    if (target->id() == arrow::Type::EXTENSION) {
      // arrow.uuid over fixed_size_binary(16): same layout, new type.
      const auto& storage = static_cast<const arrow::ExtensionType&>(*target).storage_type();
      std::shared_ptr<arrow::ArrayData> plain = data;
      if (!data->type->Equals(*storage)) {
        auto source = data->type->id() == arrow::Type::EXTENSION
                          ? static_cast<const arrow::ExtensionType&>(*data->type).storage_type()
                          : data->type;
        plain = data->Copy();
        plain->type = source;
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*arrow::MakeArray(plain), storage));
        plain = cast->data();
      }
      auto out = plain->Copy();
      out->type = target;
      return out;
    }
    std::shared_ptr<arrow::ArrayData> source = data;
    if (data->type->id() == arrow::Type::EXTENSION) {
      // Other extension types (arrow.json, …) are read as their storage.
      source = data->Copy();
      source->type = static_cast<const arrow::ExtensionType&>(*data->type).storage_type();
      if (source->type->Equals(*target)) return source;
    }
    ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*arrow::MakeArray(source), target));
    return cast->data();
  }

  const std::string& location_;
};

}  // namespace

arrow::Result<DataReadOptions> DataReadOptionsFromProperties(
    const std::map<std::string, std::string>& properties) {
  DataReadOptions options;
  auto it = properties.find(kNameMappingProperty);
  if (it != properties.end()) {
    auto mapping = NameMapping::Parse(it->second);
    if (!mapping.ok()) {
      return mapping.status().WithMessage("table property ", kNameMappingProperty, ": ",
                                          mapping.status().message());
    }
    options.name_mapping = std::move(*mapping);
  }
  return options;
}

DataFileReader::~DataFileReader() = default;

bool DataFileReader::HasColumn(int32_t field_id) const {
  for (const Column& column : columns_) {
    if (column.field->id == field_id) return column.batch_index >= 0;
  }
  return false;
}

arrow::Result<std::unique_ptr<DataFileReader>> DataFileReader::Open(
    io::FileIO& io, const std::string& location, std::shared_ptr<const Schema> projected,
    const DataReadOptions& options) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  std::unique_ptr<DataFileReader> out(new DataFileReader());
  out->location_ = location;
  out->projected_ = std::move(projected);
  out->batch_size_ = std::max<int64_t>(1, options.batch_size);
  ARROW_ASSIGN_OR_RAISE(out->arrow_schema_, ToArrowSchema(*out->projected_));
  pq::ParquetReadOptions read_options;
  read_options.batch_size = out->batch_size_;
  ARROW_ASSIGN_OR_RAISE(out->reader_, pq::ParquetFileReader::Open(io, location, read_options));

  out->file_schema_ = out->reader_->schema();
  if (!HasFieldIds(*out->file_schema_)) {
    if (!options.name_mapping) {
      return arrow::Status::Invalid(
          "data file ", location, " has no field ids and the table has no ",
          kNameMappingProperty, " property to read it by column name");
    }
    out->file_schema_ = options.name_mapping->Apply(*out->file_schema_);
  }

  Projector projector(location);
  std::vector<int> file_columns;
  const auto& fields = out->projected_->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    Column column;
    column.field = &fields[i];
    column.target = out->arrow_schema_->field(static_cast<int>(i))->type();
    for (int j = 0; j < out->file_schema_->num_fields(); ++j) {
      if (pq::FieldIdOf(*out->file_schema_->field(j)) != fields[i].id) continue;
      column.file_field = out->file_schema_->field(j);
      column.batch_index = static_cast<int>(file_columns.size());
      file_columns.push_back(j);
      break;
    }
    if (column.file_field) {
      ARROW_RETURN_NOT_OK(projector.Check(*column.file_field, fields[i]));
    } else if (fields[i].required && !fields[i].initial_default) {
      return projector.Missing(fields[i]);
    }
    out->columns_.push_back(std::move(column));
  }

  {
    const int groups = out->reader_->num_row_groups();
    std::vector<int64_t> starts(groups + 1, 0);
    for (int g = 0; g < groups; ++g) {
      starts[g + 1] = starts[g] + out->reader_->row_group_num_rows(g);
    }
    std::vector<int> order = options.row_groups;
    if (order.empty()) {
      for (int g = 0; g < groups; ++g) order.push_back(g);
    }
    for (int g : order) {
      if (g < 0 || g >= groups) {
        return arrow::Status::IndexError("data file ", location, " has no row group ", g,
                                         " (it has ", groups, ")");
      }
      out->runs_.push_back(Run{starts[g], starts[g + 1] - starts[g]});
    }
  }
  // Nothing to read but the row count when no projected column is in the file.
  if (file_columns.empty()) return out;
  ARROW_ASSIGN_OR_RAISE(out->stream_,
                        out->reader_->ReadBatches(file_columns, options.row_groups));
  return out;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::Project(
    const arrow::RecordBatch& batch) {
  Projector projector(location_);
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (const Column& column : columns_) {
    if (column.batch_index < 0) {
      ARROW_ASSIGN_OR_RAISE(auto filled, MakeDefaultArray(column.field->initial_default,
                                                          column.target, batch.num_rows()));
      arrays.push_back(std::move(filled));
      continue;
    }
    auto converted = projector.Convert(batch.column(column.batch_index)->data(),
                                       *column.file_field, *column.field, column.target);
    if (!converted.ok()) {
      return arrow::Status::Invalid("data file ", location_, ": column ", column.field->name,
                                    ": ", converted.status().message());
    }
    arrays.push_back(arrow::MakeArray(*converted));
  }
  return arrow::RecordBatch::Make(arrow_schema_, batch.num_rows(), std::move(arrays));
}

// The next batch as the file gives it (no columns when none is in the file), not yet cut at
// row group boundaries; nullptr at the end.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::NextFileBatch() {
  if (pending_) return std::move(pending_);
  if (!stream_) {
    int64_t rows_left = -run_consumed_;
    for (size_t r = run_; r < runs_.size(); ++r) rows_left += runs_[r].rows;
    if (rows_left <= 0) return nullptr;
    int64_t n = std::min(rows_left, batch_size_);
    return arrow::RecordBatch::Make(arrow::schema({}), n, arrow::ArrayVector{});
  }
  auto next = stream_->Next();
  if (!next.ok()) {
    return arrow::Status::IOError("data file ", location_, ": ", next.status().message());
  }
  return std::move(*next);
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::Next() {
  std::shared_ptr<arrow::RecordBatch> batch;
  do {
    ARROW_ASSIGN_OR_RAISE(batch, NextFileBatch());
    if (batch == nullptr) return nullptr;
  } while (batch->num_rows() == 0);
  while (run_ < runs_.size() && run_consumed_ >= runs_[run_].rows) {
    ++run_;
    run_consumed_ = 0;
  }
  if (run_ >= runs_.size()) {
    return arrow::Status::IOError("data file ", location_,
                                  " returned more rows than its row groups hold");
  }
  // Cut at the row group's end, so that the batch's rows have consecutive positions.
  const int64_t left_in_run = runs_[run_].rows - run_consumed_;
  if (batch->num_rows() > left_in_run) {
    pending_ = batch->Slice(left_in_run);
    batch = batch->Slice(0, left_in_run);
  }
  batch_position_ = runs_[run_].start + run_consumed_;
  run_consumed_ += batch->num_rows();
  return Project(*batch);
}

arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadDataFile(
    io::FileIO& io, const std::string& location, const Schema& projected,
    const DataReadOptions& options) {
  ARROW_ASSIGN_OR_RAISE(
      auto reader,
      DataFileReader::Open(io, location, std::make_shared<const Schema>(projected), options));
  std::vector<std::shared_ptr<arrow::RecordBatch>> out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (!batch) break;
    out.push_back(std::move(batch));
  }
  return out;
}

arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadDataFile(
    io::FileIO& io, const DataFile& file, const Schema& projected,
    const DataReadOptions& options) {
  std::string format = file.file_format;
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (format != "PARQUET") {
    return arrow::Status::Invalid("data file ", file.file_path, " is ", file.file_format,
                                         "; only Parquet data files can be read");
  }
  return ReadDataFile(io, file.file_path, projected, options);
}

}  // namespace floe::iceberg
