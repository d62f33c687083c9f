internal import CLibMnl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// MARK: - Link verbs

extension NetlinkHandle {
    /// Lists every link in the namespace.
    ///
    /// The corresponding command is `ip -d link show`; the request is an `RTM_GETLINK` dump.
    /// - Returns: the links, in the kernel's order (by index).
    /// - Throws: ``NetlinkError``; `.dumpInterrupted` when links kept changing during every attempt.
    public func links() throws -> [Link] {
        try dump(LinkRequests.dump(), parse: LinkParser.parse)
    }

    /// Reads one link by name.
    ///
    /// The corresponding command is `ip -d link show NAME`; the request is `RTM_GETLINK` with `IFLA_IFNAME`.
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when there is no such link.
    public func link(named name: String) throws -> Link {
        guard let link = try query(LinkRequests.get(name: name), parse: LinkParser.parse).first else {
            throw NetlinkError(code: .kernel, operation: "get link", object: name, errno: .enodev)
        }
        return link
    }

    /// Reads one link by index.
    ///
    /// The corresponding request is `RTM_GETLINK` with `ifi_index`.
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when there is no such link.
    public func link(index: Int32) throws -> Link {
        guard let link = try query(LinkRequests.get(index: index), parse: LinkParser.parse).first else {
            throw NetlinkError(code: .kernel, operation: "get link", object: "index \(index)", errno: .enodev)
        }
        return link
    }

    /// Creates a link: dummy, bridge, veth pair (peer possibly in another namespace) or VXLAN.
    ///
    /// The corresponding command is `ip link add NAME type TYPE ...`; the request is `RTM_NEWLINK` with
    /// `NLM_F_CREATE|NLM_F_EXCL`. The link is created down; bring it up with ``setLinkUp(_:)``.
    /// - Throws: ``NetlinkError``; `errno == .eexist` when the name is taken, `.enodev` for a missing underlay.
    public func addLink(_ link: Link) throws {
        var peerNamespaceFD: Int32 = -1
        if case .veth(let peer?) = link.kind, let namespace = peer.namespace {
            peerNamespaceFD = try namespace.openDescriptor()
        }
        defer { if peerNamespaceFD >= 0 { close(peerNamespaceFD) } }
        try execute(LinkRequests.add(link, peerNamespaceFD: peerNamespaceFD))
    }

    /// Deletes a link (both ends of a veth pair go together).
    ///
    /// The corresponding command is `ip link delete NAME`; the request is `RTM_DELLINK` with `IFLA_IFNAME`.
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when there is no such link.
    public func deleteLink(named name: String) throws {
        try execute(LinkRequests.modify(name, operation: "delete link", type: NLMsg.delLink) { _ in })
    }

    /// Brings a link up.
    ///
    /// The corresponding command is `ip link set NAME up`; the request is `RTM_NEWLINK` with `IFF_UP` in
    /// `ifi_flags` and `ifi_change`.
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when there is no such link.
    public func setLinkUp(_ name: String) throws {
        try execute(LinkRequests.setFlags(name, up: true))
    }

    /// Takes a link down.
    ///
    /// The corresponding command is `ip link set NAME down`; the request is `RTM_NEWLINK` with `IFF_UP` in
    /// `ifi_change` only.
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when there is no such link.
    public func setLinkDown(_ name: String) throws {
        try execute(LinkRequests.setFlags(name, up: false))
    }

    /// Sets a link's MTU.
    ///
    /// The corresponding command is `ip link set NAME mtu MTU`; the request is `RTM_NEWLINK` with `IFLA_MTU`.
    /// - Throws: ``NetlinkError``; `errno == .einval` when the MTU is out of the device's range.
    public func setLinkMTU(_ name: String, _ mtu: Int) throws {
        try execute(LinkRequests.modify(name, operation: "set mtu \(mtu) on link") { writer in
            writer.put(IFLA.mtu, u32: UInt32(mtu))
        })
    }

    /// Sets a link's hardware address.
    ///
    /// The corresponding command is `ip link set NAME address MAC`; the request is `RTM_NEWLINK` with
    /// `IFLA_ADDRESS`.
    /// - Throws: ``NetlinkError``.
    public func setLinkMAC(_ name: String, _ mac: MACAddress) throws {
        try execute(LinkRequests.modify(name, operation: "set address \(mac) on link") { writer in
            writer.put(IFLA.address, mac: mac)
        })
    }

    /// Enslaves a link to a bridge, or frees it when `master` is nil.
    ///
    /// The corresponding command is `ip link set NAME master BRIDGE` (`nomaster`); the request is `RTM_NEWLINK`
    /// with `IFLA_MASTER` (0 to release).
    /// - Throws: ``NetlinkError`` with `errno == .enodev` when either link does not exist.
    public func setLinkMaster(_ name: String, master: String?) throws {
        let operation = master.map { "set master \($0) on link" } ?? "clear master of link"
        var request = LinkRequests.modify(name, operation: operation) { _ in }
        request.build = { writer, resolver in
            LinkRequests.putHeader(writer, name: name)
            let index = try master.map { try resolver.index(of: $0) } ?? 0
            writer.put(IFLA.master, u32: UInt32(bitPattern: index))
        }
        try execute(request)
    }

    /// Moves a link into another network namespace (it disappears from this one).
    ///
    /// The corresponding command is `ip link set NAME netns NS`; the request is `RTM_NEWLINK` with
    /// `IFLA_NET_NS_FD`.
    /// - Throws: ``NetlinkError``.
    public func setLinkNamespace(_ name: String, _ namespace: NetworkNamespace) throws {
        let fd = try namespace.openDescriptor()
        defer { close(fd) }
        try execute(LinkRequests.modify(name, operation: "move to namespace \(namespace) link") { writer in
            writer.put(IFLA.netNsFD, u32: UInt32(bitPattern: fd))
        })
    }
}

// MARK: - Requests

enum LinkRequests {
    static func header(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) -> ifinfomsg {
        var message = ifinfomsg()
        message.ifi_family = UInt8(AF_UNSPEC)
        message.ifi_index = index
        message.ifi_flags = flags
        message.ifi_change = change
        return message
    }

    static func putHeader(_ writer: MessageWriter, name: String, flags: UInt32 = 0, change: UInt32 = 0) {
        writer.putFixedHeader(header(flags: flags, change: change))
        writer.put(IFLA.ifname, string: name)
    }

    static func dump() -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.getLink, flags: 0, operation: "list links", object: { "" }) { writer, _ in
            writer.putFixedHeader(header())
        }
    }

    static func get(name: String) -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.getLink, flags: 0, operation: "get link", object: { name }) { writer, _ in
            try validate(name)
            putHeader(writer, name: name)
        }
    }

    static func get(index: Int32) -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.getLink, flags: 0, operation: "get link", object: { "index \(index)" }) {
            writer, _ in
            writer.putFixedHeader(header(index: index))
        }
    }

    /// `RTM_NEWLINK` (or `type`) addressing an existing link by name, with extra attributes.
    static func modify(_ name: String, operation: String, type: UInt16 = NLMsg.newLink,
                       _ attributes: @escaping @Sendable (MessageWriter) -> Void) -> NetlinkRequest {
        NetlinkRequest(type: type, flags: 0, operation: operation, object: { name }) { writer, _ in
            try validate(name)
            putHeader(writer, name: name)
            attributes(writer)
        }
    }

    static func setFlags(_ name: String, up: Bool) -> NetlinkRequest {
        let iffUp = UInt32(IFF_UP)
        return NetlinkRequest(type: NLMsg.newLink, flags: 0, operation: up ? "set up link" : "set down link",
                              object: { name }) { writer, _ in
            try validate(name)
            putHeader(writer, name: name, flags: up ? iffUp : 0, change: iffUp)
        }
    }

    static func validate(_ name: String) throws {
        guard !name.isEmpty, name.utf8.count < 16, !name.contains("/"), !name.contains(" ") else {
            throw NetlinkError(code: .invalidRequest, operation: "", object: name,
                               detail: "link names are 1 to 15 bytes without '/' or spaces")
        }
    }

    static func add(_ link: Link, peerNamespaceFD: Int32) -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.newLink, flags: NLMsg.create | NLMsg.exclusive, operation: "add link",
                       object: { describe(link) }) { writer, _ in
            try validate(link.name)
            putHeader(writer, name: link.name)
            if let mtu = link.mtu { writer.put(IFLA.mtu, u32: UInt32(mtu)) }
            if let mac = link.mac { writer.put(IFLA.address, mac: mac) }
            guard let kind = link.kind.typeName else {
                throw NetlinkError(code: .invalidRequest, operation: "", object: link.name,
                                   detail: "links of kind 'device' cannot be created")
            }
            try writer.nest(IFLA.linkinfo) {
                writer.put(IFLA.infoKind, string: kind)
                switch link.kind {
                case .veth(let peer?):
                    try validate(peer.name)
                    writer.nest(IFLA.infoData) {
                        writer.nest(IFLA.vethPeer) {
                            // VETH_INFO_PEER holds a whole ifinfomsg followed by the peer's own attributes.
                            writer.putFixedHeader(header())
                            writer.put(IFLA.ifname, string: peer.name)
                            if let mtu = peer.mtu ?? link.mtu { writer.put(IFLA.mtu, u32: UInt32(mtu)) }
                            if let mac = peer.mac { writer.put(IFLA.address, mac: mac) }
                            if peerNamespaceFD >= 0 {
                                writer.put(IFLA.netNsFD, u32: UInt32(bitPattern: peerNamespaceFD))
                            }
                        }
                    }
                case .vxlan(let vxlan):
                    try writer.nest(IFLA.infoData) { try putVXLAN(writer, vxlan) }
                default:
                    break
                }
            }
        }
    }

    static func putVXLAN(_ writer: MessageWriter, _ vxlan: VXLAN) throws {
        guard vxlan.vni < (1 << 24) else {
            throw NetlinkError(code: .invalidRequest, operation: "", object: "", detail: "VNI \(vxlan.vni) > 2^24-1")
        }
        writer.put(IFLA.vxlanID, u32: vxlan.vni)
        writer.put(IFLA.vxlanPort, be16: vxlan.port)
        if let local = vxlan.local {
            writer.put(local.family == .ipv4 ? IFLA.vxlanLocal : IFLA.vxlanLocal6, address: local)
        }
        if let remote = vxlan.remote {
            writer.put(remote.family == .ipv4 ? IFLA.vxlanGroup : IFLA.vxlanGroup6, address: remote)
        }
        if let underlay = vxlan.underlayIndex { writer.put(IFLA.vxlanLink, u32: UInt32(bitPattern: underlay)) }
        writer.put(IFLA.vxlanTTL, u8: vxlan.ttl)
        writer.put(IFLA.vxlanLearning, u8: vxlan.learning ? 1 : 0)
        writer.put(IFLA.vxlanUDPCsum, u8: vxlan.udpChecksum ? 1 : 0)
        if vxlan.zeroChecksum6Tx { writer.put(IFLA.vxlanZeroCsum6Tx, u8: 1) }
        if vxlan.zeroChecksum6Rx { writer.put(IFLA.vxlanZeroCsum6Rx, u8: 1) }
    }

    /// `ip link add` syntax for error messages.
    static func describe(_ link: Link) -> String {
        var text = "\(link.name) type \(link.kind)"
        switch link.kind {
        case .veth(let peer?):
            text += " peer name \(peer.name)"
            if let namespace = peer.namespace { text += " netns \(namespace)" }
        case .vxlan(let vxlan):
            text += " id \(vxlan.vni) dstport \(vxlan.port)"
            if let local = vxlan.local { text += " local \(local)" }
            if let remote = vxlan.remote { text += " remote \(remote)" }
            if let underlay = vxlan.underlayIndex { text += " dev index \(underlay)" }
            if !vxlan.learning { text += " nolearning" }
        default:
            break
        }
        if let mtu = link.mtu { text += " mtu \(mtu)" }
        return text
    }
}

// MARK: - Parsing

enum LinkParser {
    static func parse(_ message: NetlinkMessage) -> Link? {
        guard message.type == NLMsg.newLink || message.type == NLMsg.delLink,
              let info = message.fixedHeader(ifinfomsg.self) else { return nil }
        var link = Link(name: "", kind: .device)
        link.index = info.ifi_index
        link.flags = info.ifi_flags
        var kindName: String?
        var vxlan: VXLAN?
        for attribute in message.attributes(after: ifinfomsg.self) {
            switch attribute.type {
            case IFLA.ifname: link.name = attribute.string
            case IFLA.mtu: link.mtu = Int(attribute.u32)
            case IFLA.address: link.mac = attribute.mac
            case IFLA.master: link.masterIndex = attribute.int32
            case IFLA.link: link.parentIndex = attribute.int32
            case IFLA.linkinfo:
                for nested in attribute.nested {
                    if nested.type == IFLA.infoKind {
                        kindName = nested.string
                    } else if nested.type == IFLA.infoData, kindName == "vxlan" {
                        vxlan = parseVXLAN(nested.nested)
                    }
                }
            default: break
            }
        }
        switch kindName {
        case nil: link.kind = .device
        case "dummy": link.kind = .dummy
        case "bridge": link.kind = .bridge
        case "veth": link.kind = .veth(peer: nil)
        case "vxlan": link.kind = .vxlan(vxlan ?? VXLAN(vni: 0))
        case let other?: link.kind = .other(other)
        }
        return link
    }

    static func parseVXLAN(_ attributes: Attributes) -> VXLAN {
        var vxlan = VXLAN(vni: 0)
        for attribute in attributes {
            switch attribute.type {
            case IFLA.vxlanID: vxlan.vni = attribute.u32
            case IFLA.vxlanPort: vxlan.port = attribute.be16
            case IFLA.vxlanLocal, IFLA.vxlanLocal6: vxlan.local = attribute.address
            case IFLA.vxlanGroup, IFLA.vxlanGroup6: vxlan.remote = attribute.address
            case IFLA.vxlanLink: vxlan.underlayIndex = attribute.int32
            case IFLA.vxlanTTL: vxlan.ttl = attribute.u8
            case IFLA.vxlanLearning: vxlan.learning = attribute.u8 != 0
            case IFLA.vxlanUDPCsum: vxlan.udpChecksum = attribute.u8 != 0
            case IFLA.vxlanZeroCsum6Tx: vxlan.zeroChecksum6Tx = attribute.u8 != 0
            case IFLA.vxlanZeroCsum6Rx: vxlan.zeroChecksum6Rx = attribute.u8 != 0
            default: break
            }
        }
        return vxlan
    }
}
