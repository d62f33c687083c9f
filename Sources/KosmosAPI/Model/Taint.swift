/// core/v1 Taint: a node repels pods that do not tolerate it.
public struct Taint: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A taint `key[=value]:effect`.
    public init(key: String, value: String? = nil, effect: TaintEffect) {
        self.init(json: .object(JSONObject()))
        self.key = key
        self.value = value
        self.effect = effect
    }

    /// The taint's key.
    public var key: String { get { self[field: "key"] ?? "" } set { self[field: "key"] = newValue } }
    /// The taint's value.
    public var value: String? { get { self[field: "value"] } set { self[field: "value"] = newValue } }
    /// What happens to pods that do not tolerate the taint.
    public var effect: TaintEffect { get { self[field: "effect"] ?? "" } set { self[field: "effect"] = newValue } }
    /// When a NoExecute taint was added.
    public var timeAdded: Time? { get { self[field: "timeAdded"] } set { self[field: "timeAdded"] = newValue } }

    /// `key=value:effect` (or `key:effect`), as kubectl prints taints.
    public var description: String {
        key + ((value ?? "").isEmpty ? "" : "=" + value!) + ":" + effect.rawValue
    }
}

/// A taint's effect: `NoSchedule`, `PreferNoSchedule`, `NoExecute` (open set).
public struct TaintEffect: OpenStringEnum {
    public var rawValue: String
    /// Wraps an effect string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// New pods that do not tolerate the taint are not scheduled.
    public static let noSchedule: TaintEffect = "NoSchedule"
    /// The scheduler avoids placing intolerant pods.
    public static let preferNoSchedule: TaintEffect = "PreferNoSchedule"
    /// Intolerant pods are not scheduled and running ones are evicted.
    public static let noExecute: TaintEffect = "NoExecute"
}

/// core/v1 Toleration: lets a pod schedule onto (or stay on) nodes with matching taints.
public struct Toleration: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A toleration; `operator` defaults to `Equal` when a value is given and `Exists` otherwise.
    public init(key: String? = nil, operator op: TolerationOperator? = nil, value: String? = nil,
                effect: TaintEffect? = nil, tolerationSeconds: Int64? = nil) {
        self.init(json: .object(JSONObject()))
        self.key = key
        self[field: "operator"] = op ?? (value == nil ? .exists : .equal)
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// The taint key; empty with `Exists` tolerates every taint.
    public var key: String? { get { self[field: "key"] } set { self[field: "key"] = newValue } }
    /// `Equal` (the default when absent) or `Exists`.
    public var `operator`: TolerationOperator {
        get { self[field: "operator"] ?? .equal }
        set { self[field: "operator"] = newValue }
    }
    /// The value the toleration matches.
    public var value: String? { get { self[field: "value"] } set { self[field: "value"] = newValue } }
    /// The effect to tolerate; absent tolerates every effect.
    public var effect: TaintEffect? { get { self[field: "effect"] } set { self[field: "effect"] = newValue } }
    /// How long a NoExecute taint is tolerated once added; absent means forever.
    public var tolerationSeconds: Int64? {
        get { self[field: "tolerationSeconds"] }
        set { self[field: "tolerationSeconds"] = newValue }
    }

    /// Whether this toleration tolerates the taint (core/v1 `ToleratesTaint`): the effect matches or is empty, the
    /// key matches or is empty, and `Exists` accepts any value while `Equal` needs the same value.
    public func tolerates(_ taint: Taint) -> Bool {
        if let e = effect, !e.rawValue.isEmpty, e != taint.effect { return false }
        if let k = key, !k.isEmpty, k != taint.key { return false }
        switch self.operator {
        case .exists: return true
        case .equal, "": return (value ?? "") == (taint.value ?? "")
        default: return false
        }
    }
}

/// A toleration's operator: `Equal` or `Exists` (open set).
public struct TolerationOperator: OpenStringEnum {
    public var rawValue: String
    /// Wraps an operator string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The toleration matches taints whose value equals its value.
    public static let equal: TolerationOperator = "Equal"
    /// The key is present, whatever its value.
    public static let exists: TolerationOperator = "Exists"
}

extension Array where Element == Toleration {
    /// Whether some toleration tolerates the taint.
    public func tolerate(_ taint: Taint) -> Bool { contains { $0.tolerates(taint) } }

    /// The taints, among those with an effect in `effects`, that no toleration tolerates
    /// (`FindMatchingUntoleratedTaint` over all of them).
    public func untolerated(_ taints: [Taint], effects: Set<TaintEffect> = [.noSchedule, .noExecute]) -> [Taint] {
        taints.filter { effects.contains($0.effect) && !tolerate($0) }
    }
}
