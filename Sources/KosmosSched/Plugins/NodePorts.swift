/// Rejects nodes where a pod already binds a host port the pod asks for (kube-scheduler `NodePorts`).
public struct NodePorts: FilterPlugin {
    /// `NodePorts`.
    public let name = "NodePorts"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard !pod.hostPorts.isEmpty else { return .success }
        for p in node.pods where !p.hostPorts.isEmpty {
            for used in p.hostPorts where pod.hostPorts.contains(where: { $0.conflicts(with: used) }) {
                return PluginStatus(.unschedulable, ["node(s) didn't have free ports for the requested pod ports"])
            }
        }
        return .success
    }
}
