/// core/v1 ResourceRequirements: `requests` and `limits` as quantity maps.
public struct ResourceRequirements: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates requirements from requests and limits by resource name.
    public init(requests: [String: Quantity] = [:], limits: [String: Quantity] = [:]) {
        self.init(json: .object(JSONObject()))
        self.requests = requests
        self.limits = limits
    }

    /// Minimum resources, e.g. `["cpu": "500m", "memory": "1Gi"]`; empty when absent or unreadable.
    public var requests: [String: Quantity] {
        get { self[quantities: "requests"] }
        set { self[quantities: "requests"] = newValue }
    }
    /// Maximum resources.
    public var limits: [String: Quantity] {
        get { self[quantities: "limits"] }
        set { self[quantities: "limits"] = newValue }
    }
    /// Dynamic resource claims, kept as JSON.
    public var claims: [JSONValue] { get { self[list: "claims"] } set { self[list: "claims"] = newValue } }
}

/// Well-known resource names.
public enum ResourceName {
    /// CPU, in cores.
    public static let cpu = "cpu"
    /// Memory, in bytes.
    public static let memory = "memory"
    /// Local ephemeral storage, in bytes.
    public static let ephemeralStorage = "ephemeral-storage"
    /// Persistent storage, in bytes.
    public static let storage = "storage"
    /// Number of pods.
    public static let pods = "pods"
}

extension Dictionary where Key == String, Value == Quantity {
    /// The sum of two resource maps, key by key.
    public static func + (lhs: [String: Quantity], rhs: [String: Quantity]) -> [String: Quantity] {
        var r = lhs
        for (k, v) in rhs { r[k] = (r[k] ?? .zero) + v }
        return r
    }

    /// The difference of two resource maps, key by key (keys only in `rhs` become negative).
    public static func - (lhs: [String: Quantity], rhs: [String: Quantity]) -> [String: Quantity] {
        var r = lhs
        for (k, v) in rhs { r[k] = (r[k] ?? .zero) - v }
        return r
    }

    /// The larger of two maps, key by key.
    public func max(_ other: [String: Quantity]) -> [String: Quantity] {
        var r = self
        for (k, v) in other where r[k].map({ $0 < v }) ?? true { r[k] = v }
        return r
    }
}

extension JSONBacked {
    /// A resource map field (`requests`, `capacity`, ...) as quantities; empty when absent or unreadable.
    ///
    /// Setting keeps the existing JSON of every entry whose value is unchanged (so `1000m` is not rewritten to `1`
    /// unless it changed), writes new or changed entries canonically; an empty map removes a non-empty field (an absent field, `null`
    /// or `{}` is left as it is).
    public subscript(quantities key: String) -> [String: Quantity] {
        get { self[field: key] ?? [:] }
        set {
            if newValue.isEmpty {
                if json[key]?.objectValue?.isEmpty == false { json[key] = JSONValue?.none }
                return
            }
            let old = json[key]?.objectValue
            var o = JSONObject(minimumCapacity: newValue.count)
            for k in newValue.keys.sorted() {
                let q = newValue[k]!
                if let previous = old?[k], Quantity(jsonValue: previous) == q {
                    o.append(k, previous)
                } else {
                    o.append(k, q.jsonValue)
                }
            }
            json[key] = .object(o)
        }
    }
}
