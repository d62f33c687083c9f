/// An ARP (IPv4) or NDP (IPv6) neighbour entry, as `ip neigh` shows it:
/// `220.0.0.2 lladdr aa:bb:cc:dd:ee:ff dev vx-bridge PERMANENT`.
public struct Neighbor: Sendable, Hashable, CustomStringConvertible {
    /// The neighbour's IP address.
    public var address: IPAddress
    /// Its hardware address; nil for entries still being resolved (`INCOMPLETE`, `FAILED`).
    public var mac: MACAddress?
    /// The link the neighbour is on.
    public var device: String
    /// The entry's state; ``NeighborState/permanent`` for static entries.
    public var state: NeighborState

    /// Describes a neighbour entry.
    public init(_ address: IPAddress, mac: MACAddress?, device: String, state: NeighborState = .permanent) {
        self.address = address
        self.mac = mac
        self.device = device
        self.state = state
    }

    /// The address family (IPv4 is ARP, IPv6 is NDP).
    public var family: IPFamily { address.family }

    public var description: String {
        var text = "\(address)"
        if let mac { text += " lladdr \(mac)" }
        text += " dev \(device) \(state)"
        return text
    }
}

/// Neighbour states (`NUD_*`); several may be combined (`[.permanent, .noARP]`).
public struct NeighborState: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Being resolved.
    public static let incomplete = NeighborState(rawValue: 0x01)
    /// Confirmed reachable.
    public static let reachable = NeighborState(rawValue: 0x02)
    /// Valid but unconfirmed.
    public static let stale = NeighborState(rawValue: 0x04)
    /// Waiting before probing.
    public static let delay = NeighborState(rawValue: 0x08)
    /// Being probed.
    public static let probe = NeighborState(rawValue: 0x10)
    /// Resolution failed.
    public static let failed = NeighborState(rawValue: 0x20)
    /// No resolution needed.
    public static let noARP = NeighborState(rawValue: 0x40)
    /// Static: never expires, set by an administrator.
    public static let permanent = NeighborState(rawValue: 0x80)

    public var description: String {
        let names: [(NeighborState, String)] = [
            (.incomplete, "INCOMPLETE"), (.reachable, "REACHABLE"), (.stale, "STALE"), (.delay, "DELAY"),
            (.probe, "PROBE"), (.failed, "FAILED"), (.noARP, "NOARP"), (.permanent, "PERMANENT"),
        ]
        let parts = names.filter { contains($0.0) }.map(\.1)
        return parts.isEmpty ? "NONE" : parts.joined(separator: " ")
    }
}

/// A forwarding-database entry of a VXLAN (or bridge) link, as `bridge fdb` shows it:
/// `00:00:00:00:00:00 dev vx-bridge dst 192.168.0.12 self permanent`.
///
/// On a VXLAN link an entry says "frames for `mac` go to the VTEP `destination`"; the all-zero MAC is the
/// default entry that floods broadcast and unknown frames to that remote (add one per remote with
/// ``NetlinkHandle/appendFDB(_:)``).
public struct FDBEntry: Sendable, Hashable, CustomStringConvertible {
    /// The inner destination MAC (``MACAddress/zero`` for the flood entry).
    public var mac: MACAddress
    /// The VXLAN or bridge port link.
    public var device: String
    /// The remote VTEP's underlay address (`dst`).
    public var destination: IPAddress?
    /// A VNI other than the link's own (`vni`).
    public var vni: UInt32?
    /// A UDP port other than the link's own (`port`).
    public var port: UInt16?
    /// The entry's state; static entries are `[.permanent, .noARP]`, as Kosmos installs them.
    public var state: NeighborState

    /// Describes an FDB entry.
    public init(mac: MACAddress, device: String, destination: IPAddress? = nil, vni: UInt32? = nil,
                port: UInt16? = nil, state: NeighborState = [.permanent, .noARP]) {
        self.mac = mac
        self.device = device
        self.destination = destination
        self.vni = vni
        self.port = port
        self.state = state
    }

    public var description: String {
        var text = "\(mac) dev \(device)"
        if let destination { text += " dst \(destination)" }
        if let vni { text += " vni \(vni)" }
        if let port { text += " port \(port)" }
        text += state.contains(.permanent) ? " self permanent" : " self"
        return text
    }
}
