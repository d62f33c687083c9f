internal import CLibMnl

extension NetlinkHandle {
    /// Assigns an address to a link.
    ///
    /// The corresponding command is `ip addr add ADDR/LEN dev DEV`; the request is `RTM_NEWADDR` with
    /// `NLM_F_CREATE|NLM_F_EXCL`.
    /// - Throws: ``NetlinkError``; `errno == .eexist` when the link already has it, `.enodev` for a missing link.
    public func addAddress(_ address: InterfaceAddress) throws {
        try execute(AddressRequests.change(address, operation: "add address", flags: NLMsg.create | NLMsg.exclusive))
    }

    /// Assigns an address to a link, or updates it if present.
    ///
    /// The corresponding command is `ip addr replace ADDR/LEN dev DEV`; the request is `RTM_NEWADDR` with
    /// `NLM_F_CREATE|NLM_F_REPLACE`.
    /// - Throws: ``NetlinkError``.
    public func replaceAddress(_ address: InterfaceAddress) throws {
        try execute(AddressRequests.change(address, operation: "replace address",
                                           flags: NLMsg.create | NLMsg.replace))
    }

    /// Removes an address from a link.
    ///
    /// The corresponding command is `ip addr del ADDR/LEN dev DEV`; the request is `RTM_DELADDR`.
    /// - Throws: ``NetlinkError``; `errno == .eaddrnotavail` when the link does not have it.
    public func deleteAddress(_ address: InterfaceAddress) throws {
        var request = AddressRequests.change(address, operation: "delete address", flags: 0)
        request.type = NLMsg.delAddr
        try execute(request)
    }

    /// Lists addresses, optionally of one link and one family.
    ///
    /// The corresponding command is `ip addr show [dev DEV]`; the request is an `RTM_GETADDR` dump.
    /// - Throws: ``NetlinkError``.
    public func addresses(device: String? = nil, family: IPFamily? = nil) throws -> [InterfaceAddress] {
        let map = try linkIndexMap()
        let request = NetlinkRequest(type: NLMsg.getAddr, flags: 0, operation: "list addresses",
                                     object: { device ?? "" }) { writer, _ in
            var header = ifaddrmsg()
            header.ifa_family = family.map(addressFamily) ?? UInt8(AF_UNSPEC)
            writer.putFixedHeader(header)
        }
        return try dump(request) { message -> InterfaceAddress? in
            guard let result = AddressRequests.parse(message, map: map) else { return nil }
            if let device, device != result.device { return nil }
            if let family, result.family != family { return nil }
            return result
        }
    }
}

/// AF_INET / AF_INET6 for a family.
func addressFamily(_ family: IPFamily) -> UInt8 {
    family == .ipv4 ? UInt8(AF_INET) : UInt8(AF_INET6)
}

enum AddressRequests {
    static func change(_ address: InterfaceAddress, operation: String, flags: UInt16) -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.newAddr, flags: flags, operation: operation, object: { address.description }) {
            writer, resolver in
            var header = ifaddrmsg()
            header.ifa_family = addressFamily(address.family)
            header.ifa_prefixlen = UInt8(address.prefixLength)
            header.ifa_scope = address.scope?.rawValue ?? 0
            header.ifa_index = UInt32(bitPattern: try resolver.index(of: address.device))
            if address.skipsDuplicateAddressDetection { header.ifa_flags = UInt8(IFA_F_NODAD) }
            writer.putFixedHeader(header)
            writer.put(IFA.local, address: address.address)
            writer.put(IFA.address, address: address.address)
            if let label = address.label { writer.put(IFA.label, string: label) }
        }
    }

    static func parse(_ message: NetlinkMessage, map: LinkIndexMap) -> InterfaceAddress? {
        guard message.type == NLMsg.newAddr || message.type == NLMsg.delAddr,
              let header = message.fixedHeader(ifaddrmsg.self) else { return nil }
        var local: IPAddress?
        var address: IPAddress?
        var label: String?
        for attribute in message.attributes(after: ifaddrmsg.self) {
            switch attribute.type {
            case IFA.local: local = attribute.address
            case IFA.address: address = attribute.address
            case IFA.label: label = attribute.string
            default: break
            }
        }
        guard let value = local ?? address, let name = map.name(Int32(bitPattern: header.ifa_index)) else {
            return nil
        }
        var result = InterfaceAddress(value, prefixLength: Int(header.ifa_prefixlen), device: name,
                                      scope: RouteScope(rawValue: header.ifa_scope))
        if let label, label != name { result.label = label }
        return result
    }
}
