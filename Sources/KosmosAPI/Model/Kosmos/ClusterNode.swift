/// kosmos.io/v1alpha1 ClusterNode: one node of a member cluster as ClusterLink sees it (cluster-scoped, status
/// subresource, named `<clusterName>-<nodeName>`, labelled `kosmos.io/cluster: <clusterName>`).
public struct ClusterNode: ClusterScopedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "ClusterNode"
    public static let plural = "clusternodes"

    /// The label naming the node's cluster.
    public static let clusterLabel = KosmosKeys.cluster

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: ClusterNodeSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// Empty upstream; kept as JSON.
    public var status: JSONValue? { get { self[field: "status"] } set { self[field: "status"] = newValue } }

    /// Whether the node has the gateway role (compared case-insensitively, as upstream).
    public var isGateway: Bool { spec.roles.contains { $0.rawValue.lowercased() == ClusterNodeRole.gateway.rawValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            spec: OpenAPISchema.object(
                nil,
                [
                    "clusterName": OpenAPISchema.string(),
                    "interfaceName": OpenAPISchema.string(),
                    "ip": OpenAPISchema.string(),
                    "ip6": OpenAPISchema.string(),
                    "nodeName": OpenAPISchema.string(),
                    "podCIDRs": OpenAPISchema.array(OpenAPISchema.string()),
                    "roles": OpenAPISchema.array(OpenAPISchema.string()),
                ]),
            status: OpenAPISchema.object(nil, [:]))
    }
}

/// A list of cluster nodes.
public typealias ClusterNodeList = ResourceList<ClusterNode>

/// kosmos.io/v1alpha1 ClusterNodeSpec.
public struct ClusterNodeSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The member cluster the node belongs to.
    public var clusterName: String? { get { self[field: "clusterName"] } set { self[field: "clusterName"] = newValue } }
    /// The node's name in its member cluster.
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// The node's pod CIDRs.
    public var podCIDRs: [String] { get { self[list: "podCIDRs"] } set { self[list: "podCIDRs"] = newValue } }
    /// The node's IPv4 address.
    public var ip: String? { get { self[field: "ip"] } set { self[field: "ip"] = newValue } }
    /// The node's IPv6 address.
    public var ip6: String? { get { self[field: "ip6"] } set { self[field: "ip6"] = newValue } }
    /// The node's ClusterLink roles (`gateway`).
    public var roles: [ClusterNodeRole] { get { self[list: "roles"] } set { self[list: "roles"] = newValue } }
    /// Always written upstream (no omitempty), possibly empty.
    public var interfaceName: String {
        get { self[field: "interfaceName"] ?? "" }
        set { self[field: "interfaceName"] = newValue }
    }
}

/// A ClusterNode role (open set; `gateway` is the one upstream knows).
public struct ClusterNodeRole: OpenStringEnum {
    public var rawValue: String
    /// Wraps a role string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The node carries the cluster's cross-cluster traffic.
    public static let gateway: ClusterNodeRole = "gateway"
}

/// kosmos.io/v1alpha1 NodeConfig: the network state the agent applies on one node (cluster-scoped, status
/// subresource, named like the ClusterNode).
public struct NodeConfig: ClusterScopedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "NodeConfig"
    public static let plural = "nodeconfigs"

    /// Annotation holding the JSON of the previous spec.
    public static let previousSpecAnnotation = "prev"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: NodeConfigSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: NodeConfigStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(spec: NodeConfigSpec.openAPISchema, status: NodeConfigStatus.openAPISchema)
    }
}

/// A list of node configs.
public typealias NodeConfigList = ResourceList<NodeConfig>

/// kosmos.io/v1alpha1 NodeConfigSpec: every list the agent reconciles.
public struct NodeConfigSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The vxlan devices the node must have.
    public var devices: [NodeConfig.Device] { get { self[list: "devices"] } set { self[list: "devices"] = newValue } }
    /// The routes the node must have.
    public var routes: [NodeConfig.Route] { get { self[list: "routes"] } set { self[list: "routes"] = newValue } }
    /// The iptables rules the node must have.
    public var iptables: [NodeConfig.Iptables] {
        get { self[list: "iptables"] }
        set { self[list: "iptables"] = newValue }
    }
    /// The forwarding-database entries the node must have.
    public var fdbs: [NodeConfig.Fdb] { get { self[list: "fdbs"] } set { self[list: "fdbs"] = newValue } }
    /// The ARP/neighbour entries the node must have.
    public var arps: [NodeConfig.Arp] { get { self[list: "arps"] } set { self[list: "arps"] = newValue } }
    /// IPsec policies the node must have.
    public var xfrmPolicies: [NodeConfig.XfrmPolicy] {
        get { self[list: "xfrmpolicies"] }
        set { self[list: "xfrmpolicies"] = newValue }
    }
    /// IPsec states the node must have.
    public var xfrmStates: [NodeConfig.XfrmState] {
        get { self[list: "xfrmstates"] }
        set { self[list: "xfrmstates"] = newValue }
    }
    /// Addresses excluded from masquerading.
    public var ipsetsAvoidMasqs: [NodeConfig.IPset] {
        get { self[list: "ipsetsavoidmasq"] }
        set { self[list: "ipsetsavoidmasq"] = newValue }
    }

    static var openAPISchema: JSONValue {
        let s = OpenAPISchema.string()
        let i32 = OpenAPISchema.integer()
        func entry(_ fields: [String: JSONValue]) -> JSONValue {
            OpenAPISchema.array(OpenAPISchema.object(nil, fields, required: Array(fields.keys)))
        }
        return OpenAPISchema.object(
            nil,
            [
                "arps": entry(["dev": s, "ip": s, "mac": s]),
                "devices": entry(["addr": s, "bindDev": s, "id": i32, "mac": s, "name": s, "port": i32, "type": s]),
                "fdbs": entry(["dev": s, "ip": s, "mac": s]),
                "iptables": entry(["chain": s, "rule": s, "table": s]),
                "ipsetsavoidmasq": entry(["cidr": s, "name": s]),
                "routes": entry(["cidr": s, "dev": s, "gw": s]),
                "xfrmpolicies": entry([
                    "dir": OpenAPISchema.integer(format: "int64"), "leftip": s, "leftnet": s,
                    "reqid": OpenAPISchema.integer(format: "int64"), "rightip": s, "rightnet": s,
                ]),
                "xfrmstates": entry([
                    "PSK": s, "leftip": s, "reqid": OpenAPISchema.integer(format: "int64"), "rightip": s,
                    "spi": OpenAPISchema.integer(format: "int64"),
                ]),
            ])
    }
}

/// kosmos.io/v1alpha1 NodeConfigStatus. Upstream never writes it; our agent records when it last synced, when the
/// kernel last changed, and an `Applied` condition carrying the error text when applying fails.
public struct NodeConfigStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// When the agent last changed the node.
    public var lastChangeTime: Time? {
        get { self[field: "lastChangeTime"] }
        set { self[field: "lastChangeTime"] = newValue }
    }
    /// When the agent last applied the config.
    public var lastSyncTime: Time? {
        get { self[field: "lastSyncTime"] }
        set { self[field: "lastSyncTime"] = newValue }
    }
    /// The agent's conditions (`Applied`: True when the kernel matches the spec, False with the error otherwise).
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "lastChangeTime": OpenAPISchema.string(format: "date-time"),
                "lastSyncTime": OpenAPISchema.string(format: "date-time"),
                "conditions": OpenAPISchema.array(Condition.openAPISchema),
            ])
    }
}

extension NodeConfig {
    /// A VXLAN device: `{type, name, addr, mac, bindDev, id, port}` (all written, as upstream has no omitempty).
    public struct Device: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Describes a vxlan device.
        public init(type: String = "vxlan", name: String, addr: String, mac: String, bindDev: String, id: Int32,
                    port: Int32) {
            var o = JSONObject()
            o.append("type", .string(type))
            o.append("name", .string(name))
            o.append("addr", .string(addr))
            o.append("mac", .string(mac))
            o.append("bindDev", .string(bindDev))
            o.append("id", .int(Int64(id)))
            o.append("port", .int(Int64(port)))
            self.init(json: .object(o))
        }

        /// `vxlan`.
        public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
        /// The device name.
        public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
        /// `ip/prefix`.
        public var addr: String { get { self[field: "addr"] ?? "" } set { self[field: "addr"] = newValue } }
        /// The MAC address.
        public var mac: String { get { self[field: "mac"] ?? "" } set { self[field: "mac"] = newValue } }
        /// The physical device the vxlan device sends through.
        public var bindDev: String { get { self[field: "bindDev"] ?? "" } set { self[field: "bindDev"] = newValue } }
        /// VXLAN id (VNI).
        public var id: Int32 { get { self[field: "id"] ?? 0 } set { self[field: "id"] = newValue } }
        /// UDP port.
        public var port: Int32 { get { self[field: "port"] ?? 0 } set { self[field: "port"] = newValue } }
    }

    /// A route `{cidr, gw, dev}`.
    public struct Route: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Describes a route to `cidr` via `gw` on `dev`.
        public init(cidr: String, gw: String, dev: String) {
            self.init(json: ["cidr": .string(cidr), "gw": .string(gw), "dev": .string(dev)])
        }

        /// The CIDR.
        public var cidr: String { get { self[field: "cidr"] ?? "" } set { self[field: "cidr"] = newValue } }
        /// The gateway address.
        public var gw: String { get { self[field: "gw"] ?? "" } set { self[field: "gw"] = newValue } }
        /// The device name.
        public var dev: String { get { self[field: "dev"] ?? "" } set { self[field: "dev"] = newValue } }
    }

    /// An iptables rule `{table, chain, rule}`.
    public struct Iptables: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Describes one iptables rule.
        public init(table: String, chain: String, rule: String) {
            self.init(json: ["table": .string(table), "chain": .string(chain), "rule": .string(rule)])
        }

        /// The iptables table.
        public var table: String { get { self[field: "table"] ?? "" } set { self[field: "table"] = newValue } }
        /// The iptables chain.
        public var chain: String { get { self[field: "chain"] ?? "" } set { self[field: "chain"] = newValue } }
        /// The rule, as iptables arguments.
        public var rule: String { get { self[field: "rule"] ?? "" } set { self[field: "rule"] = newValue } }
    }

    /// A forwarding-database entry `{ip, mac, dev}`.
    public struct Fdb: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Describes a forwarding-database entry.
        public init(ip: String, mac: String, dev: String) {
            self.init(json: ["ip": .string(ip), "mac": .string(mac), "dev": .string(dev)])
        }

        /// The IP address.
        public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
        /// The MAC address.
        public var mac: String { get { self[field: "mac"] ?? "" } set { self[field: "mac"] = newValue } }
        /// The device name.
        public var dev: String { get { self[field: "dev"] ?? "" } set { self[field: "dev"] = newValue } }
    }

    /// A neighbour (ARP/NDP) entry `{ip, mac, dev}`.
    public struct Arp: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Describes a neighbour entry.
        public init(ip: String, mac: String, dev: String) {
            self.init(json: ["ip": .string(ip), "mac": .string(mac), "dev": .string(dev)])
        }

        /// The IP address.
        public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
        /// The MAC address.
        public var mac: String { get { self[field: "mac"] ?? "" } set { self[field: "mac"] = newValue } }
        /// The device name.
        public var dev: String { get { self[field: "dev"] ?? "" } set { self[field: "dev"] = newValue } }
    }

    /// An IPsec policy (unmerged upstream design): `{leftip, leftnet, rightip, rightnet, reqid, dir}`.
    public struct XfrmPolicy: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// The local tunnel end.
        public var leftIP: String { get { self[field: "leftip"] ?? "" } set { self[field: "leftip"] = newValue } }
        /// The local network.
        public var leftNet: String { get { self[field: "leftnet"] ?? "" } set { self[field: "leftnet"] = newValue } }
        /// The remote tunnel end.
        public var rightIP: String { get { self[field: "rightip"] ?? "" } set { self[field: "rightip"] = newValue } }
        /// The remote network.
        public var rightNet: String { get { self[field: "rightnet"] ?? "" } set { self[field: "rightnet"] = newValue } }
        /// The request ID tying policy and state.
        public var reqID: Int { get { self[field: "reqid"] ?? 0 } set { self[field: "reqid"] = newValue } }
        /// The direction (in, out, fwd).
        public var dir: Int { get { self[field: "dir"] ?? 0 } set { self[field: "dir"] = newValue } }
    }

    /// An IPsec state (unmerged upstream design): `{leftip, rightip, reqid, spi, PSK}`.
    public struct XfrmState: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// The local tunnel end.
        public var leftIP: String { get { self[field: "leftip"] ?? "" } set { self[field: "leftip"] = newValue } }
        /// The remote tunnel end.
        public var rightIP: String { get { self[field: "rightip"] ?? "" } set { self[field: "rightip"] = newValue } }
        /// The request ID tying policy and state.
        public var reqID: Int { get { self[field: "reqid"] ?? 0 } set { self[field: "reqid"] = newValue } }
        /// The security parameter index.
        public var spi: Int64 { get { self[field: "spi"] ?? 0 } set { self[field: "spi"] = newValue } }
        /// The pre-shared key.
        public var psk: String { get { self[field: "PSK"] ?? "" } set { self[field: "PSK"] = newValue } }
    }

    /// An ipset entry `{cidr, name}` (unmerged upstream design).
    public struct IPset: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// The CIDR.
        public var cidr: String { get { self[field: "cidr"] ?? "" } set { self[field: "cidr"] = newValue } }
        /// The name.
        public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    }
}
