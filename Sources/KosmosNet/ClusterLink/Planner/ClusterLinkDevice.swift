/// The four VXLAN devices ClusterLink puts on a node, with the fixed numbers every node agrees on.
///
/// `vx-bridge` links bridge nodes (gateways and P2P nodes) across clusters; `vx-local` links the nodes of a
/// gateway-mode cluster to their gateway. Each has an IPv6 twin with a `-6` suffix. The numbers are the Go
/// Kosmos' (VNI and UDP port), so Swift and Go nodes can share a tunnel.
public enum ClusterLinkDevice: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `vx-bridge`: IPv4 tunnel between bridge nodes of different clusters (VNI 54, port 4876).
    case bridge = "vx-bridge"
    /// `vx-local`: IPv4 tunnel between a gateway-mode cluster's nodes and its gateway (VNI 55, port 4877).
    case local = "vx-local"
    /// `vx-bridge-6`: the IPv6 twin of `vx-bridge` (VNI 64, port 4866).
    case bridge6 = "vx-bridge-6"
    /// `vx-local-6`: the IPv6 twin of `vx-local` (VNI 65, port 4867).
    case local6 = "vx-local-6"

    /// The bridge device of a family.
    public static func bridge(_ family: IPFamily) -> ClusterLinkDevice { family == .ipv4 ? .bridge : .bridge6 }
    /// The local device of a family.
    public static func local(_ family: IPFamily) -> ClusterLinkDevice { family == .ipv4 ? .local : .local6 }

    /// The device name on the node (`vx-bridge`, ...).
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// The VXLAN network identifier.
    public var vni: Int32 {
        switch self {
        case .bridge: return 54
        case .local: return 55
        case .bridge6: return 64
        case .local6: return 65
        }
    }

    /// The UDP destination port of the tunnel.
    public var port: Int32 {
        switch self {
        case .bridge: return 4876
        case .local: return 4877
        case .bridge6: return 4866
        case .local6: return 4867
        }
    }

    /// The address family carried inside the tunnel (and of its underlay).
    public var family: IPFamily { self == .bridge || self == .local ? .ipv4 : .ipv6 }

    /// Whether this is a bridge device (`vx-bridge` or `vx-bridge-6`).
    public var isBridge: Bool { self == .bridge || self == .bridge6 }

    /// Bytes the VXLAN encapsulation adds over an underlay of `family`: 50 over IPv4 (20 IP + 8 UDP + 8 VXLAN +
    /// 14 inner Ethernet), 70 over IPv6 (40-byte IPv6 header). The agent sets the device MTU to the bind device's
    /// MTU minus this. Upstream subtracts 50 for IPv6 as well, which lets full-size IPv6 packets be dropped; we
    /// deliberately use 70.
    public static func encapsulationOverhead(underlay family: IPFamily) -> Int { family == .ipv4 ? 50 : 70 }

    /// The policy-routing table holding ClusterLink routes (selected by an `ip rule` with priority 200).
    public static let routeTable: UInt32 = 200
    /// The priority of the `ip rule` that selects `routeTable`.
    public static let rulePriority: UInt32 = 200
    /// The MAC of an FDB "flood to this remote VTEP" entry.
    public static let floodMAC = "00:00:00:00:00:00"
}
