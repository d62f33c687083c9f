import KosmosAPI

/// `VolumeBinding` aware of leaf nodes. Claims and volumes annotated `kosmos-io/cluster-owners` live in those
/// member clusters: they keep the pod off real nodes and on leaf nodes whose `kosmos-io/owned-by-cluster` is an
/// owner. Unbound claims are allowed on leaf nodes (the member cluster binds them); on real nodes they must be
/// bound or wait for their first consumer (then their class's allowed topologies must admit the node). A bound
/// volume without owners must admit the node through its node affinity.
public struct LeafNodeVolumeBinding: PreFilterPlugin, FilterPlugin {
    /// `LeafNodeVolumeBinding`.
    public let name = "LeafNodeVolumeBinding"
    /// The plugin.
    public init() {}

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        if pod.claimNames.isEmpty { return .skip }
        switch ResolvedClaims.resolve(pod, snapshot) {
        case .failed(let s): return s
        case .resolved(let r):
            state.write(name, r)
            return .success
        }
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let r = state.read(name, as: ResolvedClaims.self) else { return .success }
        let conflict = PluginStatus(.unschedulableAndUnresolvable, ["node(s) had volume node affinity conflict"])
        for c in r.claims {
            if node.isLeaf {
                if !c.owners.isEmpty {
                    guard let cluster = node.annotations[KosmosKeys.ownedByCluster], c.owners.contains(cluster) else {
                        return c.volume == nil ? ResolvedClaims.noVolumeToBind : conflict
                    }
                } else if let pv = c.volume, !ResolvedClaims.volumeFits(pv, node) {
                    return conflict
                }
            } else {
                if !c.owners.isEmpty { return conflict }
                if c.volume == nil && c.delayedClass == nil {
                    return PluginStatus(
                        .unschedulableAndUnresolvable, ["pod has unbound immediate PersistentVolumeClaims"])
                }
                if !c.fits(node) { return c.volume == nil ? ResolvedClaims.noVolumeToBind : conflict }
            }
        }
        return .success
    }
}
