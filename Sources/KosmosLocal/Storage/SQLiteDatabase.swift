internal import CSQLite

/// A SQLite failure: the operation, the database file and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// What was being done ("open", "prepare", "step", ...).
    public var operation: String
    /// The database file.
    public var path: String
    /// SQLite's result code.
    public var code: Int32
    /// SQLite's message.
    public var message: String

    public var description: String { "sqlite \(operation) \(path): \(message) (code \(code))" }
}

/// A SQLite connection used by exactly one owner (the object store, which serialises access with its lock).
///
/// `@unchecked Sendable` because it wraps a C handle that only the owning store touches, under its lock.
final class SQLiteDatabase: @unchecked Sendable {
    private var handle: OpaquePointer?
    let path: String

    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(operation: "open", path: path, code: rc, message: msg)
        }
        handle = db
    }

    deinit { close() }

    func close() {
        if let h = handle {
            sqlite3_close_v2(h)
            handle = nil
        }
    }

    private func error(_ op: String, _ rc: Int32) -> SQLiteError {
        let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        return SQLiteError(operation: op, path: path, code: rc, message: msg)
    }

    /// Runs one or more SQL statements without results.
    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error("exec \(sql.prefix(40))", rc) }
    }

    /// Prepares a statement that can be reused.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error("prepare \(sql.prefix(40))", rc) }
        return SQLiteStatement(stmt: stmt, db: self)
    }

    fileprivate func stepError(_ rc: Int32) -> SQLiteError { error("step", rc) }
}

/// A prepared statement; reset after each use.
final class SQLiteStatement: @unchecked Sendable {
    private let stmt: OpaquePointer
    private unowned let db: SQLiteDatabase

    fileprivate init(stmt: OpaquePointer, db: SQLiteDatabase) {
        self.stmt = stmt
        self.db = db
    }

    deinit { sqlite3_finalize(stmt) }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(stmt, index, value)
    }

    func bind(_ index: Int32, _ value: String) {
        var s = value
        s.withUTF8 { buf in
            _ = buf.withMemoryRebound(to: CChar.self) {
                kosmos_sqlite3_bind_text_transient(stmt, index, $0.baseAddress, Int32($0.count))
            }
        }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { buf in
            _ = kosmos_sqlite3_bind_blob_transient(stmt, index, buf.baseAddress, Int32(buf.count))
        }
    }

    /// Steps a statement that returns no rows, then resets it.
    func run() throws {
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw db.stepError(rc) }
    }

    /// Steps through all rows, calling `row` for each, then resets.
    func forEachRow(_ row: (SQLiteRow) throws -> Void) throws {
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw db.stepError(rc) }
            try row(SQLiteRow(stmt: stmt))
        }
    }
}

/// The current row of a statement (valid only inside `forEachRow`).
struct SQLiteRow {
    fileprivate let stmt: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    func string(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        return String(cString: p)
    }

    func bytes(_ column: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, column))
        guard n > 0, let p = sqlite3_column_blob(stmt, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
