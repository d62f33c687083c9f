#if canImport(Glibc)
    import Glibc
#endif

/// Spreads pods matching a selector over topology domains (kube-scheduler `PodTopologySpread`):
/// `DoNotSchedule` constraints filter (`maxSkew`, `minDomains`), `ScheduleAnyway` constraints score.
///
/// Domains are the values of `topologyKey` on nodes that pass the pod's node selector and required node affinity
/// (`nodeAffinityPolicy: Honor`, the default) and carry every key of the pod's constraints of that kind.
/// Cluster-level default constraints are not applied.
public struct PodTopologySpread: PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    /// `PodTopologySpread`.
    public let name = "PodTopologySpread"
    /// The plugin.
    public init() {}

    /// A class, so that reading it from the cycle state for every node costs one retain, not a copy.
    final class Counts: Sendable {
        let constraints: [SpreadConstraint]
        /// Per constraint: matching pods per domain value.
        let perDomain: [[String: Int64]]
        /// Per constraint: the smallest count over domains (0 when fewer than `minDomains` domains).
        let minimum: [Int64]

        init(constraints: [SpreadConstraint], perDomain: [[String: Int64]], minimum: [Int64]) {
            self.constraints = constraints
            self.perDomain = perDomain
            self.minimum = minimum
        }
    }

    static func count(_ constraints: [SpreadConstraint], pod: PodInfo, snapshot: Snapshot) -> Counts {
        let nodes = snapshot.nodes
        var perDomain = [[String: Int64]](repeating: [:], count: constraints.count)
        let honorAffinity = constraints.contains { $0.honorNodeAffinity }
        let honorTaints = constraints.contains { $0.honorTaints }
        // Every eligible node's value makes a domain, also when no matching pod runs there.
        var eligible = [Bool](repeating: false, count: nodes.count)
        let unrestricted =
            (!honorAffinity || (pod.nodeSelector.isEmpty && pod.requiredNodeAffinity == nil)) && !honorTaints
        if unrestricted && constraints.count == 1 {
            // The common case: domains depend on node labels only, which the snapshot caches.
            let (values, domains) = snapshot.topologyValues(constraints[0].topologyKey)
            for i in values.indices { eligible[i] = values[i] != nil }
            perDomain[0] = Dictionary(uniqueKeysWithValues: domains.map { ($0, Int64(0)) })
        } else {
            countDomains(
                constraints, pod: pod, nodes: nodes, honorAffinity: honorAffinity, honorTaints: honorTaints,
                eligible: &eligible, perDomain: &perDomain)
        }
        // Matching pods are found through the label index.
        for (i, c) in constraints.enumerated() {
            for (p, node) in snapshot.candidates(for: c.selector)
            where p.namespace == pod.namespace && !p.isTerminating && c.selector.matches(p.labels) {
                guard let idx = snapshot.position(ofNode: node.name), eligible[idx],
                    let v = node.labels[c.topologyKey]
                else { continue }
                perDomain[i][v, default: 0] += 1
            }
        }
        let minimum = constraints.indices.map { i -> Int64 in
            let d = perDomain[i]
            if Int64(d.count) < constraints[i].minDomains { return 0 }
            return d.values.min() ?? 0
        }
        return Counts(constraints: constraints, perDomain: perDomain, minimum: minimum)
    }

    private static func countDomains(
        _ constraints: [SpreadConstraint], pod: PodInfo, nodes: [NodeInfo],
        honorAffinity: Bool, honorTaints: Bool, eligible: inout [Bool],
        perDomain: inout [[String: Int64]]
    ) {
        nodeLoop: for (idx, node) in nodes.enumerated() {
            if honorAffinity && !pod.matchesNodeSelectorAndAffinity(node) { continue }
            if honorTaints {
                for t in node.taints
                where (t.effect == "NoSchedule" || t.effect == "NoExecute")
                    && !pod.tolerations.tolerate(t)
                { continue nodeLoop }
            }
            for c in constraints where node.labels[c.topologyKey] == nil { continue nodeLoop }
            eligible[idx] = true
            for (i, c) in constraints.enumerated() {
                if let v = node.labels[c.topologyKey], perDomain[i][v] == nil { perDomain[i][v] = 0 }
            }
        }
    }

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        let hard = pod.spreadConstraints.filter(\.hard)
        if hard.isEmpty { return .skip }
        state.write(name, Self.count(hard, pod: pod, snapshot: snapshot))
        return .success
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let counts = state.read(name, as: Counts.self) else { return .success }
        for (i, c) in counts.constraints.enumerated() {
            guard let value = node.labels[c.topologyKey] else {
                return PluginStatus(
                    .unschedulableAndUnresolvable,
                    ["node(s) didn't match pod topology spread constraints (missing required label)"])
            }
            let selfMatch: Int64 = c.selector.matches(pod.labels) ? 1 : 0
            let skew = (counts.perDomain[i][value] ?? 0) + selfMatch - counts.minimum[i]
            if skew > c.maxSkew {
                return PluginStatus(.unschedulable, ["node(s) didn't match pod topology spread constraints"])
            }
        }
        return .success
    }

    public func preScore(_ state: CycleState, pod: PodInfo, nodes: [NodeInfo], snapshot: Snapshot) -> PluginStatus {
        let soft = pod.spreadConstraints.filter { !$0.hard }
        if soft.isEmpty { return .skip }
        state.write(name + "/score", Self.count(soft, pod: pod, snapshot: snapshot))
        return .success
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        guard let counts = state.read(name + "/score", as: Counts.self) else { return 0 }
        var s = 0.0
        for (i, c) in counts.constraints.enumerated() {
            guard let v = node.labels[c.topologyKey] else { return -1 }
            let weight = log(Double(counts.perDomain[i].count + 2))
            s += Double(counts.perDomain[i][v] ?? 0) * weight + Double(c.maxSkew - 1)
        }
        return Int64(s.rounded())
    }

    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {
        // -1 marks nodes lacking a topology key: they score 0.
        let valid = scores.filter { $0 >= 0 }
        guard let maxS = valid.max(), let minS = valid.min() else { return }
        for i in scores.indices {
            if scores[i] < 0 {
                scores[i] = 0
            } else if maxS == 0 {
                scores[i] = maxNodeScore
            } else {
                scores[i] = maxNodeScore * (maxS + minS - scores[i]) / maxS
            }
        }
    }
}
