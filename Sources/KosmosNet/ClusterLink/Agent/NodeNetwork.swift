import KosmosAPI

/// The kernel state one node's ``NodeConfig`` asks for, in typed form: VXLAN devices, routes in table 200, static
/// FDB and neighbour entries, and NAT rules.
///
/// Build it from a NodeConfig with ``init(spec:)``, which checks every entry and names the field of the first bad
/// one; ``empty`` is what a node without a NodeConfig wants (nothing of ClusterLink's left). ``NodeNetworkApplier``
/// makes the kernel match it.
public struct NodeNetwork: Sendable, Hashable {
    /// The VXLAN devices (`vx-bridge`, `vx-local`, `vx-bridge-6`, `vx-local-6`).
    public var devices: [TunnelDevice]
    /// Routes, all in ``NodeNetwork/routingTable`` with `onlink`.
    public var routes: [Route]
    /// Static VXLAN forwarding entries (flood entries with the zero MAC, and per-peer MACs).
    public var fdb: [FDBEntry]
    /// Permanent ARP/NDP entries for the peers' tunnel addresses.
    public var neighbors: [Neighbor]
    /// NAT rules (masquerade, 1:1 maps) plus the forward-accept rules for the tunnel devices.
    public var natRules: [NATRule]

    /// Describes a node network directly.
    public init(devices: [TunnelDevice] = [], routes: [Route] = [], fdb: [FDBEntry] = [],
                neighbors: [Neighbor] = [], natRules: [NATRule] = []) {
        self.devices = devices
        self.routes = routes
        self.fdb = fdb
        self.neighbors = neighbors
        self.natRules = natRules
    }

    /// Nothing: what the agent converges to when its NodeConfig is deleted.
    public static let empty = NodeNetwork()

    /// The policy-routing table ClusterLink routes live in (`ip rule add lookup 200 pref 200`).
    public static let routingTable: UInt32 = 200
    /// The priority of the rule that sends lookups to ``routingTable``.
    public static let rulePriority: UInt32 = 200
    /// Link names starting with this belong to ClusterLink; the agent never touches other links.
    public static let devicePrefix = "vx-"

    /// The address families that have a device, in which the policy rule must exist.
    public var families: Set<IPFamily> { Set(devices.map(\.family)) }

    /// Reads and checks a NodeConfig spec.
    ///
    /// Route CIDRs are normalised to their network (`10.237.6.0/18` becomes `10.237.0.0/18`). iptables rule text is
    /// translated to ``NATRule`` values (see ``IptablesRuleText``); forward-accept rules for every device and its
    /// bind device are added, as the Go agent inserts them into `FORWARD`.
    /// - Throws: ``NodeConfigError`` naming the field (`spec.routes[2].gw`) and the bad value.
    public init(spec: NodeConfigSpec) throws(NodeConfigError) {
        var devices: [TunnelDevice] = []
        for (index, device) in spec.devices.enumerated() {
            devices.append(try TunnelDevice(device, field: "spec.devices[\(index)]"))
        }
        let names = Set(devices.map(\.name))
        var duplicates = Set<String>()
        for device in devices where !duplicates.insert(device.name).inserted {
            throw NodeConfigError(field: "spec.devices", value: device.name, reason: "device listed twice")
        }
        func checkDevice(_ name: String, _ field: String) throws(NodeConfigError) {
            guard names.contains(name) else {
                throw NodeConfigError(field: field, value: name, reason: "no device of that name in spec.devices")
            }
        }

        var routes: [Route] = []
        for (index, route) in spec.routes.enumerated() {
            let field = "spec.routes[\(index)]"
            let prefix: IPPrefix
            do { prefix = try IPPrefix(normalizing: route.cidr) } catch {
                throw NodeConfigError(field: field + ".cidr", value: route.cidr, reason: "\(error)")
            }
            guard let gateway = IPAddress(route.gw) else {
                throw NodeConfigError(field: field + ".gw", value: route.gw, reason: "not an IP address")
            }
            guard gateway.family == prefix.family else {
                throw NodeConfigError(field: field + ".gw", value: route.gw,
                                      reason: "address family differs from cidr \(route.cidr)")
            }
            try checkDevice(route.dev, field + ".dev")
            routes.append(Route(prefix, via: gateway, device: route.dev, table: Self.routingTable, onLink: true))
        }

        var fdb: [FDBEntry] = []
        for (index, entry) in spec.fdbs.enumerated() {
            let field = "spec.fdbs[\(index)]"
            guard let ip = IPAddress(entry.ip) else {
                throw NodeConfigError(field: field + ".ip", value: entry.ip, reason: "not an IP address")
            }
            guard let mac = MACAddress(entry.mac) else {
                throw NodeConfigError(field: field + ".mac", value: entry.mac, reason: "not a MAC address")
            }
            try checkDevice(entry.dev, field + ".dev")
            fdb.append(FDBEntry(mac: mac, device: entry.dev, destination: ip))
        }

        var neighbors: [Neighbor] = []
        for (index, entry) in spec.arps.enumerated() {
            let field = "spec.arps[\(index)]"
            guard let ip = IPAddress(entry.ip) else {
                throw NodeConfigError(field: field + ".ip", value: entry.ip, reason: "not an IP address")
            }
            guard let mac = MACAddress(entry.mac) else {
                throw NodeConfigError(field: field + ".mac", value: entry.mac, reason: "not a MAC address")
            }
            try checkDevice(entry.dev, field + ".dev")
            neighbors.append(Neighbor(ip, mac: mac, device: entry.dev))
        }

        var nat: [NATRule] = []
        for (index, rule) in spec.iptables.enumerated() {
            let field = "spec.iptables[\(index)]"
            guard rule.table.isEmpty || rule.table == "nat" else {
                throw NodeConfigError(field: field + ".table", value: rule.table, reason: "only the nat table is used")
            }
            do {
                nat.append(try IptablesRuleText.natRule(chain: rule.chain, rule: rule.rule))
            } catch {
                throw NodeConfigError(field: field + ".rule", value: rule.rule, reason: error.reason)
            }
        }
        for device in devices {
            nat.append(.accept(outputInterface: device.name))
            nat.append(.accept(outputInterface: device.bindDevice))
        }

        self.init(devices: devices, routes: Self.unique(routes), fdb: Self.unique(fdb),
                  neighbors: Self.unique(neighbors), natRules: NATTable.normalized(Self.unique(nat)))
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// A ClusterLink VXLAN device as a NodeConfig describes it (`{name, id, port, addr, mac, bindDev}`).
public struct TunnelDevice: Sendable, Hashable, CustomStringConvertible {
    /// The link name, starting with `vx-`.
    public var name: String
    /// The VXLAN network identifier.
    public var vni: UInt32
    /// The UDP destination port.
    public var port: UInt16
    /// The device's own address with the tunnel network's prefix length (`220.168.0.11/8`).
    public var address: IPInterfaceAddress
    /// The device's MAC; nil lets the kernel choose.
    public var mac: MACAddress?
    /// The underlay link the encapsulated packets leave by; its address of the device's family is the VTEP source.
    public var bindDevice: String

    /// Describes a device.
    public init(name: String, vni: UInt32, port: UInt16, address: IPInterfaceAddress, mac: MACAddress?,
                bindDevice: String) {
        self.name = name
        self.vni = vni
        self.port = port
        self.address = address
        self.mac = mac
        self.bindDevice = bindDevice
    }

    /// The tunnel's address family (of its own address, and of its underlay).
    public var family: IPFamily { address.family }

    init(_ device: NodeConfig.Device, field: String) throws(NodeConfigError) {
        guard device.type.isEmpty || device.type == "vxlan" else {
            throw NodeConfigError(field: field + ".type", value: device.type, reason: "only vxlan devices exist")
        }
        let name = device.name
        guard name.hasPrefix(NodeNetwork.devicePrefix), name.utf8.count <= 15 else {
            throw NodeConfigError(field: field + ".name", value: name,
                                  reason: "device names start with \(NodeNetwork.devicePrefix) and have at most 15 bytes")
        }
        guard (1...16_777_215).contains(Int(device.id)) else {
            throw NodeConfigError(field: field + ".id", value: "\(device.id)", reason: "a VNI is 1...16777215")
        }
        guard (1...65535).contains(Int(device.port)) else {
            throw NodeConfigError(field: field + ".port", value: "\(device.port)", reason: "a UDP port is 1...65535")
        }
        guard let address = IPInterfaceAddress(device.addr) else {
            throw NodeConfigError(field: field + ".addr", value: device.addr, reason: "not an address/prefix-length")
        }
        var mac: MACAddress?
        if !device.mac.isEmpty {
            guard let parsed = MACAddress(device.mac), parsed.bytes[0] & 1 == 0 else {
                throw NodeConfigError(field: field + ".mac", value: device.mac, reason: "not a unicast MAC address")
            }
            mac = parsed
        }
        guard !device.bindDev.isEmpty else {
            throw NodeConfigError(field: field + ".bindDev", value: "", reason: "the underlay device is required")
        }
        self.init(name: name, vni: UInt32(device.id), port: UInt16(device.port), address: address, mac: mac,
                  bindDevice: device.bindDev)
    }

    public var description: String {
        "\(name) vni \(vni) port \(port) addr \(address) mac \(mac?.description ?? "auto") dev \(bindDevice)"
    }
}

/// A NodeConfig entry the agent cannot apply; nothing of that NodeConfig is applied.
public struct NodeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the bad field (`spec.routes[2].gw`).
    public var field: String
    /// The value found there.
    public var value: String
    /// What is wrong with it.
    public var reason: String

    /// Describes a bad field.
    public init(field: String, value: String, reason: String) {
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(field): \"\(value)\": \(reason)" }
}
