import KosmosAPI

/// A node taint in evaluation form.
public struct TaintInfo: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: String
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String

    /// A taint `key=value:effect`.
    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    init(_ t: Taint) { self.init(key: t.key, value: t.value ?? "", effect: t.effect.rawValue) }
}

/// A pod toleration in evaluation form.
public struct TolerationInfo: Sendable, Hashable {
    /// Empty with `exists` tolerates every key.
    public var key: String
    /// `Exists` (any value) rather than `Equal`.
    public var exists: Bool
    /// The value.
    public var value: String
    /// Empty tolerates every effect.
    public var effect: String

    /// A toleration; `exists` false means `Equal`.
    public init(key: String, exists: Bool, value: String = "", effect: String = "") {
        self.key = key
        self.exists = exists
        self.value = value
        self.effect = effect
    }

    init?(_ t: Toleration) {
        let op = t.operator.rawValue
        guard op == "Exists" || op == "Equal" || op.isEmpty else { return nil }
        self.init(key: t.key ?? "", exists: op == "Exists", value: t.value ?? "", effect: t.effect?.rawValue ?? "")
    }

    /// core/v1 `ToleratesTaint`.
    public func tolerates(_ taint: TaintInfo) -> Bool {
        if !effect.isEmpty && effect != taint.effect { return false }
        if !key.isEmpty && key != taint.key { return false }
        return exists || value == taint.value
    }
}

extension Array where Element == TolerationInfo {
    func tolerate(_ taint: TaintInfo) -> Bool { contains { $0.tolerates(taint) } }
}
