import KosmosAPI

/// Which IP families local clusters use for pods and services.
public enum LocalIPFamily: String, Sendable, Codable, CaseIterable {
    case ipv4
    case ipv6
    case dual
}

/// Whether local nodes and pods get real network namespaces.
public enum LocalDataplane: String, Sendable, Codable, CaseIterable {
    /// Each node and pod is a Linux network namespace; packets really flow (needs root).
    case netns
    /// API objects only; no kernel state is touched.
    case none
}

/// What `kosmosctl local-up` makes.
public struct LocalEnvironmentOptions: Sendable, Codable, Equatable {
    /// Number of clusters: `host`, then `member1`, `member2`, ...
    public var clusters: Int
    /// Nodes per cluster.
    public var nodesPerCluster: Int
    /// Address families of pods and services.
    public var ipFamily: LocalIPFamily
    /// Give every cluster the same pod and service CIDRs (to exercise GlobalCIDR mapping).
    public var overlap: Bool
    /// Real network namespaces or API objects only.
    public var dataplane: LocalDataplane
    /// Where kubeconfigs, databases, logs and the status file live.
    public var stateDirectory: String
    /// ClusterLink across the clusters; nil runs none.
    public var clusterLink: LocalClusterLinkOptions?
    /// ClusterTree (the members as leaf nodes of the host); nil runs none.
    public var clusterTree: LocalClusterTreeOptions?

    public init(clusters: Int = 2, nodesPerCluster: Int = 2, ipFamily: LocalIPFamily = .ipv4, overlap: Bool = false,
                dataplane: LocalDataplane = .none, stateDirectory: String,
                clusterLink: LocalClusterLinkOptions? = LocalClusterLinkOptions(),
                clusterTree: LocalClusterTreeOptions? = LocalClusterTreeOptions()) {
        self.clusterLink = clusterLink
        self.clusterTree = clusterTree
        self.clusters = clusters
        self.nodesPerCluster = nodesPerCluster
        self.ipFamily = ipFamily
        self.overlap = overlap
        self.dataplane = dataplane
        self.stateDirectory = stateDirectory
    }

    /// Checks the numbers before anything is started.
    /// - Throws: `LocalEnvironmentError` naming the flag that is out of range.
    public func validate() throws {
        guard (1...20).contains(clusters) else {
            throw LocalEnvironmentError("--clusters must be between 1 and 20, got \(clusters)")
        }
        guard (1...50).contains(nodesPerCluster) else {
            throw LocalEnvironmentError("--nodes must be between 1 and 50, got \(nodesPerCluster)")
        }
        guard !stateDirectory.isEmpty else { throw LocalEnvironmentError("--state-dir must not be empty") }
        if let clusterLink, !["p2p", "gateway"].contains(clusterLink.networkType) {
            throw LocalEnvironmentError("--network-type must be p2p or gateway, got \(clusterLink.networkType)")
        }
        if let clusterTree, clusterTree.syncIntervalSeconds <= 0 {
            throw LocalEnvironmentError("ClusterTree sync interval must be positive, got \(clusterTree.syncIntervalSeconds)")
        }
    }
}

/// One local cluster as planned: its name, address ranges and node names.
public struct LocalClusterPlan: Sendable, Codable, Equatable {
    /// `host`, `member1`, ...
    public var name: String
    /// Pod CIDRs, one per family (IPv4 first).
    public var podCIDRs: [String]
    /// Service CIDRs, one per family (IPv4 first).
    public var serviceCIDRs: [String]
    /// Node names, e.g. `host-node1`.
    public var nodes: [String]
    /// Each node's podCIDRs (a /24 and a /64 of the cluster's ranges, one per family), in `nodes` order.
    public var nodePodCIDRs: [[String]]
}

/// Decides names and address ranges of local clusters; a pure function of the options.
public enum LocalEnvironmentPlanner {
    /// The cluster names for `count` clusters: `host`, `member1`, ...
    public static func clusterNames(count: Int) -> [String] {
        (0..<count).map { $0 == 0 ? "host" : "member\($0)" }
    }

    /// Plans every cluster. Without `overlap`, cluster *i* gets pods `10.(100+i).0.0/16` and services
    /// `10.(200+i).0.0/16` (IPv6: `fd00:10:(100+i)::/56` and `fd00:20:(100+i)::/108`); with it, all clusters
    /// get the ranges of cluster 0.
    public static func plan(_ options: LocalEnvironmentOptions) -> [LocalClusterPlan] {
        clusterNames(count: options.clusters).enumerated().map { i, name in
            let n = options.overlap ? 0 : i
            var pods: [String] = []
            var services: [String] = []
            if options.ipFamily != .ipv6 {
                pods.append("10.\(100 + n).0.0/16")
                services.append("10.\(200 + n).0.0/16")
            }
            if options.ipFamily != .ipv4 {
                pods.append("fd00:10:\(100 + n)::/56")
                services.append("fd00:20:\(100 + n)::/108")
            }
            let nodes = (1...options.nodesPerCluster).map { "\(name)-node\($0)" }
            let nodeCIDRs: [[String]] = (1...options.nodesPerCluster).map { j in
                var c: [String] = []
                if options.ipFamily != .ipv6 { c.append("10.\(100 + n).\(j).0/24") }
                if options.ipFamily != .ipv4 { c.append("fd00:10:\(100 + n):\(j)::/64") }
                return c
            }
            return LocalClusterPlan(name: name, podCIDRs: pods, serviceCIDRs: services, nodes: nodes,
                                    nodePodCIDRs: nodeCIDRs)
        }
    }
}

/// A local environment that could not be started, inspected or stopped.
public struct LocalEnvironmentError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
