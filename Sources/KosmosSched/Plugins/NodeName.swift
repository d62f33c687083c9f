/// Rejects nodes other than the one named in `spec.nodeName` (kube-scheduler `NodeName`).
public struct NodeName: FilterPlugin {
    /// `NodeName`.
    public let name = "NodeName"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        pod.nodeName.isEmpty || pod.nodeName == node.name
            ? .success : PluginStatus(.unschedulableAndUnresolvable, ["node(s) didn't match the requested node name"])
    }
}
