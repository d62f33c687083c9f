import KosmosAPI

/// Label, annotation and finalizer keys that ClusterTree reads and writes, spelt as the Go Kosmos spells them so
/// that objects written by either implementation are understood by the other.
public enum TreeKeys {
    /// Label and taint key marking a virtual (leaf) node in the host cluster.
    public static let leafNodeLabel = KosmosKeys.leafNode
    /// Label naming the member cluster a leaf node stands for.
    public static let clusterLabel = KosmosKeys.cluster
    /// Annotation on a leaf node naming the Cluster that owns it.
    public static let ownedByCluster = KosmosKeys.ownedByCluster
    /// Annotation on a leaf node: `one2cluster`, `one2one` or `one2party`.
    public static let leafNodeMode = "leafNodeMode"
    /// Annotation on a leaf node with the free resources of each member node (read by KosmosSched).
    public static let memberNodeFree = KosmosKeys.memberNodeFree
    /// Label on a member pod created by ClusterTree.
    public static let kosmosPod = "kosmos-io/pod"
    /// Annotation on a host ConfigMap/Secret: comma list of member clusters holding a copy.
    public static let clusterOwners = KosmosKeys.clusterOwners
    /// Annotation on a member copy (ConfigMap, Secret, PVC) managed by ClusterTree.
    public static let global = "kosmos.io/global"
    /// Annotation on a host pod: JSON `{nodeSelector, affinity, tolerations, topologySpreadConstraints}` for the
    /// member pod.
    public static let clusterSelector = "kosmos.io/cluster-selector"
    /// The scheduler name that is dropped on the way down (the member's default scheduler takes over).
    public static let kosmosScheduler = "kosmos-scheduler"
    /// The host ConfigMap holding the host's CA, copied under ``masterRootCA`` in members.
    public static let kubeRootCA = "kube-root-ca.crt"
    /// The member name of the host's `kube-root-ca.crt` copy.
    public static let masterRootCA = "master-root-ca.crt"
    /// Annotation on a claim naming the node its volume is for; dropped from copies, set on one-to-one leaves.
    public static let selectedNode = "volume.kubernetes.io/selected-node"
    /// Annotation on a service-account token Secret naming its account.
    public static let serviceAccountName = "kubernetes.io/service-account.name"
    /// Annotation on a service-account token Secret with its account's uid (meaningless in another cluster).
    public static let serviceAccountUID = "kubernetes.io/service-account.uid"
    /// The namespace of node heartbeat leases.
    public static let nodeLeaseNamespace = "kube-node-lease"
}
