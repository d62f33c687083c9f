import KosmosAPI

/// Keeps pods on the kind of node their DistributionPolicy or ClusterDistributionPolicy asks for.
///
/// The policy that applies is the most specific match: a namespaced policy (only for pods of its namespace)
/// beats a cluster-scoped one; within a scope a `name` match beats a `namePrefix` match beats a `labelSelector`
/// match (matchLabels all required, matchExpressions honoured; an empty selector matches nothing). Between
/// policies of equal rank the one whose name sorts first wins; inside one policy a later selector of equal
/// rank wins, as upstream. The selector's `policyName` picks the policy term: `host` allows real nodes only,
/// `leaf` leaf nodes only, `mix` (also when nothing matched or the term is missing) every node, and `adv` the
/// nodes named by `advancedTerm.nodeName`, matching all of `advancedTerm.nodeSelector`, or carrying a taint that
/// one of `advancedTerm.tolerations` tolerates. Pods of DaemonSets are never restricted.
public struct LeafNodeDistribution: PreFilterPlugin, FilterPlugin {
    /// `LeafNodeDistribution`.
    public let name = "LeafNodeDistribution"
    /// The plugin.
    public init() {}

    /// The outcome of matching a pod against the policies.
    public struct Match: Sendable, Hashable {
        /// 0 none; cluster label 1, prefix 2, name 3; namespaced label 4, prefix 5, name 6.
        public var priority: Int
        /// The selected `policyName` (empty when none matched).
        public var policyName: String
        /// The policy term of that name, if the policy has it.
        public var term: PolicyTerm?
    }

    /// The best match for the pod among the given policies.
    public static func match(
        _ pod: PodInfo, namespaced: [DistributionPolicy],
        clusterScoped: [ClusterDistributionPolicy]
    ) -> Match {
        var best = Match(priority: 0, policyName: "", term: nil)
        func consider(_ spec: DistributionSpec, policy: String, base: Int) {
            var rank = 0
            var selected: String?
            for sel in spec.resourceSelectors {
                var r = 0
                if let n = sel.name, !n.isEmpty {
                    if n == pod.name { r = 3 }
                } else if let p = sel.namePrefix, !p.isEmpty, pod.name.hasPrefix(p) {
                    r = 2
                } else if let ls = sel.labelSelector, !ls.isEmpty, CompiledSelector(ls).matches(pod.labels) {
                    r = 1
                }
                if r > 0 && r >= rank {
                    rank = r
                    selected = sel.policyName
                }
            }
            guard let selected, rank > 0 else { return }
            let priority = base + rank
            if priority > best.priority || (priority == best.priority && policy < best.policyName) {
                best = Match(
                    priority: priority, policyName: selected,
                    term: spec.policyTerms.first { $0.name == selected })
            }
        }
        for p in namespaced where p.namespace == pod.namespace {
            consider(p.spec, policy: p.name, base: 3)
        }
        if best.priority == 0 {
            for p in clusterScoped { consider(p.spec, policy: p.name, base: 0) }
        }
        return best
    }

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        if pod.isDaemonSetPod { return .skip }
        let m = Self.match(
            pod, namespaced: snapshot.distributionPolicies,
            clusterScoped: snapshot.clusterDistributionPolicies)
        guard let term = m.term, term.nodeType != .mix else { return .skip }
        let adv = term.advancedTerm
        state.write(
            name,
            Compiled(
                nodeType: term.nodeType, nodeName: adv.nodeName ?? "", nodeSelector: adv.nodeSelector,
                tolerations: adv.tolerations.compactMap(TolerationInfo.init)))
        return .success
    }

    struct Compiled: Sendable {
        var nodeType: DistributionNodeType
        var nodeName: String
        var nodeSelector: [String: String]
        var tolerations: [TolerationInfo]
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let c = state.read(name, as: Compiled.self) else { return .success }
        switch c.nodeType {
        case .host:
            if node.isLeaf {
                return PluginStatus(
                    .unschedulableAndUnresolvable, ["node(s) are leaf nodes, distribution policy wants host"])
            }
        case .leaf:
            if !node.isLeaf {
                return PluginStatus(
                    .unschedulableAndUnresolvable, ["node(s) are host nodes, distribution policy wants leaf"])
            }
        case .adv:
            let byName = !c.nodeName.isEmpty && c.nodeName == node.name
            let bySelector = !c.nodeSelector.isEmpty && c.nodeSelector.allSatisfy { node.labels[$0.key] == $0.value }
            let byToleration = node.taints.contains { c.tolerations.tolerate($0) }
            if !(byName || bySelector || byToleration) {
                return PluginStatus(
                    .unschedulableAndUnresolvable, ["node(s) didn't match the distribution policy's advanced term"])
            }
        default:
            break
        }
        return .success
    }
}
