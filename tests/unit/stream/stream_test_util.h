#pragma once

// Helpers the stream unit tests share.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream {

/// The mapping of `yaml`; a parse error fails the test.
inline StreamMapping ParseMapping(const std::string& yaml) {
  auto m = StreamMapping::Parse(yaml, "mapping.yaml");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : StreamMapping();
}

/// A batch of `values` as messages of topic "rides", `partition`, offsets from `first`.
inline StreamBatch BatchOf(const StreamMapping* mapping,
                           std::shared_ptr<const iceberg::Schema> schema, int32_t partition,
                           int64_t first, const std::vector<std::string>& values) {
  BatchBuilder builder(mapping, std::move(schema));
  int64_t offset = first;
  for (const auto& v : values) {
    KafkaMessage m;
    m.topic = "rides";
    m.partition = partition;
    m.offset = offset++;
    m.value = v;
    builder.Add(m);
  }
  return *builder.Finish();
}

}  // namespace floe::stream
