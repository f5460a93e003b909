#include "floe/iceberg/data/roaring_position_bitmap.h"

#include <algorithm>
#include <vector>

namespace floe::iceberg {
namespace {

// RoaringFormatSpec cookies and limits.
constexpr uint32_t kSerialCookieNoRun = 12346;
constexpr uint32_t kSerialCookie = 12347;
constexpr int64_t kNoOffsetThreshold = 4;  // run-cookie bitmaps below this omit offsets
constexpr int64_t kArrayMax = 4096;        // an array container holds at most this many
constexpr int64_t kBitmapBytes = 8192;     // 2^16 bits

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One 2^16-value chunk of a 32-bit bitmap: the low 16 bits of its positions, ascending.
struct Container {
  uint16_t key;
  std::vector<uint16_t> values;
};

int64_t RunCount(const std::vector<uint16_t>& v) {
  int64_t runs = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == 0 || v[i] != v[i - 1] + 1) ++runs;
  }
  return runs;
}

// The portable serialization of one 32-bit bitmap.
void Serialize32(const std::vector<Container>& containers, std::string* out) {
  const auto n = static_cast<int64_t>(containers.size());
  std::vector<bool> is_run(containers.size());
  bool any_run = false;
  for (size_t i = 0; i < containers.size(); ++i) {
    const auto card = static_cast<int64_t>(containers[i].values.size());
    const int64_t plain = card <= kArrayMax ? 2 * card : kBitmapBytes;
    is_run[i] = 2 + 4 * RunCount(containers[i].values) < plain;
    any_run = any_run || is_run[i];
  }
  const size_t start = out->size();
  if (any_run) {
    PutLe(out, kSerialCookie | (static_cast<uint32_t>(n - 1) << 16), 4);
    std::string flags((n + 7) / 8, '\0');
    for (int64_t i = 0; i < n; ++i) {
      if (is_run[i]) flags[i / 8] = static_cast<char>(flags[i / 8] | (1 << (i % 8)));
    }
    out->append(flags);
  } else {
    PutLe(out, kSerialCookieNoRun, 4);
    PutLe(out, static_cast<uint32_t>(n), 4);
  }
  for (const auto& c : containers) {
    PutLe(out, c.key, 2);
    PutLe(out, c.values.size() - 1, 2);
  }
  const bool with_offsets = !any_run || n >= kNoOffsetThreshold;
  const size_t offsets_at = out->size();
  if (with_offsets) out->append(4 * n, '\0');
  for (size_t i = 0; i < containers.size(); ++i) {
    if (with_offsets) {
      const auto offset = static_cast<uint32_t>(out->size() - start);
      for (int b = 0; b < 4; ++b) {
        (*out)[offsets_at + 4 * i + b] = static_cast<char>((offset >> (8 * b)) & 0xff);
      }
    }
    const auto& v = containers[i].values;
    if (is_run[i]) {
      PutLe(out, RunCount(v), 2);
      size_t j = 0;
      while (j < v.size()) {
        size_t k = j;
        while (k + 1 < v.size() && v[k + 1] == v[k] + 1) ++k;
        PutLe(out, v[j], 2);
        PutLe(out, k - j, 2);  // run length minus one
        j = k + 1;
      }
    } else if (static_cast<int64_t>(v.size()) <= kArrayMax) {
      for (uint16_t x : v) PutLe(out, x, 2);
    } else {
      std::vector<uint64_t> words(1024, 0);
      for (uint16_t x : v) words[x / 64] |= uint64_t{1} << (x % 64);
      for (uint64_t w : words) PutLe(out, w, 8);
    }
  }
}

class ByteReader {
 public:
  ByteReader(std::string_view bytes, const std::string& what) : bytes_(bytes), what_(what) {}

  arrow::Result<uint64_t> Le(int n) {
    if (pos_ + n > bytes_.size()) {
      return arrow::Status::Invalid(what_, ": roaring bitmap truncated at byte ", pos_);
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      v |= uint64_t{static_cast<uint8_t>(bytes_[pos_ + i])} << (8 * i);
    }
    pos_ += n;
    return v;
  }
  arrow::Status Skip(size_t n) {
    if (pos_ + n > bytes_.size()) {
      return arrow::Status::Invalid(what_, ": roaring bitmap truncated at byte ", pos_);
    }
    pos_ += n;
    return arrow::Status::OK();
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  std::string_view rest(size_t n) const { return bytes_.substr(pos_, n); }

 private:
  std::string_view bytes_;
  const std::string& what_;
  size_t pos_ = 0;
};

// Reads one 32-bit bitmap, adding (high << 32 | low) for each value.
arrow::Status Deserialize32(ByteReader& in, uint64_t high, const std::string& what,
                            PositionSet* out) {
  ARROW_ASSIGN_OR_RAISE(uint64_t cookie, in.Le(4));
  int64_t n = 0;
  std::string run_flags;
  bool has_run = false;
  if ((cookie & 0xffff) == kSerialCookie) {
    has_run = true;
    n = static_cast<int64_t>(cookie >> 16) + 1;
    const size_t flag_bytes = (n + 7) / 8;
    if (in.remaining() < flag_bytes) {
      return arrow::Status::Invalid(what, ": roaring bitmap truncated in its run flags");
    }
    run_flags = std::string(in.rest(flag_bytes));
    ARROW_RETURN_NOT_OK(in.Skip(flag_bytes));
  } else if (cookie == kSerialCookieNoRun) {
    ARROW_ASSIGN_OR_RAISE(uint64_t count, in.Le(4));
    n = static_cast<int64_t>(count);
  } else {
    return arrow::Status::Invalid(what, ": roaring bitmap has unknown cookie ", cookie,
                                  " (expected ", kSerialCookieNoRun, " or ", kSerialCookie, ")");
  }
  if (n > 65536 || static_cast<size_t>(n) * 4 > in.remaining()) {
    return arrow::Status::Invalid(what, ": roaring bitmap claims ", n,
                                  " containers, more than its bytes hold");
  }
  std::vector<std::pair<uint16_t, int64_t>> headers;  // key, cardinality
  headers.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    ARROW_ASSIGN_OR_RAISE(uint64_t key, in.Le(2));
    ARROW_ASSIGN_OR_RAISE(uint64_t card_minus_one, in.Le(2));
    if (i > 0 && key <= headers.back().first) {
      return arrow::Status::Invalid(what, ": roaring container keys are not ascending");
    }
    headers.emplace_back(static_cast<uint16_t>(key), static_cast<int64_t>(card_minus_one) + 1);
  }
  if (!has_run || n >= kNoOffsetThreshold) ARROW_RETURN_NOT_OK(in.Skip(4 * n));
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t base = high << 32 | uint64_t{headers[i].first} << 16;
    const int64_t card = headers[i].second;
    const bool run = has_run && (static_cast<uint8_t>(run_flags[i / 8]) >> (i % 8)) & 1;
    int64_t seen = 0;
    if (run) {
      ARROW_ASSIGN_OR_RAISE(uint64_t runs, in.Le(2));
      for (uint64_t r = 0; r < runs; ++r) {
        ARROW_ASSIGN_OR_RAISE(uint64_t begin, in.Le(2));
        ARROW_ASSIGN_OR_RAISE(uint64_t length_minus_one, in.Le(2));
        if (begin + length_minus_one > 0xffff) {
          return arrow::Status::Invalid(what, ": roaring run container overflows its chunk");
        }
        for (uint64_t v = begin; v <= begin + length_minus_one; ++v) out->Add(base | v);
        seen += static_cast<int64_t>(length_minus_one) + 1;
      }
    } else if (card <= kArrayMax) {
      for (int64_t j = 0; j < card; ++j) {
        ARROW_ASSIGN_OR_RAISE(uint64_t v, in.Le(2));
        out->Add(static_cast<int64_t>(base | v));
      }
      seen = card;
    } else {
      for (uint64_t w = 0; w < 1024; ++w) {
        ARROW_ASSIGN_OR_RAISE(uint64_t word, in.Le(8));
        while (word != 0) {
          const int bit = __builtin_ctzll(word);
          out->Add(static_cast<int64_t>(base | (w * 64 + bit)));
          word &= word - 1;
          ++seen;
        }
      }
    }
    if (seen != card) {
      return arrow::Status::Invalid(what, ": roaring container ", headers[i].first, " holds ", seen,
                                    " values but its header says ", card);
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::string> SerializeRoaringPositions(const PositionSet& positions) {
  const auto& all = positions.positions();
  if (!all.empty() && all.front() < 0) {
    return arrow::Status::Invalid("deletion vector: negative row position ", all.front());
  }
  // Group by the upper 32 bits, then by the next 16.
  std::vector<std::pair<uint32_t, std::vector<Container>>> bitmaps;
  for (int64_t p : all) {
    const auto high = static_cast<uint32_t>(static_cast<uint64_t>(p) >> 32);
    const auto key = static_cast<uint16_t>((p >> 16) & 0xffff);
    if (bitmaps.empty() || bitmaps.back().first != high) bitmaps.push_back({high, {}});
    auto& containers = bitmaps.back().second;
    if (containers.empty() || containers.back().key != key) containers.push_back({key, {}});
    containers.back().values.push_back(static_cast<uint16_t>(p & 0xffff));
  }
  std::string out;
  PutLe(&out, bitmaps.size(), 8);
  for (const auto& [high, containers] : bitmaps) {
    PutLe(&out, high, 4);
    Serialize32(containers, &out);
  }
  return out;
}

arrow::Result<PositionSet> DeserializeRoaringPositions(std::string_view bytes,
                                                       const std::string& what) {
  ByteReader in(bytes, what);
  ARROW_ASSIGN_OR_RAISE(uint64_t count, in.Le(8));
  if (count > bytes.size()) {
    return arrow::Status::Invalid(what, ": roaring bitmap claims ", count,
                                  " 32-bit bitmaps, more than its bytes hold");
  }
  PositionSet out;
  int64_t previous_key = -1;
  for (uint64_t i = 0; i < count; ++i) {
    ARROW_ASSIGN_OR_RAISE(uint64_t key, in.Le(4));
    if (static_cast<int64_t>(key) <= previous_key) {
      return arrow::Status::Invalid(what, ": roaring bitmap keys are not ascending");
    }
    if (key > 0x7fffffff) {
      return arrow::Status::Invalid(what, ": roaring bitmap key ", key,
                                    " makes row positions beyond the 63-bit range");
    }
    previous_key = static_cast<int64_t>(key);
    ARROW_RETURN_NOT_OK(Deserialize32(in, key, what, &out));
  }
  if (in.remaining() != 0) {
    return arrow::Status::Invalid(what, ": ", in.remaining(), " bytes follow the roaring bitmap");
  }
  out.Seal();
  return out;
}

}  // namespace floe::iceberg
