/// An IPv4 address, a 32-bit value printed as a dotted quad (`192.0.2.1`).
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The address as a host-order integer (`10.0.0.1` is `0x0A000001`).
    public var value: UInt32

    /// Creates the address whose host-order integer value is `value`.
    @inlinable public init(_ value: UInt32) { self.value = value }

    /// Creates `a.b.c.d`.
    @inlinable public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Creates an address from 4 bytes in network order; `nil` when `bytes` does not hold exactly 4.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Parses a dotted quad strictly: four decimal octets, no leading zeros, nothing else.
    public init?(_ text: String) {
        guard let v = try? Self(parsing: text) else { return nil }
        self = v
    }

    /// Parses a dotted quad strictly: four decimal octets, no leading zeros, nothing else.
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(IPParseError) {
        do {
            value = try AddressText.withBytes(text) { (p) throws(AddressTextFailure) in
                try AddressText.parseV4(p, 0, p.count)
            }
        } catch {
            throw IPParseError(input: text, subject: .ipv4Address, reason: error.reason)
        }
    }

    /// The 4 bytes in network order.
    public var bytes: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// The dotted quad, e.g. `10.0.0.1`.
    public var description: String { AddressText.string(v4: value) }

    @inlinable public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    /// `0.0.0.0`.
    public static let any = IPv4Address(0)
    /// `127.0.0.1`.
    public static let loopback = IPv4Address(127, 0, 0, 1)
}
