#include <sqlite3.h>

#include <utility>

#include "floe/catalog/sql/sqlite_connection_internal.h"

namespace floe::catalog::internal {

namespace {

// Finalizes a prepared statement on every exit path.
struct StmtCloser {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtCloser>;

}  // namespace

arrow::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return arrow::Status::IOError("catalog database ", path, ": cannot open: ", why);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path, busy_timeout));
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

arrow::Result<std::string> SqliteConnection::UseWriteAheadLog(std::chrono::milliseconds wait) {
  ARROW_ASSIGN_OR_RAISE(auto mode, Query("PRAGMA journal_mode"));
  journal_mode_ = !mode.empty() && mode[0][0].has_value() ? *mode[0][0] : "";
  if (journal_mode_ == "wal") return journal_mode_;
  sqlite3_busy_timeout(db_, static_cast<int>(wait.count()));
  auto switched = Query("PRAGMA journal_mode=WAL");
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout_.count()));
  // A busy file (another client mid-transaction) stays in its mode until a later open.
  if (switched.ok() && !switched->empty() && (*switched)[0][0].has_value()) {
    journal_mode_ = *(*switched)[0][0];
  }
  return journal_mode_;
}

arrow::Status SqliteConnection::Error(int rc, const std::string& what) const {
  std::string why = sqlite3_errmsg(db_);
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    // In a rollback journal every open read transaction blocks a commit; WAL lets them overlap.
    std::string hint =
        journal_mode_.empty() || journal_mode_ == "wal"
            ? ""
            : "; the file is in '" + journal_mode_ +
                  "' journal mode, where any client holding a read transaction blocks commits: "
                  "close the other clients once so floe can switch it to WAL";
    return arrow::Status::IOError("catalog database ", path_, ": ", what,
                                  ": still locked by another connection after the busy timeout (",
                                  why, ")", hint);
  }
  return arrow::Status::IOError("catalog database ", path_, ": ", what, ": ", why, " (sqlite code ",
                                rc, ")");
}

arrow::Result<std::vector<SqlRow>> SqliteConnection::Run(const std::string& sql,
                                                         const std::vector<SqlParam>& params,
                                                         int* changes) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return Error(rc, "preparing \"" + sql + "\"");
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    if (params[i].has_value()) {
      rc = sqlite3_bind_text(stmt.get(), index, params[i]->data(),
                             static_cast<int>(params[i]->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(stmt.get(), index);
    }
    if (rc != SQLITE_OK) return Error(rc, "binding parameters of \"" + sql + "\"");
  }
  std::vector<SqlRow> rows;
  while (true) {
    rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, "running \"" + sql + "\"");
    int columns = sqlite3_column_count(stmt.get());
    SqlRow row(columns);
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) continue;
      const unsigned char* text = sqlite3_column_text(stmt.get(), c);
      int size = sqlite3_column_bytes(stmt.get(), c);
      row[c] = std::string(reinterpret_cast<const char*>(text), size);
    }
    rows.push_back(std::move(row));
  }
  if (changes != nullptr) *changes = sqlite3_changes(db_);
  return rows;
}

arrow::Result<int> SqliteConnection::Execute(const std::string& sql,
                                             const std::vector<SqlParam>& params) {
  int changes = 0;
  ARROW_RETURN_NOT_OK(Run(sql, params, &changes).status());
  return changes;
}

arrow::Result<std::vector<SqlRow>> SqliteConnection::Query(const std::string& sql,
                                                           const std::vector<SqlParam>& params) {
  return Run(sql, params, nullptr);
}

arrow::Result<SqliteTransaction> SqliteTransaction::Begin(SqliteConnection* conn, Mode mode) {
  ARROW_RETURN_NOT_OK(
      conn->Execute(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED").status());
  return SqliteTransaction(conn);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  // Best effort: SQLite may already have rolled back on its own after some errors.
  if (conn_ != nullptr) (void)conn_->Execute("ROLLBACK");
}

arrow::Status SqliteTransaction::Commit() {
  if (conn_ == nullptr) return arrow::Status::Invalid("transaction already finished");
  // On failure (e.g. SQLITE_BUSY while readers hold locks) the transaction stays open and the
  // destructor rolls it back.
  ARROW_RETURN_NOT_OK(conn_->Execute("COMMIT").status());
  conn_ = nullptr;
  return arrow::Status::OK();
}

}  // namespace floe::catalog::internal
