#pragma once

// The distinct values of a string column of one batch, each held once, for a column handed to
// Parquet dictionary-encoded: the writer then hashes and compares a few values per batch
// instead of every row's (and keeps the dictionary as it is).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "floe/util/packed_ends.h"

namespace floe::stream::internal {

class TextDictionary {
 public:
  /// The index of `value`, added when new.
  int32_t IndexOf(std::string_view value) {
    const uint64_t hash = Hash(value);
    if (slots_.empty()) Grow();
    for (size_t s = hash & mask_;; s = (s + 1) & mask_) {
      const int32_t index = slots_[s];
      if (index < 0) return Insert(value, s);
      if (Holds(index, value)) return index;
    }
  }

  size_t size() const { return ends_.size(); }
  /// The values, one after the other, and where each ends.
  const std::string& bytes() const { return bytes_; }
  const std::vector<int32_t>& ends() const { return ends_; }
  std::string_view value(int32_t index) const {
    const auto i = static_cast<size_t>(index);
    const int32_t start = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(static_cast<size_t>(start),
                                           static_cast<size_t>(ends_[i] - start));
  }

  void clear() {
    bytes_.clear();
    ends_.clear();
    std::fill(slots_.begin(), slots_.end(), -1);
  }

 private:
  // The packed ends (util/packed_ends.h) and the length, mixed: values alike at both ends and
  // of one length collide, which the probe resolves.
  static uint64_t Hash(std::string_view v) {
    const util::PackedEnds ends = util::PackEnds(v);
    const uint64_t h = (ends.head * 0x9E3779B97F4A7C15ULL) ^
                       (ends.tail + v.size()) * 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
  }

  bool Holds(int32_t index, std::string_view v) const {
    const int32_t start = index == 0 ? 0 : ends_[static_cast<size_t>(index) - 1];
    return ends_[static_cast<size_t>(index)] - start == static_cast<int32_t>(v.size()) &&
           SameBytes(bytes_.data() + start, v.data(), v.size());
  }

  // memcmp inline for short values (most are, and most compared are equal): the packed ends
  // hold all of a value of up to sixteen bytes; only longer ones compare their middle.
  static bool SameBytes(const char* a, const char* b, size_t n) {
    const util::PackedEnds x = util::PackEnds({a, n}), y = util::PackEnds({b, n});
    return x.head == y.head && x.tail == y.tail &&
           (n <= 16 || std::memcmp(a + 8, b + 8, n - 16) == 0);
  }

  int32_t Insert(std::string_view value, size_t slot) {
    const auto index = static_cast<int32_t>(ends_.size());
    bytes_.append(value);
    ends_.push_back(static_cast<int32_t>(bytes_.size()));
    slots_[slot] = index;
    if (ends_.size() * 2 > slots_.size()) Grow();  // at most half full: short probes
    return index;
  }

  void Grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, -1);
    mask_ = slots_.size() - 1;
    for (size_t i = 0; i < ends_.size(); ++i) {
      size_t s = Hash(value(static_cast<int32_t>(i))) & mask_;
      while (slots_[s] >= 0) s = (s + 1) & mask_;
      slots_[s] = static_cast<int32_t>(i);
    }
  }

  std::string bytes_;
  std::vector<int32_t> ends_;
  std::vector<int32_t> slots_;  // indices, -1 where empty; a power of two long
  size_t mask_ = 0;
};

}  // namespace floe::stream::internal
