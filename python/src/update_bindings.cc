// floe._floe.UpdateSchema and UpdateSpec: the builders behind the Python context managers
// `table.update_schema()` and `table.update_spec()`; the changes commit together on exit.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "arrow_c.h"
#include "bindings.h"
#include "errors.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/update_partition_spec.h"
#include "floe/iceberg/update/update_schema.h"

namespace nb = nanobind;

namespace floe::python {

namespace {

struct PyUpdateSchema {
  std::shared_ptr<PyTable> table;
  std::unique_ptr<iceberg::UpdateSchema> update;
};

struct PyUpdateSpec {
  std::shared_ptr<PyTable> table;
  std::unique_ptr<iceberg::UpdatePartitionSpec> update;
};

std::optional<iceberg::Literal> Default(const std::optional<std::string>& text,
                                        const iceberg::TypePtr& type) {
  if (!text) return std::nullopt;
  return Unwrap(iceberg::ParseValueText(*text, type));
}

iceberg::TypePtr TypeOf(const std::string& text) { return Unwrap(iceberg::ParseTypeText(text)); }

}  // namespace

void BindUpdates(nb::module_& m) {
  using S = PyUpdateSchema&;
  nb::class_<PyUpdateSchema>(m, "UpdateSchema")
      .def("add_column",
           [](S u, const std::string& path, const std::string& type, const std::string& doc,
              bool required, const std::optional<std::string>& default_value) {
             auto t = TypeOf(type);
             auto value = Default(default_value, t);
             if (required) {
               u.update->AddRequiredColumn(path, t, doc, value);
             } else {
               u.update->AddColumn(path, t, doc, value);
             }
           },
           nb::arg("path"), nb::arg("type"), nb::arg("doc"), nb::arg("required"),
           nb::arg("default_value").none())
      .def("set_default",
           [](S u, const std::string& name, const std::optional<std::string>& value) {
             if (!value) {
               u.update->UpdateColumnDefault(name, iceberg::Literal::Null());
               return;
             }
             const auto* field = u.table->table->metadata().CurrentSchema()->FindFieldByName(name);
             if (field == nullptr) {
               throw StatusError(arrow::Status::KeyError("no column '", name, "'"));
             }
             u.update->UpdateColumnDefault(name, *Default(value, field->type));
           },
           nb::arg("name"), nb::arg("value").none())
      .def("delete_column", [](S u, const std::string& name) { u.update->DeleteColumn(name); })
      .def("rename_column",
           [](S u, const std::string& name, const std::string& new_name) {
             u.update->RenameColumn(name, new_name);
           })
      .def("update_column_type",
           [](S u, const std::string& name, const std::string& type) {
             u.update->UpdateColumnType(name, TypeOf(type));
           })
      .def("make_column_optional",
           [](S u, const std::string& name) { u.update->MakeColumnOptional(name); })
      .def("update_column_doc",
           [](S u, const std::string& name, const std::string& doc) {
             u.update->UpdateColumnDoc(name, doc);
           })
      .def("move_first", [](S u, const std::string& name) { u.update->MoveFirst(name); })
      .def("move_before",
           [](S u, const std::string& name, const std::string& other) {
             u.update->MoveBefore(name, other);
           })
      .def("move_after",
           [](S u, const std::string& name, const std::string& other) {
             u.update->MoveAfter(name, other);
           })
      .def("set_identifier_fields",
           [](S u, std::vector<std::string> names) {
             u.update->SetIdentifierFields(std::move(names));
           })
      .def("commit", [](S u) { RunReleased([&] { return u.update->Commit(); }); });

  using P = PyUpdateSpec&;
  nb::class_<PyUpdateSpec>(m, "UpdateSpec")
      .def("add_field", [](P u, const std::string& term, const std::optional<std::string>& name) {
             u.update->AddField(term, name);
           }, nb::arg("term"), nb::arg("name").none())
      .def("remove_field", [](P u, const std::string& name) { u.update->RemoveField(name); })
      .def("rename_field",
           [](P u, const std::string& name, const std::string& new_name) {
             u.update->RenameField(name, new_name);
           })
      .def("commit", [](P u) { RunReleased([&] { return u.update->Commit(); }); });

  m.def("update_schema", [](const std::shared_ptr<PyTable>& t) {
    return new PyUpdateSchema{t, std::make_unique<iceberg::UpdateSchema>(t->table)};
  }, nb::rv_policy::take_ownership);
  m.def("update_spec", [](const std::shared_ptr<PyTable>& t) {
    return new PyUpdateSpec{t, std::make_unique<iceberg::UpdatePartitionSpec>(t->table)};
  }, nb::rv_policy::take_ownership);
  // The type text of each field of an Arrow schema (how Python passes pyarrow types).
  m.def("arrow_type_texts", [](nb::handle schema_capsule) {
    auto schema = Unwrap(iceberg::FromArrowSchemaWithFreshIds(*ImportSchema(schema_capsule)));
    std::vector<std::string> out;
    for (const auto& field : schema->fields()) out.push_back(iceberg::TypeToText(*field.type));
    return out;
  });
}

}  // namespace floe::python
