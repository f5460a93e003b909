#include "floe/iceberg/data/data_file_metrics.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include <arrow/array.h>
#include <arrow/type.h>
#include <parquet/exception.h>
#include <parquet/metadata.h>
#include <parquet/schema.h>
#include <parquet/statistics.h>
#include <parquet/types.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {
namespace {

constexpr std::string_view kDefaultModeKey = "write.metadata.metrics.default";
constexpr std::string_view kColumnModePrefix = "write.metadata.metrics.column.";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsFloating(const Type& type) {
  return type.id() == TypeId::kFloat || type.id() == TypeId::kDouble;
}

bool HasFloating(const Type& type) {
  if (IsFloating(type)) return true;
  for (const auto& f : type.fields()) {
    if (f.type && HasFloating(*f.type)) return true;
  }
  return false;
}

// ---- NaN counting ------------------------------------------------------------------------

template <typename ArrayType>
int64_t NaNsIn(const arrow::Array& array) {
  const auto& values = static_cast<const ArrayType&>(array);
  int64_t n = 0;
  for (int64_t i = 0; i < values.length(); ++i) {
    if (values.IsValid(i) && std::isnan(values.Value(i))) ++n;
  }
  return n;
}

arrow::Status CountField(const NestedField& field, const arrow::Array& array,
                         std::map<int32_t, int64_t>* counts);

arrow::Status CountType(const NestedField& field, const arrow::Array& array,
                        std::map<int32_t, int64_t>* counts) {
  const Type& type = *field.type;
  switch (type.id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: {
      int64_t& count = (*counts)[field.id];
      if (array.type_id() == arrow::Type::FLOAT) {
        count += NaNsIn<arrow::FloatArray>(array);
      } else if (array.type_id() == arrow::Type::DOUBLE) {
        count += NaNsIn<arrow::DoubleArray>(array);
      } else {
        return arrow::Status::TypeError("column ", field.name, " is ", array.type()->ToString(),
                                        ", expected a floating-point array");
      }
      return arrow::Status::OK();
    }
    case TypeId::kStruct: {
      if (array.type_id() != arrow::Type::STRUCT) break;
      const auto& st = static_cast<const arrow::StructArray&>(array);
      if (st.num_fields() != static_cast<int>(type.fields().size())) break;
      for (int i = 0; i < st.num_fields(); ++i) {
        // Flattened children carry the struct's nulls, hiding values under null structs.
        ARROW_ASSIGN_OR_RAISE(auto child, st.GetFlattenedField(i));
        ARROW_RETURN_NOT_OK(CountField(type.fields()[i], *child, counts));
      }
      return arrow::Status::OK();
    }
    case TypeId::kList: {
      std::shared_ptr<arrow::Array> values;
      if (array.type_id() == arrow::Type::LIST) {
        ARROW_ASSIGN_OR_RAISE(values, static_cast<const arrow::ListArray&>(array).Flatten());
      } else if (array.type_id() == arrow::Type::LARGE_LIST) {
        ARROW_ASSIGN_OR_RAISE(values,
                              static_cast<const arrow::LargeListArray&>(array).Flatten());
      } else {
        break;
      }
      return CountField(type.element(), *values, counts);
    }
    case TypeId::kMap: {
      if (array.type_id() != arrow::Type::MAP) break;
      ARROW_ASSIGN_OR_RAISE(auto entries, static_cast<const arrow::MapArray&>(array).Flatten());
      const auto& st = static_cast<const arrow::StructArray&>(*entries);
      ARROW_ASSIGN_OR_RAISE(auto keys, st.GetFlattenedField(0));
      ARROW_ASSIGN_OR_RAISE(auto items, st.GetFlattenedField(1));
      ARROW_RETURN_NOT_OK(CountField(type.key(), *keys, counts));
      return CountField(type.value(), *items, counts);
    }
    default:
      return arrow::Status::OK();
  }
  return arrow::Status::TypeError("column ", field.name, " is ", array.type()->ToString(),
                                  ", which does not match Iceberg type ", type.ToString());
}

arrow::Status CountField(const NestedField& field, const arrow::Array& array,
                         std::map<int32_t, int64_t>* counts) {
  if (!field.type || !HasFloating(*field.type)) return arrow::Status::OK();
  return CountType(field, array, counts);
}

// ---- Bounds from Parquet statistics ------------------------------------------------------

struct LeafInfo {
  const NestedField* field = nullptr;
  bool in_repeated = false;  // inside a list or map: no bounds (Java's behaviour)
  std::string name;
};

void IndexLeaves(const Schema& schema, const NestedField& field, bool in_repeated,
                 std::map<int32_t, LeafInfo>* out) {
  const Type& type = *field.type;
  if (type.is_primitive()) {
    (*out)[field.id] = LeafInfo{&field, in_repeated, schema.FindColumnName(field.id)};
    return;
  }
  bool repeated = in_repeated || type.id() == TypeId::kList || type.id() == TypeId::kMap;
  for (const auto& child : type.fields()) IndexLeaves(schema, child, repeated, out);
}

// Big-endian two's complement bytes to an unscaled decimal.
std::optional<__int128> DecimalFromBytes(const uint8_t* data, int32_t len) {
  if (len <= 0 || len > 16) return std::nullopt;
  __int128 v = static_cast<int8_t>(data[0]);
  for (int32_t i = 1; i < len; ++i) {
    v = static_cast<__int128>(static_cast<unsigned __int128>(v) << 8) | data[i];
  }
  return v;
}

// Microseconds from a value in the column's time unit; nanoseconds round outwards so the
// bound still holds.
std::optional<int64_t> ToMicros(int64_t value, const ::parquet::ColumnDescriptor& column,
                                bool is_min) {
  const auto& logical = column.logical_type();
  ::parquet::LogicalType::TimeUnit::unit unit = ::parquet::LogicalType::TimeUnit::MICROS;
  if (logical && logical->is_timestamp()) {
    unit = static_cast<const ::parquet::TimestampLogicalType&>(*logical).time_unit();
  } else if (logical && logical->is_time()) {
    unit = static_cast<const ::parquet::TimeLogicalType&>(*logical).time_unit();
  }
  switch (unit) {
    case ::parquet::LogicalType::TimeUnit::MILLIS:
      return value * 1000;
    case ::parquet::LogicalType::TimeUnit::MICROS:
      return value;
    case ::parquet::LogicalType::TimeUnit::NANOS: {
      int64_t q = value / 1000, r = value % 1000;
      if (r != 0 && (value < 0) == is_min) q += is_min ? -1 : 1;
      return q;
    }
    default:
      return std::nullopt;
  }
}

template <typename StatsType>
auto MinOrMax(const ::parquet::Statistics& stats, bool is_min) {
  const auto& typed = static_cast<const StatsType&>(stats);
  return is_min ? typed.min() : typed.max();
}

// The chunk's min or max as a literal of the Iceberg type; nullopt when the physical type
// does not fit the Iceberg type.
std::optional<Literal> StatValue(const ::parquet::Statistics& stats,
                                 const ::parquet::ColumnDescriptor& column, const TypePtr& type,
                                 bool is_min) {
  using PT = ::parquet::Type;
  const PT::type physical = stats.physical_type();
  switch (type->id()) {
    case TypeId::kBoolean:
      if (physical != PT::BOOLEAN) return std::nullopt;
      return Literal(type, MinOrMax<::parquet::BoolStatistics>(stats, is_min));
    case TypeId::kInt:
    case TypeId::kDate:
      if (physical != PT::INT32) return std::nullopt;
      return Literal(type, MinOrMax<::parquet::Int32Statistics>(stats, is_min));
    case TypeId::kLong:
      if (physical == PT::INT32) {
        return Literal(type,
                       static_cast<int64_t>(MinOrMax<::parquet::Int32Statistics>(stats, is_min)));
      }
      if (physical != PT::INT64) return std::nullopt;
      return Literal(type, MinOrMax<::parquet::Int64Statistics>(stats, is_min));
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t raw;
      if (physical == PT::INT64) {
        raw = MinOrMax<::parquet::Int64Statistics>(stats, is_min);
      } else if (physical == PT::INT32 && type->id() == TypeId::kTime) {
        raw = MinOrMax<::parquet::Int32Statistics>(stats, is_min);
      } else {
        return std::nullopt;
      }
      auto micros = ToMicros(raw, column, is_min);
      if (!micros) return std::nullopt;
      return Literal(type, *micros);
    }
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs: {
      // Bounds of nanosecond columns are nanoseconds; floe writes them as TIMESTAMP(NANOS).
      const auto& logical = column.logical_type();
      if (physical != PT::INT64 || !logical || !logical->is_timestamp() ||
          static_cast<const ::parquet::TimestampLogicalType&>(*logical).time_unit() !=
              ::parquet::LogicalType::TimeUnit::NANOS) {
        return std::nullopt;
      }
      return Literal(type, MinOrMax<::parquet::Int64Statistics>(stats, is_min));
    }
    case TypeId::kFloat:
      if (physical != PT::FLOAT) return std::nullopt;
      return Literal(type, MinOrMax<::parquet::FloatStatistics>(stats, is_min));
    case TypeId::kDouble:
      if (physical == PT::FLOAT) {
        return Literal(type,
                       static_cast<double>(MinOrMax<::parquet::FloatStatistics>(stats, is_min)));
      }
      if (physical != PT::DOUBLE) return std::nullopt;
      return Literal(type, MinOrMax<::parquet::DoubleStatistics>(stats, is_min));
    case TypeId::kDecimal: {
      const auto& logical = column.logical_type();
      if (!logical || !logical->is_decimal() ||
          static_cast<const ::parquet::DecimalLogicalType&>(*logical).scale() != type->scale()) {
        return std::nullopt;
      }
      std::optional<__int128> unscaled;
      if (physical == PT::INT32) {
        unscaled = MinOrMax<::parquet::Int32Statistics>(stats, is_min);
      } else if (physical == PT::INT64) {
        unscaled = MinOrMax<::parquet::Int64Statistics>(stats, is_min);
      } else if (physical == PT::FIXED_LEN_BYTE_ARRAY) {
        auto v = MinOrMax<::parquet::FLBAStatistics>(stats, is_min);
        unscaled = DecimalFromBytes(v.ptr, column.type_length());
      } else if (physical == PT::BYTE_ARRAY) {
        auto v = MinOrMax<::parquet::ByteArrayStatistics>(stats, is_min);
        unscaled = DecimalFromBytes(v.ptr, static_cast<int32_t>(v.len));
      }
      if (!unscaled) return std::nullopt;
      return Literal(type, *unscaled);
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      if (physical != PT::BYTE_ARRAY) return std::nullopt;
      auto v = MinOrMax<::parquet::ByteArrayStatistics>(stats, is_min);
      return Literal(type, std::string(reinterpret_cast<const char*>(v.ptr), v.len));
    }
    case TypeId::kFixed:
    case TypeId::kUuid: {
      if (physical != PT::FIXED_LEN_BYTE_ARRAY) return std::nullopt;
      int32_t want = type->id() == TypeId::kUuid ? 16 : type->length();
      if (column.type_length() != want) return std::nullopt;
      auto v = MinOrMax<::parquet::FLBAStatistics>(stats, is_min);
      return Literal(type, std::string(reinterpret_cast<const char*>(v.ptr), want));
    }
    default:
      return std::nullopt;
  }
}

arrow::Status ComputeMetrics(const ::parquet::FileMetaData& metadata, const Schema& schema,
                             const MetricsConfig& config,
                             const std::map<int32_t, int64_t>& nan_counts, DataFile* file) {
  std::map<int32_t, LeafInfo> leaves;
  for (const auto& field : schema.fields()) IndexLeaves(schema, field, false, &leaves);

  const ::parquet::SchemaDescriptor* descr = metadata.schema();
  const int num_columns = metadata.num_columns();
  // Per Parquet column: its leaf (nullptr when unmapped) and metrics mode.
  std::vector<const LeafInfo*> column_leaf(num_columns, nullptr);
  std::vector<MetricsMode> column_mode(num_columns);
  for (int c = 0; c < num_columns; ++c) {
    int32_t id = descr->Column(c)->schema_node()->field_id();
    auto it = leaves.find(id);
    if (id < 0 || it == leaves.end()) continue;
    column_leaf[c] = &it->second;
    column_mode[c] = config.ModeFor(it->second.name);
  }

  file->record_count = metadata.num_rows();
  file->column_sizes.clear();
  file->value_counts.clear();
  file->null_value_counts.clear();
  file->nan_value_counts.clear();
  file->lower_bounds.clear();
  file->upper_bounds.clear();
  file->split_offsets.clear();

  std::map<int32_t, Literal> lower, upper;
  std::set<int32_t> no_bounds, no_nulls;
  for (int r = 0; r < metadata.num_row_groups(); ++r) {
    auto row_group = metadata.RowGroup(r);
    if (row_group->num_columns() > 0) {
      auto first = row_group->ColumnChunk(0);
      int64_t offset = first->data_page_offset();
      if (first->has_dictionary_page() && first->dictionary_page_offset() > 0 &&
          first->dictionary_page_offset() < offset) {
        offset = first->dictionary_page_offset();
      }
      file->split_offsets.push_back(offset);
    }
    for (int c = 0; c < num_columns; ++c) {
      const LeafInfo* leaf = column_leaf[c];
      if (leaf == nullptr) continue;
      const int32_t id = leaf->field->id;
      auto chunk = row_group->ColumnChunk(c);
      file->column_sizes[id] += chunk->total_compressed_size();
      const MetricsMode& mode = column_mode[c];
      if (mode.kind == MetricsMode::Kind::kNone) continue;
      file->value_counts[id] += chunk->num_values();

      std::shared_ptr<::parquet::Statistics> stats =
          chunk->is_stats_set() ? chunk->statistics() : nullptr;
      if (stats && stats->HasNullCount()) {
        file->null_value_counts[id] += stats->null_count();
      } else {
        no_nulls.insert(id);
      }
      if (mode.kind == MetricsMode::Kind::kCounts || leaf->in_repeated) continue;
      if (!stats) {
        no_bounds.insert(id);
        continue;
      }
      if (!stats->HasMinMax()) {
        // All null (or, for floats, all NaN): nothing to bound. Otherwise bounds are unknown.
        bool all_null = stats->HasNullCount() && stats->null_count() == chunk->num_values();
        if (!all_null && !IsFloating(*leaf->field->type)) no_bounds.insert(id);
        continue;
      }
      auto lo = StatValue(*stats, *descr->Column(c), leaf->field->type, true);
      auto hi = StatValue(*stats, *descr->Column(c), leaf->field->type, false);
      if (!lo || !hi) {
        no_bounds.insert(id);
        continue;
      }
      auto lit = lower.find(id);
      if (lit == lower.end() || lo->Compare(lit->second) < 0) lower[id] = std::move(*lo);
      auto uit = upper.find(id);
      if (uit == upper.end() || hi->Compare(uit->second) > 0) upper[id] = std::move(*hi);
    }
  }
  std::sort(file->split_offsets.begin(), file->split_offsets.end());
  for (int32_t id : no_nulls) file->null_value_counts.erase(id);

  for (const auto& [id, leaf] : leaves) {
    if (!file->value_counts.count(id) || !IsFloating(*leaf.field->type)) continue;
    auto it = nan_counts.find(id);
    if (it != nan_counts.end()) file->nan_value_counts[id] = it->second;
  }

  for (auto& [id, value] : lower) {
    if (no_bounds.count(id)) continue;
    const MetricsMode mode = config.ModeFor(leaves[id].name);
    bool truncate = mode.kind == MetricsMode::Kind::kTruncate;
    Literal lo = truncate ? TruncateLowerBound(value, mode.length) : value;
    Literal hi = truncate ? TruncateUpperBound(upper[id], mode.length) : upper[id];
    ARROW_ASSIGN_OR_RAISE(file->lower_bounds[id], SerializeValue(lo));
    // A string of only maximal code points has no truncated upper bound: leave it out.
    if (!hi.is_null()) {
      ARROW_ASSIGN_OR_RAISE(file->upper_bounds[id], SerializeValue(hi));
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<MetricsMode> ParseMetricsMode(std::string_view text) {
  std::string mode = Lower(text);
  while (!mode.empty() && std::isspace(static_cast<unsigned char>(mode.back()))) mode.pop_back();
  while (!mode.empty() && std::isspace(static_cast<unsigned char>(mode.front()))) {
    mode.erase(mode.begin());
  }
  if (mode == "none") return MetricsMode{MetricsMode::Kind::kNone, 0};
  if (mode == "counts") return MetricsMode{MetricsMode::Kind::kCounts, 0};
  if (mode == "full") return MetricsMode{MetricsMode::Kind::kFull, 0};
  if (mode.rfind("truncate(", 0) == 0 && mode.back() == ')') {
    std::string_view digits(mode.data() + 9, mode.size() - 10);
    int length = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec == std::errc() && end == digits.data() + digits.size() && length > 0) {
      return MetricsMode{MetricsMode::Kind::kTruncate, length};
    }
  }
  return arrow::Status::Invalid("invalid metrics mode '", text,
                                "' (expected none, counts, full or truncate(N) with N > 0)");
}

arrow::Result<MetricsConfig> MetricsConfig::FromProperties(
    const std::map<std::string, std::string>& properties) {
  MetricsConfig config;
  for (const auto& [key, value] : properties) {
    if (key == kDefaultModeKey) {
      ARROW_ASSIGN_OR_RAISE(config.default_mode_, ParseMetricsMode(value));
    } else if (key.rfind(kColumnModePrefix, 0) == 0) {
      auto mode = ParseMetricsMode(value);
      if (!mode.ok()) return mode.status().WithMessage("table property ", key, ": ",
                                                       mode.status().message());
      config.per_column_[key.substr(kColumnModePrefix.size())] = *mode;
    }
  }
  return config;
}

MetricsMode MetricsConfig::ModeFor(const std::string& column_name) const {
  auto it = per_column_.find(column_name);
  return it == per_column_.end() ? default_mode_ : it->second;
}

arrow::Status CountNaNs(const Schema& schema, const arrow::RecordBatch& batch,
                        std::map<int32_t, int64_t>* nan_counts) {
  const auto& fields = schema.fields();
  if (batch.num_columns() != static_cast<int>(fields.size())) {
    return arrow::Status::Invalid("batch has ", batch.num_columns(), " columns, schema has ",
                                  fields.size());
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    ARROW_RETURN_NOT_OK(CountField(fields[i], *batch.column(static_cast<int>(i)), nan_counts));
  }
  return arrow::Status::OK();
}

arrow::Status ComputeParquetMetrics(const ::parquet::FileMetaData& metadata,
                                    const Schema& schema, const MetricsConfig& config,
                                    const std::map<int32_t, int64_t>& nan_counts,
                                    DataFile* file) {
  // The Parquet metadata accessors report malformed footers by throwing.
  try {
    return ComputeMetrics(metadata, schema, config, nan_counts, file);
  } catch (const ::parquet::ParquetException& e) {
    return arrow::Status::IOError("Parquet footer of ", file->file_path, ": ", e.what());
  }
}

}  // namespace floe::iceberg
