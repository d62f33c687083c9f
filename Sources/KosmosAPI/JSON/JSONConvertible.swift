/// A Swift value that converts to and from a `JSONValue`: the currency of the typed views over Kubernetes objects.
public protocol JSONConvertible: Sendable {
    /// Reads the value; `nil` when the JSON has another type.
    init?(jsonValue: JSONValue)
    /// The value as JSON.
    var jsonValue: JSONValue { get }
}

extension JSONValue: JSONConvertible {
    public init?(jsonValue: JSONValue) { self = jsonValue }
    public var jsonValue: JSONValue { self }
}

extension JSONObject: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard case .object(let o) = jsonValue else { return nil }
        self = o
    }
    public var jsonValue: JSONValue { .object(self) }
}

extension String: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard case .string(let s) = jsonValue else { return nil }
        self = s
    }
    public var jsonValue: JSONValue { .string(self) }
}

extension Bool: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard case .bool(let b) = jsonValue else { return nil }
        self = b
    }
    public var jsonValue: JSONValue { .bool(self) }
}

extension Int: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard let i = jsonValue.intValue else { return nil }
        self = Int(i)
    }
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension Int32: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard let i = jsonValue.intValue, let v = Int32(exactly: i) else { return nil }
        self = v
    }
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension Int64: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard let i = jsonValue.intValue else { return nil }
        self = i
    }
    public var jsonValue: JSONValue { .int(self) }
}

extension Double: JSONConvertible {
    public init?(jsonValue: JSONValue) {
        guard let d = jsonValue.doubleValue else { return nil }
        self = d
    }
    public var jsonValue: JSONValue { .double(self) }
}

extension Array: JSONConvertible where Element: JSONConvertible {
    /// Reads an array; `nil` when the JSON is not an array or an element has another type.
    public init?(jsonValue: JSONValue) {
        guard case .array(let a) = jsonValue else { return nil }
        var r: [Element] = []
        r.reserveCapacity(a.count)
        for e in a {
            guard let v = Element(jsonValue: e) else { return nil }
            r.append(v)
        }
        self = r
    }
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
}

extension Dictionary: JSONConvertible where Key == String, Value: JSONConvertible {
    /// Reads an object as a dictionary; `nil` when the JSON is not an object or a value has another type.
    public init?(jsonValue: JSONValue) {
        guard case .object(let o) = jsonValue else { return nil }
        var r: [String: Value] = [:]
        r.reserveCapacity(o.count)
        for (k, v) in o {
            guard let x = Value(jsonValue: v) else { return nil }
            r[k] = x
        }
        self = r
    }
    /// Keys are written sorted, as Go writes maps.
    public var jsonValue: JSONValue {
        var o = JSONObject(minimumCapacity: count)
        for k in keys.sorted() { o.append(k, self[k]!.jsonValue) }
        return .object(o)
    }
}
