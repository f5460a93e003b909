#pragma once

#include <cstdint>
#include <vector>

namespace floe::iceberg {

/// The row positions deleted from one data file, from position delete files and deletion
/// vectors. Positions are added in any order; Seal() sorts and dedupes them once, after which
/// lookups are binary searches and a batch's deleted rows are one contiguous run.
class PositionSet {
 public:
  void Add(int64_t position) {
    positions_.push_back(position);
    sealed_ = false;
  }
  void AddAll(const PositionSet& other);
  /// Sorts and removes duplicates; called by every reader before use.
  void Seal();

  /// Whether `position` is deleted (after Seal).
  bool Contains(int64_t position) const;
  /// The deleted positions in [begin, end), ascending (after Seal).
  std::vector<int64_t> InRange(int64_t begin, int64_t end) const;
  /// Number of distinct positions (after Seal).
  int64_t size() const { return static_cast<int64_t>(positions_.size()); }
  bool empty() const { return positions_.empty(); }
  /// All positions, ascending (after Seal).
  const std::vector<int64_t>& positions() const { return positions_; }

 private:
  std::vector<int64_t> positions_;
  bool sealed_ = true;
};

}  // namespace floe::iceberg
