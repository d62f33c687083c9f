/// The objects of an `ObjectStore` most recently written or read by key, kept decoded so that hot reads (a
/// reconciler reading the object whose change queued it) skip parsing.
///
/// Two generations approximate least-recently-used order at constant cost: entries go into the young
/// generation; when its JSON size passes half the budget it becomes the old generation and the previous old one is
/// dropped; a hit in the old generation moves the entry back into the young one. Each entry carries the store
/// version it was decoded from, so a stale decoding is never returned.
struct DecodedObjectCache<Object: Sendable>: Sendable {
    private struct Item: Sendable {
        var version: UInt64
        var object: Object
        var size: Int
    }

    private var young: [ObjectKey: Item] = [:]
    private var old: [ObjectKey: Item] = [:]
    private var youngBytes = 0

    /// The JSON size, in bytes, of decoded objects kept over both generations.
    var budget: Int

    init(budget: Int) { self.budget = budget }

    /// The decoded object for `key` at `version`, refreshing its recency.
    mutating func get(_ key: ObjectKey, version: UInt64) -> Object? {
        if let item = young[key] { return item.version == version ? item.object : nil }
        guard let item = old.removeValue(forKey: key), item.version == version else { return nil }
        admit(key, item)
        return item.object
    }

    /// The decoded object for `key` at `version`, without changing recency (for bulk reads that would otherwise
    /// flush the cache).
    func peek(_ key: ObjectKey, version: UInt64) -> Object? {
        if let item = young[key] ?? old[key], item.version == version { return item.object }
        return nil
    }

    /// Keeps `object`, the decoding of `key` at `version` whose JSON is `size` bytes.
    mutating func insert(_ key: ObjectKey, version: UInt64, object: Object, size: Int) {
        old[key] = nil
        admit(key, Item(version: version, object: object, size: size))
    }

    /// Forgets `key`.
    mutating func remove(_ key: ObjectKey) {
        if let item = young.removeValue(forKey: key) { youngBytes -= item.size }
        old[key] = nil
    }

    private mutating func admit(_ key: ObjectKey, _ item: Item) {
        // An object larger than a generation is not worth keeping: it would flush everything else.
        guard item.size <= budget / 2 else {
            remove(key)
            return
        }
        if let previous = young.updateValue(item, forKey: key) { youngBytes -= previous.size }
        youngBytes += item.size
        if youngBytes > budget / 2 {
            old = young
            young = [:]
            youngBytes = 0
        }
    }
}
