import KosmosAPI

/// `TaintToleration` for mixed scheduling: the leaf taint `kosmos.io/node` with effect NoSchedule (any value) is
/// always tolerated, so pods reach leaf nodes without a toleration. Other taints as in `TaintToleration`, with
/// the Kosmos message `node(s) had taint {key: value}, that the pod didn't tolerate`.
public struct LeafNodeTaintToleration: FilterPlugin, ScorePlugin {
    /// `LeafNodeTaintToleration`.
    public let name = "LeafNodeTaintToleration"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        for t in node.taints where t.effect == "NoSchedule" || t.effect == "NoExecute" {
            if t.key == KosmosKeys.leafNode && t.effect == "NoSchedule" { continue }
            if !pod.tolerations.tolerate(t) {
                return PluginStatus(
                    .unschedulableAndUnresolvable,
                    ["node(s) had taint {\(t.key): \(t.value)}, that the pod didn't tolerate"])
            }
        }
        return .success
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        TaintToleration().score(state, pod: pod, node: node)
    }

    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {
        defaultNormalize(&scores, reverse: true)
    }
}
