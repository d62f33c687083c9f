/// An address together with the prefix length of its subnet, the way it is assigned to an interface:
/// `220.168.0.11/8` or `fd00::5/64`. Unlike `IPPrefix`, the address keeps its host bits.
public struct IPInterfaceAddress: Hashable, Sendable, Comparable, CustomStringConvertible,
    LosslessStringConvertible {
    /// The interface's own address.
    public let address: IPAddress
    /// The prefix length of the attached subnet: 0...32 for IPv4, 0...128 for IPv6.
    public let length: Int

    /// Pairs `address` with `length`; `nil` when `length` is out of range for the family.
    public init?(address: IPAddress, length: Int) {
        guard length >= 0 && length <= address.family.bitCount else { return nil }
        self.address = address
        self.length = length
    }

    /// Parses `address/length` (the address as `IPAddress` parses it, the length in decimal without
    /// leading zeros); `nil` when the text is not valid.
    public init?(_ text: String) {
        guard let v = try? Self(parsing: text) else { return nil }
        self = v
    }

    /// Parses `address/length`; host bits are kept.
    /// - Throws: `IPParseError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(IPParseError) {
        do {
            let (family, bits, length) = try AddressText.withBytes(text) { (p) throws(AddressTextFailure) in
                try AddressText.parseAddressAndLength(p, allowLeadingZeros: false)
            }
            self.address = IPAddress(family: family, bits: bits)
            self.length = length
        } catch {
            throw IPParseError(input: text, subject: .prefix, reason: error.reason)
        }
    }

    /// The address family.
    public var family: IPFamily { address.family }

    /// The subnet the address sits in (host bits cleared): `220.0.0.0/8` for `220.168.0.11/8`.
    public var prefix: IPPrefix { IPPrefix(containing: address, length: length)! }

    /// `address/length`.
    public var description: String {
        switch address {
        case .v4(let a): return AddressText.string(v4: a.value, length: length)
        case .v6(let a): return AddressText.string(v6: a.bits, length: length)
        }
    }

    public static func < (a: IPInterfaceAddress, b: IPInterfaceAddress) -> Bool {
        a.address != b.address ? a.address < b.address : a.length < b.length
    }
}
