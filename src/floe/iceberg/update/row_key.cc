#include <arrow/array.h>
#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include "floe/iceberg/update/row_key_internal.h"

namespace floe::iceberg::row_level_internal {
namespace {

void AppendFixed(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

// Appends row `i` of `array` (non-null) to `out`; every value has a fixed width or a length
// prefix, so concatenated keys stay unambiguous.
arrow::Status AppendValue(const arrow::Array& array, int64_t i, std::string& out) {
  switch (array.type_id()) {
    case arrow::Type::BOOL: {
      out.push_back(static_cast<const arrow::BooleanArray&>(array).Value(i) ? 1 : 0);
      return arrow::Status::OK();
    }
    case arrow::Type::INT32:
    case arrow::Type::DATE32: {
      int64_t v = array.data()->GetValues<int32_t>(1)[i];
      AppendFixed(out, &v, sizeof(v));
      return arrow::Status::OK();
    }
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME64: {
      int64_t v = array.data()->GetValues<int64_t>(1)[i];
      AppendFixed(out, &v, sizeof(v));
      return arrow::Status::OK();
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      auto v = static_cast<const arrow::BinaryArray&>(array).GetView(i);
      uint32_t n = static_cast<uint32_t>(v.size());
      AppendFixed(out, &n, sizeof(n));
      out.append(v.data(), v.size());
      return arrow::Status::OK();
    }
    case arrow::Type::FIXED_SIZE_BINARY:
    case arrow::Type::DECIMAL128: {
      auto v = static_cast<const arrow::FixedSizeBinaryArray&>(array).GetView(i);
      out.append(v.data(), v.size());
      return arrow::Status::OK();
    }
    default: {
      ARROW_ASSIGN_OR_RAISE(auto scalar, array.GetScalar(i));
      std::string text = scalar->ToString();
      uint32_t n = static_cast<uint32_t>(text.size());
      AppendFixed(out, &n, sizeof(n));
      out += text;
      return arrow::Status::OK();
    }
  }
}

}  // namespace

arrow::Result<std::vector<std::string>> EncodeRowKeys(const arrow::RecordBatch& batch,
                                                      const std::vector<std::string>& columns,
                                                      std::vector<bool>* has_null) {
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (const auto& name : columns) {
    auto array = batch.GetColumnByName(name);
    if (!array) return arrow::Status::Invalid("no key column '", name, "' in the rows");
    arrays.push_back(std::move(array));
  }
  const int64_t n = batch.num_rows();
  std::vector<std::string> keys(static_cast<size_t>(n));
  has_null->assign(static_cast<size_t>(n), false);
  for (int64_t i = 0; i < n; ++i) {
    std::string& key = keys[static_cast<size_t>(i)];
    for (const auto& array : arrays) {
      if (array->IsNull(i)) {
        (*has_null)[static_cast<size_t>(i)] = true;
        break;
      }
      ARROW_RETURN_NOT_OK(AppendValue(*array, i, key));
    }
  }
  return keys;
}

std::string DescribeRowKey(const arrow::RecordBatch& batch, const std::vector<std::string>& columns,
                           int64_t row) {
  std::string out;
  for (const auto& name : columns) {
    if (!out.empty()) out += ", ";
    out += name + "=";
    auto array = batch.GetColumnByName(name);
    auto scalar =
        array ? array->GetScalar(row)
              : arrow::Result<std::shared_ptr<arrow::Scalar>>(arrow::Status::Invalid("missing"));
    if (!scalar.ok()) {
      out += "?";
    } else if (!(*scalar)->is_valid) {
      out += "NULL";
    } else if (arrow::is_base_binary_like(array->type_id())) {
      out += "'" + (*scalar)->ToString() + "'";
    } else {
      out += (*scalar)->ToString();
    }
  }
  return out;
}

}  // namespace floe::iceberg::row_level_internal
