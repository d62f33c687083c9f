/// Rejects cordoned nodes unless the pod tolerates `node.kubernetes.io/unschedulable:NoSchedule`
/// (kube-scheduler `NodeUnschedulable`).
public struct NodeUnschedulable: FilterPlugin {
    /// `NodeUnschedulable`.
    public let name = "NodeUnschedulable"
    /// The plugin.
    public init() {}

    static let taint = TaintInfo(key: "node.kubernetes.io/unschedulable", effect: "NoSchedule")

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard node.unschedulable, !pod.tolerations.tolerate(Self.taint) else { return .success }
        return PluginStatus(.unschedulableAndUnresolvable, ["node(s) were unschedulable"])
    }
}
