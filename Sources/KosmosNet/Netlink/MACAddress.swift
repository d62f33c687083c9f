/// An Ethernet (EUI-48) hardware address, printed as `aa:bb:cc:dd:ee:ff`.
public struct MACAddress: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    // Six bytes inline (no array allocation: neighbour and FDB dumps create thousands of these).
    var storage: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// The all-zero address; in an FDB entry it means "flood to this remote" (`00:00:00:00:00:00`).
    public static let zero = MACAddress(storage: (0, 0, 0, 0, 0, 0))
    /// The broadcast address `ff:ff:ff:ff:ff:ff`.
    public static let broadcast = MACAddress(storage: (255, 255, 255, 255, 255, 255))

    init(storage: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) { self.storage = storage }

    /// Creates an address from exactly six bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        var i = bytes.startIndex
        func next() -> UInt8 { defer { i = bytes.index(after: i) }; return bytes[i] }
        storage = (next(), next(), next(), next(), next(), next())
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (or with `-`); nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let pieces = parts.count == 6 ? parts : text.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for piece in pieces {
            guard piece.count == 2, let byte = UInt8(piece, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(bytes: bytes)
    }

    /// A random locally administered unicast address (first byte `(b | 0x02) & 0xfe`), as Kosmos generates for
    /// VXLAN devices.
    public static func randomLocal() -> MACAddress {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] | 0x02) & 0xfe
        return MACAddress(bytes: bytes)!
    }

    /// The six bytes in order.
    public var bytes: [UInt8] { [storage.0, storage.1, storage.2, storage.3, storage.4, storage.5] }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    public static func == (a: MACAddress, b: MACAddress) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
