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
