/// The fields of a JSON object, in insertion order.
///
/// Kubernetes answers keep a fixed field order (`kind`, `apiVersion`, `metadata`, `spec`, `status`) and users read
/// diffs, so order is kept; lookups are linear for small objects and hashed once an object grows past 16 keys.
/// Equality ignores order.
public struct JSONObject: Sendable {
    @usableFromInline var keys: [String]
    @usableFromInline var values: [JSONValue]
    @usableFromInline var index: [String: Int]?

    private static let indexThreshold = 16

    /// An empty object.
    public init() {
        keys = []
        values = []
        index = nil
    }

    /// An object with room for `capacity` fields.
    public init(minimumCapacity capacity: Int) {
        keys = []
        values = []
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        index = nil
    }

    /// The number of fields.
    public var count: Int { keys.count }

    /// Whether the object has no fields.
    public var isEmpty: Bool { keys.isEmpty }

    /// The field names in order.
    public var fieldNames: [String] { keys }

    @inlinable
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in keys.indices where keys[i] == key { return i }
        return nil
    }

    /// The value of a field; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = position(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Appends a field without looking for an existing one of the same name (for parsers and builders that
    /// know the key is new).
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Removes a field and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        let old = self[key]
        self[key] = nil
        return old
    }

    /// Whether the object has a field named `key`.
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    private mutating func rebuildIndex() {
        if keys.count <= Self.indexThreshold {
            index = nil
            return
        }
        var d = [String: Int](minimumCapacity: keys.count)
        for (i, k) in keys.enumerated() { d[k] = i }
        index = d
    }

    /// Mutates a field's value in place (no copy of the value when it is uniquely referenced).
    public mutating func modify<R>(_ key: String, default: JSONValue, _ body: (inout JSONValue) throws -> R) rethrows -> R {
        let i: Int
        if let p = position(of: key) {
            i = p
        } else {
            append(key, `default`)
            i = keys.count - 1
        }
        return try body(&values[i])
    }
}

extension JSONObject: Sequence {
    /// Iterates fields in order as `(key, value)` pairs.
    public struct Iterator: IteratorProtocol {
        var i = 0
        let object: JSONObject
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard i < object.keys.count else { return nil }
            defer { i += 1 }
            return (object.keys[i], object.values[i])
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.keys.count == rhs.keys.count else { return false }
        if lhs.keys == rhs.keys { return lhs.values == rhs.values }
        for (k, v) in lhs {
            guard let o = rhs[k], o == v else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-field hashes commutatively.
        var acc = 0
        for (k, v) in self {
            var h = Hasher()
            h.combine(k)
            h.combine(v)
            acc ^= h.finalize()
        }
        hasher.combine(keys.count)
        hasher.combine(acc)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }
}
