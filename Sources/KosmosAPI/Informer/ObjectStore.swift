/// Computes the index values of an object (client-go's `IndexFunc`); an object may have several or none.
public typealias IndexFunction<Object> = @Sendable (Object) -> [String]

/// A thread-safe cache of objects keyed by `namespace/name`, with secondary indices (client-go's `Indexer` over a
/// `ThreadSafeStore`).
///
/// The index `ObjectStore.namespaceIndex` (objects by `metadata.namespace`) is always present; add others with
/// `addIndex(_:_:)`. Reads are synchronous, so reconcilers and event handlers can use the cache without `await`.
///
/// Objects are kept as compact JSON text (about their size on the wire) rather than as decoded trees (about six
/// times that); a read decodes. The objects most recently written or read by key stay decoded within a budget of
/// 1/32 of the stored JSON (at least 1 MiB), so a reconciler reading the object that just changed pays nothing.
/// Index values are computed when an object is stored.
public final class ObjectStore<Object: JSONBacked>: Sendable {
    /// The built-in index of objects by namespace (cluster-scoped objects are indexed under `""`).
    public static var namespaceIndex: String { "namespace" }

    /// The smallest budget of the decoded cache, in bytes of JSON.
    static var minimumDecodedBudget: Int { 1 << 20 }

    /// One stored object: its JSON, the values its custom indices gave it, and a version that tells a decoding of
    /// this write from one of an earlier write.
    struct Entry: Sendable {
        var json: CompactJSON
        /// One element per custom index, in `State.indexNames` order.
        var indexValues: [[String]]
        var version: UInt64
    }

    private struct State: Sendable {
        var items: [ObjectKey: Entry] = [:]
        /// Custom indices (every index but the namespace index), whose values entries carry.
        var indexNames: [String] = []
        var indexFunctions: [IndexFunction<Object>] = []
        /// index name -> index value -> keys.
        var indices: [String: [String: Set<ObjectKey>]] = [:]
        var decoded = DecodedObjectCache<Object>(budget: ObjectStore.minimumDecodedBudget)
        var storedBytes = 0
        var nextVersion: UInt64 = 0

        func values(of object: Object) -> [[String]] { indexFunctions.map { $0(object) } }

        mutating func index(_ key: ObjectKey, _ values: [[String]]) {
            indices[ObjectStore.namespaceIndex, default: [:]][key.namespace, default: []].insert(key)
            for (name, vs) in zip(indexNames, values) {
                for v in vs { indices[name, default: [:]][v, default: []].insert(key) }
            }
        }

        mutating func unindex(_ key: ObjectKey, _ values: [[String]], keepNamespace: Bool = false) {
            if !keepNamespace { unindex(key, from: ObjectStore.namespaceIndex, key.namespace) }
            for (name, vs) in zip(indexNames, values) {
                for v in vs { unindex(key, from: name, v) }
            }
        }

        private mutating func unindex(_ key: ObjectKey, from name: String, _ value: String) {
            indices[name]?[value]?.remove(key)
            if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
        }

        /// Stores `object` (whose JSON is `json`) under `key`; returns the entry it replaced.
        mutating func put(_ key: ObjectKey, _ object: Object, _ json: CompactJSON) -> Entry? {
            nextVersion += 1
            let entry = Entry(json: json, indexValues: values(of: object), version: nextVersion)
            let old = items.updateValue(entry, forKey: key)
            if let old {
                storedBytes -= old.json.count
                // Most updates keep their index values (same node, owner): skip the set churn.
                if old.indexValues != entry.indexValues {
                    unindex(key, old.indexValues, keepNamespace: true)
                    index(key, entry.indexValues)
                }
            } else {
                index(key, entry.indexValues)
            }
            storedBytes += json.count
            decoded.budget = max(ObjectStore.minimumDecodedBudget, storedBytes / 32)
            decoded.insert(key, version: entry.version, object: object, size: json.count)
            return old
        }

        mutating func remove(_ key: ObjectKey) -> Entry? {
            guard let old = items.removeValue(forKey: key) else { return nil }
            unindex(key, old.indexValues)
            storedBytes -= old.json.count
            decoded.remove(key)
            return old
        }

        func checkIndex(_ name: String) throws(ObjectStoreError) {
            guard name == ObjectStore.namespaceIndex || indexNames.contains(name) else {
                throw ObjectStoreError(index: name)
            }
        }

        /// An object as stored: decoded already, or still JSON.
        func lookup(_ key: ObjectKey) -> Lookup? {
            guard let e = items[key] else { return nil }
            if let o = decoded.peek(key, version: e.version) { return .decoded(o) }
            return .encoded(e.json)
        }
    }

    /// A stored object read under the lock, to be decoded (when needed) outside it.
    enum Lookup: Sendable {
        case decoded(Object)
        case encoded(CompactJSON)

        var object: Object {
            switch self {
            case .decoded(let o): return o
            case .encoded(let json): return Object(json: json.decode())
            }
        }
    }

    private let state: StateLock<State>

    /// Creates an empty store.
    /// - Parameter indexers: extra indices by name, besides the namespace index (an indexer named like the
    ///   namespace index is ignored: that index is built in).
    public init(indexers: [String: IndexFunction<Object>] = [:]) {
        var s = State()
        for (name, fn) in indexers.sorted(by: { $0.key < $1.key }) where name != Self.namespaceIndex {
            s.indexNames.append(name)
            s.indexFunctions.append(fn)
        }
        state = StateLock(s)
    }

    // MARK: - Writing

    /// Inserts or replaces an object under its key.
    /// - Returns: the object previously stored under that key.
    @discardableResult
    public func put(_ object: Object) -> Object? {
        let (old, cached) = store(object)
        guard let old else { return nil }
        return cached ?? Object(json: old.json.decode())
    }

    /// Stores `object` without decoding the object it replaces.
    /// - Parameter text: `object`'s JSON text when the caller has it (as received), so it is not encoded again.
    /// - Returns: the replaced entry, and its decoding when the cache had it.
    func store(_ object: Object, text: CompactJSON? = nil) -> (old: Entry?, oldObject: Object?) {
        let key = ObjectKey(of: object)
        let json = text ?? CompactJSON(object.json)
        return state.withLock { s in
            let cached = s.items[key].flatMap { s.decoded.peek(key, version: $0.version) }
            return (s.put(key, object, json), cached)
        }
    }

    /// Removes the object under `key`.
    /// - Returns: the removed object, when there was one.
    @discardableResult
    public func remove(_ key: ObjectKey) -> Object? {
        let lookup: Lookup? = state.withLock { s in
            let l = s.lookup(key)
            _ = s.remove(key)
            return l
        }
        return lookup?.object
    }

    /// Removes the object under `key` without decoding it.
    /// - Returns: whether there was one.
    func discard(_ key: ObjectKey) -> Bool {
        state.withLock { $0.remove(key) != nil }
    }

    /// The changes one `replace(with:)` made, in key order.
    public struct Replacement: Sendable {
        /// Objects that were not in the store.
        public var added: [Object] = []
        /// Objects that were in the store, as (old, new).
        public var updated: [(old: Object, new: Object)] = []
        /// Objects that were in the store but not in the new contents (their last known state).
        public var deleted: [Object] = []
    }

    /// Replaces the whole contents atomically (what a relist does).
    /// - Returns: which objects were added, updated and deleted.
    @discardableResult
    public func replace(with objects: [Object]) -> Replacement {
        var incoming: [ObjectKey: (object: Object, json: CompactJSON)] = [:]
        incoming.reserveCapacity(objects.count)
        for o in objects { incoming[ObjectKey(of: o)] = (o, CompactJSON(o.json)) }
        let (added, updated, deleted) = state.withLock { s in
            var added: [Object] = [], updated: [(Lookup, Object)] = [], deleted: [Lookup] = []
            for key in s.items.keys.sorted() where incoming[key] == nil {
                if let l = s.lookup(key) { deleted.append(l) }
                _ = s.remove(key)
            }
            for key in incoming.keys.sorted() {
                let new = incoming[key]!
                if let l = s.lookup(key) { updated.append((l, new.object)) } else { added.append(new.object) }
                _ = s.put(key, new.object, new.json)
            }
            return (added, updated, deleted)
        }
        return Replacement(added: added, updated: updated.map { ($0.0.object, $0.1) }, deleted: deleted.map(\.object))
    }

    /// Adds an index and indexes the objects already stored.
    /// - Parameters:
    ///   - name: the index name used with `byIndex(_:_:)`; replaces an index of the same name. The namespace
    ///     index is built in and cannot be replaced.
    ///   - function: computes an object's index values.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction<Object>) {
        precondition(name != Self.namespaceIndex, "ObjectStore.addIndex: the namespace index is built in")
        // Stored objects are decoded outside the lock; an object written meanwhile (its version changed) is
        // indexed from its new state under the lock below.
        let snapshot = state.withLock { s in s.items.map { key, e in (key, e.version, s.lookup(key)!) } }
        let computed = snapshot.map { ($0.0, $0.1, function($0.2.object)) }
        state.withLock { s in
            let slot: Int
            if let i = s.indexNames.firstIndex(of: name) {
                slot = i
                s.indexFunctions[i] = function
            } else {
                slot = s.indexNames.count
                s.indexNames.append(name)
                s.indexFunctions.append(function)
                for key in Array(s.items.keys) { s.items[key]!.indexValues.append([]) }
            }
            var fresh: [ObjectKey: [String]] = [:]
            for (key, version, values) in computed where s.items[key]?.version == version { fresh[key] = values }
            var index: [String: Set<ObjectKey>] = [:]
            for key in Array(s.items.keys) {
                let values = fresh[key] ?? function(s.lookup(key)!.object)
                s.items[key]!.indexValues[slot] = values
                for v in values { index[v, default: []].insert(key) }
            }
            s.indices[name] = index
        }
    }

    // MARK: - Reading

    /// The object under `key`.
    public func get(_ key: ObjectKey) -> Object? {
        let found: (Lookup, UInt64)? = state.withLock { s in
            guard let e = s.items[key] else { return nil }
            if let o = s.decoded.get(key, version: e.version) { return (.decoded(o), e.version) }
            return (.encoded(e.json), e.version)
        }
        guard let (lookup, version) = found else { return nil }
        guard case .encoded(let json) = lookup else { return lookup.object }
        let object = lookup.object
        state.withLock { s in
            // Keep the decoding only if no write replaced the object meanwhile.
            if s.items[key]?.version == version {
                s.decoded.insert(key, version: version, object: object, size: json.count)
            }
        }
        return object
    }

    /// The object with this namespace and name.
    public func get(namespace: String?, name: String) -> Object? { get(ObjectKey(namespace: namespace, name: name)) }

    /// Every object, in no particular order.
    public func list() -> [Object] {
        state.withLock { s in s.items.keys.map { s.lookup($0)! } }.map(\.object)
    }

    /// The objects of one namespace (through the namespace index).
    public func list(namespace: String) -> [Object] {
        (try? byIndex(Self.namespaceIndex, namespace)) ?? []
    }

    /// Every key, in no particular order.
    public var keys: [ObjectKey] { state.withLock { Array($0.items.keys) } }

    /// Number of objects.
    public var count: Int { state.withLock { $0.items.count } }

    /// The objects whose index values include `value`.
    /// - Throws: `ObjectStoreError` when no index named `name` exists.
    public func byIndex(_ name: String, _ value: String) throws(ObjectStoreError) -> [Object] {
        try state.withLock { s throws(ObjectStoreError) in
            try s.checkIndex(name)
            return (s.indices[name]?[value] ?? []).compactMap { s.lookup($0) }
        }.map(\.object)
    }

    /// The keys whose index values include `value`.
    /// - Throws: `ObjectStoreError` when no index named `name` exists.
    public func keys(index name: String, value: String) throws(ObjectStoreError) -> [ObjectKey] {
        try state.withLock { s throws(ObjectStoreError) in
            try s.checkIndex(name)
            return Array(s.indices[name]?[value] ?? [])
        }
    }

    /// The values present in an index.
    /// - Throws: `ObjectStoreError` when no index named `name` exists.
    public func indexValues(_ name: String) throws(ObjectStoreError) -> [String] {
        try state.withLock { s throws(ObjectStoreError) in
            try s.checkIndex(name)
            return Array(s.indices[name]?.keys ?? [:].keys)
        }
    }
}

/// A lookup named an index the store does not have.
public struct ObjectStoreError: Error, Sendable, CustomStringConvertible {
    /// The missing index.
    public var index: String
    /// Names the missing index.
    public var description: String { "object store lookup by index \"\(index)\": no such index is registered" }
}
