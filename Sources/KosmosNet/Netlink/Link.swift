/// A network interface as `ip link` shows it, and the description of one to create.
///
/// Build new links with the factory methods (``dummy(_:mtu:)``, ``bridge(_:mtu:)``,
/// ``veth(_:peer:peerNamespace:mtu:)``, ``vxlan(_:_:underlay:mac:)``) and pass them to
/// ``NetlinkHandle/addLink(_:)``; links read back from the kernel have `index` and `flags` filled in.
public struct Link: Sendable, Hashable, CustomStringConvertible {
    /// The interface index; 0 for a link that does not exist yet.
    public var index: Int32
    /// The interface name (at most 15 bytes).
    public var name: String
    /// The link type and its type-specific settings.
    public var kind: Kind
    /// The MTU; nil lets the kernel choose when creating.
    public var mtu: Int?
    /// The hardware address; nil lets the kernel choose when creating.
    public var mac: MACAddress?
    /// The interface flags (`IFF_UP`, `IFF_LOWER_UP`, ...).
    public var flags: UInt32
    /// The index of the bridge or bond this link is enslaved to, if any.
    public var masterIndex: Int32?
    /// The index of the related link (`IFLA_LINK`): a veth's peer, a VLAN's parent. May be in another namespace.
    public var parentIndex: Int32?

    /// Link types this library creates and recognises.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// A link without a `kind` (physical NICs, `lo`).
        case device
        /// `type dummy`.
        case dummy
        /// `type bridge`.
        case bridge
        /// `type veth`; the peer is only known when creating.
        case veth(peer: VethPeer?)
        /// `type vxlan`.
        case vxlan(VXLAN)
        /// Any other `kind` the kernel reports (`ipip`, `wireguard`, ...).
        case other(String)

        /// The `IFLA_INFO_KIND` string, nil for `.device`.
        public var typeName: String? {
            switch self {
            case .device: return nil
            case .dummy: return "dummy"
            case .bridge: return "bridge"
            case .veth: return "veth"
            case .vxlan: return "vxlan"
            case .other(let name): return name
            }
        }

        public var description: String { typeName ?? "device" }
    }

    /// Creates a link description. Prefer the factory methods.
    public init(name: String, kind: Kind, mtu: Int? = nil, mac: MACAddress? = nil) {
        self.index = 0
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.mac = mac
        self.flags = 0
        self.masterIndex = nil
        self.parentIndex = nil
    }

    /// True when the administrative state is up (`IFF_UP`).
    public var isUp: Bool { flags & 0x1 != 0 }
    /// True when the carrier is up (`IFF_LOWER_UP`).
    public var hasCarrier: Bool { flags & 0x10000 != 0 }

    /// The VXLAN settings when this is a VXLAN link.
    public var vxlan: VXLAN? {
        if case .vxlan(let settings) = kind { return settings }
        return nil
    }

    /// A dummy link (`ip link add NAME type dummy`).
    public static func dummy(_ name: String, mtu: Int? = nil) -> Link {
        Link(name: name, kind: .dummy, mtu: mtu)
    }

    /// A bridge (`ip link add NAME type bridge`).
    public static func bridge(_ name: String, mtu: Int? = nil) -> Link {
        Link(name: name, kind: .bridge, mtu: mtu)
    }

    /// A veth pair (`ip link add NAME type veth peer name PEER [netns NS]`).
    /// - Parameters:
    ///   - name: this end, created in the handle's namespace.
    ///   - peer: the other end's name.
    ///   - peerNamespace: where the other end goes; nil keeps it beside this end.
    ///   - mtu: both ends' MTU; nil for the kernel default.
    public static func veth(_ name: String, peer: String, peerNamespace: NetworkNamespace? = nil,
                            mtu: Int? = nil) -> Link {
        Link(name: name, kind: .veth(peer: VethPeer(name: peer, namespace: peerNamespace, mtu: mtu)), mtu: mtu)
    }

    /// A VXLAN link whose MTU leaves room for the encapsulation on `underlay` (its MTU minus 50 bytes on an IPv4
    /// underlay, 70 on IPv6), so tunnelled packets are never fragmented.
    ///
    /// The corresponding command is
    /// `ip link add NAME type vxlan id VNI dstport PORT local ADDR dev UNDERLAY nolearning mtu MTU`.
    /// - Parameters:
    ///   - name: the link name.
    ///   - settings: VNI, port, local address and the rest; its `underlayIndex` is set from `underlay`.
    ///   - underlay: the link that carries the encapsulated packets (read it with ``NetlinkHandle/link(named:)``).
    ///   - mac: the VXLAN link's own MAC; nil lets the kernel pick one.
    public static func vxlan(_ name: String, _ settings: VXLAN, underlay: Link? = nil,
                             mac: MACAddress? = nil) -> Link {
        var settings = settings
        var mtu: Int?
        if let underlay {
            settings.underlayIndex = underlay.index
            if let underlayMTU = underlay.mtu {
                let family = settings.local?.family ?? settings.remote?.family ?? .ipv4
                mtu = VXLAN.mtu(underlayMTU: underlayMTU, family: family)
            }
        }
        return Link(name: name, kind: .vxlan(settings), mtu: mtu, mac: mac)
    }

    public var description: String {
        var text = name
        if index != 0 { text = "\(index): " + text }
        text += " type \(kind)"
        if let mtu { text += " mtu \(mtu)" }
        if let mac { text += " address \(mac)" }
        return text
    }
}

/// The far end of a veth pair being created.
public struct VethPeer: Sendable, Hashable {
    /// The peer's name.
    public var name: String
    /// The namespace the peer is created in; nil for the same namespace as the first end.
    public var namespace: NetworkNamespace?
    /// The peer's MTU.
    public var mtu: Int?
    /// The peer's MAC address; nil lets the kernel choose.
    public var mac: MACAddress?

    /// Describes a veth peer.
    public init(name: String, namespace: NetworkNamespace? = nil, mtu: Int? = nil, mac: MACAddress? = nil) {
        self.name = name
        self.namespace = namespace
        self.mtu = mtu
        self.mac = mac
    }
}

/// The settings of a VXLAN link (`ip link add ... type vxlan ...`).
public struct VXLAN: Sendable, Hashable {
    /// The VXLAN network identifier (`id`), 0...16777215.
    public var vni: UInt32
    /// The UDP destination port (`dstport`); the IANA port is 4789, Kosmos uses 4876/4877/4866/4867.
    public var port: UInt16
    /// The source address of encapsulated packets (`local`); its family decides the underlay family.
    public var local: IPAddress?
    /// A unicast remote or multicast group (`remote`/`group`); nil when FDB entries name the remotes.
    public var remote: IPAddress?
    /// The index of the link the encapsulated packets leave by (`dev`).
    public var underlayIndex: Int32?
    /// Whether the kernel learns remote MACs from received packets (`learning` / `nolearning`).
    public var learning: Bool
    /// The TTL of encapsulated packets (`ttl`); 0 inherits the default.
    public var ttl: UInt8
    /// UDP checksums on an IPv4 underlay (`udpcsum`).
    public var udpChecksum: Bool
    /// Send IPv6 UDP packets with a zero checksum (`udp6zerocsumtx`).
    public var zeroChecksum6Tx: Bool
    /// Accept IPv6 UDP packets with a zero checksum (`udp6zerocsumrx`).
    public var zeroChecksum6Rx: Bool

    /// Describes a VXLAN link.
    public init(vni: UInt32, port: UInt16 = 4789, local: IPAddress? = nil, remote: IPAddress? = nil,
                underlayIndex: Int32? = nil, learning: Bool = true, ttl: UInt8 = 0, udpChecksum: Bool = false,
                zeroChecksum6Tx: Bool = false, zeroChecksum6Rx: Bool = false) {
        self.vni = vni
        self.port = port
        self.local = local
        self.remote = remote
        self.underlayIndex = underlayIndex
        self.learning = learning
        self.ttl = ttl
        self.udpChecksum = udpChecksum
        self.zeroChecksum6Tx = zeroChecksum6Tx
        self.zeroChecksum6Rx = zeroChecksum6Rx
    }

    /// Bytes VXLAN adds to every packet: outer IP header + UDP (8) + VXLAN (8) + inner Ethernet (14).
    /// 50 on an IPv4 underlay (20-byte IP header), 70 on IPv6 (40).
    public static func overhead(family: IPFamily) -> Int { family == .ipv4 ? 50 : 70 }

    /// The largest VXLAN MTU that never fragments on an underlay of `underlayMTU`.
    public static func mtu(underlayMTU: Int, family: IPFamily) -> Int {
        underlayMTU - overhead(family: family)
    }
}
