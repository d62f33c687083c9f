/// A route as `ip route` shows it: `10.2.0.0/16 via 220.0.0.2 dev vx-bridge table 200 onlink`.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    /// The destination prefix (`default` is `0.0.0.0/0` or `::/0`).
    public var destination: IPPrefix
    /// The next hop, if any (`via`).
    public var gateway: IPAddress?
    /// The output link (`dev`).
    public var device: String?
    /// The routing table (`table`); 254 is `main`.
    public var table: UInt32
    /// Treat the gateway as directly reachable on `device` even without a matching on-link prefix (`onlink`).
    public var onLink: Bool
    /// The scope; nil picks what `ip` picks: `link` for a unicast route without gateway, else `global`
    /// (`host` for local routes).
    public var scope: RouteScope?
    /// The metric (`metric` / `priority`); nil for 0.
    public var metric: UInt32?
    /// The preferred source address for locally generated packets (`src`).
    public var source: IPAddress?
    /// Who installed the route (`proto`); `ip` uses `boot`.
    public var routeProtocol: RouteProtocol
    /// The route type (`unicast`, `blackhole`, `local`, ...).
    public var type: RouteType

    /// Describes a route.
    public init(_ destination: IPPrefix, via gateway: IPAddress? = nil, device: String? = nil,
                table: UInt32 = Route.mainTable, onLink: Bool = false, scope: RouteScope? = nil,
                metric: UInt32? = nil, source: IPAddress? = nil, routeProtocol: RouteProtocol = .boot,
                type: RouteType = .unicast) {
        self.destination = destination
        self.gateway = gateway
        self.device = device
        self.table = table
        self.onLink = onLink
        self.scope = scope
        self.metric = metric
        self.source = source
        self.routeProtocol = routeProtocol
        self.type = type
    }

    /// The `main` table (254).
    public static let mainTable: UInt32 = 254
    /// The `local` table (255).
    public static let localTable: UInt32 = 255

    /// The address family of the destination.
    public var family: IPFamily { destination.family }

    /// The scope that will be sent: ``scope`` or the `ip` default.
    public var effectiveScope: RouteScope {
        if let scope { return scope }
        if type == .local { return .host }
        if type == .unicast && gateway == nil && device != nil { return .link }
        return .universe
    }

    /// The metric the kernel stores: IPv6 turns 0 (or none) into 1024.
    public var effectiveMetric: UInt32 {
        let value = metric ?? 0
        return family == .ipv6 && value == 0 ? 1024 : value
    }

    /// Routes compare by what the kernel stores, so a route read back equals the one that was added even when
    /// scope and metric were left to their defaults.
    public static func == (a: Route, b: Route) -> Bool {
        a.destination == b.destination && a.gateway == b.gateway && a.device == b.device && a.table == b.table
            && a.onLink == b.onLink && a.effectiveScope == b.effectiveScope && a.effectiveMetric == b.effectiveMetric
            && a.source == b.source && a.routeProtocol == b.routeProtocol && a.type == b.type
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(destination)
        hasher.combine(gateway)
        hasher.combine(device)
        hasher.combine(table)
        hasher.combine(effectiveMetric)
    }

    public var description: String {
        var text = type == .unicast ? "" : "\(type) "
        text += destination.length == 0 ? "default" : destination.description
        if let gateway { text += " via \(gateway)" }
        if let device { text += " dev \(device)" }
        if table != Route.mainTable { text += " table \(table)" }
        if routeProtocol != .boot { text += " proto \(routeProtocol)" }
        if let scope, scope != .universe { text += " scope \(scope)" }
        if let source { text += " src \(source)" }
        if let metric, metric != 0 { text += " metric \(metric)" }
        if onLink { text += " onlink" }
        return text
    }
}

/// Who installed a route (`proto boot|static|kernel|...`).
public struct RouteProtocol: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Installed by the kernel (connected routes).
    public static let kernel = RouteProtocol(rawValue: 2)
    /// Installed at boot or by `ip route add` (the default).
    public static let boot = RouteProtocol(rawValue: 3)
    /// Installed by an administrator on purpose.
    public static let `static` = RouteProtocol(rawValue: 4)

    public var description: String {
        switch rawValue {
        case 2: return "kernel"
        case 3: return "boot"
        case 4: return "static"
        default: return "\(rawValue)"
        }
    }
}

/// The type of a route (`RTN_*`).
public struct RouteType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A gateway or direct route.
    public static let unicast = RouteType(rawValue: 1)
    /// A local address route (table local).
    public static let local = RouteType(rawValue: 2)
    /// A broadcast address route (table local).
    public static let broadcast = RouteType(rawValue: 3)
    /// Drop silently.
    public static let blackhole = RouteType(rawValue: 6)
    /// Drop with "network unreachable".
    public static let unreachable = RouteType(rawValue: 7)
    /// Drop with "prohibited".
    public static let prohibit = RouteType(rawValue: 8)
    /// A multicast route.
    public static let multicast = RouteType(rawValue: 5)

    public var description: String {
        switch rawValue {
        case 1: return "unicast"
        case 2: return "local"
        case 3: return "broadcast"
        case 5: return "multicast"
        case 6: return "blackhole"
        case 7: return "unreachable"
        case 8: return "prohibit"
        default: return "type\(rawValue)"
        }
    }
}
