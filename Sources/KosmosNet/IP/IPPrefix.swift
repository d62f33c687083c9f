/// An IPv4 or IPv6 CIDR prefix: a network address and a prefix length, e.g. `10.233.0.0/16` or `fd00::/64`.
///
/// The network address never has host bits set. `IPPrefix("10.0.0.1/8")` is `nil` (strict, like Python's
/// `ip_network`); `IPPrefix.lenient("10.0.0.1/8")` is `10.0.0.0/8`, the way Kosmos (Go's `net.ParseCIDR`)
/// normalises CIDRs. Ordering is by family (IPv4 first), then network address, then length (shorter first).
public struct IPPrefix: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The address family.
    public let family: IPFamily
    /// The prefix length in bits: 0...32 for IPv4, 0...128 for IPv6.
    public let length: Int
    /// Network address as a 128-bit value (IPv4 in the low 32 bits); host bits are zero.
    @usableFromInline let bits: UInt128Bits

    @inlinable init(family: IPFamily, bits: UInt128Bits, length: Int) {
        self.family = family
        self.bits = bits
        self.length = length
    }

    // MARK: - Creating

    /// Creates the prefix whose network address is `address`; `nil` when `length` is out of range for the
    /// family or `address` has host bits set.
    public init?(address: IPAddress, length: Int) {
        let family = address.family
        guard length >= 0 && length <= family.bitCount else { return nil }
        let v = address.bits
        guard v & UInt128Bits.hostMask(length: length, bits: family.bitCount) == .zero else { return nil }
        self.init(family: family, bits: v, length: length)
    }

    /// Creates the prefix of `length` bits that contains `address` (its host bits are cleared);
    /// `nil` when `length` is out of range for the family.
    public init?(containing address: IPAddress, length: Int) {
        let family = address.family
        guard length >= 0 && length <= family.bitCount else { return nil }
        self.init(
            family: family, bits: address.bits & UInt128Bits.networkMask(length: length, bits: family.bitCount),
            length: length)
    }

    /// The single-address prefix of `address`: `/32` for IPv4, `/128` for IPv6.
    public init(host address: IPAddress) {
        self.init(family: address.family, bits: address.bits, length: address.family.bitCount)
    }

    /// Parses `address/length` strictly: the address as `IPAddress` parses it, a decimal length without
    /// leading zeros, and no host bits set (`10.0.0.1/8` is rejected).
    public init?(_ text: String) {
        guard let v = try? Self(parsing: text) else { return nil }
        self = v
    }

    /// Parses `address/length` strictly: the address as `IPAddress` parses it, a decimal length without
    /// leading zeros, and no host bits set.
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(IPParseError) {
        self = try Self.parse(text, strict: true)
    }

    /// Parses `address/length` the way Kosmos does: host bits are cleared instead of rejected, and the length
    /// may carry leading zeros. `"10.237.6.0/18"` gives `10.237.0.0/18`;
    /// `"2409:8c2f:3800:0011::0a18:0000/114"` gives `2409:8c2f:3800:11::a18:0/114`.
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(normalizing text: String) throws(IPParseError) {
        self = try Self.parse(text, strict: false)
    }

    /// Parses `address/length` the way Kosmos does (host bits cleared); `nil` when the text is not a CIDR.
    /// See `init(normalizing:)`.
    public static func lenient(_ text: String) -> IPPrefix? {
        try? IPPrefix(normalizing: text)
    }

    static func parse(_ text: String, strict: Bool) throws(IPParseError) -> IPPrefix {
        do {
            return try AddressText.withBytes(text) { (p) throws(AddressTextFailure) -> IPPrefix in
                let (family, v, length) = try AddressText.parseAddressAndLength(p, allowLeadingZeros: !strict)
                let host = v & UInt128Bits.hostMask(length: length, bits: family.bitCount)
                if host != .zero && strict {
                    let network = IPPrefix(family: family, bits: v ^ host, length: length)
                    throw AddressTextFailure("host bits are set (the network is \(network))")
                }
                return IPPrefix(family: family, bits: v ^ host, length: length)
            }
        } catch {
            throw IPParseError(input: text, subject: .prefix, reason: error.reason)
        }
    }

    // MARK: - Properties

    /// The network address (the first address of the prefix).
    @inlinable public var address: IPAddress { IPAddress(family: family, bits: bits) }

    /// The last address of the prefix (the IPv4 broadcast address).
    public var lastAddress: IPAddress { IPAddress(family: family, bits: bits | hostMaskBits) }

    /// The netmask as an address, e.g. `255.255.0.0` for a `/16`.
    public var netmask: IPAddress {
        IPAddress(family: family, bits: UInt128Bits.networkMask(length: length, bits: family.bitCount))
    }

    /// The host mask as an address, e.g. `0.0.255.255` for a `/16`.
    public var hostmask: IPAddress { IPAddress(family: family, bits: hostMaskBits) }

    /// Number of host bits: the family's bit count minus `length`.
    @inlinable public var hostBitCount: Int { family.bitCount - length }

    /// Number of addresses in the prefix, or `nil` when it does not fit in a `UInt64` (IPv6 shorter than /65).
    public var addressCount: UInt64? {
        hostBitCount < 64 ? UInt64(1) << UInt64(hostBitCount) : nil
    }

    @inlinable var hostMaskBits: UInt128Bits { UInt128Bits.hostMask(length: length, bits: family.bitCount) }

    /// `address/length`, e.g. `10.233.0.0/16` or `2409:8c2f:3800:11::a18:0/114`.
    public var description: String {
        family == .ipv4
            ? AddressText.string(v4: UInt32(truncatingIfNeeded: bits.lo), length: length)
            : AddressText.string(v6: bits, length: length)
    }

    public static func < (a: IPPrefix, b: IPPrefix) -> Bool {
        if a.family != b.family { return a.family == .ipv4 }
        if a.bits != b.bits { return a.bits < b.bits }
        return a.length < b.length
    }

    // MARK: - Membership

    /// Whether `address` lies inside this prefix (always false for the other family).
    @inlinable public func contains(_ address: IPAddress) -> Bool {
        address.family == family
            && address.bits & UInt128Bits.networkMask(length: length, bits: family.bitCount) == bits
    }

    /// Whether every address of `other` lies inside this prefix (a prefix contains itself).
    @inlinable public func contains(_ other: IPPrefix) -> Bool {
        other.family == family && other.length >= length
            && other.bits & UInt128Bits.networkMask(length: length, bits: family.bitCount) == bits
    }

    /// Whether the two prefixes share at least one address (one of them then contains the other).
    @inlinable public func overlaps(_ other: IPPrefix) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The addresses both prefixes hold: the longer of the two when they overlap, else `nil`.
    public func intersection(_ other: IPPrefix) -> IPPrefix? {
        if contains(other) { return other }
        if other.contains(self) { return self }
        return nil
    }
}
