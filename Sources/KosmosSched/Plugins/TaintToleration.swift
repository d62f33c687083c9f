/// Rejects nodes with a NoSchedule or NoExecute taint the pod does not tolerate; scores down untolerated
/// PreferNoSchedule taints (kube-scheduler `TaintToleration`).
public struct TaintToleration: FilterPlugin, ScorePlugin {
    /// `TaintToleration`.
    public let name = "TaintToleration"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        for t in node.taints
        where (t.effect == "NoSchedule" || t.effect == "NoExecute") && !pod.tolerations.tolerate(t) {
            return PluginStatus(
                .unschedulableAndUnresolvable, ["node(s) had untolerated taint {\(t.key): \(t.value)}"])
        }
        return .success
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        if node.taints.isEmpty { return 0 }
        let tolerations = pod.tolerations.filter { $0.effect.isEmpty || $0.effect == "PreferNoSchedule" }
        return Int64(node.taints.filter { $0.effect == "PreferNoSchedule" && !tolerations.tolerate($0) }.count)
    }

    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {
        defaultNormalize(&scores, reverse: true)
    }
}
