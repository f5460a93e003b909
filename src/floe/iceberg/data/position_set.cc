#include "floe/iceberg/data/position_set.h"

#include <algorithm>

namespace floe::iceberg {

void PositionSet::AddAll(const PositionSet& other) {
  positions_.insert(positions_.end(), other.positions_.begin(), other.positions_.end());
  sealed_ = false;
}

void PositionSet::Seal() {
  if (sealed_) return;
  std::sort(positions_.begin(), positions_.end());
  positions_.erase(std::unique(positions_.begin(), positions_.end()), positions_.end());
  sealed_ = true;
}

bool PositionSet::Contains(int64_t position) const {
  return std::binary_search(positions_.begin(), positions_.end(), position);
}

std::vector<int64_t> PositionSet::InRange(int64_t begin, int64_t end) const {
  auto lo = std::lower_bound(positions_.begin(), positions_.end(), begin);
  auto hi = std::lower_bound(lo, positions_.end(), end);
  return std::vector<int64_t>(lo, hi);
}

}  // namespace floe::iceberg
