#include "floe/iceberg/data/default_array.h"

#include <arrow/array/util.h>
#include <arrow/compute/cast.h>
#include <arrow/extension_type.h>
#include <arrow/scalar.h>

#include "floe/iceberg/expression/arrow_filter.h"

namespace floe::iceberg {

arrow::Result<std::shared_ptr<arrow::Array>> MakeDefaultArray(
    const std::shared_ptr<const Literal>& value, const std::shared_ptr<arrow::DataType>& type,
    int64_t length) {
  if (!value || value->is_null()) return arrow::MakeArrayOfNull(type, length);
  ARROW_ASSIGN_OR_RAISE(auto scalar, LiteralToArrowScalar(*value));
  if (type->id() == arrow::Type::EXTENSION) {
    // arrow.uuid: the fixed_size_binary(16) storage wrapped in the extension type.
    const auto& storage = static_cast<const arrow::ExtensionType&>(*type).storage_type();
    if (!scalar->type->Equals(*storage)) {
      return arrow::Status::TypeError("default ", value->ToString(), " cannot fill a ",
                                      type->ToString(), " column");
    }
    scalar = std::make_shared<arrow::ExtensionScalar>(std::move(scalar), type);
  } else if (!scalar->type->Equals(*type)) {
    ARROW_ASSIGN_OR_RAISE(auto cast, scalar->CastTo(type));
    scalar = std::move(cast);
  }
  return arrow::MakeArrayFromScalar(*scalar, length);
}

}  // namespace floe::iceberg
