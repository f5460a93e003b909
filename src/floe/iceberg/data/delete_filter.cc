#include "floe/iceberg/data/delete_filter.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/extension_type.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "floe/iceberg/data/data_reader.h"

namespace floe::iceberg {
namespace {

template <typename T>
void AppendRaw(T value, std::string& key) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  key.append(bytes, sizeof(T));
}

void AppendBytes(std::string_view bytes, std::string& key) {
  AppendRaw<int64_t>(static_cast<int64_t>(bytes.size()), key);
  key.append(bytes.data(), bytes.size());
}

// The column of `field` (whose data is `array`) or of a struct field under it with `id`.
arrow::Result<std::shared_ptr<arrow::Array>> FindIn(const NestedField& field,
                                                    const std::shared_ptr<arrow::Array>& array,
                                                    int32_t id, bool* found) {
  if (field.id == id) {
    *found = true;
    return array;
  }
  if (field.type->id() != TypeId::kStruct) return nullptr;
  const auto& children = field.type->fields();
  for (size_t i = 0; i < children.size(); ++i) {
    if (children[i].id != id && children[i].type->id() != TypeId::kStruct) continue;
    const auto& struct_array = static_cast<const arrow::StructArray&>(*array);
    // Flattened: a null struct makes its fields null.
    ARROW_ASSIGN_OR_RAISE(auto child, struct_array.GetFlattenedField(static_cast<int>(i)));
    ARROW_ASSIGN_OR_RAISE(auto out, FindIn(children[i], child, id, found));
    if (*found) return out;
  }
  return nullptr;
}

// The top-level field of `schema` that is or holds field `id` (through structs only).
const NestedField* TopLevelFieldFor(const Schema& schema, int32_t id) {
  for (const auto& field : schema.fields()) {
    if (field.id == id) return &field;
    if (field.type->id() != TypeId::kStruct) continue;
    Schema inner(0, field.type->fields());
    if (TopLevelFieldFor(inner, id) != nullptr) return &field;
  }
  return nullptr;
}

arrow::Status CheckParquet(const DataFile& file, const char* what) {
  std::string format = file.file_format;
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (format != "PARQUET") {
    return arrow::Status::NotImplemented(what, " ", file.file_path, " is ", file.file_format,
                                         "; only Parquet delete files can be read");
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Array>> ColumnByFieldId(const arrow::RecordBatch& batch,
                                                             const Schema& batch_schema,
                                                             int32_t field_id) {
  const auto& fields = batch_schema.fields();
  for (size_t i = 0; i < fields.size() && static_cast<int>(i) < batch.num_columns(); ++i) {
    bool found = false;
    ARROW_ASSIGN_OR_RAISE(auto column,
                          FindIn(fields[i], batch.column(static_cast<int>(i)), field_id, &found));
    if (found) return column;
  }
  return arrow::Status::Invalid("field id ", field_id,
                                " is not a column of the rows read (nor a field of a struct)");
}

arrow::Status AppendKeyValue(const arrow::Array& column, int64_t row, std::string& key) {
  if (column.IsNull(row)) {
    key.push_back('\0');
    return arrow::Status::OK();
  }
  key.push_back('\1');
  switch (column.type_id()) {
    case arrow::Type::BOOL:
      key.push_back(static_cast<const arrow::BooleanArray&>(column).Value(row) ? '\1' : '\0');
      return arrow::Status::OK();
    case arrow::Type::INT32:
    case arrow::Type::DATE32:
    case arrow::Type::TIME32:
      AppendRaw<int64_t>(column.data()->GetValues<int32_t>(1)[row], key);
      return arrow::Status::OK();
    case arrow::Type::INT64:
    case arrow::Type::TIME64:
    case arrow::Type::TIMESTAMP:
      AppendRaw<int64_t>(column.data()->GetValues<int64_t>(1)[row], key);
      return arrow::Status::OK();
    case arrow::Type::FLOAT:
      AppendRaw<double>(column.data()->GetValues<float>(1)[row], key);
      return arrow::Status::OK();
    case arrow::Type::DOUBLE:
      AppendRaw<double>(column.data()->GetValues<double>(1)[row], key);
      return arrow::Status::OK();
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
      AppendBytes(static_cast<const arrow::BinaryArray&>(column).GetView(row), key);
      return arrow::Status::OK();
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      AppendBytes(static_cast<const arrow::LargeBinaryArray&>(column).GetView(row), key);
      return arrow::Status::OK();
    case arrow::Type::FIXED_SIZE_BINARY:
    case arrow::Type::DECIMAL128:
      AppendBytes(static_cast<const arrow::FixedSizeBinaryArray&>(column).GetView(row), key);
      return arrow::Status::OK();
    case arrow::Type::EXTENSION: {
      const auto& ext = static_cast<const arrow::ExtensionArray&>(column);
      return AppendKeyValue(*ext.storage(), row, key);
    }
    default:
      return arrow::Status::NotImplemented("equality deletes on a column of type ",
                                           column.type()->ToString(), " are not supported");
  }
}

DeleteLoader::DeleteLoader(std::shared_ptr<io::FileIO> io) : io_(std::move(io)) {}
DeleteLoader::~DeleteLoader() = default;

arrow::Result<PositionSet> DeleteLoader::Positions(const DataFile& delete_file,
                                                   const std::string& data_file_path) {
  if (delete_file.is_deletion_vector()) {
    return arrow::Status::NotImplemented(
        "deletion vector ", delete_file.file_path, " (for data file ", data_file_path,
        "): reading deletion vectors of format v3 tables is not supported yet");
  }
  auto it = positions_.find(delete_file.file_path);
  if (it == positions_.end()) {
    ARROW_RETURN_NOT_OK(CheckParquet(delete_file, "position delete file"));
    auto schema = std::make_shared<const Schema>(
        0, std::vector<NestedField>{{kDeleteFilePathFieldId, "file_path", Type::String(), true, ""},
                                    {kDeleteFilePosFieldId, "pos", Type::Long(), true, ""}});
    ARROW_ASSIGN_OR_RAISE(auto reader, DataFileReader::Open(*io_, delete_file.file_path, schema));
    auto by_path = std::make_shared<std::map<std::string, PositionSet>>();
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (!batch) break;
      const auto& paths = static_cast<const arrow::StringArray&>(*batch->column(0));
      const auto& positions = static_cast<const arrow::Int64Array&>(*batch->column(1));
      for (int64_t i = 0; i < batch->num_rows(); ++i) {
        if (paths.IsNull(i) || positions.IsNull(i)) {
          return arrow::Status::Invalid("position delete file ", delete_file.file_path,
                                        " has a null file_path or pos in row ",
                                        reader->batch_position() + i);
        }
        (*by_path)[std::string(paths.GetView(i))].Add(positions.Value(i));
      }
    }
    for (auto& [_, set] : *by_path) set.Seal();
    it = positions_.emplace(delete_file.file_path, std::move(by_path)).first;
  }
  auto found = it->second->find(data_file_path);
  if (found == it->second->end()) return PositionSet{};
  return found->second;
}

arrow::Result<std::shared_ptr<const EqualityKeySet>> DeleteLoader::EqualityKeys(
    const DataFile& delete_file, const std::vector<NestedField>& key_fields) {
  auto it = equality_.find(delete_file.file_path);
  if (it != equality_.end()) return it->second;
  ARROW_RETURN_NOT_OK(CheckParquet(delete_file, "equality delete file"));
  auto set = std::make_shared<EqualityKeySet>();
  set->field_ids = delete_file.equality_ids;
  std::sort(set->field_ids.begin(), set->field_ids.end());
  set->field_ids.erase(std::unique(set->field_ids.begin(), set->field_ids.end()),
                       set->field_ids.end());
  auto schema = std::make_shared<const Schema>(0, key_fields);
  ARROW_ASSIGN_OR_RAISE(auto reader, DataFileReader::Open(*io_, delete_file.file_path, schema));
  for (const auto& field : key_fields) {
    // A missing column would read as nulls and delete every row with nulls there.
    if (!reader->HasColumn(field.id)) {
      return arrow::Status::Invalid("equality delete file ", delete_file.file_path,
                                    " has no column ", field.name, " (id ", field.id,
                                    ") of its equality_ids");
    }
  }
  std::string key;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (!batch) break;
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int32_t id : set->field_ids) {
      ARROW_ASSIGN_OR_RAISE(auto column, ColumnByFieldId(*batch, *schema, id));
      columns.push_back(std::move(column));
    }
    for (int64_t row = 0; row < batch->num_rows(); ++row) {
      key.clear();
      for (const auto& column : columns) {
        auto status = AppendKeyValue(*column, row, key);
        if (!status.ok()) {
          return status.WithMessage("equality delete file ", delete_file.file_path, ": ",
                                    status.message());
        }
      }
      set->keys.insert(key);
    }
  }
  equality_.emplace(delete_file.file_path, set);
  return std::shared_ptr<const EqualityKeySet>(std::move(set));
}

arrow::Result<std::unique_ptr<DeleteFilter>> DeleteFilter::Make(
    DeleteLoader& loader, const std::string& data_file_path, const std::vector<DataFile>& deletes,
    const std::vector<std::shared_ptr<const Schema>>& schemas) {
  std::unique_ptr<DeleteFilter> filter(new DeleteFilter());
  std::set<int32_t> top_level_ids;
  for (const DataFile& file : deletes) {
    if (file.content == DataFileContent::kPositionDeletes) {
      ARROW_ASSIGN_OR_RAISE(PositionSet positions, loader.Positions(file, data_file_path));
      filter->positions_.AddAll(positions);
      continue;
    }
    if (file.content != DataFileContent::kEqualityDeletes) {
      return arrow::Status::Invalid("data file ", file.file_path, " is not a delete file");
    }
    if (file.equality_ids.empty()) {
      return arrow::Status::Invalid("equality delete file ", file.file_path,
                                    " has no equality_ids");
    }
    std::vector<NestedField> key_fields;
    std::set<int32_t> key_top_ids;
    for (int32_t id : file.equality_ids) {
      const NestedField* top = nullptr;
      for (const auto& schema : schemas) {
        if ((top = TopLevelFieldFor(*schema, id)) != nullptr) break;
      }
      if (top == nullptr) {
        return arrow::Status::Invalid("equality delete file ", file.file_path,
                                      ": equality field id ", id,
                                      " is in no schema of the table (or sits in a list or map)");
      }
      if (key_top_ids.insert(top->id).second) key_fields.push_back(*top);
      if (top_level_ids.insert(top->id).second) filter->equality_fields_.push_back(*top);
    }
    ARROW_ASSIGN_OR_RAISE(auto set, loader.EqualityKeys(file, key_fields));
    auto group =
        std::find_if(filter->groups_.begin(), filter->groups_.end(),
                     [&](const EqualityGroup& g) { return g.field_ids == set->field_ids; });
    if (group == filter->groups_.end()) {
      filter->groups_.push_back(EqualityGroup{set->field_ids, {}});
      group = filter->groups_.end() - 1;
    }
    if (!set->keys.empty()) group->sets.push_back(std::move(set));
  }
  filter->positions_.Seal();
  // Groups whose files hold no rows delete nothing.
  filter->groups_.erase(std::remove_if(filter->groups_.begin(), filter->groups_.end(),
                                       [](const EqualityGroup& g) { return g.sets.empty(); }),
                        filter->groups_.end());
  return filter;
}

arrow::Result<std::shared_ptr<arrow::BooleanArray>> DeleteFilter::KeepMask(
    const arrow::RecordBatch& batch, const Schema& batch_schema, int64_t first_position) const {
  const int64_t n = batch.num_rows();
  std::vector<uint8_t> keep(static_cast<size_t>(n), 1);
  int64_t dropped = 0;
  for (int64_t position : positions_.InRange(first_position, first_position + n)) {
    keep[static_cast<size_t>(position - first_position)] = 0;
    ++dropped;
  }
  std::string key;
  for (const EqualityGroup& group : groups_) {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int32_t id : group.field_ids) {
      ARROW_ASSIGN_OR_RAISE(auto column, ColumnByFieldId(batch, batch_schema, id));
      columns.push_back(std::move(column));
    }
    for (int64_t row = 0; row < n; ++row) {
      if (!keep[static_cast<size_t>(row)]) continue;
      key.clear();
      for (const auto& column : columns) ARROW_RETURN_NOT_OK(AppendKeyValue(*column, row, key));
      for (const auto& set : group.sets) {
        if (set->keys.count(key) != 0) {
          keep[static_cast<size_t>(row)] = 0;
          ++dropped;
          break;
        }
      }
    }
  }
  if (dropped == 0) return nullptr;
  arrow::BooleanBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(keep.data(), n));
  std::shared_ptr<arrow::BooleanArray> mask;
  ARROW_RETURN_NOT_OK(builder.Finish(&mask));
  return mask;
}

}  // namespace floe::iceberg
