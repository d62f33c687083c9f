/// The address ranges of one member cluster, as GlobalCIDR planning sees them.
public struct ClusterCIDRs: Sendable, Hashable {
    /// What kind of range a CIDR is.
    public enum Kind: String, Sendable, Hashable, Comparable {
        /// A pod CIDR of the cluster.
        case pod
        /// A service CIDR of the cluster.
        case service
        /// A global CIDR standing in for one of the cluster's real CIDRs.
        case global

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// The cluster's name (`Cluster.metadata.name`).
    public var cluster: String
    /// Pod CIDRs (`Cluster.status.clusterLinkStatus.podCIDRs`), or node pod CIDRs in P2P mode.
    public var podCIDRs: [IPPrefix]
    /// Service CIDRs (`Cluster.status.clusterLinkStatus.serviceCIDRs`).
    public var serviceCIDRs: [IPPrefix]
    /// The cluster's current `globalCIDRsMap`.
    public var globalCIDRs: GlobalCIDRMap

    /// Describes a cluster's ranges.
    public init(cluster: String, podCIDRs: [IPPrefix], serviceCIDRs: [IPPrefix] = [],
                globalCIDRs: GlobalCIDRMap = GlobalCIDRMap()) {
        self.cluster = cluster
        self.podCIDRs = podCIDRs
        self.serviceCIDRs = serviceCIDRs
        self.globalCIDRs = globalCIDRs
    }

    /// Every real range with its kind: pods first, then services, each in the order given.
    public var realRanges: [(kind: Kind, cidr: IPPrefix)] {
        podCIDRs.map { (Kind.pod, $0) } + serviceCIDRs.map { (Kind.service, $0) }
    }

    /// The ranges other clusters route to: global CIDRs, plus whatever part of each real CIDR is not mapped.
    public var visibleRanges: [(kind: Kind, cidr: IPPrefix)] {
        let mapped = globalCIDRs.entries.map(\.real)
        var out: [(Kind, IPPrefix)] = []
        for (kind, cidr) in realRanges {
            for piece in cidr.subtracting(mapped) { out.append((kind, piece)) }
        }
        for e in globalCIDRs.entries { out.append((.global, e.global)) }
        return out
    }
}

/// Two clusters whose ranges share addresses, so traffic for those addresses cannot be routed to both.
public struct CIDRConflict: Sendable, Hashable, CustomStringConvertible {
    /// One cluster's range in a conflict.
    public struct Side: Sendable, Hashable, CustomStringConvertible {
        /// The cluster's name.
        public let cluster: String
        /// What the range is to that cluster.
        public let kind: ClusterCIDRs.Kind
        /// The range.
        public let cidr: IPPrefix

        public var description: String { "cluster \"\(cluster)\" \(kind.rawValue) CIDR \(cidr)" }
    }

    /// The side whose cluster comes first by name.
    public let first: Side
    /// The other side.
    public let second: Side
    /// The addresses both hold (the smaller of the two ranges).
    public let overlap: IPPrefix

    public var description: String {
        "\(first) overlaps \(second): both hold \(overlap)"
    }
}

/// A rule a set of `globalCIDRsMap`s breaks, in words naming the cluster and the ranges.
public struct GlobalCIDRProblem: Sendable, Hashable, CustomStringConvertible {
    /// The cluster whose map or ranges are at fault.
    public let cluster: String
    /// What is wrong.
    public let reason: String

    public var description: String { "cluster \"\(cluster)\": \(reason)" }
}
