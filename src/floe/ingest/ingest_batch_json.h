#pragma once

// The JSON of a batch record's parts, shared by the batch record itself and by the shards of a
// distributed ingest that carry them between processes.

#include <arrow/result.h>
#include <nlohmann/json.hpp>

#include <string>

#include "floe/ingest/ingest_batch.h"

namespace floe::ingest {

nlohmann::ordered_json FolderResultToJson(const FolderResult& folder);
FolderResult FolderResultFromJson(const nlohmann::json& json);

nlohmann::ordered_json BatchFileToJson(const BatchFile& file);
/// `where` names the document in errors.
arrow::Result<BatchFile> BatchFileFromJson(const nlohmann::json& json, const std::string& where);

}  // namespace floe::ingest
