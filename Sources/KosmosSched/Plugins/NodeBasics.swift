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
