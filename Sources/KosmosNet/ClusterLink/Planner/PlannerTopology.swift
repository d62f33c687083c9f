import KosmosAPI

/// Something the planner left out or ignored, with the reason; the plan is still made without it.
public struct PlannerWarning: Sendable, Hashable, CustomStringConvertible {
    /// The object concerned, e.g. `Cluster "c1"` or `ClusterNode "c1-n1"`.
    public let object: String
    /// Why it was left out or what part of it was ignored.
    public let reason: String

    /// Makes a warning.
    public init(object: String, reason: String) {
        self.object = object
        self.reason = reason
    }

    public var description: String { "\(object): \(reason)" }
}

/// The planner's validated, typed view of its input: clusters and nodes that pass the validity filter
/// (kosmos-semantics §3.6 step 0), indexed by cluster, in a deterministic order.
struct PlannerTopology {
    /// Which role a node plays in its cluster.
    enum NodeClass {
        /// The first node (by name) of its cluster with the gateway role.
        case gateway
        /// A non-gateway node of a P2P cluster: it tunnels to remote clusters itself.
        case endpoint
        /// A non-gateway node of a gateway-mode cluster: it reaches remote clusters through its gateway.
        case `internal`
    }

    /// One `globalCIDRsMap` entry that can be applied: both sides parse, same family, same length.
    struct GlobalEntry {
        var realText: String
        var globalText: String
        var real: IPPrefix
        var global: IPPrefix
    }

    struct ClusterInfo {
        var name: String
        var isP2P: Bool
        /// The families ClusterLink carries for this cluster, IPv4 first.
        var families: [IPFamily]
        var localCIDR: [IPFamily: String]
        var bridgeCIDR: [IPFamily: String]
        var podCIDRs: [String]
        var serviceCIDRs: [String]
        /// The cluster's own pod and service CIDRs, parsed (`nil` for text that does not parse); routes that
        /// overlap any of them are never installed in this cluster.
        var ownPrefixes: [IPPrefix?]
        var globalEntries: [GlobalEntry]
        var globalByText: [String: String]
        /// Indices into `nodes`, by node name.
        var nodes: [Int] = []
        var gateway: Int?

        func supports(_ family: IPFamily) -> Bool { families.contains(family) }
    }

    struct NodeInfo {
        var name: String
        var cluster: Int
        var interfaceName: String
        var ip: String
        var ip6: String
        var podCIDRs: [String]
        var nodeClass: NodeClass = .internal

        func underlay(_ family: IPFamily) -> String { family == .ipv4 ? ip : ip6 }
    }

    var clusters: [ClusterInfo] = []
    var nodes: [NodeInfo] = []
    var warnings: [PlannerWarning] = []

    /// Applies the validity filter and classifies nodes.
    init(clusters inputClusters: [Cluster], clusterNodes: [ClusterNode]) {
        var clusterIndex: [String: Int] = [:]
        for cluster in inputClusters.sorted(by: { $0.name < $1.name }) {
            let name = cluster.name
            let what = "Cluster \"\(name)\""
            if clusterIndex[name] != nil {
                warnings.append(PlannerWarning(object: what, reason: "appears more than once; the first is used"))
                continue
            }
            guard let options = cluster.spec.clusterLinkOptions else {
                warnings.append(PlannerWarning(object: what, reason: "has no clusterLinkOptions; ClusterLink is off"))
                continue
            }
            guard options.enable else {
                warnings.append(PlannerWarning(object: what, reason: "clusterLinkOptions.enable is false"))
                continue
            }
            let families: [IPFamily]
            switch options.ipFamily {
            case .all: families = [.ipv4, .ipv6]
            case .ipv4: families = [.ipv4]
            case .ipv6: families = [.ipv6]
            default:
                warnings.append(PlannerWarning(
                    object: what, reason: "unknown ipFamily \"\(options.ipFamily.rawValue)\" (want all, ipv4 or ipv6)"))
                continue
            }
            guard options.networkType == .p2p || options.networkType == .gateway else {
                warnings.append(PlannerWarning(
                    object: what,
                    reason: "unknown networkType \"\(options.networkType.rawValue)\" (want p2p or gateway)"))
                continue
            }
            let status = cluster.status.clusterLinkStatus
            let pods = status.podCIDRs
            let services = status.serviceCIDRs
            var entries: [GlobalEntry] = []
            var byText: [String: String] = [:]
            for (real, global) in options.globalCIDRsMap.sorted(by: { $0.key < $1.key }) {
                guard let r = IPPrefix.lenient(real), let g = IPPrefix.lenient(global) else {
                    warnings.append(PlannerWarning(
                        object: what,
                        reason: "globalCIDRsMap entry \"\(real)\": \"\(global)\" is not a pair of CIDRs; ignored"))
                    continue
                }
                guard r.family == g.family, r.length == g.length else {
                    warnings.append(PlannerWarning(
                        object: what,
                        reason: "globalCIDRsMap entry \"\(real)\": \"\(global)\" maps between different families or "
                            + "sizes, which a 1:1 NETMAP cannot do; ignored"))
                    continue
                }
                entries.append(GlobalEntry(realText: real, globalText: global, real: r, global: g))
                byText[real] = global
            }
            clusterIndex[name] = clusters.count
            clusters.append(ClusterInfo(
                name: name, isP2P: options.networkType == .p2p, families: families,
                localCIDR: [.ipv4: options.localCIDRs.ip, .ipv6: options.localCIDRs.ip6],
                bridgeCIDR: [.ipv4: options.bridgeCIDRs.ip, .ipv6: options.bridgeCIDRs.ip6],
                podCIDRs: pods, serviceCIDRs: services,
                ownPrefixes: (pods + services).map { IPPrefix.lenient($0) },
                globalEntries: entries, globalByText: byText))
        }

        var seenNodes: Set<String> = []
        for node in clusterNodes.sorted(by: { $0.name < $1.name }) {
            let name = node.name
            let what = "ClusterNode \"\(name)\""
            guard seenNodes.insert(name).inserted else {
                warnings.append(PlannerWarning(object: what, reason: "appears more than once; the first is used"))
                continue
            }
            let spec = node.spec
            guard let clusterName = spec.clusterName, !clusterName.isEmpty else {
                warnings.append(PlannerWarning(object: what, reason: "spec.clusterName is empty"))
                continue
            }
            guard !spec.interfaceName.isEmpty else {
                warnings.append(PlannerWarning(
                    object: what, reason: "spec.interfaceName is empty (its agent has not reported yet)"))
                continue
            }
            guard let c = clusterIndex[clusterName] else {
                warnings.append(PlannerWarning(
                    object: what, reason: "cluster \"\(clusterName)\" is missing or has ClusterLink off"))
                continue
            }
            let ip = spec.ip ?? ""
            let ip6 = spec.ip6 ?? ""
            if clusters[c].supports(.ipv4) && ip.isEmpty {
                warnings.append(PlannerWarning(object: what, reason: "spec.ip is empty but the cluster carries IPv4"))
                continue
            }
            if clusters[c].supports(.ipv6) && ip6.isEmpty {
                warnings.append(PlannerWarning(object: what, reason: "spec.ip6 is empty but the cluster carries IPv6"))
                continue
            }
            let index = nodes.count
            nodes.append(NodeInfo(
                name: name, cluster: c, interfaceName: spec.interfaceName, ip: ip, ip6: ip6,
                podCIDRs: spec.podCIDRs))
            clusters[c].nodes.append(index)
            if clusters[c].gateway == nil && node.isGateway {
                clusters[c].gateway = index
            }
        }
        for c in clusters.indices {
            for n in clusters[c].nodes {
                if clusters[c].gateway == n {
                    nodes[n].nodeClass = .gateway
                } else {
                    nodes[n].nodeClass = clusters[c].isP2P ? .endpoint : .internal
                }
            }
        }
    }

    /// Whether a node tunnels across clusters itself (gateways and P2P nodes).
    func isBridgeNode(_ n: Int) -> Bool { nodes[n].nodeClass != .internal }

    /// Kosmos' `FilterByIPFamily` by text, then the cluster's global mapping.
    func exportedCIDRs(_ cidrs: [String], of c: Int) -> [String] {
        let cluster = clusters[c]
        var out: [String] = []
        out.reserveCapacity(cidrs.count)
        for cidr in cidrs {
            guard let family = IPFamily.detect(cidr), cluster.supports(family) else { continue }
            out.append(Self.toGlobal(cidr, cluster))
        }
        return out
    }

    /// The global form of a CIDR. An exact key of the map gives its value, as upstream; unlike upstream, a CIDR
    /// inside a mapped real CIDR (a P2P node's pod CIDR inside the cluster's) maps to the matching part of the
    /// global CIDR, since NETMAP translates every address of the real CIDR.
    static func toGlobal(_ cidr: String, _ cluster: ClusterInfo) -> String {
        if cluster.globalEntries.isEmpty { return cidr }
        if let exact = cluster.globalByText[cidr] { return exact }
        guard let prefix = IPPrefix.lenient(cidr) else { return cidr }
        for e in cluster.globalEntries where e.real.contains(prefix) {
            guard let start = e.real.translate(prefix.address, to: e.global),
                let mapped = IPPrefix(containing: start, length: prefix.length)
            else { continue }
            return mapped.description
        }
        return cidr
    }
}
