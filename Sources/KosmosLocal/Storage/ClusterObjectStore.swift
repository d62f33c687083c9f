import Foundation
import KosmosAPI

/// One stored object, the revision that last wrote it, and its compact JSON as written to the database.
///
/// The bytes cost about the object's JSON size in memory; lists splice them into the answer instead of
/// serialising every item again (a 10,000-pod list is ~30 MB of JSON).
struct StoredObject: Sendable {
    var object: JSONValue
    var resourceVersion: Int64
    var encoded: [UInt8] = []
}

/// The kind of change a watch event reports.
enum StoreEventType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One change in the store's history: which object, its new state (last state for deletions) and the state before.
struct StoreEvent: Sendable {
    var type: StoreEventType
    var resource: String
    var namespace: String
    var name: String
    var object: JSONValue
    var previous: JSONValue?
    var resourceVersion: Int64
}

/// What a write transaction decided after looking at the current object.
enum StoreWriteDecision: Sendable {
    /// Store this object (create or replace). Its `metadata.resourceVersion` is set by the store.
    case put(JSONValue)
    /// Remove the object; the value is its last state, reported in the DELETED event.
    case delete(JSONValue)
    /// Change nothing.
    case none
}

/// Why a store operation failed.
enum StoreError: Error, Sendable {
    /// The requested resourceVersion is older than the event history: (requested, oldest available).
    case expired(requested: Int64, oldest: Int64)
    case io(String)
}

/// What the store hands a watcher for one event.
struct WatchDelivery: Sendable {
    /// The event type as this watcher sees it (a change that leaves its filter is a DELETED for it).
    var type: StoreEventType
    /// The object after the change (for deletions its last state; for bookmarks the bookmark object).
    var object: JSONValue
    /// `object` as compact JSON, when the store holds it already (the stored bytes of a put), so a watch line can
    /// be spliced from it instead of serialising the tree again.
    var encoded: [UInt8]?
    /// Shared by every watcher of one live change (`nil` for initial, replayed and bookmark events).
    var memo: WatchLineMemo?
}

/// A watcher registered with the store. `send` is called under the store lock, in revision order.
final class StoreWatcher: @unchecked Sendable {
    let id: Int
    let resource: String
    let namespace: String?
    let matches: @Sendable (JSONValue) -> Bool
    let send: @Sendable (WatchDelivery) -> Void
    // Only touched under the store lock.
    var lastSentRV: Int64 = 0

    init(id: Int, resource: String, namespace: String?, matches: @escaping @Sendable (JSONValue) -> Bool,
         send: @escaping @Sendable (WatchDelivery) -> Void) {
        self.id = id
        self.resource = resource
        self.namespace = namespace
        self.matches = matches
        self.send = send
    }
}

/// The durable object store of one cluster: a SQLite file (WAL mode, one transaction per write, committed before
/// the write returns), an in-memory copy of every object serving reads, and a bounded history of changes
/// serving watches.
///
/// Resource versions come from one global counter, persisted with every write, so they keep increasing across
/// restarts. All state is guarded by one lock; writes are short (one SQLite transaction without fsync: WAL mode
/// with `synchronous=NORMAL` loses nothing when the process dies, only on power loss).
final class ClusterObjectStore: @unchecked Sendable {
    private let lock = NSLock()
    private let db: SQLiteDatabase
    private let upsertStmt: SQLiteStatement
    private let deleteStmt: SQLiteStatement
    private let metaStmt: SQLiteStatement

    // MARK: state guarded by `lock`
    private var revision: Int64 = 0
    private var buckets: [String: [String: StoredObject]] = [:]
    private var sortedKeys: [String: [String]] = [:]
    private var history: [StoreEvent] = []
    private var historyStart = 0
    /// Events with a revision at or below this one are no longer in `history`.
    private var compactedRevision: Int64 = 0
    private var watchers: [Int: StoreWatcher] = [:]
    /// owner uid -> "resource|key" of the objects whose ownerReferences name it (for garbage collection).
    private var ownerIndex: [String: Set<String>] = [:]
    private var nextWatcherID = 1
    private let historyLimit: Int
    /// Distinct `fieldsV1` trees seen, by their JSON: most objects of a kind written by one manager own the same
    /// fields, so they can share one copy of the tree (hundreds of bytes each in memory).
    private var fieldsTrees: [[UInt8]: JSONValue] = [:]
    private static let fieldsTreesLimit = 8_192

    /// Opens (or creates) the store in `path`.
    init(path: String, historyLimit: Int) throws {
        self.historyLimit = max(historyLimit, 16)
        db = try SQLiteDatabase(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;")
        try db.execute("""
            CREATE TABLE IF NOT EXISTS objects (resource TEXT NOT NULL, key TEXT NOT NULL, rv INTEGER NOT NULL,
              value BLOB NOT NULL, PRIMARY KEY (resource, key)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 1);
            """)
        upsertStmt = try db.prepare("INSERT OR REPLACE INTO objects (resource, key, rv, value) VALUES (?, ?, ?, ?)")
        deleteStmt = try db.prepare("DELETE FROM objects WHERE resource = ? AND key = ?")
        metaStmt = try db.prepare("UPDATE meta SET value = ? WHERE name = 'revision'")
        try load()
    }

    private func load() throws {
        let revStmt = try db.prepare("SELECT value FROM meta WHERE name = 'revision'")
        try revStmt.forEachRow { revision = $0.int(0) }
        let all = try db.prepare("SELECT resource, key, rv, value FROM objects")
        try all.forEachRow { row in
            let resource = row.string(0)
            let key = row.string(1)
            let rv = row.int(2)
            let bytes = row.bytes(3)
            guard let parsed = try? JSONValue.parse(bytes) else { return }
            let value = sharingFieldsTrees(parsed)
            buckets[resource, default: [:]][key] = StoredObject(object: value, resourceVersion: rv, encoded: bytes)
            indexOwners(resource: resource, key: key, old: nil, new: value)
            revision = max(revision, rv)
        }
        compactedRevision = revision
    }

    /// The key of an object inside its resource: `namespace/name`, or `name` for cluster-scoped objects.
    static func key(namespace: String, name: String) -> String {
        namespace.isEmpty ? name : namespace + "/" + name
    }

    // MARK: - Reads

    /// The current revision (the resourceVersion of a list).
    var currentRevision: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return revision
    }

    /// The oldest revision a watch can start from.
    var oldestWatchableRevision: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return compactedRevision
    }

    /// One object, or `nil`.
    func get(_ resource: String, namespace: String, name: String) -> StoredObject? {
        lock.lock()
        defer { lock.unlock() }
        return buckets[resource]?[Self.key(namespace: namespace, name: name)]
    }

    /// Objects of a resource in key order (optionally one namespace, optionally starting after a key), with the
    /// store revision at the time of reading.
    func list(_ resource: String, namespace: String?) -> (items: [(key: String, value: StoredObject)], revision: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard let bucket = buckets[resource] else { return ([], revision) }
        let keys: [String]
        if let cached = sortedKeys[resource] {
            keys = cached
        } else {
            keys = bucket.keys.sorted()
            sortedKeys[resource] = keys
        }
        var out: [(key: String, value: StoredObject)] = []
        if let namespace, !namespace.isEmpty {
            let prefix = namespace + "/"
            // Binary search to the namespace's first key.
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < prefix { lo = mid + 1 } else { hi = mid }
            }
            var i = lo
            while i < keys.count, keys[i].hasPrefix(prefix) {
                if let v = bucket[keys[i]] { out.append((keys[i], v)) }
                i += 1
            }
        } else {
            out.reserveCapacity(keys.count)
            for k in keys { if let v = bucket[k] { out.append((k, v)) } }
        }
        return (out, revision)
    }

    /// Number of objects of a resource in a namespace (all namespaces with `nil`).
    func count(_ resource: String, namespace: String?) -> Int {
        list(resource, namespace: namespace).items.count
    }

    private static func ownerUIDs(_ o: JSONValue?) -> [String] {
        (o?["metadata"]?["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    private func indexOwners(resource: String, key: String, old: JSONValue?, new: JSONValue?) {
        let before = Self.ownerUIDs(old), after = Self.ownerUIDs(new)
        if before.isEmpty && after.isEmpty { return }
        let entry = resource + "|" + key
        for uid in before where !after.contains(uid) {
            ownerIndex[uid]?.remove(entry)
            if ownerIndex[uid]?.isEmpty == true { ownerIndex[uid] = nil }
        }
        for uid in after { ownerIndex[uid, default: []].insert(entry) }
    }

    /// The objects whose ownerReferences name `uid`: (resource, object).
    func dependents(ofUID uid: String) -> [(resource: String, object: JSONValue)] {
        lock.lock()
        defer { lock.unlock() }
        return (ownerIndex[uid] ?? []).sorted().compactMap { entry in
            let parts = entry.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let o = buckets[parts[0]]?[parts[1]] else { return nil }
            return (parts[0], o.object)
        }
    }

    /// Names of every resource bucket that holds objects.
    func resourcesWithObjects() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return buckets.filter { !$0.value.isEmpty }.map(\.key)
    }

    // MARK: - Writes

    /// Reads the current object, lets `decide` choose what to do, then persists and publishes the change.
    ///
    /// `decide` runs under the store lock, so it sees and replaces the object atomically (optimistic concurrency
    /// and create-if-absent are checks inside it). It must be quick and must not call back into the store.
    /// - Returns: The stored object after the write (with its new resourceVersion), or `nil` when nothing was
    ///   stored (`.none` or `.delete`), together with the decision's extra result.
    @discardableResult
    func write<R>(_ resource: String, namespace: String, name: String,
                  _ decide: (StoredObject?) throws -> (StoreWriteDecision, R)) throws -> (JSONValue?, R) {
        let key = Self.key(namespace: namespace, name: name)
        lock.lock()
        defer { lock.unlock() }
        let current = buckets[resource]?[key]
        let (decision, extra) = try decide(current)
        switch decision {
        case .none:
            return (current?.object, extra)
        case .put(var object):
            let rv = revision + 1
            object[path: ["metadata", "resourceVersion"]] = .string(String(rv))
            object = sharingFieldsTrees(object)
            let bytes = object.serialized()
            try persist {
                upsertStmt.bind(1, resource)
                upsertStmt.bind(2, key)
                upsertStmt.bind(3, rv)
                upsertStmt.bind(4, blob: bytes)
                try upsertStmt.run()
            }
            revision = rv
            if current == nil { sortedKeys[resource] = nil }
            buckets[resource, default: [:]][key] = StoredObject(object: object, resourceVersion: rv, encoded: bytes)
            indexOwners(resource: resource, key: key, old: current?.object, new: object)
            publish(StoreEvent(type: current == nil ? .added : .modified, resource: resource, namespace: namespace,
                               name: name, object: object, previous: current?.object, resourceVersion: rv),
                    encoded: bytes)
            return (object, extra)
        case .delete(var last):
            guard current != nil else { return (nil, extra) }
            let rv = revision + 1
            try persist {
                deleteStmt.bind(1, resource)
                deleteStmt.bind(2, key)
                try deleteStmt.run()
            }
            revision = rv
            buckets[resource]?[key] = nil
            sortedKeys[resource] = nil
            indexOwners(resource: resource, key: key, old: current?.object, new: nil)
            last[path: ["metadata", "resourceVersion"]] = .string(String(rv))
            publish(StoreEvent(type: .deleted, resource: resource, namespace: namespace, name: name,
                               object: last, previous: current?.object, resourceVersion: rv))
            return (nil, extra)
        }
    }

    /// Runs one write and the revision update in a single transaction (called under the lock).
    private func persist(_ body: () throws -> Void) throws {
        do {
            try db.execute("BEGIN IMMEDIATE")
            do {
                try body()
                metaStmt.bind(1, revision + 1)
                try metaStmt.run()
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        } catch let e as SQLiteError {
            throw StoreError.io(e.description)
        }
    }

    /// Appends to the bounded history and hands the event to every matching watcher (under the lock).
    private func publish(_ event: StoreEvent, encoded: [UInt8]? = nil) {
        history.append(event)
        if history.count - historyStart > historyLimit {
            compactedRevision = history[historyStart].resourceVersion
            historyStart += 1
            if historyStart > historyLimit {
                history.removeFirst(historyStart)
                historyStart = 0
            }
        }
        var memo: WatchLineMemo?
        for w in watchers.values where w.resource == event.resource {
            if memo == nil { memo = WatchLineMemo() }
            deliver(event, to: w, encoded: encoded, memo: memo)
        }
    }

    private func deliver(_ event: StoreEvent, to w: StoreWatcher, encoded: [UInt8]? = nil,
                         memo: WatchLineMemo? = nil) {
        if let ns = w.namespace, !ns.isEmpty, ns != event.namespace { return }
        guard event.resourceVersion > w.lastSentRV else { return }
        let now = event.type == .deleted ? false : w.matches(event.object)
        let before = event.previous.map(w.matches) ?? false
        var type: StoreEventType?
        switch event.type {
        case .deleted: if before || w.matches(event.object) { type = .deleted }
        default:
            if now && before { type = .modified } else if now { type = .added } else if before { type = .deleted }
        }
        if let type {
            w.lastSentRV = event.resourceVersion
            w.send(WatchDelivery(type: type, object: event.object, encoded: encoded, memo: memo))
        }
    }

    /// The object with each managedFields entry's `fieldsV1` replaced by an equal tree already held in memory
    /// (called under the lock).
    private func sharingFieldsTrees(_ object: JSONValue) -> JSONValue {
        guard case .object(var top) = object, case .object(var meta)? = top["metadata"],
              case .array(var entries)? = meta["managedFields"] else { return object }
        var changed = false
        for i in entries.indices {
            guard case .object(var entry) = entries[i], let fields = entry["fieldsV1"] else { continue }
            let key = fields.serialized()
            if let shared = fieldsTrees[key] {
                entry["fieldsV1"] = shared
                entries[i] = .object(entry)
                changed = true
            } else if fieldsTrees.count < Self.fieldsTreesLimit {
                fieldsTrees[key] = fields
            }
        }
        guard changed else { return object }
        meta["managedFields"] = .array(entries)
        top["metadata"] = .object(meta)
        return .object(top)
    }

    // MARK: - Watch

    /// Registers a watcher. Without `fromRevision` (or with 0) it first receives ADDED events for every current
    /// matching object; otherwise every change after `fromRevision` is replayed from the history first.
    /// - Throws: `StoreError.expired` when `fromRevision` is older than the history.
    func watch(_ resource: String, namespace: String?, fromRevision: Int64?,
               matches: @escaping @Sendable (JSONValue) -> Bool,
               send: @escaping @Sendable (StoreEventType, JSONValue) -> Void) throws -> Int {
        try watch(resource, namespace: namespace, fromRevision: fromRevision, matches: matches,
                  deliver: { send($0.type, $0.object) })
    }

    /// Registers a watcher like `watch(_:namespace:fromRevision:matches:send:)`, whose `deliver` also gets the
    /// object's stored JSON when the store has it and the memo of each live change, so watchers can share one
    /// encoding of it.
    func watch(_ resource: String, namespace: String?, fromRevision: Int64?,
               matches: @escaping @Sendable (JSONValue) -> Bool,
               deliver send: @escaping @Sendable (WatchDelivery) -> Void) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        let w = StoreWatcher(id: nextWatcherID, resource: resource, namespace: namespace, matches: matches, send: send)
        nextWatcherID += 1
        if let from = fromRevision, from > 0 {
            if from < compactedRevision {
                throw StoreError.expired(requested: from, oldest: compactedRevision + 1)
            }
            let bucket = buckets[resource]
            for i in historyStart..<history.count where history[i].resourceVersion > from
                && history[i].resource == resource {
                let event = history[i]
                // The history keeps trees, not bytes; while the object is still at this revision its stored
                // bytes are the event's object (an informer replaying recent changes nearly always hits this).
                var encoded: [UInt8]?
                if event.type != .deleted,
                   let current = bucket?[Self.key(namespace: event.namespace, name: event.name)],
                   current.resourceVersion == event.resourceVersion, !current.encoded.isEmpty {
                    encoded = current.encoded
                }
                deliver(event, to: w, encoded: encoded)
            }
            w.lastSentRV = max(w.lastSentRV, from)
        } else {
            if let bucket = buckets[resource] {
                let keys = sortedKeys[resource] ?? bucket.keys.sorted()
                sortedKeys[resource] = keys
                for k in keys {
                    guard let v = bucket[k] else { continue }
                    if let ns = namespace, !ns.isEmpty,
                       v.object[path: ["metadata", "namespace"]]?.stringValue != ns { continue }
                    if matches(v.object) {
                        send(WatchDelivery(type: .added, object: v.object,
                                           encoded: v.encoded.isEmpty ? nil : v.encoded, memo: nil))
                    }
                }
            }
            w.lastSentRV = revision
        }
        watchers[w.id] = w
        return w.id
    }

    /// Sends a BOOKMARK carrying the current revision to one watcher, ordered after every event already sent.
    func bookmark(watcher id: Int, template: JSONValue) {
        lock.lock()
        defer { lock.unlock() }
        guard let w = watchers[id] else { return }
        var object = template
        object[path: ["metadata", "resourceVersion"]] = .string(String(revision))
        w.send(WatchDelivery(type: .bookmark, object: object, encoded: nil, memo: nil))
    }

    /// Removes a watcher.
    func unwatch(_ id: Int) {
        lock.lock()
        defer { lock.unlock() }
        watchers[id] = nil
    }

    /// Closes the database.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        watchers.removeAll()
        db.close()
    }
}
