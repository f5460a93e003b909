#include "floe/format/avro/avro_schema.h"

#include <limits>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro {

using nlohmann::json;

namespace internal {

std::string_view TypeName(AvroType type) {
  switch (type) {
    case AvroType::kNull: return "null";
    case AvroType::kBoolean: return "boolean";
    case AvroType::kInt: return "int";
    case AvroType::kLong: return "long";
    case AvroType::kFloat: return "float";
    case AvroType::kDouble: return "double";
    case AvroType::kBytes: return "bytes";
    case AvroType::kString: return "string";
    case AvroType::kRecord: return "record";
    case AvroType::kEnum: return "enum";
    case AvroType::kArray: return "array";
    case AvroType::kMap: return "map";
    case AvroType::kUnion: return "union";
    case AvroType::kFixed: return "fixed";
  }
  return "unknown";
}

bool IsPrimitive(AvroType type) {
  switch (type) {
    case AvroType::kNull:
    case AvroType::kBoolean:
    case AvroType::kInt:
    case AvroType::kLong:
    case AvroType::kFloat:
    case AvroType::kDouble:
    case AvroType::kBytes:
    case AvroType::kString:
      return true;
    default:
      return false;
  }
}

json PropValueToJson(const AvroPropValue& value) {
  struct ToJson {
    json operator()(std::nullptr_t) const { return nullptr; }
    json operator()(bool b) const { return b; }
    json operator()(int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(const std::string& str) const { return str; }
    json operator()(const AvroRawJson& raw) const {
      json j = json::parse(raw.text, nullptr, /*allow_exceptions=*/false);
      return j.is_discarded() ? json(raw.text) : j;
    }
  };
  return std::visit(ToJson{}, value);
}

AvroPropValue PropValueFromJson(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return nullptr;
    case json::value_t::boolean: return value.get<bool>();
    case json::value_t::number_integer: return value.get<int64_t>();
    case json::value_t::number_unsigned:
      if (value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return value.get<int64_t>();
      }
      break;  // kept as text: a double would change the digits written back
    case json::value_t::number_float: return value.get<double>();
    case json::value_t::string: return value.get<std::string>();
    default: break;
  }
  return AvroRawJson{value.dump()};
}

int64_t MinEncodedSize(const AvroSchema& schema) {
  // Saturate so that absurd schemas cannot overflow; any bound above a block size will do.
  constexpr int64_t kCap = int64_t{1} << 40;
  switch (schema.type) {
    case AvroType::kNull: return 0;
    case AvroType::kFloat: return 4;
    case AvroType::kDouble: return 8;
    case AvroType::kFixed: return schema.size;
    case AvroType::kRecord: {
      int64_t total = 0;
      for (const auto& f : schema.fields) {
        if (f.schema) total += MinEncodedSize(*f.schema);
        if (total > kCap) return kCap;
      }
      return total;
    }
    // boolean, int, long, bytes, string, enum, array, map and union take at least one byte.
    default: return 1;
  }
}

}  // namespace internal

namespace {

constexpr int kMaxDepth = 128;  // nesting bound: keeps recursion over schemas shallow

std::optional<AvroType> PrimitiveFromName(std::string_view name) {
  static const std::pair<std::string_view, AvroType> kPrimitives[] = {
      {"null", AvroType::kNull},     {"boolean", AvroType::kBoolean},
      {"int", AvroType::kInt},       {"long", AvroType::kLong},
      {"float", AvroType::kFloat},   {"double", AvroType::kDouble},
      {"bytes", AvroType::kBytes},   {"string", AvroType::kString},
  };
  for (const auto& [n, t] : kPrimitives) {
    if (n == name) return t;
  }
  return std::nullopt;
}

std::string NamespaceOf(const std::string& full_name) {
  size_t dot = full_name.rfind('.');
  return dot == std::string::npos ? std::string() : full_name.substr(0, dot);
}

std::string ShortName(const std::string& full_name) {
  size_t dot = full_name.rfind('.');
  return dot == std::string::npos ? full_name : full_name.substr(dot + 1);
}

arrow::Status SchemaError(const std::string& what) {
  return arrow::Status::Invalid("Avro schema: ", what);
}

/// Copies every attribute of `obj` except the listed ones.
AvroProps PropsExcept(const json& obj, std::initializer_list<std::string_view> reserved) {
  AvroProps props;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool skip = false;
    for (auto r : reserved) skip = skip || it.key() == r;
    if (!skip) props.Set(it.key(), internal::PropValueFromJson(it.value()));
  }
  return props;
}

// nlohmann::json sorts members by key, so the written order does not depend on `props`' order.
json PropsToJson(const AvroProps& props) {
  json j = json::object();
  for (const auto& [key, value] : props) j[key] = internal::PropValueToJson(value);
  return j;
}

// Recursive-descent parser; names are registered once their definition is complete, so a
// definition can refer to any earlier one. Recursive types (a record naming itself) are
// reported as unsupported: Iceberg never writes them and they would make cyclic schemas.
class Parser {
 public:
  arrow::Result<AvroSchemaPtr> Parse(const json& j, const std::string& ns, int depth) {
    if (depth > kMaxDepth) return SchemaError("nesting deeper than " + std::to_string(kMaxDepth));
    if (j.is_string()) return ParseName(j.get<std::string>(), ns);
    if (j.is_array()) return ParseUnion(j, ns, depth);
    if (j.is_object()) return ParseObject(j, ns, depth);
    return SchemaError("expected a type name, object or union array, got " + j.dump());
  }

 private:
  arrow::Result<AvroSchemaPtr> ParseName(const std::string& name, const std::string& ns) {
    if (auto prim = PrimitiveFromName(name)) return MakePrimitive(*prim);
    std::string qualified = name.find('.') == std::string::npos && !ns.empty()
                                ? ns + "." + name
                                : name;
    const std::string* candidates[] = {&qualified, &name};
    for (const std::string* candidate : candidates) {
      if (auto it = named_.find(*candidate); it != named_.end()) return it->second;
      if (in_progress_.count(*candidate) > 0) {
        return SchemaError("recursive reference to '" + *candidate + "' is not supported");
      }
    }
    return SchemaError("unknown type '" + name + "'");
  }

  arrow::Result<AvroSchemaPtr> ParseUnion(const json& j, const std::string& ns, int depth) {
    auto s = std::make_shared<AvroSchema>();
    s->type = AvroType::kUnion;
    for (const auto& b : j) {
      ARROW_ASSIGN_OR_RAISE(auto branch, Parse(b, ns, depth + 1));
      s->branches.push_back(std::move(branch));
    }
    ARROW_RETURN_NOT_OK(CheckUnion(*s));
    return s;
  }

  // Full name of a record/enum/fixed from its "name" and "namespace" attributes.
  arrow::Result<std::string> FullName(const json& j, const std::string& ns) {
    auto name_it = j.find("name");
    if (name_it == j.end() || !name_it->is_string() || name_it->get<std::string>().empty()) {
      return SchemaError("named type without a \"name\": " + j.dump());
    }
    std::string name = name_it->get<std::string>();
    if (name.find('.') != std::string::npos) return name;
    std::string space = ns;
    if (auto ns_it = j.find("namespace"); ns_it != j.end()) {
      if (ns_it->is_string()) {
        space = ns_it->get<std::string>();
      } else if (!ns_it->is_null()) {
        return SchemaError("\"namespace\" of '" + name + "' is not a string");
      }
    }
    return space.empty() ? name : space + "." + name;
  }

  arrow::Status Register(const AvroSchemaPtr& s) {
    in_progress_.erase(s->name);
    if (PrimitiveFromName(s->name)) return SchemaError("'" + s->name + "' redefines a primitive");
    if (!named_.emplace(s->name, s).second) {
      return SchemaError("type '" + s->name + "' is defined twice");
    }
    return arrow::Status::OK();
  }

  arrow::Status BeginNamed(const std::string& name) {
    if (named_.count(name) > 0 || !in_progress_.insert(name).second) {
      return SchemaError("type '" + name + "' is defined twice");
    }
    return arrow::Status::OK();
  }

  arrow::Result<AvroSchemaPtr> ParseObject(const json& j, const std::string& ns, int depth) {
    auto type_it = j.find("type");
    if (type_it == j.end()) return SchemaError("object without \"type\": " + j.dump());
    if (!type_it->is_string()) {
      return SchemaError("\"type\" must be a string in a type definition: " + j.dump());
    }
    const std::string type = type_it->get<std::string>();
    auto s = std::make_shared<AvroSchema>();

    if (auto prim = PrimitiveFromName(type)) {
      s->type = *prim;
      s->props = PropsExcept(j, {"type"});  // e.g. logicalType, adjust-to-utc
      return s;
    }
    if (type == "record" || type == "error") {
      s->type = AvroType::kRecord;
      ARROW_ASSIGN_OR_RAISE(s->name, FullName(j, ns));
      ARROW_RETURN_NOT_OK(BeginNamed(s->name));
      s->props = PropsExcept(j, {"type", "name", "namespace", "fields"});
      auto fields_it = j.find("fields");
      if (fields_it == j.end() || !fields_it->is_array()) {
        return SchemaError("record '" + s->name + "' has no \"fields\" array");
      }
      const std::string inner_ns = NamespaceOf(s->name);
      std::set<std::string> seen;
      for (const auto& fj : *fields_it) {
        ARROW_ASSIGN_OR_RAISE(AvroField field, ParseField(fj, s->name, inner_ns, depth));
        if (!seen.insert(field.name).second) {
          return SchemaError("record '" + s->name + "' has two fields named '" + field.name + "'");
        }
        s->fields.push_back(std::move(field));
      }
      ARROW_RETURN_NOT_OK(Register(s));
      return s;
    }
    if (type == "enum") {
      s->type = AvroType::kEnum;
      ARROW_ASSIGN_OR_RAISE(s->name, FullName(j, ns));
      ARROW_RETURN_NOT_OK(BeginNamed(s->name));
      s->props = PropsExcept(j, {"type", "name", "namespace", "symbols"});
      auto sym_it = j.find("symbols");
      if (sym_it == j.end() || !sym_it->is_array()) {
        return SchemaError("enum '" + s->name + "' has no \"symbols\" array");
      }
      std::set<std::string> seen;
      for (const auto& sym : *sym_it) {
        if (!sym.is_string() || !seen.insert(sym.get<std::string>()).second) {
          return SchemaError("enum '" + s->name + "' has a bad or repeated symbol " + sym.dump());
        }
        s->symbols.push_back(sym.get<std::string>());
      }
      ARROW_RETURN_NOT_OK(Register(s));
      return s;
    }
    if (type == "fixed") {
      s->type = AvroType::kFixed;
      ARROW_ASSIGN_OR_RAISE(s->name, FullName(j, ns));
      ARROW_RETURN_NOT_OK(BeginNamed(s->name));
      s->props = PropsExcept(j, {"type", "name", "namespace", "size"});
      auto size_it = j.find("size");
      if (size_it == j.end() || !size_it->is_number_integer() || size_it->get<int64_t>() < 0 ||
          size_it->get<int64_t>() > INT32_MAX) {
        return SchemaError("fixed '" + s->name + "' needs a non-negative integer \"size\"");
      }
      s->size = static_cast<int32_t>(size_it->get<int64_t>());
      ARROW_RETURN_NOT_OK(Register(s));
      return s;
    }
    if (type == "array" || type == "map") {
      const bool is_array = type == "array";
      s->type = is_array ? AvroType::kArray : AvroType::kMap;
      const char* child_key = is_array ? "items" : "values";
      auto child_it = j.find(child_key);
      if (child_it == j.end()) return SchemaError(type + " without \"" + child_key + "\"");
      ARROW_ASSIGN_OR_RAISE(auto child, Parse(*child_it, ns, depth + 1));
      (is_array ? s->items : s->values) = std::move(child);
      s->props = PropsExcept(j, {"type", child_key});  // element-id, key-id, value-id, ...
      return s;
    }
    // {"type": "SomeName"}: a reference to a named type written as an object.
    return ParseName(type, ns);
  }

  arrow::Result<AvroField> ParseField(const json& fj, const std::string& record,
                                      const std::string& ns, int depth) {
    if (!fj.is_object()) return SchemaError("record '" + record + "' has a non-object field");
    auto name_it = fj.find("name");
    if (name_it == fj.end() || !name_it->is_string() || name_it->get<std::string>().empty()) {
      return SchemaError("record '" + record + "' has a field without a name: " + fj.dump());
    }
    AvroField field;
    field.name = name_it->get<std::string>();
    auto type_it = fj.find("type");
    if (type_it == fj.end()) {
      return SchemaError("field '" + record + "." + field.name + "' has no \"type\"");
    }
    auto parsed = Parse(*type_it, ns, depth + 1);
    if (!parsed.ok()) {
      return parsed.status().WithMessage(parsed.status().message(), " (in field '", record, ".",
                                         field.name, "')");
    }
    field.schema = std::move(parsed).ValueUnsafe();
    if (auto doc_it = fj.find("doc"); doc_it != fj.end() && doc_it->is_string()) {
      field.doc = doc_it->get<std::string>();
      field.props = PropsExcept(fj, {"name", "type", "doc"});
    } else {
      field.props = PropsExcept(fj, {"name", "type"});
    }
    return field;
  }

 public:
  // Spec: unions may not contain unions, nor two branches of the same unnamed type.
  static arrow::Status CheckUnion(const AvroSchema& u) {
    std::set<std::string> seen;
    for (const auto& b : u.branches) {
      if (!b) return SchemaError("union with a missing branch");
      if (b->type == AvroType::kUnion) return SchemaError("a union may not contain a union");
      std::string key = b->name.empty() ? std::string(internal::TypeName(b->type)) : b->name;
      if (!seen.insert(key).second) return SchemaError("union has two branches of type " + key);
    }
    return arrow::Status::OK();
  }

 private:
  std::map<std::string, AvroSchemaPtr, std::less<>> named_;
  std::set<std::string> in_progress_;
};

// Writes a schema; named types are defined at first use and referenced by full name after.
json ToJsonImpl(const AvroSchema& s, const std::string& enclosing_ns,
                std::set<std::string>* defined) {
  const std::string type_name(internal::TypeName(s.type));
  if (internal::IsPrimitive(s.type)) {
    if (s.props.empty()) return type_name;
    json j = PropsToJson(s.props);
    j["type"] = type_name;
    return j;
  }
  if (s.type == AvroType::kUnion) {
    json arr = json::array();
    for (const auto& b : s.branches) {
      arr.push_back(b ? ToJsonImpl(*b, enclosing_ns, defined) : json("null"));
    }
    return arr;
  }
  json j = PropsToJson(s.props);
  j["type"] = type_name;
  if (s.type == AvroType::kArray || s.type == AvroType::kMap) {
    const AvroSchemaPtr& child = s.type == AvroType::kArray ? s.items : s.values;
    j[s.type == AvroType::kArray ? "items" : "values"] =
        child ? ToJsonImpl(*child, enclosing_ns, defined) : json("null");
    return j;
  }
  // Record, enum, fixed.
  if (!defined->insert(s.name).second) return s.name;
  const std::string ns = NamespaceOf(s.name);
  j["name"] = ShortName(s.name);
  // An explicit namespace keeps the full name exact when nested inside another namespace.
  if (!ns.empty() || !enclosing_ns.empty()) j["namespace"] = ns;
  if (s.type == AvroType::kFixed) {
    j["size"] = s.size;
  } else if (s.type == AvroType::kEnum) {
    j["symbols"] = s.symbols;
  } else {
    json fields = json::array();
    for (const auto& f : s.fields) {
      json fj = PropsToJson(f.props);
      fj["name"] = f.name;
      fj["type"] = f.schema ? ToJsonImpl(*f.schema, ns, defined) : json("null");
      if (!f.doc.empty()) fj["doc"] = f.doc;
      fields.push_back(std::move(fj));
    }
    j["fields"] = std::move(fields);
  }
  return j;
}

}  // namespace

AvroProps::AvroProps(std::initializer_list<Entry> entries) {
  for (const auto& [key, value] : entries) Set(key, value);
}

const AvroPropValue* AvroProps::Find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

std::optional<int64_t> AvroProps::GetInt(std::string_view key) const {
  const AvroPropValue* v = Find(key);
  if (const int64_t* i = v ? std::get_if<int64_t>(v) : nullptr) return *i;
  return std::nullopt;
}

std::optional<std::string> AvroProps::GetString(std::string_view key) const {
  const AvroPropValue* v = Find(key);
  if (const std::string* str = v ? std::get_if<std::string>(v) : nullptr) return *str;
  return std::nullopt;
}

std::optional<bool> AvroProps::GetBool(std::string_view key) const {
  const AvroPropValue* v = Find(key);
  if (const bool* b = v ? std::get_if<bool>(v) : nullptr) return *b;
  return std::nullopt;
}

void AvroProps::Set(std::string key, AvroPropValue value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

bool AvroProps::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<int32_t> AvroField::field_id() const {
  std::optional<int64_t> id = props.GetInt("field-id");
  if (!id || *id < INT32_MIN || *id > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*id);
}

arrow::Result<AvroSchemaPtr> AvroSchema::Parse(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return SchemaError("not valid JSON");
  Parser parser;
  return parser.Parse(j, "", 0);
}

namespace internal {

json SchemaToJson(const AvroSchema& schema) {
  std::set<std::string> defined;
  return ToJsonImpl(schema, "", &defined);
}

}  // namespace internal

std::string AvroSchema::ToJsonString() const { return internal::SchemaToJson(*this).dump(); }

int AvroSchema::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

int AvroSchema::FieldIndexById(int32_t field_id) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].field_id() == field_id) return static_cast<int>(i);
  }
  return -1;
}

AvroSchemaPtr MakePrimitive(AvroType type) {
  auto s = std::make_shared<AvroSchema>();
  s->type = type;
  return s;
}

AvroSchemaPtr MakeOptional(AvroSchemaPtr schema) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kUnion;
  s->branches.push_back(MakePrimitive(AvroType::kNull));
  if (schema && schema->type == AvroType::kUnion) {
    // Already a union: add "null" in front unless it is there (unions cannot nest).
    for (const auto& b : schema->branches) {
      if (b && b->type == AvroType::kNull) return schema;
    }
    for (const auto& b : schema->branches) s->branches.push_back(b);
    return s;
  }
  s->branches.push_back(std::move(schema));
  return s;
}

AvroSchemaPtr MakeArray(AvroSchemaPtr items, AvroProps props) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kArray;
  s->items = std::move(items);
  s->props = std::move(props);
  return s;
}

AvroSchemaPtr MakeMap(AvroSchemaPtr values, AvroProps props) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kMap;
  s->values = std::move(values);
  s->props = std::move(props);
  return s;
}

AvroSchemaPtr MakeFixed(std::string name, int32_t size) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kFixed;
  s->name = std::move(name);
  s->size = size;
  return s;
}

AvroSchemaPtr MakeRecord(std::string name, std::vector<AvroField> fields) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kRecord;
  s->name = std::move(name);
  s->fields = std::move(fields);
  return s;
}

}  // namespace floe::avro
