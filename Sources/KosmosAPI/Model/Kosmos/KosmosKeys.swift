/// Label, annotation and taint keys that more than one Kosmos component reads or writes (ClusterTree writes a
/// leaf node's labels, the scheduler and ClusterLink read them), defined once here so they cannot drift apart.
/// The values are those of the Go Kosmos, so clusters it set up read the same.
public enum KosmosKeys {
    /// Label (value `true`) and `NoSchedule` taint key on a virtual node that stands for a member cluster or
    /// some of its nodes. ClusterLink leaves such nodes out; the scheduler treats them as leaf nodes.
    public static let leafNode = "kosmos.io/node"
    /// Label naming the member cluster of a leaf node or of a ClusterNode.
    public static let cluster = "kosmos.io/cluster"
    /// Label (value `true`) that keeps a node out of ClusterLink.
    public static let excludeNode = "kosmos.io/exclude"
    /// Annotation on a leaf node naming the Cluster object that owns it.
    public static let ownedByCluster = "kosmos-io/owned-by-cluster"
    /// Annotation on a host ConfigMap, Secret, PVC or PV: comma-separated member clusters that hold a copy or
    /// own the volume.
    public static let clusterOwners = "kosmos-io/cluster-owners"
    /// Annotation on a leaf node listing the free resources of each member node behind it (JSON; see
    /// KosmosSched's `MemberNodeFree`).
    public static let memberNodeFree = "kosmos.io/member-node-free"
}
