// Table metadata files (spec: "Table Metadata" and Appendix C): parsing of format versions 1,
// 2 and 3, and serialization in the metadata's own version.

#include <set>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_metadata_json_internal.h"
#include "floe/iceberg/type/json_internal.h"
#include "floe/iceberg/type/schema_json_internal.h"

namespace floe::iceberg {

using json_internal::Json;
using OJson = nlohmann::ordered_json;

namespace {

arrow::Result<std::vector<StatisticsFile>> ParseStatisticsFiles(const Json& entries,
                                                                const char* key) {
  std::vector<StatisticsFile> out;
  for (const auto& entry : entries) {
    if (!entry.is_object()) {
      return arrow::Status::Invalid(key, ": an entry is not an object");
    }
    StatisticsFile file;
    auto id = entry.find("snapshot-id");
    auto path = entry.find("statistics-path");
    if (id == entry.end() || !id->is_number_integer() || path == entry.end() ||
        !path->is_string()) {
      return arrow::Status::Invalid(key, ": an entry lacks snapshot-id or statistics-path");
    }
    file.snapshot_id = id->get<int64_t>();
    file.statistics_path = path->get<std::string>();
    file.json = entry.dump();
    out.push_back(std::move(file));
  }
  return out;
}


// Records where and why nlohmann's parser gave up, for the error message of malformed files.
class ErrorSax : public nlohmann::json_sax<Json> {
 public:
  std::string error;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = ex.what();
    return false;
  }
};

std::string DescribeJsonError(std::string_view text) {
  ErrorSax sax;
  Json::sax_parse(text, &sax, nlohmann::detail::input_format_t::json, /*strict=*/true,
                  /*ignore_comments=*/false);
  // "[json.exception.parse_error.101] parse error at line 1, column 9: ..." → drop the tag.
  auto pos = sax.error.find("] ");
  return pos == std::string::npos ? sax.error : sax.error.substr(pos + 2);
}

arrow::Result<std::map<std::string, std::string>> StringMapFromJson(const Json& obj,
                                                                   const std::string& where) {
  std::map<std::string, std::string> out;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    // The spec says string to string; tolerate other scalars from lax writers.
    if (it->is_string()) {
      out[it.key()] = it->get<std::string>();
    } else if (it->is_primitive() && !it->is_null()) {
      out[it.key()] = it->dump();
    } else {
      return json_internal::WrongType(where, it.key(), "a string", *it);
    }
  }
  return out;
}

}  // namespace

arrow::Result<Snapshot> SnapshotFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  Snapshot snapshot;
  ARROW_ASSIGN_OR_RAISE(snapshot.snapshot_id, GetLong(json, "snapshot-id", where));
  ARROW_ASSIGN_OR_RAISE(snapshot.parent_snapshot_id,
                        GetOptionalLong(json, "parent-snapshot-id", where));
  // Format v1 has no sequence numbers; they read as 0 (spec: "Sequence Numbers").
  ARROW_ASSIGN_OR_RAISE(auto sequence_number, GetOptionalLong(json, "sequence-number", where));
  snapshot.sequence_number = sequence_number.value_or(0);
  ARROW_ASSIGN_OR_RAISE(snapshot.timestamp_ms, GetLong(json, "timestamp-ms", where));
  if (Find(json, "manifest-list") == nullptr && Find(json, "manifests") != nullptr) {
    return arrow::Status::Invalid(
        At(where), "snapshot ", snapshot.snapshot_id,
        " lists its manifests inline ('manifests', format v1 without a manifest list); floe "
        "reads only snapshots with a 'manifest-list'");
  }
  ARROW_ASSIGN_OR_RAISE(snapshot.manifest_list, GetString(json, "manifest-list", where));
  ARROW_ASSIGN_OR_RAISE(const Json* summary, GetOptionalObject(json, "summary", where));
  if (summary != nullptr) {
    ARROW_ASSIGN_OR_RAISE(snapshot.summary, StringMapFromJson(*summary, Path(where, "summary")));
  }
  ARROW_ASSIGN_OR_RAISE(snapshot.schema_id, GetOptionalInt(json, "schema-id", where));
  ARROW_ASSIGN_OR_RAISE(snapshot.first_row_id, GetOptionalLong(json, "first-row-id", where));
  ARROW_ASSIGN_OR_RAISE(snapshot.added_rows, GetOptionalLong(json, "added-rows", where));
  if (Find(json, "key-id") != nullptr) {
    ARROW_ASSIGN_OR_RAISE(snapshot.key_id, GetString(json, "key-id", where));
  }
  return snapshot;
}

arrow::Result<SnapshotRef> RefFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  SnapshotRef ref;
  ARROW_ASSIGN_OR_RAISE(ref.snapshot_id, GetLong(json, "snapshot-id", where));
  ARROW_ASSIGN_OR_RAISE(std::string type, GetString(json, "type", where));
  if (type == "branch") {
    ref.type = SnapshotRefType::kBranch;
  } else if (type == "tag") {
    ref.type = SnapshotRefType::kTag;
  } else {
    return arrow::Status::Invalid(where, ": unknown ref type '", type, "'");
  }
  ARROW_ASSIGN_OR_RAISE(ref.min_snapshots_to_keep,
                        GetOptionalInt(json, "min-snapshots-to-keep", where));
  ARROW_ASSIGN_OR_RAISE(ref.max_snapshot_age_ms,
                        GetOptionalLong(json, "max-snapshot-age-ms", where));
  ARROW_ASSIGN_OR_RAISE(ref.max_ref_age_ms, GetOptionalLong(json, "max-ref-age-ms", where));
  return ref;
}

namespace {

arrow::Status ParseSchemas(const Json& json, int version, TableMetadata* md) {
  using namespace json_internal;
  ARROW_ASSIGN_OR_RAISE(const Json* schemas, GetOptionalArray(json, "schemas", ""));
  if (schemas == nullptr) {
    // Format v1 may carry only the current schema (spec: "schema", deprecated).
    if (version >= 2) return Missing("", "schemas");
    const Json* schema = Find(json, "schema");
    if (schema == nullptr) return Missing("", "schemas' or 'schema");
    ARROW_ASSIGN_OR_RAISE(auto parsed, SchemaFromJson(*schema, "schema"));
    md->current_schema_id = parsed->schema_id();
    md->schemas.push_back(std::move(parsed));
    return arrow::Status::OK();
  }
  std::set<int32_t> ids;
  for (size_t i = 0; i < schemas->size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto parsed, SchemaFromJson((*schemas)[i], Index("schemas", i)));
    if (!ids.insert(parsed->schema_id()).second) {
      return arrow::Status::Invalid(Index("schemas", i), ": duplicate schema-id ",
                                    parsed->schema_id());
    }
    md->schemas.push_back(std::move(parsed));
  }
  ARROW_ASSIGN_OR_RAISE(md->current_schema_id, GetInt(json, "current-schema-id", ""));
  if (md->SchemaById(md->current_schema_id) == nullptr) {
    return arrow::Status::Invalid("current-schema-id ", md->current_schema_id,
                                  " is not among the schemas");
  }
  return arrow::Status::OK();
}

arrow::Status ParseSpecs(const Json& json, int version, TableMetadata* md) {
  using namespace json_internal;
  ARROW_ASSIGN_OR_RAISE(const Json* specs, GetOptionalArray(json, "partition-specs", ""));
  if (specs == nullptr) {
    // Format v1 may carry only the fields of the current spec (spec: "partition-spec").
    if (version >= 2) return Missing("", "partition-specs");
    ARROW_ASSIGN_OR_RAISE(const Json* fields, GetOptionalArray(json, "partition-spec", ""));
    if (fields == nullptr) return Missing("", "partition-specs' or 'partition-spec");
    ARROW_ASSIGN_OR_RAISE(auto parsed, PartitionFieldsFromJson(*fields, "partition-spec"));
    md->partition_specs.emplace_back(0, std::move(parsed));
    md->default_spec_id = 0;
  } else {
    std::set<int32_t> ids;
    for (size_t i = 0; i < specs->size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto spec,
                            PartitionSpecFromJson((*specs)[i], Index("partition-specs", i)));
      if (!ids.insert(spec.spec_id()).second) {
        return arrow::Status::Invalid(Index("partition-specs", i), ": duplicate spec-id ",
                                      spec.spec_id());
      }
      md->partition_specs.push_back(std::move(spec));
    }
    ARROW_ASSIGN_OR_RAISE(md->default_spec_id, GetInt(json, "default-spec-id", ""));
    if (md->SpecById(md->default_spec_id) == nullptr) {
      return arrow::Status::Invalid("default-spec-id ", md->default_spec_id,
                                    " is not among the partition-specs");
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto last_partition_id, GetOptionalInt(json, "last-partition-id", ""));
  if (!last_partition_id) {
    if (version >= 2) return Missing("", "last-partition-id");
    last_partition_id = kFirstPartitionFieldId - 1;
    for (const auto& spec : md->partition_specs) {
      last_partition_id = std::max(*last_partition_id, spec.LastFieldId());
    }
  }
  md->last_partition_id = *last_partition_id;
  return arrow::Status::OK();
}

arrow::Status ParseSortOrders(const Json& json, int version, TableMetadata* md) {
  using namespace json_internal;
  ARROW_ASSIGN_OR_RAISE(const Json* orders, GetOptionalArray(json, "sort-orders", ""));
  if (orders == nullptr) {
    if (version >= 2) return Missing("", "sort-orders");
    md->sort_orders.push_back(SortOrder::Unsorted());
    md->default_sort_order_id = 0;
    return arrow::Status::OK();
  }
  for (size_t i = 0; i < orders->size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto order, SortOrderFromJson((*orders)[i], Index("sort-orders", i)));
    md->sort_orders.push_back(std::move(order));
  }
  ARROW_ASSIGN_OR_RAISE(auto default_id, GetOptionalInt(json, "default-sort-order-id", ""));
  if (!default_id && version >= 2) return Missing("", "default-sort-order-id");
  md->default_sort_order_id = default_id.value_or(0);
  bool found = md->default_sort_order_id == 0;  // 0 is always the unsorted order
  for (const auto& order : md->sort_orders) found |= order.order_id == md->default_sort_order_id;
  if (!found) {
    return arrow::Status::Invalid("default-sort-order-id ", md->default_sort_order_id,
                                  " is not among the sort-orders");
  }
  return arrow::Status::OK();
}

arrow::Status ParseSnapshots(const Json& json, TableMetadata* md) {
  using namespace json_internal;
  ARROW_ASSIGN_OR_RAISE(auto current, GetOptionalLong(json, "current-snapshot-id", ""));
  // Java wrote -1 for "no current snapshot" in v1 and v2; it means the same as absent.
  if (current && *current != -1) md->current_snapshot_id = current;

  ARROW_ASSIGN_OR_RAISE(const Json* snapshots, GetOptionalArray(json, "snapshots", ""));
  if (snapshots != nullptr) {
    for (size_t i = 0; i < snapshots->size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto snapshot,
                            SnapshotFromJson((*snapshots)[i], Index("snapshots", i)));
      md->snapshots.push_back(std::move(snapshot));
    }
  }
  if (md->current_snapshot_id && md->CurrentSnapshot() == nullptr) {
    return arrow::Status::Invalid("current-snapshot-id ", *md->current_snapshot_id,
                                  " is not among the snapshots");
  }

  ARROW_ASSIGN_OR_RAISE(const Json* log, GetOptionalArray(json, "snapshot-log", ""));
  if (log != nullptr) {
    for (size_t i = 0; i < log->size(); ++i) {
      std::string at = Index("snapshot-log", i);
      ARROW_RETURN_NOT_OK(CheckObject((*log)[i], at));
      SnapshotLogEntry entry;
      ARROW_ASSIGN_OR_RAISE(entry.timestamp_ms, GetLong((*log)[i], "timestamp-ms", at));
      ARROW_ASSIGN_OR_RAISE(entry.snapshot_id, GetLong((*log)[i], "snapshot-id", at));
      md->snapshot_log.push_back(entry);
    }
  }

  ARROW_ASSIGN_OR_RAISE(const Json* refs, GetOptionalObject(json, "refs", ""));
  if (refs != nullptr) {
    for (auto it = refs->begin(); it != refs->end(); ++it) {
      ARROW_ASSIGN_OR_RAISE(auto ref, RefFromJson(*it, Path("refs", it.key())));
      md->refs[it.key()] = ref;
    }
  }
  // Without refs (v1, older v2 writers) the current snapshot is the main branch.
  if (md->current_snapshot_id && md->refs.find(kMainBranch) == md->refs.end()) {
    SnapshotRef main;
    main.snapshot_id = *md->current_snapshot_id;
    md->refs[kMainBranch] = main;
  }
  return arrow::Status::OK();
}

arrow::Status ParseInto(const Json& json, TableMetadata* md) {
  using namespace json_internal;
  ARROW_RETURN_NOT_OK(CheckObject(json, ""));
  ARROW_ASSIGN_OR_RAISE(md->format_version, GetInt(json, "format-version", ""));
  const int version = md->format_version;
  if (version < 1 || version > kMaxFormatVersion) {
    return arrow::Status::Invalid("unsupported format-version ", version,
                                  " (floe reads format versions 1, 2 and 3)");
  }
  if (version >= 2) {
    ARROW_ASSIGN_OR_RAISE(md->table_uuid, GetString(json, "table-uuid", ""));
    ARROW_ASSIGN_OR_RAISE(md->last_sequence_number, GetLong(json, "last-sequence-number", ""));
  } else {
    if (Find(json, "table-uuid") != nullptr) {
      ARROW_ASSIGN_OR_RAISE(md->table_uuid, GetString(json, "table-uuid", ""));
    }
    ARROW_ASSIGN_OR_RAISE(auto seq, GetOptionalLong(json, "last-sequence-number", ""));
    md->last_sequence_number = seq.value_or(0);
  }
  ARROW_ASSIGN_OR_RAISE(md->location, GetString(json, "location", ""));
  ARROW_ASSIGN_OR_RAISE(md->last_updated_ms, GetLong(json, "last-updated-ms", ""));
  ARROW_ASSIGN_OR_RAISE(md->last_column_id, GetInt(json, "last-column-id", ""));
  ARROW_RETURN_NOT_OK(ParseSchemas(json, version, md));
  ARROW_RETURN_NOT_OK(ParseSpecs(json, version, md));
  ARROW_ASSIGN_OR_RAISE(const Json* properties, GetOptionalObject(json, "properties", ""));
  if (properties != nullptr) {
    ARROW_ASSIGN_OR_RAISE(md->properties, StringMapFromJson(*properties, "properties"));
  }
  ARROW_RETURN_NOT_OK(ParseSnapshots(json, md));
  if (version >= 3) {
    ARROW_ASSIGN_OR_RAISE(md->next_row_id, GetLong(json, "next-row-id", ""));
  }
  ARROW_ASSIGN_OR_RAISE(const Json* keys, GetOptionalArray(json, "encryption-keys", ""));
  if (keys != nullptr) {
    for (size_t i = 0; i < keys->size(); ++i) {
      std::string at = Index("encryption-keys", i);
      ARROW_RETURN_NOT_OK(CheckObject((*keys)[i], at));
      EncryptionKey key;
      ARROW_ASSIGN_OR_RAISE(key.key_id, GetString((*keys)[i], "key-id", at));
      key.json = (*keys)[i].dump();
      md->encryption_keys.push_back(std::move(key));
    }
  }

  ARROW_ASSIGN_OR_RAISE(const Json* metadata_log, GetOptionalArray(json, "metadata-log", ""));
  if (metadata_log != nullptr) {
    for (size_t i = 0; i < metadata_log->size(); ++i) {
      std::string at = Index("metadata-log", i);
      ARROW_RETURN_NOT_OK(CheckObject((*metadata_log)[i], at));
      MetadataLogEntry entry;
      ARROW_ASSIGN_OR_RAISE(entry.timestamp_ms, GetLong((*metadata_log)[i], "timestamp-ms", at));
      ARROW_ASSIGN_OR_RAISE(entry.metadata_file,
                            GetString((*metadata_log)[i], "metadata-file", at));
      md->metadata_log.push_back(std::move(entry));
    }
  }
  ARROW_RETURN_NOT_OK(ParseSortOrders(json, version, md));

  // Statistics files are carried through untouched.
  ARROW_ASSIGN_OR_RAISE(const Json* statistics, GetOptionalArray(json, "statistics", ""));
  if (statistics != nullptr) {
    ARROW_ASSIGN_OR_RAISE(md->statistics, ParseStatisticsFiles(*statistics, "statistics"));
  }
  ARROW_ASSIGN_OR_RAISE(const Json* partition_statistics,
                        GetOptionalArray(json, "partition-statistics", ""));
  if (partition_statistics != nullptr) {
    ARROW_ASSIGN_OR_RAISE(md->partition_statistics,
                          ParseStatisticsFiles(*partition_statistics, "partition-statistics"));
  }
  return arrow::Status::OK();
}

}  // namespace

OJson SnapshotToJson(const Snapshot& snapshot, int version) {
  OJson out;
  out["snapshot-id"] = snapshot.snapshot_id;
  if (snapshot.parent_snapshot_id) out["parent-snapshot-id"] = *snapshot.parent_snapshot_id;
  if (version >= 2) out["sequence-number"] = snapshot.sequence_number;
  out["timestamp-ms"] = snapshot.timestamp_ms;
  OJson summary = OJson::object();
  // The operation leads, as in the spec's examples and Java's output.
  if (auto it = snapshot.summary.find("operation"); it != snapshot.summary.end()) {
    summary["operation"] = it->second;
  }
  for (const auto& [key, value] : snapshot.summary) {
    if (key != "operation") summary[key] = value;
  }
  out["summary"] = std::move(summary);
  out["manifest-list"] = snapshot.manifest_list;
  if (snapshot.schema_id) out["schema-id"] = *snapshot.schema_id;
  if (snapshot.first_row_id) out["first-row-id"] = *snapshot.first_row_id;
  if (snapshot.added_rows) out["added-rows"] = *snapshot.added_rows;
  if (snapshot.key_id) out["key-id"] = *snapshot.key_id;
  return out;
}

OJson RefToJson(const SnapshotRef& ref) {
  OJson out;
  out["snapshot-id"] = ref.snapshot_id;
  out["type"] = ref.type == SnapshotRefType::kBranch ? "branch" : "tag";
  if (ref.min_snapshots_to_keep) out["min-snapshots-to-keep"] = *ref.min_snapshots_to_keep;
  if (ref.max_snapshot_age_ms) out["max-snapshot-age-ms"] = *ref.max_snapshot_age_ms;
  if (ref.max_ref_age_ms) out["max-ref-age-ms"] = *ref.max_ref_age_ms;
  return out;
}

namespace {

OJson CarriedArray(const std::vector<StatisticsFile>& files) {
  OJson out = OJson::array();
  for (const auto& file : files) out.push_back(OJson::parse(file.json));
  return out;
}

}  // namespace

arrow::Result<std::shared_ptr<const TableMetadata>> ParseTableMetadata(
    std::string_view text, const std::string& location) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return arrow::Status::Invalid("table metadata ", location, ": malformed JSON: ",
                                  DescribeJsonError(text));
  }
  auto metadata = std::make_shared<TableMetadata>();
  arrow::Status status = ParseInto(json, metadata.get());
  if (!status.ok()) {
    return status.WithMessage("table metadata ", location, ": ", status.message());
  }
  return metadata;
}

std::string SerializeTableMetadata(const TableMetadata& md) {
  const int version = md.format_version;
  OJson out;
  out["format-version"] = version;
  if (version >= 2 || !md.table_uuid.empty()) out["table-uuid"] = md.table_uuid;
  out["location"] = md.location;
  if (version >= 2) out["last-sequence-number"] = md.last_sequence_number;
  out["last-updated-ms"] = md.last_updated_ms;
  out["last-column-id"] = md.last_column_id;

  // v1 readers may know only the single current schema and spec; write both forms then.
  if (version == 1) {
    if (auto current = md.CurrentSchema()) out["schema"] = SchemaToJson(*current);
  }
  out["current-schema-id"] = md.current_schema_id;
  OJson schemas = OJson::array();
  for (const auto& schema : md.schemas) schemas.push_back(SchemaToJson(*schema));
  out["schemas"] = std::move(schemas);

  if (version == 1) out["partition-spec"] = PartitionFieldsToJson(md.DefaultSpec());
  out["default-spec-id"] = md.default_spec_id;
  OJson specs = OJson::array();
  for (const auto& spec : md.partition_specs) specs.push_back(PartitionSpecToJson(spec));
  if (specs.empty()) {
    specs.push_back(PartitionSpecToJson(PartitionSpec(md.default_spec_id, {})));
  }
  out["partition-specs"] = std::move(specs);
  out["last-partition-id"] = md.last_partition_id;

  out["default-sort-order-id"] = md.default_sort_order_id;
  OJson orders = OJson::array();
  for (const auto& order : md.sort_orders) orders.push_back(SortOrderToJson(order));
  if (orders.empty()) orders.push_back(SortOrderToJson(SortOrder::Unsorted()));
  out["sort-orders"] = std::move(orders);

  OJson properties = OJson::object();
  for (const auto& [key, value] : md.properties) properties[key] = value;
  out["properties"] = std::move(properties);

  // -1 for "no current snapshot", as Java writes for v1 and v2 and older readers require
  // the field; PyIceberg and Java read -1 as absent. From v3 on it is null (Java's
  // MIN_NULL_CURRENT_SNAPSHOT_VERSION).
  if (md.current_snapshot_id) {
    out["current-snapshot-id"] = *md.current_snapshot_id;
  } else if (version >= 3) {
    out["current-snapshot-id"] = nullptr;
  } else {
    out["current-snapshot-id"] = -1;
  }
  if (version >= 3) out["next-row-id"] = md.next_row_id;
  if (!md.encryption_keys.empty()) {
    OJson keys = OJson::array();
    for (const auto& key : md.encryption_keys) keys.push_back(OJson::parse(key.json));
    out["encryption-keys"] = std::move(keys);
  }

  OJson refs = OJson::object();
  for (const auto& [name, ref] : md.refs) refs[name] = RefToJson(ref);
  if (md.current_snapshot_id && !refs.contains(kMainBranch)) {
    SnapshotRef main;
    main.snapshot_id = *md.current_snapshot_id;
    refs[kMainBranch] = RefToJson(main);
  }
  out["refs"] = std::move(refs);

  OJson snapshots = OJson::array();
  for (const auto& snapshot : md.snapshots) snapshots.push_back(SnapshotToJson(snapshot, version));
  out["snapshots"] = std::move(snapshots);
  out["statistics"] = CarriedArray(md.statistics);
  out["partition-statistics"] = CarriedArray(md.partition_statistics);

  OJson snapshot_log = OJson::array();
  for (const auto& entry : md.snapshot_log) {
    OJson e;
    e["timestamp-ms"] = entry.timestamp_ms;
    e["snapshot-id"] = entry.snapshot_id;
    snapshot_log.push_back(std::move(e));
  }
  out["snapshot-log"] = std::move(snapshot_log);

  OJson metadata_log = OJson::array();
  for (const auto& entry : md.metadata_log) {
    OJson e;
    e["timestamp-ms"] = entry.timestamp_ms;
    e["metadata-file"] = entry.metadata_file;
    metadata_log.push_back(std::move(e));
  }
  out["metadata-log"] = std::move(metadata_log);
  return out.dump();
}

}  // namespace floe::iceberg
