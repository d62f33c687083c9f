/// The outcome of one plugin at one extension point.
public struct PluginStatus: Sendable, Hashable, CustomStringConvertible {
    /// What the outcome means for the pod.
    public enum Code: Sendable, Hashable {
        case success
        /// The node does not fit now; preemption might help.
        case unschedulable
        /// The node cannot fit whatever is evicted.
        case unschedulableAndUnresolvable
        /// The plugin has nothing to do for this pod (PreFilter/PreScore): its Filter/Score is skipped.
        case skip
        /// Something went wrong that is not about the pod's fit.
        case error
    }

    /// What the outcome means.
    public var code: Code
    /// Human reasons in kube-scheduler's wording, e.g. `Insufficient cpu`.
    public var reasons: [String]
    /// The plugin that answered.
    public var plugin: String

    /// A status.
    public init(_ code: Code, _ reasons: [String] = [], plugin: String = "") {
        self.code = code
        self.reasons = reasons
        self.plugin = plugin
    }

    /// Success without reasons.
    public static let success = PluginStatus(.success)
    /// Skip without reasons.
    public static let skip = PluginStatus(.skip)

    /// Whether the pod may go on.
    public var isSuccess: Bool { code == .success }
    /// Whether the status rejects (unschedulable, unresolvable or error).
    public var isRejection: Bool { code == .unschedulable || code == .unschedulableAndUnresolvable || code == .error }

    /// The reasons, comma-separated.
    public var description: String { reasons.joined(separator: ", ") }
}

/// Why a pod fits no node: one status per rejected node plus what PreFilter and PostFilter said, rendered the
/// way kube-scheduler renders its `FitError`.
public struct FitDiagnosis: Sendable, Hashable {
    /// Number of nodes in the snapshot.
    public var numAllNodes: Int
    /// The rejecting status of each node, by node name.
    public var nodeStatuses: [String: PluginStatus]
    /// Set when a PreFilter plugin rejected the pod for all nodes.
    public var preFilterMessage: String?
    /// What PostFilter (preemption) concluded.
    public var postFilterMessage: String?

    /// `0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {key: value}.` followed by the
    /// PostFilter message, reasons counted over nodes and sorted as strings, as in kube-scheduler.
    public var message: String {
        var msg = "0/\(numAllNodes) nodes are available:"
        if let pre = preFilterMessage {
            msg += " \(pre)."
        } else {
            msg += " " + Self.histogram(nodeStatuses.values.map(\.reasons)) + "."
        }
        if let post = postFilterMessage { msg += " " + post }
        return msg
    }

    /// `count reason` pairs over every reason, sorted as strings and joined with ", ".
    static func histogram(_ reasonLists: some Sequence<[String]>) -> String {
        var counts: [String: Int] = [:]
        for reasons in reasonLists { for r in reasons { counts[r, default: 0] += 1 } }
        return counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
}
