#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/format/avro/avro_schema.h"
#include "floe/format/avro/avro_value.h"

namespace floe::avro {

/// Block codecs of the object container format.
enum class Codec { kNull, kDeflate, kZstandard };

/// Writes an Avro object container file: header (magic, metadata with avro.schema and
/// avro.codec, sync marker) then blocks of encoded records.
class ContainerWriter {
 public:
  static arrow::Result<std::unique_ptr<ContainerWriter>> Open(
      std::shared_ptr<arrow::io::OutputStream> out, AvroSchemaPtr schema,
      std::map<std::string, std::string> metadata, Codec codec = Codec::kDeflate);
  virtual ~ContainerWriter() = default;

  /// Encodes one datum against the schema; a mismatch is an Invalid status naming the field.
  virtual arrow::Status Append(const AvroValue& datum) = 0;
  /// Flushes the last block and closes the stream.
  virtual arrow::Status Close() = 0;
  /// Bytes written so far (the file length after Close()).
  virtual int64_t bytes_written() const = 0;
};

/// Reads an Avro object container file held in memory, with the writer's schema.
class ContainerReader {
 public:
  /// `name` is used in error messages ("manifest …/x.avro: truncated block").
  static arrow::Result<std::unique_ptr<ContainerReader>> Open(std::string data,
                                                              std::string name);
  virtual ~ContainerReader() = default;

  virtual const AvroSchemaPtr& schema() const = 0;
  /// Header metadata (avro.schema, avro.codec and user keys).
  virtual const std::map<std::string, std::string>& metadata() const = 0;
  /// Decodes the next datum into *out; returns false at the end of the file.
  virtual arrow::Result<bool> Next(AvroValue* out) = 0;
};

}  // namespace floe::avro
