import Foundation

/// A parsed IPv4 CIDR (`10.96.0.0/12`).
struct IPv4CIDR: Sendable, CustomStringConvertible {
    var base: UInt32
    var prefix: Int

    init?(_ s: String) {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let p = Int(parts[1]), p >= 0, p <= 32, let ip = IPv4CIDR.parseIP(String(parts[0]))
        else { return nil }
        prefix = p
        let mask: UInt32 = p == 0 ? 0 : ~UInt32(0) << (32 - p)
        base = ip & mask
    }

    init(base: UInt32, prefix: Int) {
        self.base = base
        self.prefix = prefix
    }

    var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }
    var description: String { "\(IPv4CIDR.format(base))/\(prefix)" }

    static func parseIP(_ s: String) -> UInt32? {
        let o = s.split(separator: ".").compactMap { UInt32($0) }
        guard o.count == 4, o.allSatisfy({ $0 < 256 }) else { return nil }
        return o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]
    }

    static func format(_ ip: UInt32) -> String {
        "\(ip >> 24).\(ip >> 16 & 255).\(ip >> 8 & 255).\(ip & 255)"
    }
}

/// Hands out single addresses of a CIDR (service clusterIPs); the first host address is reserved for the
/// `kubernetes` Service.
final class IPAllocator: @unchecked Sendable {
    private let lock = NSLock()
    let cidr: IPv4CIDR
    private var used: Set<UInt32> = []
    private var next: UInt64 = 2

    init?(cidr: String) {
        guard let c = IPv4CIDR(cidr), c.prefix <= 30 else { return nil }
        self.cidr = c
    }

    /// The address of the `kubernetes` Service (first host of the range).
    var firstAddress: String { IPv4CIDR.format(cidr.base + 1) }

    func contains(_ ip: String) -> Bool {
        guard let v = IPv4CIDR.parseIP(ip) else { return false }
        return v >= cidr.base && UInt64(v - cidr.base) < cidr.size
    }

    /// Marks an address as used; `false` when it is taken or out of range.
    func reserve(_ ip: String) -> Bool {
        guard let v = IPv4CIDR.parseIP(ip), contains(ip) else { return false }
        lock.lock()
        defer { lock.unlock() }
        return used.insert(v).inserted
    }

    func release(_ ip: String) {
        guard let v = IPv4CIDR.parseIP(ip) else { return }
        lock.lock()
        used.remove(v)
        lock.unlock()
    }

    /// The next free address, or `nil` when the range is full.
    func allocate() -> String? {
        lock.lock()
        defer { lock.unlock() }
        let hosts = cidr.size - 2
        for _ in 0..<hosts {
            if next > hosts { next = 2 }
            let ip = cidr.base + UInt32(next)
            next += 1
            if used.insert(ip).inserted { return IPv4CIDR.format(ip) }
        }
        return nil
    }
}

/// Hands out fixed-size subnets of a CIDR (node podCIDRs, a /24 each by default).
final class SubnetAllocator: @unchecked Sendable {
    private let lock = NSLock()
    let cidr: IPv4CIDR
    let subnetPrefix: Int
    private var used: Set<UInt32> = []

    init?(cidr: String, subnetPrefix: Int = 24) {
        guard let c = IPv4CIDR(cidr), subnetPrefix >= c.prefix, subnetPrefix <= 30 else { return nil }
        self.cidr = c
        self.subnetPrefix = subnetPrefix
    }

    func reserve(_ subnet: String) {
        guard let c = IPv4CIDR(subnet) else { return }
        lock.lock()
        used.insert(c.base)
        lock.unlock()
    }

    func release(_ subnet: String) {
        guard let c = IPv4CIDR(subnet) else { return }
        lock.lock()
        used.remove(c.base)
        lock.unlock()
    }

    func allocate() -> String? {
        lock.lock()
        defer { lock.unlock() }
        let count = UInt64(1) << UInt64(subnetPrefix - cidr.prefix)
        let step = UInt64(1) << UInt64(32 - subnetPrefix)
        for i in 0..<count {
            let base = cidr.base + UInt32(i * step)
            if used.insert(base).inserted { return IPv4CIDR(base: base, prefix: subnetPrefix).description }
        }
        return nil
    }
}
