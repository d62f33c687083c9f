import KosmosAPI
import KosmosNet

/// Builders for planner inputs, so tests read like the YAML a user would write.
enum PlannerFixture {
    static func cluster(
        _ name: String, type: String = "gateway", family: String = "ipv4",
        pods: [String] = [], services: [String] = [], globalMap: [String: String] = [:],
        enable: Bool = true, linkOptions: Bool = true
    ) -> Cluster {
        var c = Cluster(name: name)
        if linkOptions {
            var o = ClusterLinkOptions()
            o.enable = enable
            o.networkType = NetworkType(rawValue: type)
            o.ipFamily = IPFamilyType(rawValue: family)
            o.globalCIDRsMap = globalMap
            c.spec.clusterLinkOptions = o
        }
        var s = ClusterLinkStatus()
        s.podCIDRs = pods
        s.serviceCIDRs = services
        c.status.clusterLinkStatus = s
        return c
    }

    static func node(
        _ cluster: String, _ node: String, ip: String? = nil, ip6: String? = nil, gateway: Bool = false,
        pods: [String] = [], interface: String = "eth0"
    ) -> ClusterNode {
        var n = ClusterNode(name: "\(cluster)-\(node)")
        n.metadata.labels = [ClusterNode.clusterLabel: cluster]
        var spec = ClusterNodeSpec()
        spec.clusterName = cluster
        spec.nodeName = node
        spec.ip = ip
        spec.ip6 = ip6
        spec.interfaceName = interface
        spec.podCIDRs = pods
        if gateway { spec.roles = [.gateway] }
        n.spec = spec
        return n
    }

    /// An existing NodeConfig holding only device MACs (what the planner reads from it).
    static func existing(_ name: String, macs: [String: String]) -> NodeConfig {
        var c = NodeConfig(name: name)
        var spec = NodeConfigSpec()
        spec.devices = macs.sorted { $0.key < $1.key }.map {
            NodeConfig.Device(name: $0.key, addr: "", mac: $0.value, bindDev: "", id: 0, port: 0)
        }
        c.spec = spec
        return c
    }

    /// Plans and indexes the result by name.
    static func plan(
        _ clusters: [Cluster], _ nodes: [ClusterNode], existing: [NodeConfig] = []
    ) -> [String: NodeConfig] {
        let configs = NodeConfigPlanner.plan(clusters: clusters, clusterNodes: nodes, existing: existing)
        return Dictionary(uniqueKeysWithValues: configs.map { ($0.name, $0) })
    }
}

extension NodeConfig {
    /// Routes as `cidr gw dev` lines, in order.
    var routeLines: [String] { spec.routes.map { "\($0.cidr) \($0.gw) \($0.dev)" } }
    /// FDB entries as `ip mac dev` lines, in order.
    var fdbLines: [String] { spec.fdbs.map { "\($0.ip) \($0.mac) \($0.dev)" } }
    /// ARP entries as `ip mac dev` lines, in order.
    var arpLines: [String] { spec.arps.map { "\($0.ip) \($0.mac) \($0.dev)" } }
    /// iptables entries as `table chain rule` lines, in order.
    var ruleLines: [String] { spec.iptables.map { "\($0.table) \($0.chain) \($0.rule)" } }
    /// Device names with addresses, in order.
    var deviceLines: [String] { spec.devices.map { "\($0.name) \($0.addr)" } }
}
