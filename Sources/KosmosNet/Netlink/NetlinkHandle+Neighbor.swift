internal import CLibMnl

extension NetlinkHandle {
    // MARK: - ARP / NDP

    /// Adds a neighbour entry or updates the existing one.
    ///
    /// The corresponding command is `ip neigh replace ADDR lladdr MAC dev DEV nud permanent`; the request is
    /// `RTM_NEWNEIGH` with `NLM_F_CREATE|NLM_F_REPLACE`.
    /// - Throws: ``NetlinkError``; `errno == .enodev` for a missing device.
    public func setNeighbor(_ neighbor: Neighbor) throws {
        try execute(NeighborRequests.set(neighbor))
    }

    /// Adds a neighbour entry; fails if one exists.
    ///
    /// The corresponding command is `ip neigh add ...`; the request is `RTM_NEWNEIGH` with
    /// `NLM_F_CREATE|NLM_F_EXCL`.
    /// - Throws: ``NetlinkError``; `errno == .eexist` when the entry exists.
    public func addNeighbor(_ neighbor: Neighbor) throws {
        try execute(NeighborRequests.change(neighbor, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.exclusive,
                                            operation: "add neighbour"))
    }

    /// Deletes a neighbour entry.
    ///
    /// The corresponding command is `ip neigh del ADDR dev DEV`; the request is `RTM_DELNEIGH`.
    /// - Throws: ``NetlinkError``; `errno == .enoent` when there is no such entry.
    public func deleteNeighbor(_ neighbor: Neighbor) throws {
        try execute(NeighborRequests.change(neighbor, type: NLMsg.delNeigh, flags: 0,
                                            operation: "delete neighbour"))
    }

    /// Lists ARP and NDP entries, optionally of one link and family.
    ///
    /// The corresponding command is `ip neigh show [dev DEV]`; the request is an `RTM_GETNEIGH` dump.
    /// - Throws: ``NetlinkError``.
    public func neighbors(device: String? = nil, family: IPFamily? = nil) throws -> [Neighbor] {
        let map = try linkIndexMap()
        var result: [Neighbor] = []
        for family in family.map({ [$0] }) ?? [.ipv4, .ipv6] {
            let request = NetlinkRequest(type: NLMsg.getNeigh, flags: 0, operation: "list neighbours",
                                         object: { device ?? "" }) { writer, _ in
                var header = ndmsg()
                header.ndm_family = addressFamily(family)
                writer.putFixedHeader(header)
            }
            result += try dump(request) { message -> Neighbor? in
                guard let neighbor = NeighborRequests.parseNeighbor(message, map: map) else { return nil }
                if let device, device != neighbor.device { return nil }
                return neighbor
            }
        }
        return result
    }

    // MARK: - FDB

    /// Adds an FDB entry beside any others for the same MAC (several remotes for the flood entry).
    ///
    /// The corresponding command is `bridge fdb append MAC dev DEV dst IP self permanent`; the request is
    /// `RTM_NEWNEIGH` for `AF_BRIDGE` with `NTF_SELF` and `NLM_F_CREATE|NLM_F_APPEND`.
    /// - Throws: ``NetlinkError``; `errno == .eexist` when this exact entry exists.
    public func appendFDB(_ entry: FDBEntry) throws {
        try execute(NeighborRequests.fdb(entry, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.append,
                                         operation: "append fdb"))
    }

    /// Adds an FDB entry or replaces the one for the same MAC.
    ///
    /// The corresponding command is `bridge fdb replace MAC dev DEV dst IP self permanent`; the request is
    /// `RTM_NEWNEIGH` for `AF_BRIDGE` with `NTF_SELF` and `NLM_F_CREATE|NLM_F_REPLACE`.
    /// - Throws: ``NetlinkError``.
    public func replaceFDB(_ entry: FDBEntry) throws {
        try execute(NeighborRequests.fdb(entry, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.replace,
                                         operation: "replace fdb"))
    }

    /// Deletes an FDB entry (for a VXLAN link, the one with this MAC and destination).
    ///
    /// The corresponding command is `bridge fdb del MAC dev DEV dst IP self`; the request is `RTM_DELNEIGH`
    /// for `AF_BRIDGE` with `NTF_SELF`.
    /// - Throws: ``NetlinkError``; `errno == .enoent` when there is no such entry.
    public func deleteFDB(_ entry: FDBEntry) throws {
        try execute(NeighborRequests.fdb(entry, type: NLMsg.delNeigh, flags: 0, operation: "delete fdb"))
    }

    /// Lists the FDB entries of one link.
    ///
    /// The corresponding command is `bridge fdb show dev DEV`; the request is an `RTM_GETNEIGH` dump for
    /// `AF_BRIDGE`.
    /// - Throws: ``NetlinkError``; `errno == .enodev` for a missing device.
    public func fdb(device: String) throws -> [FDBEntry] {
        let index = try link(named: device).index
        let request = NetlinkRequest(type: NLMsg.getNeigh, flags: 0, operation: "list fdb",
                                     object: { device }) { writer, _ in
            var header = ndmsg()
            header.ndm_family = UInt8(AF_BRIDGE)
            header.ndm_ifindex = index
            writer.putFixedHeader(header)
        }
        return try dump(request) { message -> FDBEntry? in
            guard let entry = NeighborRequests.parseFDB(message, name: { $0 == index ? device : nil }) else {
                return nil
            }
            return entry
        }
    }
}

enum NeighborRequests {
    static func set(_ neighbor: Neighbor) -> NetlinkRequest {
        change(neighbor, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.replace, operation: "set neighbour")
    }

    static func change(_ neighbor: Neighbor, type: UInt16, flags: UInt16, operation: String) -> NetlinkRequest {
        NetlinkRequest(type: type, flags: flags, operation: operation, object: { neighbor.description }) {
            writer, resolver in
            var header = ndmsg()
            header.ndm_family = addressFamily(neighbor.family)
            header.ndm_ifindex = try resolver.index(of: neighbor.device)
            header.ndm_state = neighbor.state.rawValue
            writer.putFixedHeader(header)
            writer.put(NDA.dst, address: neighbor.address)
            if let mac = neighbor.mac, type != NLMsg.delNeigh { writer.put(NDA.lladdr, mac: mac) }
        }
    }

    static func fdb(_ entry: FDBEntry, type: UInt16, flags: UInt16, operation: String) -> NetlinkRequest {
        NetlinkRequest(type: type, flags: flags, operation: operation, object: { entry.description }) {
            writer, resolver in
            var header = ndmsg()
            header.ndm_family = UInt8(AF_BRIDGE)
            header.ndm_ifindex = try resolver.index(of: entry.device)
            header.ndm_state = entry.state.rawValue
            header.ndm_flags = UInt8(NTF_SELF)
            writer.putFixedHeader(header)
            writer.put(NDA.lladdr, mac: entry.mac)
            if let destination = entry.destination { writer.put(NDA.dst, address: destination) }
            if let vni = entry.vni { writer.put(NDA.vni, u32: vni) }
            if let port = entry.port { writer.put(NDA.port, be16: port) }
        }
    }

    static func parseNeighbor(_ message: NetlinkMessage, map: LinkIndexMap) -> Neighbor? {
        guard message.type == NLMsg.newNeigh || message.type == NLMsg.delNeigh,
              let header = message.fixedHeader(ndmsg.self), header.ndm_family != UInt8(AF_BRIDGE),
              let name = map.name(header.ndm_ifindex) else { return nil }
        var address: IPAddress?
        var mac: MACAddress?
        for attribute in message.attributes(after: ndmsg.self) {
            switch attribute.type {
            case NDA.dst: address = attribute.address
            case NDA.lladdr: mac = attribute.mac
            default: break
            }
        }
        guard let address else { return nil }
        return Neighbor(address, mac: mac, device: name, state: NeighborState(rawValue: header.ndm_state))
    }

    static func parseFDB(_ message: NetlinkMessage, name: (Int32) -> String?) -> FDBEntry? {
        guard message.type == NLMsg.newNeigh || message.type == NLMsg.delNeigh,
              let header = message.fixedHeader(ndmsg.self), header.ndm_family == UInt8(AF_BRIDGE),
              let device = name(header.ndm_ifindex) else { return nil }
        var entry = FDBEntry(mac: .zero, device: device, state: NeighborState(rawValue: header.ndm_state))
        var hasMAC = false
        for attribute in message.attributes(after: ndmsg.self) {
            switch attribute.type {
            case NDA.lladdr:
                if let mac = attribute.mac {
                    entry.mac = mac
                    hasMAC = true
                }
            case NDA.dst: entry.destination = attribute.address
            case NDA.vni: entry.vni = attribute.u32
            case NDA.port: entry.port = attribute.be16
            default: break
            }
        }
        return hasMAC ? entry : nil
    }
}
