/// An IP address assigned to a link with its prefix length, as `ip addr` shows it: `10.0.0.1/24 dev eth0`.
public struct InterfaceAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address itself (host bits are meaningful here, unlike in an ``IPPrefix``).
    public var address: IPAddress
    /// The length of the on-link prefix.
    public var prefixLength: Int
    /// The link name.
    public var device: String
    /// The scope; nil lets the kernel choose (global, or host for loopback addresses).
    public var scope: RouteScope?
    /// An optional label (`ip addr add ... label eth0:1`), IPv4 only.
    public var label: String?
    /// Skip IPv6 duplicate address detection so the address is usable at once (`nodad`).
    public var skipsDuplicateAddressDetection: Bool

    /// Describes an address on `device`.
    public init(_ address: IPAddress, prefixLength: Int, device: String, scope: RouteScope? = nil,
                label: String? = nil, skipsDuplicateAddressDetection: Bool = false) {
        self.address = address
        self.prefixLength = prefixLength
        self.device = device
        self.scope = scope
        self.label = label
        self.skipsDuplicateAddressDetection = skipsDuplicateAddressDetection
    }

    /// Parses `10.0.0.1/24` (or `fd00::1/64`) on `device`; nil when malformed.
    public init?(_ text: String, device: String, skipsDuplicateAddressDetection: Bool = false) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let length = Int(parts[1]),
              length >= 0, length <= address.family.bitCount else { return nil }
        self.init(address, prefixLength: length, device: device,
                  skipsDuplicateAddressDetection: skipsDuplicateAddressDetection)
    }

    /// The address family.
    public var family: IPFamily { address.family }

    /// The on-link prefix (`10.0.0.0/24` for `10.0.0.1/24`).
    public var prefix: IPPrefix { IPPrefix(containing: address, length: prefixLength)! }

    public var description: String { "\(address)/\(prefixLength) dev \(device)" }
}

/// A route or address scope (`scope global|site|link|host|nowhere`).
public struct RouteScope: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Reachable anywhere (`global` / `universe`).
    public static let universe = RouteScope(rawValue: 0)
    /// Site-local (IPv6).
    public static let site = RouteScope(rawValue: 200)
    /// On the directly attached link.
    public static let link = RouteScope(rawValue: 253)
    /// On this host.
    public static let host = RouteScope(rawValue: 254)
    /// Nowhere.
    public static let nowhere = RouteScope(rawValue: 255)

    public var description: String {
        switch self {
        case .universe: return "global"
        case .site: return "site"
        case .link: return "link"
        case .host: return "host"
        case .nowhere: return "nowhere"
        default: return "\(rawValue)"
        }
    }
}
