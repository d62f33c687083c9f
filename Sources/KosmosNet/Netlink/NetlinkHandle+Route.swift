internal import CLibMnl

extension NetlinkHandle {
    /// Adds a route; fails if an identical destination already exists in the table.
    ///
    /// The corresponding command is `ip route add ...`; the request is `RTM_NEWROUTE` with
    /// `NLM_F_CREATE|NLM_F_EXCL`.
    /// - Throws: ``NetlinkError``; `errno == .eexist` for a duplicate, `.enetunreach` when the gateway is not
    ///   reachable (use `onLink`), `.enodev` for a missing device.
    public func addRoute(_ route: Route) throws {
        try execute(RouteRequests.add(route))
    }

    /// Adds a route or replaces the one with the same destination, table, metric and type.
    ///
    /// The corresponding command is `ip route replace ...`; the request is `RTM_NEWROUTE` with
    /// `NLM_F_CREATE|NLM_F_REPLACE`.
    /// - Throws: ``NetlinkError``.
    public func replaceRoute(_ route: Route) throws {
        try execute(RouteRequests.replace(route))
    }

    /// Deletes a route.
    ///
    /// The corresponding command is `ip route del ...`; the request is `RTM_DELROUTE`.
    /// - Throws: ``NetlinkError``; `errno == .esrch` when no such route exists.
    public func deleteRoute(_ route: Route) throws {
        try execute(RouteRequests.delete(route))
    }

    /// Lists the routes of one table (kernel-installed ones included), optionally of one family.
    ///
    /// The corresponding command is `ip route show table TABLE`; the request is an `RTM_GETROUTE` dump, filtered
    /// by the kernel on the table.
    /// - Parameters:
    ///   - table: the table; nil for every table.
    ///   - family: the family; nil for both.
    /// - Throws: ``NetlinkError``; `.dumpInterrupted` when routes kept changing during every attempt.
    public func routes(table: UInt32? = Route.mainTable, family: IPFamily? = nil) throws -> [Route] {
        let map = try linkIndexMap()
        var result: [Route] = []
        for family in family.map({ [$0] }) ?? [.ipv4, .ipv6] {
            result += try dump(RouteRequests.dump(table: table, family: family)) { message in
                RouteRequests.parse(message, map: map, table: table)
            }
        }
        return result
    }
}

enum RouteRequests {
    static func add(_ route: Route) -> NetlinkRequest {
        change(route, type: NLMsg.newRoute, flags: NLMsg.create | NLMsg.exclusive, operation: "add route")
    }

    static func replace(_ route: Route) -> NetlinkRequest {
        change(route, type: NLMsg.newRoute, flags: NLMsg.create | NLMsg.replace, operation: "replace route")
    }

    static func delete(_ route: Route) -> NetlinkRequest {
        change(route, type: NLMsg.delRoute, flags: 0, operation: "delete route")
    }

    static func change(_ route: Route, type: UInt16, flags: UInt16, operation: String) -> NetlinkRequest {
        NetlinkRequest(type: type, flags: flags, operation: operation, object: { route.description }) {
            writer, resolver in
            if let gateway = route.gateway, gateway.family != route.family {
                throw NetlinkError(code: .invalidRequest, operation: "", object: "",
                                   detail: "gateway family differs from destination family")
            }
            var header = rtmsg()
            header.rtm_family = addressFamily(route.family)
            header.rtm_dst_len = UInt8(route.destination.length)
            header.rtm_table = route.table < 256 ? UInt8(route.table) : UInt8(RT_TABLE_UNSPEC.rawValue)
            header.rtm_protocol = type == NLMsg.delRoute ? 0 : route.routeProtocol.rawValue
            header.rtm_scope = type == NLMsg.delRoute && route.scope == nil
                ? RouteScope.nowhere.rawValue : route.effectiveScope.rawValue
            header.rtm_type = route.type.rawValue
            if route.onLink { header.rtm_flags = UInt32(RTNH_F_ONLINK) }
            writer.putFixedHeader(header)
            writer.put(RTA.table, u32: route.table)
            writer.put(RTA.dst, address: route.destination.address)
            if let gateway = route.gateway { writer.put(RTA.gateway, address: gateway) }
            if let device = route.device {
                writer.put(RTA.oif, u32: UInt32(bitPattern: try resolver.index(of: device)))
            }
            if let metric = route.metric { writer.put(RTA.priority, u32: metric) }
            if let source = route.source { writer.put(RTA.prefsrc, address: source) }
        }
    }

    static func dump(table: UInt32?, family: IPFamily) -> NetlinkRequest {
        NetlinkRequest(type: NLMsg.getRoute, flags: 0, operation: "list routes",
                       object: { table.map { "table \($0)" } ?? "table all" }) { writer, _ in
            var header = rtmsg()
            header.rtm_family = addressFamily(family)
            if let table, table < 256 { header.rtm_table = UInt8(table) }
            writer.putFixedHeader(header)
            // With NETLINK_GET_STRICT_CHK off the kernel ignores this and we filter below; either way works.
            if let table { writer.put(RTA.table, u32: table) }
        }
    }

    static func parse(_ message: NetlinkMessage, map: LinkIndexMap, table wanted: UInt32?) -> Route? {
        guard message.type == NLMsg.newRoute || message.type == NLMsg.delRoute,
              let header = message.fixedHeader(rtmsg.self) else { return nil }
        let family: IPFamily
        switch Int32(header.rtm_family) {
        case AF_INET: family = .ipv4
        case AF_INET6: family = .ipv6
        default: return nil
        }
        var destination: IPAddress?
        var table = UInt32(header.rtm_table)
        var route = Route(IPPrefix(host: family == .ipv4 ? .v4(IPv4Address(0)) : .v6(IPv6Address(high: 0, low: 0))))
        for attribute in message.attributes(after: rtmsg.self) {
            switch attribute.type {
            case RTA.dst: destination = attribute.address
            case RTA.gateway: route.gateway = attribute.address
            case RTA.oif: route.device = map.name(attribute.int32)
            case RTA.table: table = attribute.u32
            case RTA.priority: route.metric = attribute.u32
            case RTA.prefsrc: route.source = attribute.address
            default: break
            }
        }
        if let wanted, wanted != table { return nil }
        let zero: IPAddress = family == .ipv4 ? .v4(IPv4Address(0)) : .v6(IPv6Address(high: 0, low: 0))
        guard let prefix = IPPrefix(containing: destination ?? zero, length: Int(header.rtm_dst_len)) else {
            return nil
        }
        route.destination = prefix
        route.table = table
        route.scope = RouteScope(rawValue: header.rtm_scope)
        route.routeProtocol = RouteProtocol(rawValue: header.rtm_protocol)
        route.type = RouteType(rawValue: header.rtm_type)
        route.onLink = header.rtm_flags & UInt32(RTNH_F_ONLINK) != 0
        return route
    }
}
