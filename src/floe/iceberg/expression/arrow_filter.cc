#include "floe/iceberg/expression/arrow_filter.h"

#include <mutex>

#include <arrow/array/builder_base.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/util/decimal.h>

namespace floe::iceberg {
namespace cp = arrow::compute;
namespace {

// Arrow 21+ registers compute kernels only on request.
arrow::Status EnsureComputeInitialized() {
  static arrow::Status status = cp::Initialize();
  return status;
}

arrow::Result<std::shared_ptr<arrow::DataType>> ArrowTypeOf(const Type& t) {
  switch (t.id()) {
    case TypeId::kBoolean: return arrow::boolean();
    case TypeId::kInt: return arrow::int32();
    case TypeId::kLong: return arrow::int64();
    case TypeId::kFloat: return arrow::float32();
    case TypeId::kDouble: return arrow::float64();
    case TypeId::kDecimal: return arrow::decimal128(t.precision(), t.scale());
    case TypeId::kDate: return arrow::date32();
    case TypeId::kTime: return arrow::time64(arrow::TimeUnit::MICRO);
    case TypeId::kTimestamp: return arrow::timestamp(arrow::TimeUnit::MICRO);
    case TypeId::kTimestampTz: return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    case TypeId::kTimestampNs: return arrow::timestamp(arrow::TimeUnit::NANO);
    case TypeId::kTimestampTzNs: return arrow::timestamp(arrow::TimeUnit::NANO, "UTC");
    case TypeId::kString: return arrow::utf8();
    case TypeId::kUuid: return arrow::fixed_size_binary(16);
    case TypeId::kFixed: return arrow::fixed_size_binary(t.length());
    case TypeId::kBinary: return arrow::binary();
    default:
      return arrow::Status::Invalid("filter literal of nested type ", t.ToString());
  }
}

class Converter {
 public:
  Converter(const Schema& schema, const arrow::Schema* batch_schema)
      : schema_(schema), batch_schema_(batch_schema) {}

  arrow::Result<cp::Expression> Convert(const Expression& e) const {
    switch (e.op()) {
      case Op::kTrue:
        return cp::literal(true);
      case Op::kFalse:
        return cp::literal(false);
      case Op::kAnd: {
        ARROW_ASSIGN_OR_RAISE(auto l, Convert(*e.left()));
        ARROW_ASSIGN_OR_RAISE(auto r, Convert(*e.right()));
        return cp::call("and_kleene", {std::move(l), std::move(r)});
      }
      case Op::kOr: {
        ARROW_ASSIGN_OR_RAISE(auto l, Convert(*e.left()));
        ARROW_ASSIGN_OR_RAISE(auto r, Convert(*e.right()));
        return cp::call("or_kleene", {std::move(l), std::move(r)});
      }
      case Op::kNot: {
        ARROW_ASSIGN_OR_RAISE(auto c, Convert(*e.left()));
        return cp::call("invert", {std::move(c)});
      }
      default:
        return Predicate(e);
    }
  }

 private:
  arrow::Result<cp::Expression> Predicate(const Expression& e) const {
    const Reference& ref = e.ref();
    if (ref.field_id < 0) {
      return arrow::Status::Invalid("filter predicate '", e.ToString(), "' is not bound");
    }
    std::vector<std::string> path = FieldPath(schema_, ref.field_id);
    if (path.empty()) {
      return arrow::Status::Invalid("filter column '", ref.name, "' (field id ", ref.field_id,
                                    ") is not a struct field of the schema");
    }
    std::vector<arrow::FieldRef> parts(path.begin(), path.end());
    arrow::FieldRef field_ref = parts.size() == 1 ? parts[0] : arrow::FieldRef(std::move(parts));
    std::shared_ptr<arrow::DataType> column_type;
    if (batch_schema_ != nullptr) {
      auto field = field_ref.GetOne(*batch_schema_);
      if (!field.ok() || *field == nullptr) {
        return arrow::Status::Invalid("filter column '", ref.name, "' (field id ", ref.field_id,
                                      ") is not in the batch");
      }
      column_type = (*field)->type();
    }
    cp::Expression column = cp::field_ref(std::move(field_ref));
    auto scalar = [&](const Literal& v) -> arrow::Result<std::shared_ptr<arrow::Scalar>> {
      ARROW_ASSIGN_OR_RAISE(auto s, LiteralToArrowScalar(v));
      if (column_type && !s->type->Equals(*column_type)) {
        auto cast = cp::Cast(arrow::Datum(s), column_type);
        if (!cast.ok()) {
          return arrow::Status::Invalid("filter '", e.ToString(), "': cannot compare column '",
                                        ref.name, "' of Arrow type ", column_type->ToString(),
                                        " with ", v.ToString(), ": ", cast.status().message());
        }
        return cast->scalar();
      }
      return s;
    };
    switch (e.op()) {
      case Op::kIsNull:
        return cp::call("is_null", {column});
      case Op::kNotNull:
        return cp::call("is_valid", {column});
      case Op::kIsNan:
        return cp::call("is_nan", {column});
      case Op::kNotNan:
        // invert keeps nulls null: NOT NAN of a null is unknown, as in SQL.
        return cp::call("invert", {cp::call("is_nan", {column})});
      case Op::kStartsWith:
        return cp::call("starts_with", {column},
                        cp::MatchSubstringOptions(e.literal().AsBytes()));
      case Op::kNotStartsWith:
        return cp::call("invert", {cp::call("starts_with", {column},
                                            cp::MatchSubstringOptions(e.literal().AsBytes()))});
      case Op::kIn:
      case Op::kNotIn: {
        ARROW_ASSIGN_OR_RAISE(auto first, scalar(e.literals().front()));
        ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(first->type));
        for (const Literal& v : e.literals()) {
          ARROW_ASSIGN_OR_RAISE(auto s, scalar(v));
          ARROW_RETURN_NOT_OK(builder->AppendScalar(*s));
        }
        ARROW_ASSIGN_OR_RAISE(auto values, builder->Finish());
        // Nulls in the input give null (unknown), so NOT IN drops them too.
        cp::SetLookupOptions options(values, cp::SetLookupOptions::EMIT_NULL);
        cp::Expression in = cp::call("is_in", {column}, std::move(options));
        if (e.op() == Op::kIn) return in;
        return cp::call("invert", {std::move(in)});
      }
      default:
        break;
    }
    ARROW_ASSIGN_OR_RAISE(auto value, scalar(e.literal()));
    const char* fn = nullptr;
    switch (e.op()) {
      case Op::kLt: fn = "less"; break;
      case Op::kLtEq: fn = "less_equal"; break;
      case Op::kGt: fn = "greater"; break;
      case Op::kGtEq: fn = "greater_equal"; break;
      case Op::kEq: fn = "equal"; break;
      case Op::kNotEq: fn = "not_equal"; break;
      default:
        return arrow::Status::Invalid("unsupported filter operation in '", e.ToString(), "'");
    }
    return cp::call(fn, {column, cp::literal(arrow::Datum(std::move(value)))});
  }

  const Schema& schema_;
  const arrow::Schema* batch_schema_;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::Scalar>> LiteralToArrowScalar(const Literal& v) {
  if (!v.type()) return arrow::Status::Invalid("untyped filter literal ", v.ToString());
  ARROW_ASSIGN_OR_RAISE(auto type, ArrowTypeOf(*v.type()));
  if (v.is_null()) return arrow::MakeNullScalar(type);
  switch (v.type()->id()) {
    case TypeId::kBoolean:
      return std::make_shared<arrow::BooleanScalar>(v.AsBool());
    case TypeId::kInt:
      return std::make_shared<arrow::Int32Scalar>(v.AsInt());
    case TypeId::kDate:
      return std::make_shared<arrow::Date32Scalar>(v.AsInt());
    case TypeId::kLong:
      return std::make_shared<arrow::Int64Scalar>(v.AsLong());
    case TypeId::kTime:
      return std::make_shared<arrow::Time64Scalar>(v.AsLong(), type);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return std::make_shared<arrow::TimestampScalar>(v.AsLong(), type);
    case TypeId::kFloat:
      return std::make_shared<arrow::FloatScalar>(v.AsFloat());
    case TypeId::kDouble:
      return std::make_shared<arrow::DoubleScalar>(v.AsDouble());
    case TypeId::kDecimal: {
      const __int128 u = v.AsDecimal();
      arrow::Decimal128 d(static_cast<int64_t>(u >> 64), static_cast<uint64_t>(u));
      return std::make_shared<arrow::Decimal128Scalar>(d, type);
    }
    case TypeId::kString:
      return std::make_shared<arrow::StringScalar>(v.AsBytes());
    case TypeId::kBinary:
      return std::make_shared<arrow::BinaryScalar>(arrow::Buffer::FromString(v.AsBytes()));
    case TypeId::kUuid:
    case TypeId::kFixed:
      if (static_cast<int32_t>(v.AsBytes().size()) !=
          std::static_pointer_cast<arrow::FixedSizeBinaryType>(type)->byte_width()) {
        return arrow::Status::Invalid("filter literal ", v.ToString(), " has the wrong length");
      }
      return std::make_shared<arrow::FixedSizeBinaryScalar>(
          arrow::Buffer::FromString(v.AsBytes()), type);
    default:
      return arrow::Status::Invalid("filter literal of unsupported type ", v.type()->ToString());
  }
}

arrow::Result<cp::Expression> ToArrowExpression(const ExprPtr& bound_filter,
                                                const Schema& schema,
                                                const arrow::Schema* batch_schema) {
  return Converter(schema, batch_schema).Convert(*RewriteNot(bound_filter));
}

arrow::Result<std::shared_ptr<arrow::BooleanArray>> FilterMask(const ExprPtr& bound_filter,
                                                               const Schema& schema,
                                                               const arrow::RecordBatch& batch) {
  ARROW_RETURN_NOT_OK(EnsureComputeInitialized());
  ARROW_ASSIGN_OR_RAISE(auto expr, ToArrowExpression(bound_filter, schema, batch.schema().get()));
  ARROW_ASSIGN_OR_RAISE(expr, expr.Bind(*batch.schema()));
  ARROW_ASSIGN_OR_RAISE(arrow::Datum result,
                        cp::ExecuteScalarExpression(expr, cp::ExecBatch(batch)));
  // Unknown (null) rows do not match.
  ARROW_ASSIGN_OR_RAISE(result, cp::CallFunction("coalesce", {result, arrow::Datum(false)}));
  if (result.is_scalar()) {
    // Constant filters (true / false) evaluate to a scalar.
    ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*result.scalar(),
                                                                 batch.num_rows()));
    return std::static_pointer_cast<arrow::BooleanArray>(array);
  }
  return std::static_pointer_cast<arrow::BooleanArray>(result.make_array());
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> FilterRecordBatch(
    const ExprPtr& bound_filter, const Schema& schema,
    const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (bound_filter->op() == Op::kTrue) return batch;
  ARROW_ASSIGN_OR_RAISE(auto mask, FilterMask(bound_filter, schema, *batch));
  ARROW_ASSIGN_OR_RAISE(arrow::Datum filtered,
                        cp::Filter(arrow::Datum(batch), arrow::Datum(mask)));
  return filtered.record_batch();
}

}  // namespace floe::iceberg
