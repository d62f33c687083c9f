/// Computes the index values of an object (client-go's `IndexFunc`); an object may have several or none.
public typealias IndexFunction<Object> = @Sendable (Object) -> [String]

/// A thread-safe cache of objects keyed by `namespace/name`, with secondary indices (client-go's `Indexer` over a
/// `ThreadSafeStore`).
///
/// The index `ObjectStore.namespaceIndex` (objects by `metadata.namespace`) is always present; add others with
/// `addIndex(_:_:)`. Reads are synchronous, so reconcilers and event handlers can use the cache without `await`.
public final class ObjectStore<Object: JSONBacked>: Sendable {
    /// The built-in index of objects by namespace (cluster-scoped objects are indexed under `""`).
    public static var namespaceIndex: String { "namespace" }

    private struct State {
        var items: [ObjectKey: Object] = [:]
        var indexers: [String: IndexFunction<Object>] = [:]
        /// index name -> index value -> keys.
        var indices: [String: [String: Set<ObjectKey>]] = [:]

        mutating func unindex(_ key: ObjectKey, _ object: Object) {
            for (name, fn) in indexers {
                for value in fn(object) {
                    indices[name]?[value]?.remove(key)
                    if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
                }
            }
        }

        mutating func put(_ key: ObjectKey, _ object: Object) -> Object? {
            let old = items.updateValue(object, forKey: key)
            for (name, fn) in indexers {
                let newValues = fn(object)
                if let old {
                    let oldValues = fn(old)
                    // Most updates keep their index values (same namespace, node, owner): skip the set churn.
                    if oldValues == newValues { continue }
                    for value in oldValues {
                        indices[name]?[value]?.remove(key)
                        if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
                    }
                }
                for value in newValues { indices[name, default: [:]][value, default: []].insert(key) }
            }
            return old
        }

        mutating func remove(_ key: ObjectKey) -> Object? {
            guard let old = items.removeValue(forKey: key) else { return nil }
            unindex(key, old)
            return old
        }
    }

    private let state: StateLock<State>

    /// Creates an empty store.
    /// - Parameter indexers: extra indices by name, besides the namespace index.
    public init(indexers: [String: IndexFunction<Object>] = [:]) {
        var s = State()
        s.indexers = indexers
        s.indexers[Self.namespaceIndex] = { [ObjectKey(of: $0).namespace] }
        state = StateLock(s)
    }

    // MARK: - Writing

    /// Inserts or replaces an object under its key.
    /// - Returns: the object previously stored under that key.
    @discardableResult
    public func put(_ object: Object) -> Object? {
        let key = ObjectKey(of: object)
        return state.withLock { $0.put(key, object) }
    }

    /// Removes the object under `key`.
    /// - Returns: the removed object, when there was one.
    @discardableResult
    public func remove(_ key: ObjectKey) -> Object? {
        state.withLock { $0.remove(key) }
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
        var incoming: [ObjectKey: Object] = [:]
        incoming.reserveCapacity(objects.count)
        for o in objects { incoming[ObjectKey(of: o)] = o }
        return state.withLock { s in
            var r = Replacement()
            for key in s.items.keys.sorted() where incoming[key] == nil {
                if let old = s.remove(key) { r.deleted.append(old) }
            }
            for key in incoming.keys.sorted() {
                let new = incoming[key]!
                if let old = s.put(key, new) { r.updated.append((old, new)) } else { r.added.append(new) }
            }
            return r
        }
    }

    /// Adds an index and indexes the objects already stored.
    /// - Parameters:
    ///   - name: the index name used with `byIndex(_:_:)`; replaces an index of the same name.
    ///   - function: computes an object's index values.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction<Object>) {
        state.withLock { s in
            s.indexers[name] = function
            var index: [String: Set<ObjectKey>] = [:]
            for (key, object) in s.items {
                for value in function(object) { index[value, default: []].insert(key) }
            }
            s.indices[name] = index
        }
    }

    // MARK: - Reading

    /// The object under `key`.
    public func get(_ key: ObjectKey) -> Object? { state.withLock { $0.items[key] } }

    /// The object with this namespace and name.
    public func get(namespace: String?, name: String) -> Object? { get(ObjectKey(namespace: namespace, name: name)) }

    /// Every object, in no particular order.
    public func list() -> [Object] { state.withLock { Array($0.items.values) } }

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
            guard s.indexers[name] != nil else { throw ObjectStoreError(index: name) }
            guard let keys = s.indices[name]?[value] else { return [] }
            return keys.compactMap { s.items[$0] }
        }
    }

    /// The keys whose index values include `value`.
    /// - Throws: `ObjectStoreError` when no index named `name` exists.
    public func keys(index name: String, value: String) throws(ObjectStoreError) -> [ObjectKey] {
        try state.withLock { s throws(ObjectStoreError) in
            guard s.indexers[name] != nil else { throw ObjectStoreError(index: name) }
            return Array(s.indices[name]?[value] ?? [])
        }
    }

    /// The values present in an index.
    /// - Throws: `ObjectStoreError` when no index named `name` exists.
    public func indexValues(_ name: String) throws(ObjectStoreError) -> [String] {
        try state.withLock { s throws(ObjectStoreError) in
            guard s.indexers[name] != nil else { throw ObjectStoreError(index: name) }
            return Array(s.indices[name]?.keys ?? [:].keys)
        }
    }
}

/// A lookup named an index the store does not have.
public struct ObjectStoreError: Error, Sendable, CustomStringConvertible {
    /// The missing index.
    public var index: String
    public var description: String { "object store lookup by index \"\(index)\": no such index is registered" }
}
