import KosmosAPI

/// Places a fixed number of a workload's pods on each value of a topology key (Kosmos `WorkloadPolicy`).
///
/// Pods opt in with the label `workload-policy/kosmos.io: <policy name>` (a policy of their namespace). The
/// count of a value is the number of non-terminating pods of the namespace matching the policy's selector on
/// nodes with that value (nodes failing the pod's node selector or required affinity are not counted). Filter:
/// a node without the key is unresolvable, a value absent from `allocationPolicy` unschedulable, a value whose
/// count reached its replicas rejects the pod when `allocationType` is `Required`. Score: `Balance` gives
/// `(1 - count/replicas) * 100`, `Fill` gives `count/replicas * 100`, 0 for a reached Required value.
public struct LeafNodeWorkloadPolicy: PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    /// `LeafNodeWorkloadPolicy`.
    public let name = "LeafNodeWorkloadPolicy"
    /// The plugin.
    public init() {}

    struct State: Sendable {
        var topologyKey: String
        var desired: [String: Int64]
        var counts: [String: Int64]
        var required: Bool
        var fill: Bool
    }

    func compute(_ pod: PodInfo, _ snapshot: Snapshot) -> State? {
        guard !pod.isDaemonSetPod, let policyName = pod.labels[WorkloadPolicy.podLabel],
            let policy = snapshot.workloadPolicies.first(where: {
                $0.name == policyName && $0.namespace == pod.namespace
            })
        else { return nil }
        let spec = policy.spec
        let key = spec.topologyKey
        let selector = CompiledSelector(spec.labelSelector)
        var desired: [String: Int64] = [:]
        for a in spec.allocationPolicy { desired[a.name] = Int64(a.replicas) }
        var counts: [String: Int64] = [:]
        for (p, node) in snapshot.candidates(for: selector)
        where p.namespace == pod.namespace && !p.isTerminating && selector.matches(p.labels) {
            guard let value = node.labels[key], pod.matchesNodeSelectorAndAffinity(node) else { continue }
            counts[value, default: 0] += 1
        }
        return State(
            topologyKey: key, desired: desired, counts: counts, required: spec.allocationType == .required,
            fill: spec.allocationMethod == .fill)
    }

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        guard let s = compute(pod, snapshot) else { return .skip }
        state.write(name, s)
        return .success
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let s = state.read(name, as: State.self) else { return .success }
        guard let value = node.labels[s.topologyKey] else {
            return PluginStatus(
                .unschedulableAndUnresolvable, ["node(s) didn't have the workload-policy topology key"])
        }
        guard let desired = s.desired[value] else {
            return PluginStatus(
                .unschedulable, ["node(s) didn't match pod workload-policy constraints (not match value)"])
        }
        if s.required && (s.counts[value] ?? 0) >= desired {
            return PluginStatus(
                .unschedulableAndUnresolvable,
                ["node(s) didn't match pod workload-policy constraints (replicas reached)"])
        }
        return .success
    }

    public func preScore(_ state: CycleState, pod: PodInfo, nodes: [NodeInfo], snapshot: Snapshot) -> PluginStatus {
        if state.read(name, as: State.self) != nil { return .success }
        guard let s = compute(pod, snapshot) else { return .skip }
        state.write(name, s)
        return .success
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        guard let s = state.read(name, as: State.self), let value = node.labels[s.topologyKey],
            let desired = s.desired[value], desired > 0
        else { return 0 }
        let count = s.counts[value] ?? 0
        if s.required && count >= desired { return 0 }
        let ratio = Double(count) / Double(desired)
        return Int64((s.fill ? ratio : 1 - ratio) * 100)
    }
}
