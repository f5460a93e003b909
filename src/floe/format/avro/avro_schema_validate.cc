// Checks run before a schema is written into a container file, so that floe never produces
// a file that another Avro reader (Java, fastavro, ...) rejects. Reading stays lenient.

#include <map>
#include <set>
#include <string>

#include "floe/format/avro/avro_schema_internal.h"

namespace floe::avro::internal {
namespace {

constexpr int kMaxDepth = 128;

// Avro names: [A-Za-z_][A-Za-z0-9_]* (spec "Names").
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return true;
}

bool IsValidFullName(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (!IsValidName(name.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

class Validator {
 public:
  arrow::Status Check(const AvroSchemaPtr& s, const std::string& path, int depth) {
    if (!s) return Error(path, "missing schema");
    if (depth > kMaxDepth) return Error(path, "nesting too deep");
    switch (s->type) {
      case AvroType::kRecord:
      case AvroType::kEnum:
      case AvroType::kFixed: {
        if (!IsValidFullName(s->name)) return Error(path, "invalid name '" + s->name + "'");
        auto [it, inserted] = names_.emplace(s->name, s.get());
        if (!inserted) {
          // A name may be reused only for the same definition: later uses become references.
          if (it->second == s.get() ||
              internal::SchemaToJson(*it->second) == internal::SchemaToJson(*s)) {
            return arrow::Status::OK();
          }
          return Error(path, "two different types are named '" + s->name + "'");
        }
        return CheckNamed(*s, path, depth);
      }
      case AvroType::kArray:
        return Check(s->items, path + "[]", depth + 1);
      case AvroType::kMap:
        return Check(s->values, path + "{}", depth + 1);
      case AvroType::kUnion: {
        std::set<std::string> seen;
        for (const auto& b : s->branches) {
          if (!b) return Error(path, "union with a missing branch");
          if (b->type == AvroType::kUnion) return Error(path, "a union may not contain a union");
          std::string key = b->name.empty() ? std::string(TypeName(b->type)) : b->name;
          if (!seen.insert(key).second) return Error(path, "union has two branches " + key);
          ARROW_RETURN_NOT_OK(Check(b, path, depth + 1));
        }
        return arrow::Status::OK();
      }
      default:
        return arrow::Status::OK();
    }
  }

 private:
  arrow::Status CheckNamed(const AvroSchema& s, const std::string& path, int depth) {
    if (s.type == AvroType::kFixed) {
      if (s.size < 0) return Error(path, "fixed '" + s.name + "' has a negative size");
      return arrow::Status::OK();
    }
    if (s.type == AvroType::kEnum) {
      std::set<std::string_view> seen;
      for (const auto& sym : s.symbols) {
        if (!IsValidName(sym) || !seen.insert(sym).second) {
          return Error(path, "enum '" + s.name + "' has an invalid or repeated symbol '" + sym +
                                 "'");
        }
      }
      return arrow::Status::OK();
    }
    std::set<std::string_view> seen;
    for (const auto& f : s.fields) {
      std::string field_path = path.empty() ? f.name : path + "." + f.name;
      if (!IsValidName(f.name)) return Error(field_path, "invalid field name '" + f.name + "'");
      if (!seen.insert(f.name).second) return Error(field_path, "repeated field name");
      ARROW_RETURN_NOT_OK(Check(f.schema, field_path, depth + 1));
    }
    return arrow::Status::OK();
  }

  static arrow::Status Error(const std::string& path, const std::string& what) {
    return arrow::Status::Invalid("Avro schema", path.empty() ? "" : " at '" + path + "'", ": ",
                                  what);
  }

  std::map<std::string, const AvroSchema*> names_;
};

}  // namespace

arrow::Status ValidateForWriting(const AvroSchema& schema) {
  // Wrap in a non-owning pointer so the walker can treat the root like any child.
  AvroSchemaPtr root(&schema, [](const AvroSchema*) {});
  return Validator().Check(root, "", 0);
}

}  // namespace floe::avro::internal
