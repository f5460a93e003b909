#include "floe/iceberg/manifest/manifest_reader.h"

#include <charconv>
#include <utility>

#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/manifest_avro_internal.h"
#include "floe/iceberg/type/partition_spec.h"

namespace floe::iceberg {

using avro::AvroSchema;
using avro::AvroType;
using avro::AvroValue;
using internal::RecordView;
namespace id = internal::field_id;

namespace {

std::optional<int64_t> ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Prefixes an error with the manifest path unless the message already names it.
arrow::Status Named(const std::string& path, const arrow::Status& st) {
  if (st.ok() || st.message().find(path) != std::string::npos) return st;
  return arrow::Status(st.code(), "manifest " + path + ": " + st.message());
}

// Int-keyed maps are arrays of key/value records (spec Appendix A); a writer using an Avro
// map with string keys is accepted too.
template <typename V, typename Convert>
arrow::Status ReadMap(const RecordView& df, int32_t fid, std::map<int32_t, V>* out,
                      Convert convert) {
  const AvroValue* v = df.Get(fid);
  if (v == nullptr) return arrow::Status::OK();
  const AvroSchema* schema = df.SchemaOf(fid);
  if (v->kind == AvroValue::Kind::kMap) {
    for (size_t i = 0; i < v->keys.size() && i < v->children.size(); ++i) {
      auto key = ParseInt(v->keys[i]);
      if (!key) return arrow::Status::Invalid("map field ", fid, " has non-integer key");
      (*out)[static_cast<int32_t>(*key)] = convert(v->children[i]);
    }
    return arrow::Status::OK();
  }
  if (v->kind != AvroValue::Kind::kArray || schema->items == nullptr) {
    return arrow::Status::Invalid("map field ", fid, " is not an array of key/value records");
  }
  const AvroSchema& kv = internal::NonNull(*schema->items);
  int k = kv.FieldIndex("key");
  int val = kv.FieldIndex("value");
  if (k < 0 || val < 0) {
    return arrow::Status::Invalid("map field ", fid, " items lack key and value fields");
  }
  for (const AvroValue& item : v->children) {
    if (item.children.size() <= static_cast<size_t>(std::max(k, val))) {
      return arrow::Status::Invalid("map field ", fid, " has a malformed entry");
    }
    (*out)[item[static_cast<size_t>(k)].AsInt()] = convert(item[static_cast<size_t>(val)]);
  }
  return arrow::Status::OK();
}

template <typename T>
void ReadList(const RecordView& df, int32_t fid, std::vector<T>* out) {
  const AvroValue* v = df.Get(fid);
  if (v == nullptr) return;
  for (const AvroValue& item : v->children) out->push_back(static_cast<T>(item.integer));
}

arrow::Result<const AvroValue*> Required(const RecordView& view, int32_t fid,
                                         const char* name) {
  const AvroValue* v = view.Get(fid);
  if (v == nullptr) return arrow::Status::Invalid("entry has no ", name, " (field id ", fid, ")");
  return v;
}

}  // namespace

struct ManifestReader::Impl {
  std::unique_ptr<avro::ContainerReader> reader;
  /// For each partition type field, the index of its Avro field in the partition record, or
  /// -1 when the file does not have it.
  std::vector<int> partition_index;
};

ManifestReader::~ManifestReader() = default;

arrow::Result<std::unique_ptr<ManifestReader>> ManifestReader::Open(io::FileIO& io,
                                                                    const ManifestFile& manifest,
                                                                    TypePtr partition_type) {
  auto data = io.ReadAll(manifest.manifest_path);
  if (!data.ok()) return Named(manifest.manifest_path, data.status());
  return Open(std::move(*data), manifest, std::move(partition_type));
}

arrow::Result<std::unique_ptr<ManifestReader>> ManifestReader::Open(std::string data,
                                                                    const ManifestFile& manifest,
                                                                    TypePtr partition_type) {
  const std::string& path = manifest.manifest_path;
  auto fail = [&](auto&&... args) {
    return arrow::Status::Invalid("manifest ", path, ": ", std::forward<decltype(args)>(args)...);
  };
  auto container = avro::ContainerReader::Open(std::move(data), "manifest " + path);
  if (!container.ok()) return Named(path, container.status());

  std::unique_ptr<ManifestReader> r(new ManifestReader());
  r->impl_ = std::make_unique<Impl>();
  r->impl_->reader = std::move(*container);
  r->manifest_ = manifest;
  const AvroSchema& schema = *r->impl_->reader->schema();
  const auto& meta = r->impl_->reader->metadata();
  auto meta_of = [&](const char* key) -> const std::string* {
    auto it = meta.find(key);
    return it == meta.end() ? nullptr : &it->second;
  };

  if (schema.type != AvroType::kRecord) return fail("rows are not records");
  RecordView top(&schema, nullptr);
  const AvroSchema* df = top.SchemaOf(id::kDataFile);
  if (df == nullptr || df->type != AvroType::kRecord) return fail("no data_file field");
  const AvroSchema* partition = RecordView(df, nullptr).SchemaOf(id::kPartition);
  if (partition == nullptr || partition->type != AvroType::kRecord) {
    return fail("no partition field");
  }

  if (const std::string* v = meta_of("format-version")) {
    auto fv = ParseInt(*v);
    if (!fv || *fv < 1 || *fv > 3) return fail("unsupported format-version '", *v, "'");
    r->format_version_ = static_cast<int>(*fv);
  } else {
    // v1 writers did not always record the version; v2 adds sequence numbers and content.
    bool v2 = top.SchemaOf(id::kSequenceNumber) != nullptr ||
              RecordView(df, nullptr).SchemaOf(id::kContent) != nullptr;
    r->format_version_ = v2 ? 2 : 1;
  }
  r->content_ = manifest.content;
  if (const std::string* v = meta_of("content")) {
    if (*v == "data") {
      r->content_ = ManifestContent::kData;
    } else if (*v == "deletes") {
      r->content_ = ManifestContent::kDeletes;
    } else {
      return fail("unknown content '", *v, "'");
    }
  }
  if (const std::string* v = meta_of("schema")) r->schema_json_ = *v;
  if (const std::string* v = meta_of("partition-spec")) r->partition_spec_json_ = *v;
  if (const std::string* v = meta_of("schema-id")) {
    if (auto n = ParseInt(*v)) r->schema_id_ = static_cast<int32_t>(*n);
  }
  if (const std::string* v = meta_of("partition-spec-id")) {
    if (auto n = ParseInt(*v)) r->partition_spec_id_ = static_cast<int32_t>(*n);
  }

  // Partition fields: matched by field id; files whose partition fields carry no ids (very
  // early writers) are matched by position.
  bool has_ids = true;
  for (const auto& f : partition->fields) has_ids = has_ids && f.field_id().has_value();
  if (partition_type == nullptr) {
    std::vector<NestedField> fields;
    for (size_t i = 0; i < partition->fields.size(); ++i) {
      const auto& f = partition->fields[i];
      auto type = internal::AvroToIcebergPrimitive(*f.schema);
      if (!type.ok()) return fail("partition field ", f.name, ": ", type.status().message());
      std::string name = f.name;
      if (auto original = f.props.GetString("iceberg-field-name")) name = *original;
      int32_t fid = f.field_id().value_or(kFirstPartitionFieldId + static_cast<int32_t>(i));
      fields.push_back(NestedField{fid, std::move(name), *type, false, ""});
    }
    partition_type = Type::Struct(std::move(fields));
  } else if (partition_type->id() != TypeId::kStruct) {
    return fail("partition type ", partition_type->ToString(), " is not a struct");
  }
  for (size_t i = 0; i < partition_type->fields().size(); ++i) {
    int idx = has_ids ? partition->FieldIndexById(partition_type->fields()[i].id)
                      : (i < partition->fields.size() ? static_cast<int>(i) : -1);
    r->impl_->partition_index.push_back(idx);
  }
  r->partition_type_ = std::move(partition_type);
  return r;
}

arrow::Result<std::vector<ManifestEntry>> ManifestReader::Entries() {
  const std::string& path = manifest_.manifest_path;
  const AvroSchema& schema = *impl_->reader->schema();
  std::vector<ManifestEntry> entries;
  AvroValue datum;
  // First row ID inheritance (spec: "Row Lineage"): live data files without a first_row_id
  // take the manifest's, advanced by the record counts of those before them.
  std::optional<int64_t> next_row_id =
      manifest_.content == ManifestContent::kData ? manifest_.first_row_id : std::nullopt;
  // A committed manifest without one predates row lineage (a v2 manifest in a table
  // upgraded to v3): its files have no row ids, whatever an old writer put in them.
  const bool clear_row_ids =
      !manifest_.first_row_id && manifest_.sequence_number != kUnassignedSequenceNumber;
  while (true) {
    auto more = impl_->reader->Next(&datum);
    if (!more.ok()) return Named(path, more.status());
    if (!*more) break;
    auto entry = [&]() -> arrow::Result<ManifestEntry> {
      ManifestEntry e;
      RecordView top(&schema, &datum);
      ARROW_ASSIGN_OR_RAISE(auto status, Required(top, id::kStatus, "status"));
      if (status->integer < 0 || status->integer > 2) {
        return arrow::Status::Invalid("entry has invalid status ", status->integer);
      }
      e.status = static_cast<ManifestEntryStatus>(status->integer);
      if (auto* v = top.Get(id::kSnapshotId)) e.snapshot_id = v->integer;
      if (auto* v = top.Get(id::kSequenceNumber)) e.sequence_number = v->integer;
      if (auto* v = top.Get(id::kFileSequenceNumber)) e.file_sequence_number = v->integer;

      RecordView df = top.Record(id::kDataFile);
      if (!df.valid()) return arrow::Status::Invalid("entry has no data_file");
      DataFile& f = e.data_file;
      if (auto* v = df.Get(id::kContent)) {
        if (v->integer < 0 || v->integer > 2) {
          return arrow::Status::Invalid("data file has invalid content ", v->integer);
        }
        f.content = static_cast<DataFileContent>(v->integer);
      }
      ARROW_ASSIGN_OR_RAISE(auto file_path, Required(df, id::kFilePath, "file_path"));
      f.file_path = file_path->bytes;
      ARROW_ASSIGN_OR_RAISE(auto format, Required(df, id::kFileFormat, "file_format"));
      f.file_format = format->bytes;
      ARROW_ASSIGN_OR_RAISE(auto count, Required(df, id::kRecordCount, "record_count"));
      f.record_count = count->integer;
      ARROW_ASSIGN_OR_RAISE(auto size, Required(df, id::kFileSizeInBytes, "file_size_in_bytes"));
      f.file_size_in_bytes = size->integer;

      ARROW_ASSIGN_OR_RAISE(auto partition, Required(df, id::kPartition, "partition"));
      const auto& pfields = partition_type_->fields();
      for (size_t i = 0; i < pfields.size(); ++i) {
        int idx = impl_->partition_index[i];
        if (idx < 0 || static_cast<size_t>(idx) >= partition->children.size()) {
          f.partition.push_back(Literal::Null(pfields[i].type));
          continue;
        }
        auto lit = internal::AvroToLiteral(partition->children[static_cast<size_t>(idx)],
                                           pfields[i].type);
        if (!lit.ok()) {
          return arrow::Status::Invalid("file ", f.file_path, ", partition field ",
                                        pfields[i].name, ": ", lit.status().message());
        }
        f.partition.push_back(std::move(*lit));
      }

      auto as_long = [](const AvroValue& v) { return v.integer; };
      auto as_bytes = [](const AvroValue& v) { return v.bytes; };
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kColumnSizes, &f.column_sizes, as_long));
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kValueCounts, &f.value_counts, as_long));
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kNullValueCounts, &f.null_value_counts, as_long));
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kNanValueCounts, &f.nan_value_counts, as_long));
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kLowerBounds, &f.lower_bounds, as_bytes));
      ARROW_RETURN_NOT_OK(ReadMap(df, id::kUpperBounds, &f.upper_bounds, as_bytes));
      if (auto* v = df.Get(id::kKeyMetadata)) f.key_metadata = v->bytes;
      ReadList(df, id::kSplitOffsets, &f.split_offsets);
      ReadList(df, id::kEqualityIds, &f.equality_ids);
      if (auto* v = df.Get(id::kSortOrderId)) f.sort_order_id = v->AsInt();
      if (auto* v = df.Get(id::kFirstRowId)) f.first_row_id = v->integer;
      if (auto* v = df.Get(id::kReferencedDataFile)) f.referenced_data_file = v->bytes;
      if (auto* v = df.Get(id::kContentOffset)) f.content_offset = v->integer;
      if (auto* v = df.Get(id::kContentSizeInBytes)) f.content_size_in_bytes = v->integer;
      return e;
    }();
    if (!entry.ok()) return Named(path, entry.status());
    ManifestEntry& e = *entry;

    // Inheritance (spec: "Sequence Number Inheritance"): a null snapshot id comes from the
    // manifest list row; null sequence numbers are inherited by ADDED entries, and are 0 for
    // v1 manifests whose list row carries sequence number 0.
    if (!e.snapshot_id) e.snapshot_id = manifest_.added_snapshot_id;
    const int64_t seq = manifest_.sequence_number;
    bool inherit = seq >= 0 && (seq == 0 || e.status == ManifestEntryStatus::kAdded);
    if (!e.sequence_number && inherit) e.sequence_number = seq;
    if (!e.file_sequence_number && inherit) e.file_sequence_number = seq;
    e.data_file.spec_id = manifest_.partition_spec_id;
    if (next_row_id && e.status != ManifestEntryStatus::kDeleted &&
        e.data_file.content == DataFileContent::kData && !e.data_file.first_row_id) {
      e.data_file.first_row_id = *next_row_id;
      *next_row_id += e.data_file.record_count;
    } else if (clear_row_ids) {
      e.data_file.first_row_id.reset();
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

arrow::Result<std::vector<ManifestEntry>> ReadManifestEntries(io::FileIO& io,
                                                              const ManifestFile& manifest,
                                                              TypePtr partition_type) {
  ARROW_ASSIGN_OR_RAISE(auto reader,
                        ManifestReader::Open(io, manifest, std::move(partition_type)));
  return reader->Entries();
}

}  // namespace floe::iceberg
