/// The fields of a JSON object, in insertion order.
///
/// Kubernetes answers keep a fixed field order (`kind`, `apiVersion`, `metadata`, `spec`, `status`) and users read
/// diffs, so order is kept; lookups are linear for small objects and hashed once an object grows past 16 keys.
/// Equality ignores order.
public struct JSONObject: Sendable {
    /// The fields in order, in one array (one allocation per object; the parser sizes it exactly).
    @usableFromInline var fields: [(key: String, value: JSONValue)]
    /// Positions by key, kept only for objects of more than `indexThreshold` fields.
    @usableFromInline var index: [String: Int]?

    static var indexThreshold: Int { 16 }

    /// An empty object.
    public init() {
        fields = []
        index = nil
    }

    /// An object with room for `capacity` fields.
    public init(minimumCapacity capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
        index = nil
    }

    /// An object over fields whose keys are known to be distinct (the parser's path).
    init(distinctFields: [(key: String, value: JSONValue)]) {
        fields = distinctFields
        index = nil
        if fields.count > Self.indexThreshold { rebuildIndex() }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Whether the object has no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The field names in order.
    public var fieldNames: [String] { fields.map(\.key) }

    @inlinable
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in fields.indices where fields[i].key == key { return i }
        return nil
    }

    /// The value of a field; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return fields[i].value
        }
        set {
            if let i = position(of: key) {
                if let newValue {
                    fields[i].value = newValue
                } else {
                    fields.remove(at: i)
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
        fields.append((key, value))
        if index != nil {
            index![key] = fields.count - 1
        } else if fields.count > Self.indexThreshold {
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
        if fields.count <= Self.indexThreshold {
            index = nil
            return
        }
        var d = [String: Int](minimumCapacity: fields.count)
        for (i, f) in fields.enumerated() { d[f.key] = i }
        index = d
    }

    /// Mutates a field's value in place (no copy of the value when it is uniquely referenced).
    public mutating func modify<R>(_ key: String, default: JSONValue, _ body: (inout JSONValue) throws -> R) rethrows -> R {
        let i: Int
        if let p = position(of: key) {
            i = p
        } else {
            append(key, `default`)
            i = fields.count - 1
        }
        return try body(&fields[i].value)
    }
}

extension JSONObject: Sequence {
    /// Iterates fields in order as `(key, value)` pairs.
    public struct Iterator: IteratorProtocol {
        var i = 0
        let object: JSONObject
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard i < object.fields.count else { return nil }
            defer { i += 1 }
            return object.fields[i]
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }
    public var underestimatedCount: Int { fields.count }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        // Same order (the common case): compare pairwise; otherwise look each key up.
        var sameOrder = true
        for i in lhs.fields.indices {
            if lhs.fields[i].key != rhs.fields[i].key {
                sameOrder = false
                break
            }
            if lhs.fields[i].value != rhs.fields[i].value { return false }
        }
        if sameOrder { return true }
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
        hasher.combine(fields.count)
        hasher.combine(acc)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }
}
