/// A topology domain: a node label key and its value.
struct TopologyPair: Hashable, Sendable {
    var key: String
    var value: String
}

/// Required and preferred pod affinity and anti-affinity (kube-scheduler `InterPodAffinity`), including the
/// required anti-affinity of pods already placed.
public struct InterPodAffinity: PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    /// `InterPodAffinity`.
    public let name = "InterPodAffinity"
    /// The plugin.
    public init() {}

    struct FilterState: Sendable {
        var existingAnti: [TopologyPair: Int] = [:]
        var existingAntiKeys: Set<String> = []
        var affinity: [TopologyPair: Int] = [:]
        var anti: [TopologyPair: Int] = [:]
    }

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        var s = FilterState()
        let ns = snapshot.namespaceLabels
        for (p, node) in snapshot.antiAffinityCandidates(for: pod.labels) {
            for t in p.requiredAntiAffinity where t.matches(pod, namespaceLabels: ns) {
                if let v = node.labels[t.topologyKey] {
                    s.existingAnti[TopologyPair(key: t.topologyKey, value: v), default: 0] += 1
                    s.existingAntiKeys.insert(t.topologyKey)
                }
            }
        }
        if let first = pod.requiredAffinity.first {
            // A pod counts only when it matches every affinity term, so the first term's candidates suffice.
            for (p, node) in snapshot.candidates(for: first.selector)
            where pod.requiredAffinity.allSatisfy({ $0.matches(p, namespaceLabels: ns) }) {
                for t in pod.requiredAffinity {
                    if let v = node.labels[t.topologyKey] {
                        s.affinity[TopologyPair(key: t.topologyKey, value: v), default: 0] += 1
                    }
                }
            }
        }
        for t in pod.requiredAntiAffinity {
            for (p, node) in snapshot.candidates(for: t.selector) where t.matches(p, namespaceLabels: ns) {
                if let v = node.labels[t.topologyKey] {
                    s.anti[TopologyPair(key: t.topologyKey, value: v), default: 0] += 1
                }
            }
        }
        if s.existingAnti.isEmpty && pod.requiredAffinity.isEmpty && pod.requiredAntiAffinity.isEmpty { return .skip }
        state.write(name, FilterStateBox(s))
        return .success
    }

    /// A class, so that reading it from the cycle state for every node costs one retain, not a copy.
    final class FilterStateBox: Sendable {
        let value: FilterState
        init(_ value: FilterState) { self.value = value }
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let s = state.read(name, as: FilterStateBox.self)?.value else { return .success }
        for key in s.existingAntiKeys {
            if let v = node.labels[key], (s.existingAnti[TopologyPair(key: key, value: v)] ?? 0) > 0 {
                return PluginStatus(.unschedulable, ["node(s) didn't satisfy existing pods anti-affinity rules"])
            }
        }
        for t in pod.requiredAntiAffinity {
            if let v = node.labels[t.topologyKey], (s.anti[TopologyPair(key: t.topologyKey, value: v)] ?? 0) > 0 {
                return PluginStatus(.unschedulable, ["node(s) didn't match pod anti-affinity rules"])
            }
        }
        if !pod.requiredAffinity.isEmpty {
            var ok = true
            for t in pod.requiredAffinity {
                guard let v = node.labels[t.topologyKey],
                    (s.affinity[TopologyPair(key: t.topologyKey, value: v)] ?? 0) > 0
                else {
                    ok = false
                    break
                }
            }
            // The first pod of a group that selects itself may go anywhere its topology keys exist.
            if !ok && s.affinity.isEmpty
                && pod.requiredAffinity.allSatisfy({
                    $0.matches(pod, namespaceLabels: [:]) && node.labels[$0.topologyKey] != nil
                })
            {
                ok = true
            }
            if !ok { return PluginStatus(.unschedulableAndUnresolvable, ["node(s) didn't match pod affinity rules"]) }
        }
        return .success
    }

    final class ScoreStateBox: Sendable {
        let value: ScoreState
        init(_ value: ScoreState) { self.value = value }
    }

    struct ScoreState: Sendable {
        var scores: [TopologyPair: Int64]
        var keys: [String]
    }

    public func preScore(_ state: CycleState, pod: PodInfo, nodes: [NodeInfo], snapshot: Snapshot) -> PluginStatus {
        let incoming = !pod.preferredAffinity.isEmpty || !pod.preferredAntiAffinity.isEmpty
        let ns = snapshot.namespaceLabels
        var scores: [TopologyPair: Int64] = [:]
        func add(_ key: String, _ node: NodeInfo, _ w: Int64) {
            if let v = node.labels[key] { scores[TopologyPair(key: key, value: v), default: 0] += w }
        }
        for node in snapshot.nodes {
            let pods = incoming ? node.pods : node.podsWithAffinity
            for p in pods {
                if incoming {
                    for t in pod.preferredAffinity where t.matches(p, namespaceLabels: ns) {
                        add(t.topologyKey, node, t.weight)
                    }
                    for t in pod.preferredAntiAffinity where t.matches(p, namespaceLabels: ns) {
                        add(t.topologyKey, node, -t.weight)
                    }
                }
                guard p.affectsScoring else { continue }
                for t in p.preferredAffinity where t.matches(pod, namespaceLabels: ns) {
                    add(t.topologyKey, node, t.weight)
                }
                for t in p.preferredAntiAffinity where t.matches(pod, namespaceLabels: ns) {
                    add(t.topologyKey, node, -t.weight)
                }
                for t in p.requiredAffinity where t.matches(pod, namespaceLabels: ns) { add(t.topologyKey, node, 1) }
            }
        }
        if scores.isEmpty { return .skip }
        state.write(
            name + "/score",
            ScoreStateBox(ScoreState(scores: scores, keys: Array(Set(scores.keys.map(\.key))).sorted())))
        return .success
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        guard let s = state.read(name + "/score", as: ScoreStateBox.self)?.value else { return 0 }
        var total: Int64 = 0
        for k in s.keys { if let v = node.labels[k] { total += s.scores[TopologyPair(key: k, value: v)] ?? 0 } }
        return total
    }

    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {
        guard let maxS = scores.max(), let minS = scores.min() else { return }
        let diff = maxS - minS
        for i in scores.indices { scores[i] = diff > 0 ? maxNodeScore * (scores[i] - minS) / diff : 0 }
    }
}
