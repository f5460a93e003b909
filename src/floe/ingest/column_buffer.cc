#include <algorithm>
#include <cstring>

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/type.h>
#include <arrow/util/bit_util.h>

#include "floe/ingest/column_buffer_internal.h"

namespace floe::ingest::internal {
namespace {

/// One byte per row packed into an Arrow validity bitmap; none when no row is null.
arrow::Result<std::shared_ptr<arrow::Buffer>> PackValidity(const std::vector<uint8_t>& valid,
                                                           int64_t null_count) {
  if (null_count == 0) return nullptr;
  const auto rows = static_cast<int64_t>(valid.size());
  ARROW_ASSIGN_OR_RAISE(auto validity, arrow::AllocateBitmap(rows));
  uint8_t* bits = validity->mutable_data();
  std::memset(bits, 0, static_cast<size_t>(arrow::bit_util::BytesForBits(rows)));
  for (int64_t i = 0; i < rows; ++i) {
    if (valid[static_cast<size_t>(i)]) arrow::bit_util::SetBit(bits, i);
  }
  return validity;
}

}  // namespace

arrow::Status StringColumnBuffer::EnsureFirstOffset() {
  if (offsets_.length() > 0) return arrow::Status::OK();
  const int32_t zero = 0;
  return offsets_.Append(&zero, sizeof(zero));
}

int32_t StringColumnBuffer::OffsetAt(int64_t row) const {
  int32_t offset;
  std::memcpy(&offset, offsets_.data() + row * sizeof(int32_t), sizeof(offset));
  return offset;
}

arrow::Result<char*> StringColumnBuffer::Append(std::string_view value) {
  ARROW_RETURN_NOT_OK(EnsureFirstOffset());
  const int64_t start = data_.length();
  ARROW_RETURN_NOT_OK(data_.Append(value.data(), static_cast<int64_t>(value.size())));
  const int32_t end = static_cast<int32_t>(data_.length());
  ARROW_RETURN_NOT_OK(offsets_.Append(&end, sizeof(end)));
  valid_.push_back(1);
  return reinterpret_cast<char*>(data_.mutable_data() + start);
}

arrow::Status StringColumnBuffer::AppendNull() {
  ARROW_RETURN_NOT_OK(EnsureFirstOffset());
  const int32_t end = static_cast<int32_t>(data_.length());
  ARROW_RETURN_NOT_OK(offsets_.Append(&end, sizeof(end)));
  valid_.push_back(0);
  ++null_count_;
  return arrow::Status::OK();
}

void StringColumnBuffer::Truncate(int64_t rows) {
  if (rows >= length()) return;  // also covers an empty buffer without its first offset
  data_.Rewind(OffsetAt(rows));
  offsets_.Rewind((rows + 1) * static_cast<int64_t>(sizeof(int32_t)));
  valid_.resize(static_cast<size_t>(rows));
  null_count_ = std::count(valid_.begin(), valid_.end(), uint8_t{0});
}

arrow::Result<std::shared_ptr<arrow::Array>> StringColumnBuffer::Finish() {
  const int64_t rows = length();
  const int64_t data_bytes = data_.length();
  ARROW_RETURN_NOT_OK(EnsureFirstOffset());
  ARROW_ASSIGN_OR_RAISE(auto validity, PackValidity(valid_, null_count_));
  std::shared_ptr<arrow::Buffer> offsets, data;
  // No shrink_to_fit: it would copy every buffer once more; the slack goes with the batch.
  ARROW_RETURN_NOT_OK(offsets_.Finish(&offsets, /*shrink_to_fit=*/false));
  ARROW_RETURN_NOT_OK(data_.Finish(&data, /*shrink_to_fit=*/false));
  auto array_data = arrow::ArrayData::Make(arrow::utf8(), rows, {validity, offsets, data},
                                           null_count_);
  valid_.clear();
  null_count_ = 0;
  ARROW_RETURN_NOT_OK(offsets_.Reserve((rows + 1) * static_cast<int64_t>(sizeof(int32_t))));
  ARROW_RETURN_NOT_OK(data_.Reserve(data_bytes));
  valid_.reserve(static_cast<size_t>(rows));
  return arrow::MakeArray(array_data);
}

arrow::Status DictionaryColumnBuffer::AppendIndex(int32_t index) {
  ARROW_RETURN_NOT_OK(indices_.Append(&index, sizeof(index)));
  valid_.push_back(1);
  return arrow::Status::OK();
}

arrow::Status DictionaryColumnBuffer::Append(std::string_view value) {
  if (last_index_ >= 0 && value == last_value_) return AppendIndex(last_index_);
  auto it = index_of_.find(value);
  int32_t index;
  if (it != index_of_.end()) {
    index = it->second;
  } else {
    index = static_cast<int32_t>(values_.length());
    ARROW_RETURN_NOT_OK(values_.Append(value).status());
    index_of_.emplace(std::string(value), index);
  }
  last_value_.assign(value);
  last_index_ = index;
  return AppendIndex(index);
}

arrow::Status DictionaryColumnBuffer::AppendNull() {
  ARROW_RETURN_NOT_OK(AppendIndex(0));
  valid_.back() = 0;
  ++null_count_;
  return arrow::Status::OK();
}

void DictionaryColumnBuffer::Truncate(int64_t rows) {
  if (rows >= length()) return;
  indices_.Rewind(rows * static_cast<int64_t>(sizeof(int32_t)));
  valid_.resize(static_cast<size_t>(rows));
  null_count_ = std::count(valid_.begin(), valid_.end(), uint8_t{0});
}

arrow::Result<std::shared_ptr<arrow::Array>> DictionaryColumnBuffer::Finish() {
  const int64_t rows = length();
  ARROW_ASSIGN_OR_RAISE(auto validity, PackValidity(valid_, null_count_));
  std::shared_ptr<arrow::Buffer> indices;
  ARROW_RETURN_NOT_OK(indices_.Finish(&indices, /*shrink_to_fit=*/false));
  ARROW_ASSIGN_OR_RAISE(auto dictionary, values_.Finish());
  auto data = arrow::ArrayData::Make(arrow::dictionary(arrow::int32(), arrow::utf8()), rows,
                                     {validity, indices}, null_count_);
  data->dictionary = dictionary->data();
  valid_.clear();
  null_count_ = 0;
  index_of_.clear();
  last_index_ = -1;
  ARROW_RETURN_NOT_OK(indices_.Reserve(rows * static_cast<int64_t>(sizeof(int32_t))));
  valid_.reserve(static_cast<size_t>(rows));
  return arrow::MakeArray(data);
}

arrow::Result<std::shared_ptr<arrow::Array>> Int64ColumnBuffer::Finish(
    const std::shared_ptr<arrow::DataType>& type) {
  const int64_t rows = length();
  std::shared_ptr<arrow::Buffer> values;
  ARROW_RETURN_NOT_OK(values_.Finish(&values, /*shrink_to_fit=*/false));
  ARROW_RETURN_NOT_OK(values_.Reserve(rows * static_cast<int64_t>(sizeof(int64_t))));
  return arrow::MakeArray(arrow::ArrayData::Make(type, rows, {nullptr, values}, 0));
}

}  // namespace floe::ingest::internal
