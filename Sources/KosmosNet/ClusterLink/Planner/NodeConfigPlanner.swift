import KosmosAPI

/// The ClusterLink network-manager's core: computes the NodeConfig of every node from all Clusters, all
/// ClusterNodes and the NodeConfigs that exist now.
///
/// It follows the Go Kosmos' handler chain (kosmos-semantics §3.6), step by step: validity filter, one config per
/// valid ClusterNode, `vx-local`/`vx-bridge` devices (and their `-6` twins), service and pod routes in table 200,
/// FDB and ARP entries for the local and bridge tunnels, host-network masquerading on gateways, GlobalCIDR NAT,
/// and a final sort of every list, descending by each element's compact JSON text.
///
/// The function is pure: the same input gives byte-identical output. Input order does not matter (clusters and
/// nodes are taken in name order, so "the first gateway of a cluster" is the first by name). Where upstream picks a
/// random MAC for a new device, the planner derives a locally administered unicast MAC from a hash of the node
/// and device names; a MAC already in the node's existing NodeConfig is kept.
///
/// Deliberate differences from upstream:
/// - GlobalCIDR egress is a 1:1 map: `-s <real> -o vx-bridge -j NETMAP --to <global>` instead of SNAT of every
///   source onto the global CIDR's first address (kosmos-semantics §9.9), and a CIDR inside a mapped real CIDR
///   (a P2P node's pod CIDR) is routed under its global form.
/// - GlobalCIDR ingress, `-d <global> -j NETMAP --to <real>`, matches on any interface and is planned on every
///   node of the cluster, so the cluster's own pods reach its global addresses too (upstream: `-i vx-bridge`,
///   bridge nodes only).
/// - `globalCIDRsMap` entries that NETMAP cannot apply (unparsable, different families or sizes) are ignored
///   with a warning instead of producing broken rules.
/// - Identical entries in a list are written once (upstream appends duplicates, §9.11).
/// - Clusters with an unknown `networkType` or `ipFamily` are left out with a warning.
/// - A cluster has one gateway, its first gateway-role node by name; further gateway-role nodes are planned as
///   internal nodes (upstream routes them over a `vx-bridge` device it never gives them).
/// - The VXLAN MTU overhead over IPv6 is 70 bytes (`ClusterLinkDevice.encapsulationOverhead`); MTU is the agent's
///   business and not part of a NodeConfig.
public enum NodeConfigPlanner {
    /// Computes the NodeConfigs.
    /// - Parameters:
    ///   - clusters: every Cluster.
    ///   - clusterNodes: every ClusterNode.
    ///   - existing: the NodeConfigs that exist now; only their device MACs are read (so devices keep their MAC).
    /// - Returns: one NodeConfig per valid ClusterNode (same name), sorted by name, each with `apiVersion`, `kind`,
    ///   `metadata.name` and `spec` only.
    public static func plan(clusters: [Cluster], clusterNodes: [ClusterNode], existing: [NodeConfig]) -> [NodeConfig] {
        planReport(clusters: clusters, clusterNodes: clusterNodes, existing: existing).nodeConfigs
    }

    /// Computes the NodeConfigs and says what was left out and why.
    /// - Parameters: as `plan(clusters:clusterNodes:existing:)`.
    /// - Returns: the NodeConfigs and the warnings (excluded clusters and nodes, ignored map entries, devices that
    ///   could not be addressed), both in a deterministic order.
    public static func planReport(
        clusters: [Cluster], clusterNodes: [ClusterNode], existing: [NodeConfig]
    ) -> NodeConfigPlanReport {
        var builder = PlanBuilder(
            topology: PlannerTopology(clusters: clusters, clusterNodes: clusterNodes), existing: existing)
        builder.run()
        return NodeConfigPlanReport(nodeConfigs: builder.render(), warnings: builder.topology.warnings)
    }

    /// The MAC the planner gives a new device: locally administered, unicast, derived from the node and device
    /// names so that planning twice gives the same answer.
    /// - Parameters:
    ///   - node: the ClusterNode (and NodeConfig) name.
    ///   - device: the device name, e.g. `vx-bridge`.
    /// - Returns: the MAC, e.g. `8a:3f:...`.
    public static func derivedMAC(node: String, device: String) -> MACAddress {
        // FNV-1a over "node\0device", then a splitmix64 finaliser so that similar names spread over all bytes.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in node.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0) &* 0x100_0000_01b3
        for b in device.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        var bytes = (0..<6).map { UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64($0))) }
        bytes[0] = (bytes[0] | 0x02) & 0xfe
        return MACAddress(bytes: bytes)!
    }
}

/// The planner's answer with its warnings.
public struct NodeConfigPlanReport: Sendable {
    /// One NodeConfig per valid ClusterNode, sorted by name.
    public var nodeConfigs: [NodeConfig]
    /// What was left out or ignored, and why.
    public var warnings: [PlannerWarning]
}

// MARK: - Building

/// A list entry with three string fields: a route `{cidr, gw, dev}`, an iptables rule `{table, chain, rule}`, or
/// an FDB/ARP entry `{ip, mac, dev}`, with its JSON made once.
///
/// One entry is often shared by many nodes (every internal node of a cluster gets the same routes; every bridge
/// node gets the same FDB entries of a given peer), so entries are immutable objects appended by reference, and
/// the JSON of a shared entry is built once however many NodeConfigs hold it.
final class PlanEntry: Sendable {
    /// Which list an entry belongs to, which decides its JSON keys.
    enum Kind {
        case route, rule, neighbor

        var keys: (String, String, String) {
            switch self {
            case .route: return ("cidr", "gw", "dev")
            case .rule: return ("table", "chain", "rule")
            case .neighbor: return ("ip", "mac", "dev")
            }
        }
    }

    let f0: String
    let f1: String
    let f2: String
    /// The compact JSON object, field order as upstream's Go structs.
    let json: JSONValue

    init(_ kind: Kind, _ f0: String, _ f1: String, _ f2: String) {
        self.f0 = f0
        self.f1 = f1
        self.f2 = f2
        // Each entry owns its key storage: one shared key array would have its reference count hammered by every
        // thread copying entries into NodeConfigs at once.
        var o = JSONObject(minimumCapacity: 3)
        let k = kind.keys
        o.append(k.0, .string(f0))
        o.append(k.1, .string(f1))
        o.append(k.2, .string(f2))
        json = .object(o)
    }
}

/// A VXLAN device planned on a node.
struct PlanDevice {
    var kind: ClusterLinkDevice
    /// `address/length`.
    var addr: String
    /// The address alone (a route's gateway, an ARP entry's IP).
    var ip: String
    var mac: String
    var bindDev: String
}

/// Everything planned for one node, before sorting and JSON.
struct NodePlan {
    /// Indexed by `ClusterLinkDevice.slot`.
    var devices: [PlanDevice?] = [nil, nil, nil, nil]
    var routes: [PlanEntry] = []
    var iptables: [PlanEntry] = []
    var fdbs: [PlanEntry] = []
    var arps: [PlanEntry] = []

    func device(_ kind: ClusterLinkDevice) -> PlanDevice? { devices[kind.slot] }
}

extension ClusterLinkDevice {
    var slot: Int {
        switch self {
        case .bridge: return 0
        case .local: return 1
        case .bridge6: return 2
        case .local6: return 3
        }
    }
}

struct PlanBuilder {
    var topology: PlannerTopology
    /// Existing device MACs by node name, then device name.
    var existingMACs: [String: [String: String]] = [:]
    var plans: [NodePlan]

    init(topology: PlannerTopology, existing: [NodeConfig]) {
        self.topology = topology
        for config in existing {
            var macs: [String: String] = [:]
            for d in config.spec.devices where MACAddress(d.mac) != nil && macs[d.name] == nil {
                macs[d.name] = d.mac
            }
            if !macs.isEmpty && existingMACs[config.name] == nil { existingMACs[config.name] = macs }
        }
        // Step 1 (InitNodes): an empty plan for every valid node.
        plans = Array(repeating: NodePlan(), count: topology.nodes.count)
    }

    mutating func run() {
        addLocalDevices()
        addBridgeDevices()
        addRoutes()
        addLocalNeighbors()
        addBridgeNeighbors()
        addHostNetworkRules()
        addGlobalMapRules()
    }

    // MARK: Steps 2-3: devices

    /// Step 2 (VxLocalNetwork): every node of a gateway-mode cluster gets `vx-local` / `vx-local-6`.
    mutating func addLocalDevices() {
        for c in topology.clusters.indices where !topology.clusters[c].isP2P {
            for n in topology.clusters[c].nodes {
                for family in topology.clusters[c].families {
                    addDevice(.local(family), node: n, cidr: topology.clusters[c].localCIDR[family] ?? "")
                }
            }
        }
    }

    /// Step 3 (VxBridgeNetwork): every bridge node gets `vx-bridge` / `vx-bridge-6`.
    mutating func addBridgeDevices() {
        for n in topology.nodes.indices where topology.isBridgeNode(n) {
            let c = topology.nodes[n].cluster
            for family in topology.clusters[c].families {
                addDevice(.bridge(family), node: n, cidr: topology.clusters[c].bridgeCIDR[family] ?? "")
            }
        }
    }

    mutating func addDevice(_ kind: ClusterLinkDevice, node n: Int, cidr: String) {
        let node = topology.nodes[n]
        let address: IPInterfaceAddress
        do {
            address = try VXLANDeviceAddress.derive(underlay: node.underlay(kind.family), deviceCIDR: cidr)
        } catch {
            topology.warnings.append(PlannerWarning(
                object: "ClusterNode \"\(node.name)\"", reason: "no \(kind.name) device: \(error)"))
            return
        }
        let mac = existingMACs[node.name]?[kind.name]
            ?? NodeConfigPlanner.derivedMAC(node: node.name, device: kind.name).description
        plans[n].devices[kind.slot] = PlanDevice(
            kind: kind, addr: address.description, ip: address.address.description, mac: mac,
            bindDev: node.interfaceName)
    }

    // MARK: Steps 4-5: routes

    /// Steps 4 (ServiceRoutes) and 5 (PodRoutes): each cluster's service CIDRs are routed to its gateway; pod
    /// CIDRs to the bridge node holding them (each node's own in P2P mode, the whole cluster's at the gateway in
    /// gateway mode).
    mutating func addRoutes() {
        var sources: [(target: Int, cidr: String)] = []
        for c in topology.clusters.indices {
            guard let gateway = topology.clusters[c].gateway else { continue }
            for cidr in topology.exportedCIDRs(topology.clusters[c].serviceCIDRs, of: c) {
                sources.append((gateway, cidr))
            }
        }
        for t in topology.nodes.indices where topology.isBridgeNode(t) {
            let c = topology.nodes[t].cluster
            let raw = topology.clusters[c].isP2P ? topology.nodes[t].podCIDRs : topology.clusters[c].podCIDRs
            for cidr in topology.exportedCIDRs(raw, of: c) { sources.append((t, cidr)) }
        }
        // Routes are appended in their final (descending) order, so the final sort finds them in order.
        sources.sort { JSONTextOrder.compareField($1.cidr, $0.cidr) < 0 }
        for s in sources { buildRoutes(to: s.target, cidr: s.cidr) }
    }

    /// Kosmos' `BuildRoutes` for one CIDR: every node of every other cluster gets a route towards `target`,
    /// directly over `vx-bridge` from bridge nodes, through the local gateway over `vx-local` from internal nodes.
    /// A cluster whose own pod or service CIDRs overlap the CIDR gets no route (its own network wins).
    mutating func buildRoutes(to target: Int, cidr: String) {
        let targetCluster = topology.nodes[target].cluster
        guard let family = IPFamily.detect(cidr), let targetDevice = plans[target].device(.bridge(family)) else {
            return
        }
        let prefix = IPPrefix.lenient(cidr)
        let direct = PlanEntry(.route, cidr, targetDevice.ip, targetDevice.kind.name)
        for s in topology.clusters.indices where s != targetCluster {
            let source = topology.clusters[s]
            guard source.supports(family), !Self.overlapsOwn(prefix, source.ownPrefixes) else { continue }
            // The route internal nodes of `source` use: through their gateway's vx-local.
            var viaGateway: PlanEntry?
            if !source.isP2P, let gw = source.gateway, let local = plans[gw].device(.local(family)) {
                viaGateway = PlanEntry(.route, cidr, local.ip, local.kind.name)
            }
            for n in source.nodes {
                if topology.isBridgeNode(n) {
                    plans[n].routes.append(direct)
                } else if let viaGateway {
                    plans[n].routes.append(viaGateway)
                }
            }
        }
    }

    /// Kosmos' `Intersect` against every own CIDR: text that does not parse counts as overlapping.
    static func overlapsOwn(_ prefix: IPPrefix?, _ own: [IPPrefix?]) -> Bool {
        guard let prefix else { return true }
        for o in own {
            guard let o else { return true }
            if o.overlaps(prefix) { return true }
        }
        return false
    }

    // MARK: Steps 6-7: FDB and ARP

    /// Step 6 (VxLocalMacCache): internal nodes learn their gateway's vx-local VTEP and MAC, and the gateway
    /// learns every internal node's (the gateway half fixes upstream issue #29).
    mutating func addLocalNeighbors() {
        for c in topology.clusters.indices where !topology.clusters[c].isP2P {
            guard let gw = topology.clusters[c].gateway else { continue }
            for family in topology.clusters[c].families {
                let kind = ClusterLinkDevice.local(family)
                guard let gwDevice = plans[gw].device(kind) else { continue }
                // What every internal node learns about the gateway: the same three entries, shared.
                let toGateway = neighborEntries(underlay: topology.nodes[gw].underlay(family), device: gwDevice)
                for n in topology.clusters[c].nodes where n != gw {
                    guard let device = plans[n].device(kind) else { continue }
                    plans[n].fdbs.append(contentsOf: toGateway.fdbs)
                    plans[n].arps.append(toGateway.arp)
                    let toNode = neighborEntries(underlay: topology.nodes[n].underlay(family), device: device)
                    plans[gw].fdbs.append(contentsOf: toNode.fdbs)
                    plans[gw].arps.append(toNode.arp)
                }
            }
        }
    }

    /// Step 7 (VxBridgeMacCache): every bridge node learns every other bridge node's vx-bridge VTEP and MAC.
    mutating func addBridgeNeighbors() {
        let bridgeNodes = topology.nodes.indices.filter { topology.isBridgeNode($0) }
        for family in [IPFamily.ipv4, .ipv6] {
            let kind = ClusterLinkDevice.bridge(family)
            let holders = bridgeNodes.filter { plans[$0].device(kind) != nil }
            guard holders.count > 1 else { continue }
            // The entries each holder contributes to every other, made once and shared. They are appended in
            // the final (descending) order, so the final sort finds them already in order.
            var fdbs: [(owner: Int, entry: PlanEntry)] = []
            var arps: [(owner: Int, entry: PlanEntry)] = []
            for t in holders {
                let d = plans[t].device(kind)!
                let underlay = topology.nodes[t].underlay(family)
                fdbs.append((t, PlanEntry(.neighbor, underlay, ClusterLinkDevice.floodMAC, kind.name)))
                fdbs.append((t, PlanEntry(.neighbor, underlay, d.mac, kind.name)))
                arps.append((t, PlanEntry(.neighbor, d.ip, d.mac, kind.name)))
            }
            fdbs.sort { JSONTextOrder.entryPrecedes($1.entry, $0.entry) }
            arps.sort { JSONTextOrder.entryPrecedes($1.entry, $0.entry) }
            for src in holders {
                plans[src].fdbs.reserveCapacity(plans[src].fdbs.count + fdbs.count)
                plans[src].arps.reserveCapacity(plans[src].arps.count + arps.count)
                for f in fdbs where f.owner != src { plans[src].fdbs.append(f.entry) }
                for a in arps where a.owner != src { plans[src].arps.append(a.entry) }
            }
        }
    }

    /// The FDB entries (the MAC first, then the flood entry: their final order) and the ARP entry that make a
    /// peer's VXLAN device reachable.
    func neighborEntries(underlay: String, device: PlanDevice) -> (fdbs: [PlanEntry], arp: PlanEntry) {
        let dev = device.kind.name
        return (
            [PlanEntry(.neighbor, underlay, device.mac, dev),
             PlanEntry(.neighbor, underlay, ClusterLinkDevice.floodMAC, dev)],
            PlanEntry(.neighbor, device.ip, device.mac, dev))
    }

    // MARK: Steps 8-9: iptables

    /// Step 8 (HostNetwork): a gateway-mode cluster's gateway masquerades host traffic from vx-local and
    /// vx-bridge addresses, so replies find their way back; pod traffic keeps pod IPs.
    mutating func addHostNetworkRules() {
        for c in topology.clusters.indices where !topology.clusters[c].isP2P {
            guard let gw = topology.clusters[c].gateway else { continue }
            for family in topology.clusters[c].families {
                let bridge = ClusterLinkDevice.bridge(family).name
                let local = topology.clusters[c].localCIDR[family] ?? ""
                let bridgeCIDR = topology.clusters[c].bridgeCIDR[family] ?? ""
                plans[gw].iptables.append(
                    PlanEntry(.rule, "nat", "POSTROUTING", "-s \(local) -o \(bridge) -j MASQUERADE"))
                plans[gw].iptables.append(PlanEntry(.rule, "nat", "POSTROUTING", "-s \(bridgeCIDR) -j MASQUERADE"))
            }
        }
    }

    /// Step 9 (GlobalMap): a cluster with a `globalCIDRsMap` translates 1:1 between each real CIDR and its global
    /// CIDR (NETMAP both ways). Its bridge nodes give traffic leaving over `vx-bridge` from the real CIDR the
    /// matching global source address. Traffic for the global CIDR is mapped to the real one on every node of the
    /// cluster, whatever interface it arrives on: from a remote cluster over `vx-bridge`, and also from the
    /// cluster's own pods, which can so reach their own global addresses (upstream matches only `-i vx-bridge`
    /// on bridge nodes and leaves in-cluster access as a to-do, kosmos-semantics §9.9).
    mutating func addGlobalMapRules() {
        for c in topology.clusters.indices where !topology.clusters[c].globalEntries.isEmpty {
            let cluster = topology.clusters[c]
            var ingress: [PlanEntry] = []
            var egress: [PlanEntry] = []
            for e in cluster.globalEntries where cluster.supports(e.real.family) {
                let bridge = ClusterLinkDevice.bridge(e.real.family).name
                ingress.append(PlanEntry(.rule, "nat", "PREROUTING", "-d \(e.globalText) -j NETMAP --to \(e.realText)"))
                egress.append(PlanEntry(
                    .rule, "nat", "POSTROUTING", "-s \(e.realText) -o \(bridge) -j NETMAP --to \(e.globalText)"))
            }
            for n in cluster.nodes {
                plans[n].iptables.append(contentsOf: ingress)
                if topology.isBridgeNode(n) { plans[n].iptables.append(contentsOf: egress) }
            }
        }
    }
}
