import Foundation
import KosmosNet

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

/// Hands out single addresses of a CIDR (service clusterIPs), IPv4 or IPv6; the first host address is reserved
/// for the `kubernetes` Service.
final class IPAllocator: @unchecked Sendable {
    private let lock = NSLock()
    let prefix: IPPrefix
    private var used: Set<IPAddress> = []
    private var next = 2
    /// Addresses handed out: the whole range up to 2^20 (a /108 in IPv6, like kube-apiserver's largest).
    private let size: Int

    init?(cidr: String) {
        guard let p = try? IPPrefix(normalizing: cidr), p.hostBitCount >= 2 else { return nil }
        prefix = p
        size = p.hostBitCount >= 20 ? 1 << 20 : 1 << p.hostBitCount
    }

    /// The range as kube-apiserver names it in errors (`10.96.0.0/12`).
    var cidrText: String { prefix.description }

    /// The address of the `kubernetes` Service (first host of the range).
    var firstAddress: String { prefix.address(at: 1)?.description ?? "" }

    func contains(_ ip: String) -> Bool {
        guard let address = IPAddress(ip) else { return false }
        return prefix.contains(address)
    }

    /// Marks an address as used; `false` when it is taken or out of range.
    func reserve(_ ip: String) -> Bool {
        guard let address = IPAddress(ip), prefix.contains(address) else { return false }
        lock.lock()
        defer { lock.unlock() }
        return used.insert(address).inserted
    }

    func release(_ ip: String) {
        guard let address = IPAddress(ip) else { return }
        lock.lock()
        used.remove(address)
        lock.unlock()
    }

    /// The next free address, or `nil` when the range is full.
    func allocate() -> String? {
        lock.lock()
        defer { lock.unlock() }
        let hosts = size - 2
        for _ in 0..<max(0, hosts) {
            if next > hosts { next = 2 }
            let candidate = prefix.address(at: next)
            next += 1
            if let candidate, used.insert(candidate).inserted { return candidate.description }
        }
        return nil
    }
}

/// Hands out fixed-size subnets of a CIDR (node podCIDRs: a /24 each in IPv4, a /64 in IPv6).
final class SubnetAllocator: @unchecked Sendable {
    private let lock = NSLock()
    let prefix: IPPrefix
    let subnetLength: Int
    private var used: Set<IPPrefix> = []

    init?(cidr: String, subnetLength: Int? = nil) {
        guard let p = try? IPPrefix(normalizing: cidr) else { return nil }
        let length = subnetLength ?? (p.family == .ipv4 ? 24 : 64)
        guard length >= p.length, length <= p.family.bitCount - 2 else { return nil }
        prefix = p
        self.subnetLength = length
    }

    func reserve(_ subnet: String) {
        guard let p = try? IPPrefix(normalizing: subnet) else { return }
        lock.lock()
        used.insert(p)
        lock.unlock()
    }

    func release(_ subnet: String) {
        guard let p = try? IPPrefix(normalizing: subnet) else { return }
        lock.lock()
        used.remove(p)
        lock.unlock()
    }

    func allocate() -> String? {
        lock.lock()
        defer { lock.unlock() }
        let count = min(1 << min(subnetLength - prefix.length, 20), 1 << 20)
        for index in 0..<count {
            guard let subnet = prefix.subnet(length: subnetLength, at: index) else { return nil }
            if used.insert(subnet).inserted { return subnet.description }
        }
        return nil
    }
}
