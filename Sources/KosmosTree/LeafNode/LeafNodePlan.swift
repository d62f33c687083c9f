import KosmosAPI

/// How a leaf node maps onto the nodes of its member cluster.
public enum LeafMode: String, Sendable, Hashable {
    /// One leaf node for the whole member cluster, named `kosmos-<cluster>`.
    case wholeCluster = "one2cluster"
    /// One leaf node per chosen member node, named after it.
    case oneToOne = "one2one"
    /// One leaf node for the member nodes a label selector picks, named `kosmos-<leafNodeName>-<index>`.
    case party = "one2party"
}

/// One virtual node the host should have for a member cluster, derived from the Cluster's
/// `spec.clusterTreeOptions.leafModels`.
///
/// Unlike the Go Kosmos, every leaf model is honoured (not only the first), each picks its own mode, and its
/// `labels` and `taints` are applied to the virtual node.
public struct LeafNodePlan: Sendable, Hashable {
    /// The host Node name.
    public var name: String
    /// The member Cluster's name.
    public var cluster: String
    /// The mapping onto member nodes.
    public var mode: LeafMode
    /// The member node of a one-to-one leaf.
    public var memberNodeName: String?
    /// The member node selector of a party leaf.
    public var memberSelector: LabelSelector?
    /// Extra labels from the leaf model.
    public var labels: [String: String]
    /// Extra taints from the leaf model.
    public var taints: [Taint]

    /// Creates a plan.
    public init(name: String, cluster: String, mode: LeafMode, memberNodeName: String? = nil,
                memberSelector: LabelSelector? = nil, labels: [String: String] = [:], taints: [Taint] = []) {
        self.name = name
        self.cluster = cluster
        self.mode = mode
        self.memberNodeName = memberNodeName
        self.memberSelector = memberSelector
        self.labels = labels
        self.taints = taints
    }

    /// Whether a member node stands behind this leaf node.
    /// - Parameter memberNode: a node of the member cluster.
    public func includes(_ memberNode: Node) -> Bool {
        switch mode {
        case .wholeCluster: return true
        case .oneToOne: return memberNode.metadata.name == memberNodeName
        case .party: return memberSelector?.matches(memberNode.metadata.labels) ?? false
        }
    }

    /// The leaf nodes a Cluster asks for; empty when ClusterTree is off for it or it is the host (root) cluster.
    ///
    /// Each leaf model picks its mode on its own: a non-empty `nodeSelector.labelSelector` makes a party, else a
    /// `nodeSelector.nodeName` makes a one-to-one leaf, else the model covers the whole cluster. No leaf models
    /// means one whole-cluster leaf. Names longer than 63 characters are cut to 63; a name produced twice is kept
    /// once (the first model wins).
    /// - Parameter cluster: a Cluster of the host.
    /// - Returns: the plans in leaf-model order.
    public static func plans(for cluster: Cluster) -> [LeafNodePlan] {
        guard let options = cluster.spec.clusterTreeOptions, options.enable, !cluster.isRoot,
              let clusterName = cluster.metadata.name else { return [] }
        let models = options.leafModels
        if models.isEmpty {
            return [LeafNodePlan(name: truncated("kosmos-\(clusterName)"), cluster: clusterName, mode: .wholeCluster)]
        }
        var plans: [LeafNodePlan] = []
        var seen: Set<String> = []
        for (index, model) in models.enumerated() {
            let selector = model.nodeSelector
            var plan: LeafNodePlan
            if let ls = selector.labelSelector, !(ls.matchLabels.isEmpty && ls.matchExpressions.isEmpty) {
                let leaf = model.leafNodeName ?? clusterName
                plan = LeafNodePlan(name: truncated("kosmos-\(leaf)-\(index)"), cluster: clusterName, mode: .party,
                                    memberSelector: ls)
            } else if let node = selector.nodeName, !node.isEmpty {
                plan = LeafNodePlan(name: truncated(node), cluster: clusterName, mode: .oneToOne, memberNodeName: node)
            } else {
                plan = LeafNodePlan(name: truncated("kosmos-\(clusterName)"), cluster: clusterName, mode: .wholeCluster)
            }
            plan.labels = model.labels
            plan.taints = model.taints
            if seen.insert(plan.name).inserted { plans.append(plan) }
        }
        return plans
    }

    static func truncated(_ name: String) -> String { name.count > 63 ? String(name.prefix(63)) : name }
}
