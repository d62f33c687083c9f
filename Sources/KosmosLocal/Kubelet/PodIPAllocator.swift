import KosmosNet

/// Hands out pod addresses from one podCIDR of a node.
///
/// Allocation is next-fit: the cursor only moves forward and wraps at the end of the range, so an address that was
/// just released is the last one to be handed out again, and no two live pods ever share an address. The network
/// address and the first host address (left for the node's gateway/bridge) are never handed out, nor the IPv4
/// broadcast address. Very large IPv6 ranges are used up to their first 2^20 addresses.
struct PodIPAllocator: Sendable {
    /// The range addresses come from.
    let prefix: IPPrefix
    /// Index (within `prefix`) of the first usable address.
    private let first: Int
    /// Number of usable addresses.
    let capacity: Int
    private var cursor = 0
    private var used: Set<IPAddress> = []

    init(prefix: IPPrefix) {
        self.prefix = prefix
        let hostBits = min(prefix.hostBitCount, 20)
        let size = 1 << hostBits
        if size <= 4 {
            first = 0
            capacity = size
        } else {
            first = 2
            // IPv4 keeps its broadcast address out; IPv6 has none.
            capacity = size - 2 - (prefix.family == .ipv4 && hostBits == prefix.hostBitCount ? 1 : 0)
        }
    }

    /// Number of addresses in use.
    var inUse: Int { used.count }

    /// The next free address, `nil` when the range is exhausted.
    mutating func allocate() -> IPAddress? {
        guard used.count < capacity else { return nil }
        for _ in 0..<capacity {
            let index = first + cursor
            cursor = (cursor + 1) % capacity
            guard let ip = prefix.address(at: index) else { continue }
            if used.insert(ip).inserted { return ip }
        }
        return nil
    }

    /// Marks an address as taken (a pod that already has it); `false` when it lies outside the range or is taken.
    @discardableResult
    mutating func reserve(_ ip: IPAddress) -> Bool {
        guard prefix.contains(ip) else { return false }
        return used.insert(ip).inserted
    }

    /// Returns an address to the pool.
    mutating func release(_ ip: IPAddress) {
        used.remove(ip)
    }
}
