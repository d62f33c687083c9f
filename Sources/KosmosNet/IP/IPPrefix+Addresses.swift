// Addresses within a prefix: nth address, host bits, translation between prefixes, iteration.

extension IPPrefix {
    /// The address at `index` within the prefix, counting from the network address (0) or, for a negative
    /// index, back from the last address (-1), like Python's `network[index]`.
    /// - Returns: the address, or `nil` when the index is outside the prefix.
    public func address(at index: Int) -> IPAddress? {
        let host = hostMaskBits
        let magnitude = UInt128Bits(UInt64(index >= 0 ? index.magnitude : (index + 1).magnitude))
        if magnitude > host { return nil }
        let v = index >= 0 ? bits | magnitude : (bits | host).subtractingReportingOverflow(magnitude).partialValue
        return IPAddress(family: family, bits: v)
    }

    /// The host part of `address` relative to this prefix's length: the address with the network bits cleared
    /// (`10.1.2.3` in a `/16` gives `0.0.2.3`). The address need not lie inside the prefix.
    /// - Returns: the host part, or `nil` when `address` is of the other family.
    public func hostBits(of address: IPAddress) -> IPAddress? {
        guard address.family == family else { return nil }
        return IPAddress(family: family, bits: address.bits & hostMaskBits)
    }

    /// This prefix's network bits joined with the host bits of `address` (the address need not lie inside):
    /// `220.0.0.0/8` with `192.168.0.11` gives `220.168.0.11`.
    /// - Returns: the combined address, or `nil` when `address` is of the other family.
    public func address(withHostBitsOf address: IPAddress) -> IPAddress? {
        guard address.family == family else { return nil }
        return IPAddress(family: family, bits: bits | (address.bits & hostMaskBits))
    }

    /// Maps `address` from this prefix into `target` one to one, keeping its host bits
    /// (`10.233.64.5` from `10.233.64.0/18` into `10.100.64.0/18` gives `10.100.64.5`).
    /// - Returns: the mapped address, or `nil` when `address` is not inside this prefix or `target` differs in
    ///   family or length.
    public func translate(_ address: IPAddress, to target: IPPrefix) -> IPAddress? {
        guard contains(address), target.family == family, target.length == length else { return nil }
        return target.address(withHostBitsOf: address)
    }

    /// Every address of the prefix in ascending order, network and last address included.
    public var addresses: AddressSequence { AddressSequence(prefix: self) }

    /// The addresses of a prefix in ascending order; see `IPPrefix.addresses`.
    public struct AddressSequence: Sequence, Sendable {
        let prefix: IPPrefix

        public func makeIterator() -> Iterator {
            Iterator(family: prefix.family, upcoming: prefix.bits, last: prefix.bits | prefix.hostMaskBits)
        }

        public var underestimatedCount: Int {
            prefix.hostBitCount < Int.bitWidth - 1 ? 1 << prefix.hostBitCount : Int.max
        }

        /// Iterates the addresses of a prefix.
        public struct Iterator: IteratorProtocol, Sendable {
            let family: IPFamily
            var upcoming: UInt128Bits?
            let last: UInt128Bits

            public mutating func next() -> IPAddress? {
                guard let v = upcoming else { return nil }
                upcoming = v == last ? nil : v.addingReportingOverflow(UInt128Bits(1)).partialValue
                return IPAddress(family: family, bits: v)
            }
        }
    }
}
