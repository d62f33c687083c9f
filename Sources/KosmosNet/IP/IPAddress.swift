/// An IPv4 or IPv6 address.
///
/// Text is parsed strictly (no leading zeros in IPv4 octets, no zone index) and printed canonically
/// (dotted quad; RFC 5952 for IPv6). Ordering puts every IPv4 address before every IPv6 address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// The family of this address.
    @inlinable public var family: IPFamily {
        if case .v4 = self { return .ipv4 }
        return .ipv6
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): return a.bytes
        case .v6(let a): return a.bytes
        }
    }

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes in network order; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        if let a = IPv4Address(bytes: bytes) {
            self = .v4(a)
        } else if let a = IPv6Address(bytes: bytes) {
            self = .v6(a)
        } else {
            return nil
        }
    }

    /// Parses an IPv4 or IPv6 address (IPv6 when the text contains `:`); `nil` when it is not valid.
    public init?(_ text: String) {
        guard let v = try? Self(parsing: text) else { return nil }
        self = v
    }

    /// Parses an IPv4 or IPv6 address (IPv6 when the text contains `:`).
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(IPParseError) {
        do {
            self = try AddressText.withBytes(text) { (p) throws(AddressTextFailure) -> IPAddress in
                if p.contains(AddressText.colon) {
                    return .v6(IPv6Address(bits: try AddressText.parseV6(p, 0, p.count)))
                }
                return .v4(IPv4Address(try AddressText.parseV4(p, 0, p.count)))
            }
        } catch {
            throw IPParseError(input: text, subject: .address, reason: error.reason)
        }
    }

    /// Canonical text: a dotted quad for IPv4, RFC 5952 for IPv6.
    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }

    /// The address as a 128-bit value (IPv4 in the low 32 bits).
    @inlinable var bits: UInt128Bits {
        switch self {
        case .v4(let a): return UInt128Bits(UInt64(a.value))
        case .v6(let a): return a.bits
        }
    }

    /// Builds an address of `family` from a 128-bit value (IPv4 takes the low 32 bits).
    @inlinable init(family: IPFamily, bits: UInt128Bits) {
        switch family {
        case .ipv4: self = .v4(IPv4Address(UInt32(truncatingIfNeeded: bits.lo)))
        case .ipv6: self = .v6(IPv6Address(bits: bits))
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v6(let x), .v6(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }

    /// The IPv4 address, when this is one.
    public var ipv4: IPv4Address? {
        if case .v4(let a) = self { return a }
        return nil
    }

    /// The IPv6 address, when this is one.
    public var ipv6: IPv6Address? {
        if case .v6(let a) = self { return a }
        return nil
    }

    /// The address `offset` places after this one (before it when negative), or `nil` when that leaves the
    /// address space of the family.
    /// - Parameter offset: a signed distance.
    /// - Returns: the address, or `nil` on overflow or underflow.
    public func advanced(by offset: Int) -> IPAddress? {
        let magnitude = UInt128Bits(UInt64(offset.magnitude))
        let (v, overflow) = offset >= 0
            ? bits.addingReportingOverflow(magnitude) : bits.subtractingReportingOverflow(magnitude)
        if overflow { return nil }
        if family == .ipv4 && (v.hi != 0 || v.lo > UInt64(UInt32.max)) { return nil }
        return IPAddress(family: family, bits: v)
    }
}
