/// The IP address family: IPv4 or IPv6.
public enum IPFamily: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IPv4: 32-bit addresses.
    case ipv4
    /// IPv6: 128-bit addresses.
    case ipv6

    /// Address width in bits: 32 for IPv4, 128 for IPv6.
    @inlinable public var bitCount: Int { self == .ipv4 ? 32 : 128 }

    /// Address width in bytes: 4 for IPv4, 16 for IPv6.
    @inlinable public var byteCount: Int { self == .ipv4 ? 4 : 16 }

    public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }

    /// The family Kosmos assigns to a piece of text, without validating it.
    ///
    /// Kosmos (`GetIPType`/`IsIPv6`) scans left to right: the first `.` means IPv4, the first `:` means IPv6,
    /// neither means unknown. So `"192.168.1.0/24"` is IPv4, `"[2001:db8::1]:8080"` is IPv6, and
    /// `"192.168.1.1:2001:db8::1"` is IPv4 because its dot comes first.
    /// - Parameter text: an address, CIDR, or anything else.
    /// - Returns: the family, or `nil` when the text holds neither `.` nor `:`.
    public static func detect(_ text: some StringProtocol) -> IPFamily? {
        for c in text.utf8 {
            if c == UInt8(ascii: ".") { return .ipv4 }
            if c == UInt8(ascii: ":") { return .ipv6 }
        }
        return nil
    }
}
