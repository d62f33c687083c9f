import Foundation
import KosmosAPI
import KosmosNet
import Logging
import Synchronization

/// The real dataplane of local clusters: every node is a network namespace joined to one underlay bridge (which
/// lives in a namespace of its own), and every running pod gets a namespace, a veth into its node's pod bridge, an
/// address and a default route. Nodes route each other's podCIDRs over the underlay, so packets really flow
/// between pods of one cluster across nodes. Nothing is changed in the machine's own network namespace.
///
/// Namespace names are `<prefix>-u` (underlay), `<prefix>-<node>` (nodes) and `<prefix>.<cluster>.<ns>.<pod>`
/// (pods); ``podNamespaceName(prefix:cluster:namespace:pod:)`` lets other tools find a pod's namespace.
public final class NetnsDataplane: Sendable {
    /// A local node's place on the underlay.
    public struct NodeAttachment: Sendable, Hashable {
        public var cluster: String
        public var node: String
        /// The node's underlay addresses (IPv4 `172.30.C.N`, IPv6 `fd00:30::C:N`).
        public var addresses: [IPAddress]
    }

    /// The prefix of every namespace this dataplane makes.
    public let prefix: String
    private let logger: Logger
    private let state = DataplaneState()

    static let bridge = "kbr0"
    static let underlayBridge = "br0"

    /// - Parameter prefix: unique per environment; at most 8 characters of `[a-z0-9]`.
    public init(prefix: String, logger: Logger) {
        self.prefix = prefix
        self.logger = logger
    }

    /// The namespace name of a pod's network namespace.
    public static func podNamespaceName(prefix: String, cluster: String, namespace: String, pod: String) -> String {
        "\(prefix).\(cluster).\(namespace).\(pod)"
    }

    /// The namespace name of a node.
    public func nodeNamespaceName(_ node: String) -> String { "\(prefix)-\(node)" }

    var underlayName: String { "\(prefix)-u" }

    /// Makes the underlay namespace and its bridge.
    /// - Throws: `NetlinkError` when the kernel refuses.
    public func setUp() throws {
        removeAll()
        let ns = try NetworkNamespace.create(named: underlayName)
        let h = try NetlinkHandle(namespace: ns)
        try h.setLinkUp("lo")
        try h.addLink(.bridge(Self.underlayBridge))
        try h.setLinkUp(Self.underlayBridge)
    }

    /// Makes a node's namespace, joins it to the underlay and gives it its underlay addresses.
    /// - Parameters:
    ///   - clusterIndex: 0 for the host cluster, 1 for member1, ...
    ///   - nodeIndex: 1-based node number inside the cluster.
    /// - Returns: Where the node sits on the underlay; its addresses become the Node's InternalIPs.
    public func addNode(cluster: String, clusterIndex: Int, node: String, nodeIndex: Int,
                        families: [IPFamily]) throws -> NodeAttachment {
        let nodeNS = try NetworkNamespace.create(named: nodeNamespaceName(node))
        let under = try NetlinkHandle(namespace: .named(underlayName))
        let hostSide = "u\(clusterIndex)n\(nodeIndex)"
        try under.addLink(.veth(hostSide, peer: "eth0", peerNamespace: nodeNS))
        try under.setLinkMaster(hostSide, master: Self.underlayBridge)
        try under.setLinkUp(hostSide)
        let h = try NetlinkHandle(namespace: nodeNS)
        try h.setLinkUp("lo")
        var addrs: [IPAddress] = []
        for f in families {
            switch f {
            case .ipv4:
                try h.setForwarding(.ipv4, enabled: true)
                addrs.append(IPAddress("172.30.\(clusterIndex).\(nodeIndex)")!)
                try h.addAddress(InterfaceAddress(addrs.last!, prefixLength: 16, device: "eth0"))
            case .ipv6:
                try h.setForwarding(.ipv6, enabled: true)
                addrs.append(IPAddress("fd00:30::\(clusterIndex):\(nodeIndex)")!)
                try h.addAddress(InterfaceAddress(addrs.last!, prefixLength: 64, device: "eth0",
                                                  skipsDuplicateAddressDetection: true))
            }
        }
        try h.setLinkUp("eth0")
        try h.addLink(.bridge(Self.bridge))
        try h.setLinkUp(Self.bridge)
        let a = NodeAttachment(cluster: cluster, node: node, addresses: addrs)
        state.addNode(a)
        return a
    }

    /// Routes every node's podCIDRs to it over the underlay, from every other node of the same cluster, and gives
    /// each node's pod bridge its gateway addresses (the first host of each of its podCIDRs).
    /// - Parameter podCIDRs: node name -> its podCIDRs, as the API server allocated them.
    public func routePodCIDRs(cluster: String, podCIDRs: [String: [IPPrefix]]) throws {
        let nodes = state.nodes.filter { $0.cluster == cluster }
        for n in nodes {
            let h = try NetlinkHandle(namespace: .named(nodeNamespaceName(n.node)))
            for cidr in podCIDRs[n.node] ?? [] {
                let gw = InterfaceAddress(cidr.address(at: 1)!, prefixLength: cidr.length, device: Self.bridge,
                                          skipsDuplicateAddressDetection: true)
                try h.replaceAddress(gw)
            }
            for other in nodes where other.node != n.node {
                for cidr in podCIDRs[other.node] ?? [] {
                    guard let via = other.addresses.first(where: { $0.family == cidr.family }) else { continue }
                    try h.replaceRoute(Route(cidr, via: via, device: "eth0"))
                }
            }
        }
    }

    /// The hook a node's simulated kubelet calls to give pods a real network namespace.
    public func podHook(cluster: String, node: String, podCIDRs: @escaping @Sendable () -> [IPPrefix])
        -> any PodNetworkHook
    {
        NetnsPodHook(dataplane: self, cluster: cluster, node: node, podCIDRs: podCIDRs)
    }

    func startPod(cluster: String, node: String, namespace: String, pod: String, ips: [IPAddress],
                  podCIDRs: [IPPrefix]) throws {
        let name = Self.podNamespaceName(prefix: prefix, cluster: cluster, namespace: namespace, pod: pod)
        try? NetworkNamespace.delete(named: name)
        let podNS = try NetworkNamespace.create(named: name)
        do {
            let nodeHandle = try NetlinkHandle(namespace: .named(nodeNamespaceName(node)))
            let hostSide = Self.hostVethName(name)
            try? nodeHandle.deleteLink(named: hostSide)
            try nodeHandle.addLink(.veth(hostSide, peer: "eth0", peerNamespace: podNS))
            try nodeHandle.setLinkMaster(hostSide, master: Self.bridge)
            try nodeHandle.setLinkUp(hostSide)
            let h = try NetlinkHandle(namespace: podNS)
            try h.setLinkUp("lo")
            for ip in ips {
                guard let cidr = podCIDRs.first(where: { $0.contains(ip) }) else {
                    throw LocalEnvironmentError("pod \(namespace)/\(pod): \(ip) is in none of the node's podCIDRs")
                }
                try h.addAddress(InterfaceAddress(ip, prefixLength: cidr.length, device: "eth0",
                                                  skipsDuplicateAddressDetection: true))
            }
            try h.setLinkUp("eth0")
            for ip in ips {
                let cidr = podCIDRs.first(where: { $0.contains(ip) })!
                let any = ip.family == .ipv4 ? IPPrefix("0.0.0.0/0")! : IPPrefix("::/0")!
                try h.replaceRoute(Route(any, via: cidr.address(at: 1)!, device: "eth0"))
            }
        } catch {
            try? podNS.delete()
            throw error
        }
    }

    func stopPod(cluster: String, namespace: String, pod: String) {
        let name = Self.podNamespaceName(prefix: prefix, cluster: cluster, namespace: namespace, pod: pod)
        try? NetworkNamespace.delete(named: name)
    }

    /// Removes every namespace whose name starts with the prefix (veth pairs die with them).
    public func removeAll() {
        Self.removeAll(prefix: prefix)
        state.reset()
    }

    /// Removes every namespace made by the dataplane with this prefix, e.g. after its supervisor died.
    public static func removeAll(prefix: String) {
        for name in NetworkNamespace.list() where name.hasPrefix(prefix + "-") || name.hasPrefix(prefix + ".") {
            try? NetworkNamespace.delete(named: name)
        }
    }

    /// A veth name (at most 15 bytes) derived from the pod's namespace name.
    static func hostVethName(_ podNamespace: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in podNamespace.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return "vp" + String(h, radix: 16)
    }
}

/// Nodes attached so far, shared between the supervisor and the kubelets' hooks.
final class DataplaneState: Sendable {
    private let attached = Mutex<[NetnsDataplane.NodeAttachment]>([])
    var nodes: [NetnsDataplane.NodeAttachment] { attached.withLock { $0 } }
    func addNode(_ n: NetnsDataplane.NodeAttachment) { attached.withLock { $0.append(n) } }
    func reset() { attached.withLock { $0.removeAll() } }
}

/// Gives a kubelet's pods their namespaces.
struct NetnsPodHook: PodNetworkHook {
    let dataplane: NetnsDataplane
    let cluster: String
    let node: String
    let podCIDRs: @Sendable () -> [IPPrefix]

    func podStarted(_ pod: DynamicObject, ips: [IPAddress]) async throws {
        try dataplane.startPod(cluster: cluster, node: node, namespace: pod.metadata.namespace ?? "default",
                               pod: pod.metadata.name ?? "", ips: ips, podCIDRs: podCIDRs())
    }

    func podStopped(_ pod: DynamicObject) async throws {
        dataplane.stopPod(cluster: cluster, namespace: pod.metadata.namespace ?? "default",
                          pod: pod.metadata.name ?? "")
    }
}
