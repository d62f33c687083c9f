import KosmosAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Finds the underlay interface and addresses of a node for its ClusterNode (`spec.interfaceName`, `ip`, `ip6`).
///
/// The interface is the first `clusterLinkOptions.nicNodeNames` entry listing the node (names matched exactly; the
/// Go agent matched substrings, so `node1` also matched `node10`), else `defaultNICName`. `*` means "the interface
/// that reaches a target": method `can-reach=<ip>` (default `can-reach=8.8.8.8`) connects a UDP socket to
/// `<ip>:80` (no packet is sent) and takes the interface owning the local address the kernel picked.
/// The addresses are the first global-unicast address per family on that interface.
public struct NodeInterfaceDetector: Sendable {
    /// The netlink handle of the node's namespace.
    public let handle: NetlinkHandle

    /// A detector for the namespace of `handle`.
    public init(handle: NetlinkHandle) { self.handle = handle }

    /// What was found; either address may be missing.
    public struct Detection: Sendable, Hashable {
        public var interfaceName: String
        public var ip: IPAddress?
        public var ip6: IPAddress?
    }

    /// The configured interface name for a node (before resolving `*`).
    public static func interfaceName(nicNodeNames: [NICNodeNames], nodeName: String, defaultName: String) -> String {
        for entry in nicNodeNames where entry.nodeName.contains(nodeName) {
            return entry.interfaceName
        }
        return defaultName
    }

    /// A detection failure naming what was looked for.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Detects the interface and addresses of the node.
    /// - Parameters:
    ///   - options: the Cluster's ClusterLink options (NIC names, autodetection method).
    ///   - nodeName: the node's name.
    /// - Throws: ``Failure`` when the interface does not exist or cannot be found.
    public func detect(options: ClusterLinkOptions, nodeName: String) throws -> Detection {
        var name = Self.interfaceName(nicNodeNames: options.nicNodeNames, nodeName: nodeName,
                                      defaultName: options.defaultNICName)
        let addresses = try handle.addresses()
        if name == "*" || name.isEmpty {
            let method = options.autodetectionMethod ?? "can-reach=8.8.8.8"
            guard method.hasPrefix("can-reach="), let target = IPAddress(String(method.dropFirst("can-reach=".count)))
            else {
                throw Failure(description: "autodetectionMethod '\(method)': only can-reach=<ip> is supported")
            }
            let local = try Self.sourceAddress(toward: target, in: handle.namespace)
            guard let owner = addresses.first(where: { $0.address == local }) else {
                throw Failure(description: "no interface owns \(local), the source address toward \(target)")
            }
            name = owner.device
        }
        guard (try? handle.link(named: name)) != nil else {
            throw Failure(description: "interface \(name) does not exist on node \(nodeName)")
        }
        func first(_ family: IPFamily) -> IPAddress? {
            addresses.first { $0.device == name && $0.family == family && Self.isGlobalUnicast($0.address) }?.address
        }
        return Detection(interfaceName: name, ip: first(.ipv4), ip6: first(.ipv6))
    }

    /// Go's `IP.IsGlobalUnicast`: not unspecified, loopback, multicast, link-local or broadcast.
    static func isGlobalUnicast(_ address: IPAddress) -> Bool {
        let bytes = address.bytes
        switch address.family {
        case .ipv4:
            return !(bytes == [0, 0, 0, 0] || bytes[0] == 127 || bytes[0] >= 224 || (bytes[0] == 169 && bytes[1] == 254))
        case .ipv6:
            if bytes.allSatisfy({ $0 == 0 }) || address == IPAddress.v6(.loopback) { return false }
            if bytes[0] == 0xff { return false }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }
            return true
        }
    }

    /// The local address the kernel picks for traffic to `target` (a connected UDP socket; nothing is sent).
    static func sourceAddress(toward target: IPAddress, in namespace: NetworkNamespace?) throws -> IPAddress {
        let body = { () throws -> IPAddress in
            let v4 = target.family == .ipv4
            let fd = socket(v4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            defer { close(fd) }
            let connected = ConnectivityProbe.withSocketAddress(target, port: 80) { connect(fd, $0, $1) }
            guard connected == 0 else { throw Failure(description: "no route toward \(target) (errno \(errno))") }
            var local = sockaddr_storage()
            var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
            }
            guard named == 0 else { throw Failure(description: "getsockname: errno \(errno)") }
            guard let address = IPAddress(ConnectivityProbe.peerAddress(local)) else {
                throw Failure(description: "bad local address")
            }
            return address
        }
        if let namespace { return try namespace.run(body) }
        return try body()
    }

    /// Detects and writes the result into the ClusterNode when it differs. An address not found does not erase
    /// one already recorded.
    /// - Returns: true when the ClusterNode was updated.
    public func sync(client: KubeClient, clusterNodeName: String) async throws -> Bool {
        var node = try await client.get(ClusterNode.self, name: clusterNodeName)
        guard let clusterName = node.spec.clusterName, let nodeName = node.spec.nodeName else {
            throw Failure(description: "ClusterNode \(clusterNodeName) has no spec.clusterName or spec.nodeName")
        }
        let cluster = try await client.get(Cluster.self, name: clusterName)
        let options = cluster.spec.clusterLinkOptions ?? ClusterLinkOptions(json: .object(JSONObject()))
        let found = try detect(options: options, nodeName: nodeName)
        var changed = false
        if node.spec.interfaceName != found.interfaceName {
            node.spec.interfaceName = found.interfaceName
            changed = true
        }
        if let ip = found.ip?.description, node.spec.ip != ip { node.spec.ip = ip; changed = true }
        if let ip6 = found.ip6?.description, node.spec.ip6 != ip6 { node.spec.ip6 = ip6; changed = true }
        if changed { _ = try await client.update(node) }
        return changed
    }
}
