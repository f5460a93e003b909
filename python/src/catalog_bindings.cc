// floe._floe.Catalog: namespaces and tables of a catalog configured like PyIceberg's.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "arrow_c.h"
#include "bindings.h"
#include "errors.h"
#include "floe/catalog/catalog_config.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/sort_order_text.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

using Namespace = std::vector<std::string>;
using Properties = catalog::Properties;

iceberg::TableIdentifier Identifier(const Namespace& ns, const std::string& name) {
  if (name.empty()) throw StatusError(arrow::Status::Invalid("a table name must not be empty"));
  return iceberg::TableIdentifier{ns, name};
}

std::shared_ptr<PyCatalog> Load(const std::string& name, const Properties& properties) {
  auto py = std::make_shared<PyCatalog>();
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto config, catalog::CatalogConfig::Load());
    ARROW_ASSIGN_OR_RAISE(auto named, catalog::LoadNamedCatalog(config, name, properties));
    py->catalog = std::move(named.catalog);
    py->properties = std::move(named.properties);
    return arrow::Status::OK();
  });
  return py;
}

// A table the catalog opens (creates, loads, registers) with the GIL released.
template <typename F>
std::shared_ptr<PyTable> Opened(const std::shared_ptr<PyCatalog>& catalog, F&& open) {
  auto py = std::make_shared<PyTable>();
  py->catalog = catalog;
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(py->table, open());
    return arrow::Status::OK();
  });
  return py;
}

// The schema of a new table: Arrow (by the C schema interface) or floe's schema text.
iceberg::Schema NewTableSchema(nb::handle arrow_schema, const std::optional<std::string>& text) {
  if (text) return Unwrap(iceberg::ParseSchemaText(*text));
  std::shared_ptr<arrow::Schema> schema = ImportSchema(arrow_schema);
  auto converted = iceberg::HasFieldIds(*schema) ? iceberg::FromArrowSchema(*schema)
                                                 : iceberg::FromArrowSchemaWithFreshIds(*schema);
  return *Unwrap(std::move(converted));
}

std::shared_ptr<PyTable> CreateTable(const std::shared_ptr<PyCatalog>& self, const Namespace& ns,
                                     const std::string& name, nb::handle arrow_schema,
                                     const std::optional<std::string>& schema_text,
                                     const std::string& partition_by, const std::string& sort_by,
                                     const std::string& location, const Properties& properties) {
  catalog::CreateTableRequest request;
  request.schema = NewTableSchema(arrow_schema, schema_text);
  if (!partition_by.empty()) {
    request.spec = Unwrap(iceberg::ParsePartitionText(partition_by, request.schema));
  }
  if (!sort_by.empty()) {
    request.sort_order = Unwrap(iceberg::ParseSortOrderText(sort_by, request.schema));
  }
  request.location = location;
  request.properties = properties;
  auto id = Identifier(ns, name);
  return Opened(self, [&] { return self->catalog->CreateTable(id, request); });
}

std::shared_ptr<PyTable> LoadTable(const std::shared_ptr<PyCatalog>& self, const Namespace& ns,
                                   const std::string& name) {
  auto id = Identifier(ns, name);
  return Opened(self, [&] { return self->catalog->LoadTable(id); });
}

std::shared_ptr<PyTable> RegisterTable(const std::shared_ptr<PyCatalog>& self,
                                       const Namespace& ns, const std::string& name,
                                       const std::string& metadata_location) {
  auto id = Identifier(ns, name);
  return Opened(self, [&] { return self->catalog->RegisterTable(id, metadata_location); });
}

// A value computed by the catalog with the GIL released.
template <typename T, typename F>
T Released(F&& f) {
  T out{};
  RunReleased([&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(out, f());
    return arrow::Status::OK();
  });
  return out;
}

}  // namespace

void BindCatalog(nb::module_& m) {
  using Self = const std::shared_ptr<PyCatalog>&;
  nb::class_<PyCatalog>(m, "Catalog")
      .def_prop_ro("name", [](Self c) { return c->catalog->name(); })
      .def_prop_ro("properties", [](Self c) { return c->properties; })
      .def("create_namespace",
           [](Self c, const Namespace& ns, const Properties& props) {
             RunReleased([&] { return c->catalog->CreateNamespace(ns, props); });
           })
      .def("namespace_exists",
           [](Self c, const Namespace& ns) {
             return Released<bool>([&] { return c->catalog->NamespaceExists(ns); });
           })
      .def("list_namespaces",
           [](Self c, const Namespace& parent) {
             return Released<std::vector<Namespace>>(
                 [&] { return c->catalog->ListNamespaces(parent); });
           })
      .def("drop_namespace",
           [](Self c, const Namespace& ns) {
             RunReleased([&] { return c->catalog->DropNamespace(ns); });
           })
      .def("load_namespace_properties",
           [](Self c, const Namespace& ns) {
             return Released<Properties>([&] { return c->catalog->LoadNamespaceProperties(ns); });
           })
      .def("update_namespace_properties",
           [](Self c, const Namespace& ns, const std::vector<std::string>& removals,
              const Properties& updates) {
             RunReleased(
                 [&] { return c->catalog->UpdateNamespaceProperties(ns, updates, removals); });
           })
      .def("list_tables",
           [](Self c, const Namespace& ns) {
             auto ids = Released<std::vector<iceberg::TableIdentifier>>(
                 [&] { return c->catalog->ListTables(ns); });
             std::vector<std::pair<Namespace, std::string>> out;
             for (auto& id : ids) out.emplace_back(id.ns, id.name);
             return out;
           })
      .def("create_table", &CreateTable, nb::arg("namespace"), nb::arg("name"),
           nb::arg("arrow_schema").none(), nb::arg("schema_text").none(), nb::arg("partition_by"),
           nb::arg("sort_by"), nb::arg("location"), nb::arg("properties"))
      .def("load_table", &LoadTable)
      .def("register_table", &RegisterTable)
      .def("table_exists",
           [](Self c, const Namespace& ns, const std::string& name) {
             auto id = Identifier(ns, name);
             return Released<bool>([&] { return c->catalog->TableExists(id); });
           })
      .def("drop_table",
           [](Self c, const Namespace& ns, const std::string& name, bool purge) {
             auto id = Identifier(ns, name);
             RunReleased([&] { return c->catalog->DropTable(id, purge); });
           })
      .def("rename_table", [](Self c, const Namespace& from_ns, const std::string& from,
                              const Namespace& to_ns, const std::string& to) {
        auto a = Identifier(from_ns, from);
        auto b = Identifier(to_ns, to);
        RunReleased([&] { return c->catalog->RenameTable(a, b); });
      });
  m.def("load_catalog", &Load, nb::arg("name"), nb::arg("properties"));
}

}  // namespace floe::python
