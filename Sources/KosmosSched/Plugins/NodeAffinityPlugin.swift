/// Requires `nodeSelector` and required node affinity to match, scores preferred node affinity
/// (kube-scheduler `NodeAffinity`).
public struct NodeAffinityPlugin: FilterPlugin, ScorePlugin {
    /// `NodeAffinity`.
    public let name = "NodeAffinity"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        pod.matchesNodeSelectorAndAffinity(node)
            ? .success
            : PluginStatus(.unschedulableAndUnresolvable, ["node(s) didn't match Pod's node affinity/selector"])
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        var s: Int64 = 0
        for (w, term) in pod.preferredNodeAffinity where term.matches(labels: node.labels, name: node.name) { s += w }
        return s
    }

    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {
        defaultNormalize(&scores, reverse: false)
    }
}
