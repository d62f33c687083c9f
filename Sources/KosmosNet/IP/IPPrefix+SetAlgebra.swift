// Set operations on CIDR prefixes: subtraction and aggregation, both producing the minimal list of prefixes.

extension IPPrefix {
    /// The two halves of this prefix (one bit longer), or `nil` for a single-address prefix.
    public var halves: (lower: IPPrefix, upper: IPPrefix)? {
        guard length < family.bitCount else { return nil }
        let upperBit = UInt128Bits(1) << (family.bitCount - length - 1)
        return (IPPrefix(family: family, bits: bits, length: length + 1),
                IPPrefix(family: family, bits: bits | upperBit, length: length + 1))
    }

    /// The prefix of `newLength` bits that contains this one, or `nil` when `newLength` is negative or longer
    /// than `length`.
    public func supernet(length newLength: Int) -> IPPrefix? {
        guard newLength >= 0 && newLength <= length else { return nil }
        return IPPrefix(
            family: family, bits: bits & UInt128Bits.networkMask(length: newLength, bits: family.bitCount),
            length: newLength)
    }

    /// The addresses of this prefix that are in none of `excluded`, as the shortest sorted list of prefixes.
    ///
    /// `10.0.0.0/24` minus `[10.0.0.64/26]` is `[10.0.0.0/26, 10.0.0.128/25]`. Prefixes of the other family
    /// or outside this one are ignored; an excluded prefix that contains this one leaves nothing.
    /// - Parameter excluded: the prefixes to take away, in any order, overlapping or not.
    /// - Returns: disjoint prefixes in ascending order, none of which could be merged with another.
    @inlinable
    public func subtracting(_ excluded: some Sequence<IPPrefix>) -> [IPPrefix] {
        subtracting(array: Array(excluded))
    }

    /// `subtracting(_:)` for an array; the generic entry point forwards here so callers in other modules run
    /// specialised code.
    @usableFromInline
    func subtracting(array excluded: [IPPrefix]) -> [IPPrefix] {
        var relevant: [IPPrefix] = []
        for e in excluded where e.family == family {
            if e.contains(self) { return [] }
            if contains(e) { relevant.append(e) }
        }
        if relevant.isEmpty { return [self] }
        // Keep only the outermost excluded prefixes, sorted, so each recursion level scans a sorted slice.
        relevant = IPPrefix.aggregate(array: relevant)
        // The excluded pieces may together cover all of this prefix.
        if relevant.first == self { return [] }
        var out: [IPPrefix] = []
        relevant.withUnsafeBufferPointer { ex in
            IPPrefix.subtract(self, ex[...], into: &out)
        }
        return out
    }

    /// Like `subtracting(_:)` for a single prefix.
    public func subtracting(_ excluded: IPPrefix) -> [IPPrefix] {
        subtracting(array: [excluded])
    }

    /// Recursive halving: `ex` is sorted, disjoint, non-empty, strictly inside `p`.
    private static func subtract(
        _ p: IPPrefix, _ ex: Slice<UnsafeBufferPointer<IPPrefix>>, into out: inout [IPPrefix]
    ) {
        let (lower, upper) = p.halves!
        // Sorted and disjoint: everything inside `lower` comes before everything inside `upper`.
        var split = ex.startIndex
        while split < ex.endIndex && lower.contains(ex[split]) { split += 1 }
        for (half, part) in [(lower, ex[ex.startIndex..<split]), (upper, ex[split..<ex.endIndex])] {
            if part.isEmpty {
                out.append(half)
            } else if part.count == 1 && part.first! == half {
                continue
            } else {
                subtract(half, part, into: &out)
            }
        }
    }

    /// The shortest sorted list of prefixes covering exactly the addresses of `prefixes`.
    ///
    /// Duplicates and prefixes inside others disappear, and adjacent halves merge into their parent:
    /// `[10.0.0.0/25, 10.0.0.128/25, 10.0.0.5/32]` aggregates to `[10.0.0.0/24]`. IPv4 and IPv6 may be mixed;
    /// IPv4 comes first in the result.
    /// - Parameter prefixes: any prefixes, in any order.
    /// - Returns: disjoint prefixes in ascending order.
    @inlinable
    public static func aggregate(_ prefixes: some Sequence<IPPrefix>) -> [IPPrefix] {
        aggregate(array: Array(prefixes))
    }

    /// `aggregate(_:)` for an array; the generic entry point forwards here so callers in other modules run
    /// specialised code.
    @usableFromInline
    static func aggregate(array prefixes: [IPPrefix]) -> [IPPrefix] {
        var sorted = prefixes
        sorted.sort()
        var stack: [IPPrefix] = []
        stack.reserveCapacity(sorted.count)
        for p in sorted {
            if let top = stack.last, top.contains(p) { continue }
            stack.append(p)
            while stack.count >= 2 {
                let b = stack[stack.count - 1]
                let a = stack[stack.count - 2]
                guard a.family == b.family, a.length == b.length, a.length > 0,
                      let parent = a.supernet(length: a.length - 1), parent.contains(b)
                else { break }
                stack.removeLast(2)
                stack.append(parent)
            }
        }
        return stack
    }
}
