import KosmosAPI

/// Label, annotation and finalizer keys that ClusterTree reads and writes, spelt as the Go Kosmos spells them so
/// that objects written by either implementation are understood by the other. Keys that other components read
/// too (the leaf-node label and taint, cluster owners, ...) are in KosmosAPI's `KosmosKeys`.
public enum TreeKeys {
    /// Annotation on a leaf node: `one2cluster`, `one2one` or `one2party`.
    public static let leafNodeMode = "leafNodeMode"
    /// Label on a member pod created by ClusterTree.
    public static let kosmosPod = "kosmos-io/pod"
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
