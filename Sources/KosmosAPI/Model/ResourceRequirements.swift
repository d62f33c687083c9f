/// core/v1 ResourceRequirements: `requests` and `limits` as quantity maps.
public struct ResourceRequirements: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    public init(requests: [String: Quantity] = [:], limits: [String: Quantity] = [:]) {
        self.init(json: .object(JSONObject()))
        self.requests = requests
        self.limits = limits
    }

    /// Minimum resources, e.g. `["cpu": "500m", "memory": "1Gi"]`; empty when absent or unreadable.
    public var requests: [String: Quantity] {
        get { self[field: "requests"] ?? [:] }
        set { json["requests"] = newValue.isEmpty ? nil : newValue.jsonValue }
    }
    /// Maximum resources.
    public var limits: [String: Quantity] {
        get { self[field: "limits"] ?? [:] }
        set { json["limits"] = newValue.isEmpty ? nil : newValue.jsonValue }
    }
    /// Dynamic resource claims, kept as JSON.
    public var claims: [JSONValue] { get { self[list: "claims"] } set { self[list: "claims"] = newValue } }
}

/// Well-known resource names.
public enum ResourceName {
    public static let cpu = "cpu"
    public static let memory = "memory"
    public static let ephemeralStorage = "ephemeral-storage"
    public static let storage = "storage"
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
