// Racing commits on one table: from threads with their own connections, from threads sharing one
// store, and from separate processes. The compare-and-swap must let exactly one commit win from
// any given metadata location.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <barrier>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "floe/catalog/sql/sql_catalog_store.h"

namespace floe::catalog {
namespace {

namespace fs = std::filesystem;

class SqlCatalogStoreRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "floe_sql_race_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = (fs::path(dir_) / "catalog.db").string();
    auto store = SqlCatalogStore::Open(db_path_, "floe");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->CreateNamespace({"db"}).ok());
    ASSERT_TRUE((*store)->CreateTable({"db"}, "t", "v0").ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  std::string db_path_;
};

// Each round: both threads read the same current location, then both try to swap it.
void RaceRounds(std::vector<SqlCatalogStore*> stores, int rounds) {
  const int n = static_cast<int>(stores.size());
  std::barrier sync(n);
  std::vector<std::vector<int>> outcome(rounds, std::vector<int>(n, -1));  // 1 won, 0 conflict
  std::vector<std::string> errors(n);
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < rounds; ++r) {
        auto current = stores[t]->GetMetadataLocation({"db"}, "t");
        sync.arrive_and_wait();  // everyone has read before anyone commits
        if (current.ok()) {
          std::string next = "r" + std::to_string(r) + "-t" + std::to_string(t);
          auto st = stores[t]->CommitMetadataLocation({"db"}, "t", *current, next);
          if (st.ok()) {
            outcome[r][t] = 1;
          } else if (IsCommitConflict(st)) {
            outcome[r][t] = 0;
          } else {
            errors[t] = st.ToString();
          }
        } else {
          errors[t] = current.status().ToString();
        }
        sync.arrive_and_wait();  // the round is over before anyone reads again
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < n; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  for (int r = 0; r < rounds; ++r) {
    int wins = 0;
    for (int t = 0; t < n; ++t) {
      EXPECT_NE(outcome[r][t], -1) << "round " << r << " thread " << t;
      wins += outcome[r][t] == 1;
    }
    EXPECT_EQ(wins, 1) << "round " << r;
  }
}

TEST_F(SqlCatalogStoreRaceTest, ThreadsWithOwnConnectionsHaveExactlyOneWinnerPerRound) {
  std::vector<std::unique_ptr<SqlCatalogStore>> owned;
  std::vector<SqlCatalogStore*> stores;
  for (int i = 0; i < 3; ++i) {
    auto store = SqlCatalogStore::Open(db_path_, "floe");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    stores.push_back(store->get());
    owned.push_back(std::move(*store));
  }
  RaceRounds(stores, 25);
}

TEST_F(SqlCatalogStoreRaceTest, ThreadsSharingOneStoreHaveExactlyOneWinnerPerRound) {
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  RaceRounds({store->get(), store->get()}, 25);
}

// Processes cannot share a barrier cheaply, so each commits from whatever it last read and logs
// its wins; the wins must then form one unbroken chain from v0 to the final location. Two wins
// from the same location (a lost update) would break the chain.
TEST_F(SqlCatalogStoreRaceTest, ProcessesCommittingConcurrentlyNeverLoseAnUpdate) {
  constexpr int kProcesses = 3;
  constexpr int kAttempts = 40;
  // Children block on this pipe until all are forked, so they really run at the same time.
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: no gtest assertions here; report through the log file and the exit code.
      close(start[1]);
      char byte;
      if (read(start[0], &byte, 1) != 0) _exit(6);  // EOF once the parent closes its end
      auto store = SqlCatalogStore::Open(db_path_, "floe");
      if (!store.ok()) _exit(2);
      std::ofstream log(dir_ + "/wins-" + std::to_string(p));
      for (int i = 0; i < kAttempts; ++i) {
        auto current = (*store)->GetMetadataLocation({"db"}, "t");
        if (!current.ok()) _exit(3);
        std::string next = "p" + std::to_string(p) + "-" + std::to_string(i);
        // A real writer spends this time writing its metadata file.
        usleep(static_cast<useconds_t>((i * 7 + p * 3) % 5) * 1000);
        auto st = (*store)->CommitMetadataLocation({"db"}, "t", *current, next);
        if (st.ok()) {
          log << *current << ' ' << next << '\n' << std::flush;
        } else if (!IsCommitConflict(st)) {
          _exit(4);
        }
      }
      log.close();
      _exit(log ? 0 : 5);
    }
    children.push_back(pid);
  }
  close(start[0]);
  close(start[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }

  std::map<std::string, std::string> next_of;  // expected location -> location it was swapped to
  int wins = 0;
  for (int p = 0; p < kProcesses; ++p) {
    std::ifstream log(dir_ + "/wins-" + std::to_string(p));
    std::string from, to;
    while (log >> from >> to) {
      EXPECT_TRUE(next_of.emplace(from, to).second) << "two commits won from " << from;
      ++wins;
    }
  }
  EXPECT_GT(wins, 0);
  std::string location = "v0";
  int steps = 0;
  while (next_of.count(location) > 0) {
    location = next_of[location];
    ++steps;
  }
  EXPECT_EQ(steps, wins);
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->GetMetadataLocation({"db"}, "t"), location);
}

}  // namespace
}  // namespace floe::catalog
