#pragma once

// A thin arrow::Status wrapper over one SQLite connection, private to the SQL catalog store.
// Every value the catalog binds or reads is text, so that is all this supports.

#include <arrow/result.h>
#include <arrow/status.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace floe::catalog::internal {

/// One result row; std::nullopt for SQL NULL.
using SqlRow = std::vector<std::optional<std::string>>;
/// A bound parameter; std::nullopt binds NULL.
using SqlParam = std::optional<std::string>;

class SqliteConnection {
 public:
  /// Opens (creating if needed) the file `path` read-write, waiting up to `busy_timeout` for
  /// locks held by other connections.
  static arrow::Result<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, std::chrono::milliseconds busy_timeout);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  const std::string& path() const { return path_; }

  /// Runs a statement without result rows; returns the number of rows it changed.
  arrow::Result<int> Execute(const std::string& sql, const std::vector<SqlParam>& params = {});
  /// Runs a query and returns all its rows (catalog results are small).
  arrow::Result<std::vector<SqlRow>> Query(const std::string& sql,
                                           const std::vector<SqlParam>& params = {});

  /// Switches the file to write-ahead logging (PRAGMA journal_mode=WAL) unless it already uses
  /// it, waiting at most `wait` for other connections (the switch needs the file to itself).
  /// Returns the journal mode the file is in afterwards ("wal", or the old mode when another
  /// connection kept it busy); the busy timeout of Open applies again afterwards.
  arrow::Result<std::string> UseWriteAheadLog(std::chrono::milliseconds wait);

  /// An error naming the database file, `what` was being done and SQLite's explanation.
  arrow::Status Error(int rc, const std::string& what) const;

 private:
  SqliteConnection(sqlite3* db, std::string path, std::chrono::milliseconds busy_timeout)
      : db_(db), path_(std::move(path)), busy_timeout_(busy_timeout) {}
  arrow::Result<std::vector<SqlRow>> Run(const std::string& sql,
                                         const std::vector<SqlParam>& params, int* changes);
  sqlite3* db_;
  std::string path_;
  std::chrono::milliseconds busy_timeout_;
  std::string journal_mode_;  // as last read; empty until UseWriteAheadLog
};

/// A transaction that rolls back unless committed. Immediate transactions take the write lock
/// up front: a deferred transaction that reads and then writes can fail with SQLITE_BUSY without
/// waiting when another writer got there first, which would defeat the busy timeout.
class SqliteTransaction {
 public:
  enum class Mode { kRead, kWrite };
  static arrow::Result<SqliteTransaction> Begin(SqliteConnection* conn, Mode mode);
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();
  arrow::Status Commit();

 private:
  explicit SqliteTransaction(SqliteConnection* conn) : conn_(conn) {}
  SqliteConnection* conn_;  // null once committed, rolled back or moved from
};

}  // namespace floe::catalog::internal
