/// An IPv6 address, 128 bits printed in RFC 5952 form (`2001:db8::1`).
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    @usableFromInline var bits: UInt128Bits

    @inlinable init(bits: UInt128Bits) { self.bits = bits }

    /// Creates the address whose upper 64 bits are `high` and lower 64 bits are `low`.
    @inlinable public init(high: UInt64, low: UInt64) { bits = UInt128Bits(hi: high, lo: low) }

    /// The upper 64 bits (the first 8 bytes on the wire).
    @inlinable public var high: UInt64 { bits.hi }
    /// The lower 64 bits (the last 8 bytes on the wire).
    @inlinable public var low: UInt64 { bits.lo }

    /// Creates an address from 16 bytes in network order; `nil` when `bytes` does not hold exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { hi = hi << 8 | UInt64(b) } else { lo = lo << 8 | UInt64(b) }
        }
        bits = UInt128Bits(hi: hi, lo: lo)
    }

    /// Parses RFC 4291 text: 8 groups of up to 4 hex digits, one optional `::`, an optional dotted IPv4 tail.
    /// Zone indices (`%eth0`) are not addresses and are rejected.
    public init?(_ text: String) {
        guard let v = try? Self(parsing: text) else { return nil }
        self = v
    }

    /// Parses RFC 4291 text: 8 groups of up to 4 hex digits, one optional `::`, an optional dotted IPv4 tail.
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(IPParseError) {
        do {
            bits = try AddressText.withBytes(text) { (p) throws(AddressTextFailure) in
                try AddressText.parseV6(p, 0, p.count)
            }
        } catch {
            throw IPParseError(input: text, subject: .ipv6Address, reason: error.reason)
        }
    }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: bits.hi >> UInt64(56 - 8 * i))
            out[8 + i] = UInt8(truncatingIfNeeded: bits.lo >> UInt64(56 - 8 * i))
        }
        return out
    }

    /// The embedded IPv4 address when this is an IPv4-mapped address (`::ffff:a.b.c.d`), else `nil`.
    public var ipv4Mapped: IPv4Address? {
        bits.hi == 0 && bits.lo >> 32 == 0xffff ? IPv4Address(UInt32(truncatingIfNeeded: bits.lo)) : nil
    }

    /// RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`
    /// (the first one on a tie), IPv4-mapped addresses as `::ffff:192.0.2.1`.
    public var description: String { AddressText.string(v6: bits) }

    @inlinable public static func < (a: IPv6Address, b: IPv6Address) -> Bool { a.bits < b.bits }

    /// `::`.
    public static let any = IPv6Address(high: 0, low: 0)
    /// `::1`.
    public static let loopback = IPv6Address(high: 0, low: 1)
}
