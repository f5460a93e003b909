// inflate_bench: what decoding gzip costs, floe's ContentStream (ISA-L igzip) against zlib's
// inflate, on the same files read into memory first. Both decode in 1 MiB output windows and
// throw the content away; the best of --repeat rounds counts. Prints one JSON object, with
// content MB per CPU-second beside MB per wall second (on a busy machine only the first holds).
//
//   inflate_bench [--repeat N] FILE...
#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "floe/ingest/decompress.h"

namespace {

constexpr size_t kWindow = 1 << 20;

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// zlib, every member, as floe decoded gzip before ISA-L.
int64_t ZlibInflate(const std::string& data, std::vector<char>* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return -1;
  int64_t total = 0;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(out->data());
    zs.avail_out = static_cast<uInt>(out->size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    total += static_cast<int64_t>(out->size() - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);
    } else if (rc != Z_OK) {
      total = -1;
      break;
    }
  }
  inflateEnd(&zs);
  return total;
}

int64_t StreamInflate(const std::string& data, const std::string& name, std::vector<char>* out) {
  auto input = std::make_shared<arrow::io::BufferReader>(std::make_shared<arrow::Buffer>(
      reinterpret_cast<const uint8_t*>(data.data()), static_cast<int64_t>(data.size())));
  auto stream = floe::ingest::ContentStream::Open(input, name);
  if (!stream.ok()) return -1;
  int64_t total = 0;
  while (true) {
    auto n = (*stream)->Read(out->data(), static_cast<int64_t>(out->size()));
    if (!n.ok()) {
      std::cerr << n.status().ToString() << "\n";
      return -1;
    }
    if (*n == 0) return total;
    total += *n;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      paths.emplace_back(argv[i]);
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: inflate_bench [--repeat N] FILE...\n";
    return 2;
  }
  std::vector<std::string> files;
  int64_t compressed = 0;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files.push_back(s.str());
    compressed += static_cast<int64_t>(files.back().size());
  }
  std::vector<char> out(kWindow);
  struct Best {
    double cpu = 1e300, wall = 1e300;
    int64_t bytes = 0;
  } zlib_best, isal_best;
  for (int r = 0; r < repeat; ++r) {
    for (int which = 0; which < 2; ++which) {
      const double cpu0 = CpuSeconds();
      const auto wall0 = std::chrono::steady_clock::now();
      int64_t bytes = 0;
      for (size_t i = 0; i < files.size(); ++i) {
        const int64_t n =
            which == 0 ? ZlibInflate(files[i], &out) : StreamInflate(files[i], paths[i], &out);
        if (n < 0) {
          std::cerr << paths[i] << ": cannot decode\n";
          return 1;
        }
        bytes += n;
      }
      const double cpu = CpuSeconds() - cpu0;
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      Best& best = which == 0 ? zlib_best : isal_best;
      best.cpu = std::min(best.cpu, cpu);
      best.wall = std::min(best.wall, wall);
      best.bytes = bytes;
    }
  }
  if (zlib_best.bytes != isal_best.bytes) {
    std::cerr << "zlib decoded " << zlib_best.bytes << " bytes, ContentStream " << isal_best.bytes
              << "\n";
    return 1;
  }
  auto print = [](const char* name, const Best& b) {
    std::printf(
        " \"%s\": {\"wall_s\": %.4f, \"cpu_s\": %.4f, \"content_mb_per_s\": %.1f, "
        "\"content_mb_per_cpu_s\": %.1f},\n",
        name, b.wall, b.cpu, b.bytes / 1e6 / std::max(b.wall, 1e-9),
        b.bytes / 1e6 / std::max(b.cpu, 1e-9));
  };
  std::printf(
      "{\"files\": %zu, \"compressed_bytes\": %lld, \"content_bytes\": %lld, "
      "\"repeat\": %d,\n",
      files.size(), static_cast<long long>(compressed), static_cast<long long>(zlib_best.bytes),
      repeat);
  print("zlib", zlib_best);
  print("content_stream", isal_best);
  std::printf(" \"cpu_speedup\": %.2f}\n", zlib_best.cpu / std::max(isal_best.cpu, 1e-9));
  return 0;
}
