// Splitting a prefix into equal subnets.

extension IPPrefix {
    /// The subnets of `newLength` bits that make up this prefix, in ascending order
    /// (`10.0.0.0/24` split into `/26` gives 4 subnets). Empty when `newLength` is shorter than `length` or
    /// longer than the family allows.
    public func subnets(length newLength: Int) -> Subnets {
        Subnets(parent: self, length: newLength)
    }

    /// The `index`-th subnet of `newLength` bits, counting from 0, or `nil` when the index or length is out
    /// of range. `10.0.0.0/16`, index 3, length 24 gives `10.0.3.0/24`.
    public func subnet(length newLength: Int, at index: Int) -> IPPrefix? {
        guard newLength >= length, newLength <= family.bitCount, index >= 0 else { return nil }
        let extra = newLength - length
        if extra < Int.bitWidth - 1 && index >= 1 << extra { return nil }
        let v = bits | (UInt128Bits(UInt64(index)) << (family.bitCount - newLength))
        return IPPrefix(family: family, bits: v, length: newLength)
    }

    /// The equal-size subnets of a prefix; see `IPPrefix.subnets(length:)`.
    public struct Subnets: Sequence, Sendable {
        /// The prefix being split.
        public let parent: IPPrefix
        /// The length of each subnet.
        public let length: Int

        /// Number of subnets, or `nil` when it does not fit in an `Int`.
        public var count: Int? {
            guard length >= parent.length, length <= parent.family.bitCount else { return 0 }
            let extra = length - parent.length
            return extra < Int.bitWidth - 1 ? 1 << extra : nil
        }

        public var underestimatedCount: Int { count ?? Int.max }

        public func makeIterator() -> Iterator {
            guard length >= parent.length, length <= parent.family.bitCount else {
                return Iterator(family: parent.family, length: length, upcoming: nil, step: .zero, last: .zero)
            }
            return Iterator(
                family: parent.family, length: length, upcoming: parent.bits,
                step: UInt128Bits(1) << (parent.family.bitCount - length),
                last: parent.bits | (parent.hostMaskBits ^ UInt128Bits.hostMask(length: length,
                                                                               bits: parent.family.bitCount)))
        }

        /// Iterates the subnets of a prefix.
        public struct Iterator: IteratorProtocol, Sendable {
            let family: IPFamily
            let length: Int
            var upcoming: UInt128Bits?
            let step: UInt128Bits
            let last: UInt128Bits

            public mutating func next() -> IPPrefix? {
                guard let v = upcoming else { return nil }
                upcoming = v == last ? nil : v.addingReportingOverflow(step).partialValue
                return IPPrefix(family: family, bits: v, length: length)
            }
        }
    }
}
