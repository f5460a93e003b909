#include <arrow/compute/api.h>

#include <map>
#include <set>
#include <variant>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/table/inspect/columns_internal.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg::inspect_internal {

std::shared_ptr<arrow::DataType> MillisType() {
  return arrow::timestamp(arrow::TimeUnit::MILLI, "UTC");
}

arrow::Result<const Snapshot*> ResolveSnapshot(const TableMetadata& metadata,
                                               std::optional<int64_t> snapshot_id) {
  if (!snapshot_id) return metadata.CurrentSnapshot();
  const Snapshot* snapshot = metadata.SnapshotById(*snapshot_id);
  if (snapshot == nullptr) {
    return arrow::Status::KeyError("the table has no snapshot ", *snapshot_id,
                                   " (see the snapshots table for the ids it has)");
  }
  return snapshot;
}

arrow::Result<std::vector<ManifestFile>> SnapshotManifests(io::FileIO& io,
                                                           const Snapshot* snapshot) {
  if (snapshot == nullptr) return std::vector<ManifestFile>{};
  return ReadManifestList(io, snapshot->manifest_list);
}

arrow::Result<std::vector<ManifestFile>> DistinctManifests(io::FileIO& io,
                                                           const TableMetadata& metadata) {
  std::vector<ManifestFile> out;
  std::set<std::string> seen;
  for (const auto& snapshot : metadata.snapshots) {
    ARROW_ASSIGN_OR_RAISE(auto manifests, SnapshotManifests(io, &snapshot));
    for (auto& m : manifests) {
      if (seen.insert(m.manifest_path).second) out.push_back(std::move(m));
    }
  }
  return out;
}

arrow::Result<std::vector<ManifestEntry>> ReadEntries(io::FileIO& io, const TableMetadata& metadata,
                                                      const ManifestFile& manifest) {
  TypePtr partition_type;
  if (const auto* spec = metadata.SpecById(manifest.partition_spec_id)) {
    ARROW_ASSIGN_OR_RAISE(partition_type, spec->PartitionType(*metadata.CurrentSchema()));
  }
  return ReadManifestEntries(io, manifest, partition_type);
}

namespace {

// Bounds and partition values are typed as floe types table data, except that a uuid is its
// 16 bytes: the arrow.uuid extension type has no builder of its own.
arrow::Result<std::shared_ptr<arrow::DataType>> ValueType(const Type& type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  if (arrow_type->id() == arrow::Type::EXTENSION) {
    return static_cast<const arrow::ExtensionType&>(*arrow_type).storage_type();
  }
  return arrow_type;
}

int64_t AsInteger(const Literal::Storage& v) {
  if (const auto* i = std::get_if<int32_t>(&v)) return *i;
  if (const auto* l = std::get_if<int64_t>(&v)) return *l;
  return 0;
}

}  // namespace

arrow::Status AppendLiteral(arrow::ArrayBuilder* builder, const Literal& value) {
  if (value.is_null()) return builder->AppendNull();
  const auto& v = value.value();
  switch (builder->type()->id()) {
    case arrow::Type::BOOL:
      return static_cast<arrow::BooleanBuilder*>(builder)->Append(value.AsBool());
    case arrow::Type::INT32:
      return static_cast<arrow::Int32Builder*>(builder)->Append(static_cast<int32_t>(AsInteger(v)));
    case arrow::Type::DATE32:
      return static_cast<arrow::Date32Builder*>(builder)->Append(
          static_cast<int32_t>(AsInteger(v)));
    case arrow::Type::INT64:
      return static_cast<arrow::Int64Builder*>(builder)->Append(AsInteger(v));
    case arrow::Type::TIME64:
      return static_cast<arrow::Time64Builder*>(builder)->Append(AsInteger(v));
    case arrow::Type::TIMESTAMP:
      return static_cast<arrow::TimestampBuilder*>(builder)->Append(AsInteger(v));
    case arrow::Type::FLOAT:
      return static_cast<arrow::FloatBuilder*>(builder)->Append(value.AsFloat());
    case arrow::Type::DOUBLE:
      return static_cast<arrow::DoubleBuilder*>(builder)->Append(value.AsDouble());
    case arrow::Type::STRING:
      return static_cast<arrow::StringBuilder*>(builder)->Append(value.AsBytes());
    case arrow::Type::BINARY:
      return static_cast<arrow::BinaryBuilder*>(builder)->Append(value.AsBytes());
    case arrow::Type::FIXED_SIZE_BINARY: {
      auto* fixed = static_cast<arrow::FixedSizeBinaryBuilder*>(builder);
      if (static_cast<int32_t>(value.AsBytes().size()) != fixed->byte_width()) {
        return arrow::Status::Invalid("value ", value.ToString(), " is not ", fixed->byte_width(),
                                      " bytes long");
      }
      return fixed->Append(value.AsBytes());
    }
    case arrow::Type::DECIMAL128: {
      const __int128 u = value.AsDecimal();
      return static_cast<arrow::Decimal128Builder*>(builder)->Append(
          arrow::Decimal128(static_cast<int64_t>(u >> 64), static_cast<uint64_t>(u)));
    }
    default:
      return arrow::Status::NotImplemented("metadata table value of Arrow type ",
                                           builder->type()->ToString());
  }
}

arrow::Result<PartitionUnion> PartitionUnion::Make(
    const TableMetadata& metadata, const std::optional<std::set<int32_t>>& spec_ids) {
  std::map<int32_t, const PartitionField*> by_id;
  for (const auto& spec : metadata.partition_specs) {
    if (spec_ids && spec_ids->count(spec.spec_id()) == 0) continue;
    for (const auto& field : spec.fields()) by_id.emplace(field.field_id, &field);
  }
  PartitionUnion out;
  out.metadata_ = &metadata;
  const auto schema = metadata.CurrentSchema();
  arrow::FieldVector fields;
  for (const auto& [id, field] : by_id) {
    const NestedField* source = schema->FindFieldById(field->source_id);
    if (source == nullptr) {
      return arrow::Status::Invalid("partition field ", field->name, " has source column id ",
                                    field->source_id, ", which the current schema lacks");
    }
    ARROW_ASSIGN_OR_RAISE(auto result_type, field->transform.ResultType(source->type));
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ValueType(*result_type));
    fields.push_back(arrow::field(field->name, arrow_type, /*nullable=*/true));
    out.field_ids_.push_back(id);
  }
  out.type_ = arrow::struct_(fields);
  return out;
}

std::vector<Literal> PartitionUnion::Key(int32_t spec_id,
                                         const std::vector<Literal>& values) const {
  std::vector<Literal> key(field_ids_.size());
  const PartitionSpec* spec = metadata_->SpecById(spec_id);
  if (spec == nullptr) return key;
  for (size_t i = 0; i < field_ids_.size(); ++i) {
    for (size_t pos = 0; pos < spec->fields().size() && pos < values.size(); ++pos) {
      if (spec->fields()[pos].field_id == field_ids_[i]) key[i] = values[pos];
    }
  }
  return key;
}

arrow::Status PartitionUnion::Append(arrow::StructBuilder* builder, int32_t spec_id,
                                     const std::vector<Literal>& values) const {
  ARROW_RETURN_NOT_OK(builder->Append());
  std::vector<Literal> key = Key(spec_id, values);
  for (size_t i = 0; i < key.size(); ++i) {
    ARROW_RETURN_NOT_OK(AppendLiteral(builder->field_builder(static_cast<int>(i)), key[i]));
  }
  return arrow::Status::OK();
}

namespace {

void CollectPrimitives(const NestedField& field, const std::string& prefix,
                       std::vector<std::pair<std::string, const NestedField*>>* out) {
  std::string name = prefix.empty() ? field.name : prefix + "." + field.name;
  if (field.type->is_primitive()) {
    out->emplace_back(name, &field);
    return;
  }
  for (const auto& child : field.type->fields()) CollectPrimitives(child, name, out);
}

arrow::Status AppendCount(arrow::ArrayBuilder* builder, const std::map<int32_t, int64_t>& counts,
                          int32_t id) {
  auto* b = static_cast<arrow::Int64Builder*>(builder);
  auto it = counts.find(id);
  return it == counts.end() ? b->AppendNull() : b->Append(it->second);
}

arrow::Status AppendBound(arrow::ArrayBuilder* builder,
                          const std::map<int32_t, std::string>& bounds, int32_t id,
                          const TypePtr& type) {
  auto it = bounds.find(id);
  if (it == bounds.end()) return builder->AppendNull();
  ARROW_ASSIGN_OR_RAISE(auto value, DeserializeValue(type, it->second));
  return AppendLiteral(builder, value);
}

}  // namespace

arrow::Result<ReadableMetrics> ReadableMetrics::Make(const Schema& schema) {
  // Java names list elements and map keys/values "element", "key", "value" as Schema does;
  // FindColumnName gives the same full names.
  std::vector<std::pair<std::string, const NestedField*>> leaves;
  for (const auto& field : schema.fields()) CollectPrimitives(field, "", &leaves);
  ReadableMetrics out;
  arrow::FieldVector columns;
  for (const auto& [name, field] : leaves) {
    ARROW_ASSIGN_OR_RAISE(auto bound, ValueType(*field->type));
    auto metrics = arrow::struct_(
        {arrow::field("column_size", arrow::int64()), arrow::field("value_count", arrow::int64()),
         arrow::field("null_value_count", arrow::int64()),
         arrow::field("nan_value_count", arrow::int64()), arrow::field("lower_bound", bound),
         arrow::field("upper_bound", bound)});
    columns.push_back(arrow::field(schema.FindColumnName(field->id), metrics, false));
    out.columns_.push_back({field->id, field->type});
  }
  out.type_ = arrow::struct_(columns);
  return out;
}

arrow::Status ReadableMetrics::Append(arrow::StructBuilder* builder, const DataFile& f) const {
  ARROW_RETURN_NOT_OK(builder->Append());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = columns_[i];
    auto* column = Child<arrow::StructBuilder>(builder, static_cast<int>(i));
    ARROW_RETURN_NOT_OK(column->Append());
    ARROW_RETURN_NOT_OK(AppendCount(column->field_builder(0), f.column_sizes, c.field_id));
    ARROW_RETURN_NOT_OK(AppendCount(column->field_builder(1), f.value_counts, c.field_id));
    ARROW_RETURN_NOT_OK(AppendCount(column->field_builder(2), f.null_value_counts, c.field_id));
    ARROW_RETURN_NOT_OK(AppendCount(column->field_builder(3), f.nan_value_counts, c.field_id));
    ARROW_RETURN_NOT_OK(AppendBound(column->field_builder(4), f.lower_bounds, c.field_id, c.type));
    ARROW_RETURN_NOT_OK(AppendBound(column->field_builder(5), f.upper_bounds, c.field_id, c.type));
  }
  return arrow::Status::OK();
}

namespace {

std::shared_ptr<arrow::DataType> CountMapType() {
  return arrow::map(arrow::int32(), arrow::int64());
}
std::shared_ptr<arrow::DataType> BoundMapType() {
  return arrow::map(arrow::int32(), arrow::binary());
}

// Empty maps and lists are null: floe's manifest writer writes them as null, and readers give
// a null back for them.
template <typename V, typename ValueBuilder>
arrow::Status AppendMap(arrow::ArrayBuilder* builder, const std::map<int32_t, V>& values) {
  auto* map = static_cast<arrow::MapBuilder*>(builder);
  if (values.empty()) return map->AppendNull();
  ARROW_RETURN_NOT_OK(map->Append());
  auto* keys = static_cast<arrow::Int32Builder*>(map->key_builder());
  auto* items = static_cast<ValueBuilder*>(map->item_builder());
  for (const auto& [k, v] : values) {
    ARROW_RETURN_NOT_OK(keys->Append(k));
    ARROW_RETURN_NOT_OK(items->Append(v));
  }
  return arrow::Status::OK();
}

template <typename T, typename ValueBuilder>
arrow::Status AppendList(arrow::ArrayBuilder* builder, const std::vector<T>& values) {
  auto* list = static_cast<arrow::ListBuilder*>(builder);
  if (values.empty()) return list->AppendNull();
  ARROW_RETURN_NOT_OK(list->Append());
  auto* items = static_cast<ValueBuilder*>(list->value_builder());
  for (const auto& v : values) ARROW_RETURN_NOT_OK(items->Append(v));
  return arrow::Status::OK();
}

}  // namespace

std::shared_ptr<arrow::DataType> DataFileType(const PartitionUnion& partition,
                                              DataFileLayout layout) {
  arrow::FieldVector fields = {arrow::field("content", arrow::int8(), false),
                               arrow::field("file_path", arrow::utf8(), false),
                               arrow::field("file_format", arrow::utf8(), false)};
  if (layout.with_spec_id) fields.push_back(arrow::field("spec_id", arrow::int32(), false));
  arrow::FieldVector rest = {arrow::field("partition", partition.type(), false),
                             arrow::field("record_count", arrow::int64(), false),
                             arrow::field("file_size_in_bytes", arrow::int64(), false),
                             arrow::field("column_sizes", CountMapType()),
                             arrow::field("value_counts", CountMapType()),
                             arrow::field("null_value_counts", CountMapType()),
                             arrow::field("nan_value_counts", CountMapType()),
                             arrow::field("lower_bounds", BoundMapType()),
                             arrow::field("upper_bounds", BoundMapType()),
                             arrow::field("key_metadata", arrow::binary()),
                             arrow::field("split_offsets", arrow::list(arrow::int64())),
                             arrow::field("equality_ids", arrow::list(arrow::int32())),
                             arrow::field("sort_order_id", arrow::int32())};
  fields.insert(fields.end(), rest.begin(), rest.end());
  return arrow::struct_(fields);
}

arrow::Status AppendDataFile(arrow::StructBuilder* builder, const PartitionUnion& partition,
                             DataFileLayout layout, const DataFile& f) {
  ARROW_RETURN_NOT_OK(builder->Append());
  int i = 0;
  auto next = [&] { return builder->field_builder(i++); };
  ARROW_RETURN_NOT_OK(
      static_cast<arrow::Int8Builder*>(next())->Append(static_cast<int8_t>(f.content)));
  ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(next())->Append(f.file_path));
  ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(next())->Append(f.file_format));
  if (layout.with_spec_id) {
    ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder*>(next())->Append(f.spec_id));
  }
  ARROW_RETURN_NOT_OK(
      partition.Append(static_cast<arrow::StructBuilder*>(next()), f.spec_id, f.partition));
  ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder*>(next())->Append(f.record_count));
  ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder*>(next())->Append(f.file_size_in_bytes));
  ARROW_RETURN_NOT_OK((AppendMap<int64_t, arrow::Int64Builder>(next(), f.column_sizes)));
  ARROW_RETURN_NOT_OK((AppendMap<int64_t, arrow::Int64Builder>(next(), f.value_counts)));
  ARROW_RETURN_NOT_OK((AppendMap<int64_t, arrow::Int64Builder>(next(), f.null_value_counts)));
  ARROW_RETURN_NOT_OK((AppendMap<int64_t, arrow::Int64Builder>(next(), f.nan_value_counts)));
  ARROW_RETURN_NOT_OK((AppendMap<std::string, arrow::BinaryBuilder>(next(), f.lower_bounds)));
  ARROW_RETURN_NOT_OK((AppendMap<std::string, arrow::BinaryBuilder>(next(), f.upper_bounds)));
  auto* key_metadata = static_cast<arrow::BinaryBuilder*>(next());
  ARROW_RETURN_NOT_OK(f.key_metadata ? key_metadata->Append(*f.key_metadata)
                                     : key_metadata->AppendNull());
  ARROW_RETURN_NOT_OK((AppendList<int64_t, arrow::Int64Builder>(next(), f.split_offsets)));
  ARROW_RETURN_NOT_OK((AppendList<int32_t, arrow::Int32Builder>(next(), f.equality_ids)));
  auto* sort_order = static_cast<arrow::Int32Builder*>(next());
  return f.sort_order_id ? sort_order->Append(*f.sort_order_id) : sort_order->AppendNull();
}

arrow::Result<std::shared_ptr<arrow::Table>> StructToTable(arrow::StructBuilder* builder) {
  ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
  const auto& rows = static_cast<const arrow::StructArray&>(*array);
  arrow::ArrayVector columns;
  for (int i = 0; i < rows.num_fields(); ++i) columns.push_back(rows.field(i));
  return arrow::Table::Make(arrow::schema(rows.struct_type()->fields()), columns, rows.length());
}

arrow::Result<std::shared_ptr<arrow::Table>> DictionaryEncodeColumn(
    const std::shared_ptr<arrow::Table>& table, const std::string& name) {
  int i = table->schema()->GetFieldIndex(name);
  if (i < 0) return arrow::Status::Invalid("no column ", name);
  ARROW_ASSIGN_OR_RAISE(auto encoded, arrow::compute::DictionaryEncode(table->column(i)));
  auto field = table->schema()->field(i)->WithType(encoded.type());
  return table->SetColumn(i, field, encoded.chunked_array());
}

}  // namespace floe::iceberg::inspect_internal
