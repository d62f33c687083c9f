/// A status condition: meta/v1 Condition and the core variants (PodCondition, NodeCondition, ...) in one view.
///
/// All fields are optional so every variant reads and writes losslessly; the timestamps the variant does not use
/// simply stay absent.
public struct Condition: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A condition with a type, status and optional reason and message.
    public init(type: String, status: ConditionStatus, reason: String? = nil, message: String? = nil,
                lastTransitionTime: Time? = nil) {
        self.init(json: .object(JSONObject()))
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// The condition type, e.g. `Ready`.
    public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
    /// `True`, `False` or `Unknown`.
    public var status: ConditionStatus {
        get { self[field: "status"] ?? .unknown }
        set { self[field: "status"] = newValue }
    }
    /// The object generation the condition was computed from (meta/v1 only).
    public var observedGeneration: Int64? {
        get { self[field: "observedGeneration"] }
        set { self[field: "observedGeneration"] = newValue }
    }
    /// When the status last changed.
    public var lastTransitionTime: Time? {
        get { self[field: "lastTransitionTime"] }
        set { self[field: "lastTransitionTime"] = newValue }
    }
    /// When the condition was last reported (NodeCondition).
    public var lastHeartbeatTime: Time? {
        get { self[field: "lastHeartbeatTime"] }
        set { self[field: "lastHeartbeatTime"] = newValue }
    }
    /// When the condition was last probed (PodCondition).
    public var lastProbeTime: Time? {
        get { self[field: "lastProbeTime"] }
        set { self[field: "lastProbeTime"] = newValue }
    }
    /// Machine-readable reason for the last transition.
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    /// Human-readable details.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
}

/// The status of a condition: `True`, `False`, `Unknown` (open set).
public struct ConditionStatus: OpenStringEnum {
    public var rawValue: String
    /// Wraps a status string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The condition holds.
    public static let `true`: ConditionStatus = "True"
    /// The condition does not hold.
    public static let `false`: ConditionStatus = "False"
    /// It is not known whether the condition holds.
    public static let unknown: ConditionStatus = "Unknown"
}

extension Array where Element == Condition {
    /// The condition of a type, if present.
    public subscript(type type: String) -> Condition? {
        first { $0.type == type }
    }

    /// Adds or updates a condition the way `meta.SetStatusCondition` does: `lastTransitionTime` changes only when
    /// the status changes (set to `now` when the new condition has none); other fields are replaced.
    ///
    /// - Returns: whether anything changed.
    @discardableResult
    public mutating func set(_ condition: Condition, now: Time = .now()) -> Bool {
        guard let i = firstIndex(where: { $0.type == condition.type }) else {
            var c = condition
            if c.lastTransitionTime == nil { c.lastTransitionTime = now.truncatedToSeconds }
            append(c)
            return true
        }
        var c = self[i]
        let before = c
        if c.status != condition.status {
            c.status = condition.status
            c.lastTransitionTime = condition.lastTransitionTime ?? now.truncatedToSeconds
        }
        c.reason = condition.reason
        c.message = condition.message
        if let g = condition.observedGeneration { c.observedGeneration = g }
        if let h = condition.lastHeartbeatTime { c.lastHeartbeatTime = h }
        if let p = condition.lastProbeTime { c.lastProbeTime = p }
        self[i] = c
        return c != before
    }

    /// Removes the condition of a type; returns whether one was removed.
    @discardableResult
    public mutating func remove(type: String) -> Bool {
        let n = count
        removeAll { $0.type == type }
        return n != count
    }
}
