/// Hands out equal-size subnets from one or more pools, e.g. node `podCIDRs` (`/24`) from a cluster CIDR.
///
/// The allocator is a value: its state is the set of subnets in use, which the caller owns and supplies,
/// typically rebuilt from the objects that record allocations (the `podCIDRs` of existing nodes). Allocation
/// is deterministic: the lowest free aligned subnet, searching the pools in the order given. Anything in
/// `used` blocks the addresses it covers, whatever its size, so reserved ranges can be passed in too.
public struct SubnetAllocator: Sendable, Hashable {
    /// Where subnets come from, in search order.
    public let pools: [IPPrefix]
    /// The prefix length of every subnet handed out.
    public let subnetLength: Int
    /// Subnets and reserved ranges in use, sorted and disjoint.
    public private(set) var used: [IPPrefix]

    /// Creates an allocator.
    /// - Parameters:
    ///   - pools: non-empty, one family, each no longer than `subnetLength`.
    ///   - subnetLength: the length of every subnet to hand out.
    ///   - used: subnets already taken and ranges that must not be handed out (any size; outside the pools
    ///     they are ignored).
    /// - Throws: `IPAMError` when the pools are empty, mix families, or are smaller than a subnet.
    public init(pools: [IPPrefix], subnetLength: Int, used: some Sequence<IPPrefix> = []) throws(IPAMError) {
        guard let first = pools.first else {
            throw IPAMError(operation: "create subnet allocator", reason: "no pool given")
        }
        for p in pools {
            if p.family != first.family {
                throw IPAMError(operation: "create subnet allocator",
                                reason: "pools mix \(first.family) (\(first)) and \(p.family) (\(p))")
            }
            if subnetLength < p.length || subnetLength > p.family.bitCount {
                throw IPAMError(operation: "create subnet allocator",
                                reason: "subnet length /\(subnetLength) does not fit in pool \(p)")
            }
        }
        self.pools = pools
        self.subnetLength = subnetLength
        self.used = IPPrefix.aggregate(used.filter { $0.family == first.family })
    }

    /// Creates an allocator with a single pool; see `init(pools:subnetLength:used:)`.
    public init(pool: IPPrefix, subnetLength: Int, used: some Sequence<IPPrefix> = []) throws(IPAMError) {
        try self.init(pools: [pool], subnetLength: subnetLength, used: used)
    }

    /// Takes the lowest free subnet.
    /// - Returns: the subnet, now part of `used`.
    /// - Throws: `IPAMError` when every pool is full.
    public mutating func allocate() throws(IPAMError) -> IPPrefix {
        for pool in pools {
            if let subnet = firstFree(in: pool) {
                insert(subnet)
                return subnet
            }
        }
        throw IPAMError(
            operation: "allocate a /\(subnetLength) subnet",
            reason: "no free /\(subnetLength) left in \(pools.map(\.description).joined(separator: ", "))")
    }

    /// One pass over the sorted, disjoint `used` list: the first aligned block that ends before the next
    /// used range starts.
    private func firstFree(in pool: IPPrefix) -> IPPrefix? {
        let bits = pool.family.bitCount
        let blockMask = UInt128Bits.hostMask(length: subnetLength, bits: bits)
        let poolLast = pool.bits | pool.hostMaskBits
        var candidate = pool.bits
        var start = lowerBound(pool)
        // A used range starting before the pool may still reach into it.
        if start > 0 && used[start - 1].overlaps(pool) { start -= 1 }
        for u in used[start...] {
            let uFirst = u.bits
            if uFirst > poolLast { break }
            let uLast = u.bits | u.hostMaskBits
            if uLast < candidate { continue }
            if (candidate | blockMask) < uFirst { break }
            if uLast >= poolLast { return nil }
            // Next aligned block after `u`: `uLast + 1` rounded up to the block size, still inside the pool
            // because the pool's end is aligned to the block size.
            let next = uLast.addingReportingOverflow(UInt128Bits(1)).partialValue
            let rounded = next.addingReportingOverflow(blockMask).partialValue & ~blockMask
            candidate = rounded
        }
        guard (candidate | blockMask) <= poolLast, candidate >= pool.bits else { return nil }
        return IPPrefix(family: pool.family, bits: candidate, length: subnetLength)
    }

    /// Index of the first used range not ordered before `p`.
    private func lowerBound(_ p: IPPrefix) -> Int {
        var lo = 0
        var hi = used.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if used[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Adds a free range to `used`, keeping it sorted.
    private mutating func insert(_ p: IPPrefix) {
        used.insert(p, at: lowerBound(p))
    }

    /// Takes the lowest `count` free subnets, or none of them when there are not enough.
    /// - Throws: `IPAMError` when fewer than `count` subnets are free or `count` is negative.
    public mutating func allocate(count: Int) throws(IPAMError) -> [IPPrefix] {
        guard count >= 0 else {
            throw IPAMError(operation: "allocate \(count) subnets", reason: "the count is negative")
        }
        var copy = self
        var out: [IPPrefix] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try copy.allocate()) }
        self = copy
        return out
    }

    /// Marks a specific subnet as taken, e.g. one a node already carries.
    /// - Throws: `IPAMError` when the subnet is not an aligned subnet of the right size inside a pool, or
    ///   overlaps something in use.
    public mutating func claim(_ subnet: IPPrefix) throws(IPAMError) {
        let op = "claim \(subnet)"
        guard subnet.length == subnetLength else {
            throw IPAMError(operation: op, reason: "subnets here are /\(subnetLength)")
        }
        guard pools.contains(where: { $0.contains(subnet) }) else {
            throw IPAMError(
                operation: op, reason: "outside the pools \(pools.map(\.description).joined(separator: ", "))")
        }
        if let taken = used.first(where: { $0.overlaps(subnet) }) {
            throw IPAMError(operation: op, reason: "overlaps \(taken), which is in use")
        }
        insert(subnet)
    }

    /// Returns a subnet to the pool.
    /// - Returns: `true` when it was in use, `false` when it was already free.
    @discardableResult
    public mutating func release(_ subnet: IPPrefix) -> Bool {
        guard used.contains(where: { $0.contains(subnet) }) else { return false }
        var next: [IPPrefix] = []
        for u in used { next += u.overlaps(subnet) ? u.subtracting(subnet) : [u] }
        used = next
        return true
    }

    /// Whether `subnet` overlaps nothing in use.
    public func isFree(_ subnet: IPPrefix) -> Bool {
        !used.contains(where: { $0.overlaps(subnet) })
    }

    /// How many subnets can still be allocated, or `nil` when the number does not fit in a `UInt64`.
    public var freeCount: UInt64? {
        var total: UInt64 = 0
        for pool in pools {
            for free in pool.subtracting(used) where free.length <= subnetLength {
                let bits = subnetLength - free.length
                guard bits < 64 else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(UInt64(1) << UInt64(bits))
                if overflow { return nil }
                total = sum
            }
        }
        return total
    }
}

/// An IP address management operation that failed; names the operation and the cause.
public struct IPAMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was attempted, e.g. `allocate a /24 subnet`.
    public let operation: String
    /// Why it failed.
    public let reason: String

    /// Creates an error for `operation` failing because of `reason`.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation): \(reason)" }
}
