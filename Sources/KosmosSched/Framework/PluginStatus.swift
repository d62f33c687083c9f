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
