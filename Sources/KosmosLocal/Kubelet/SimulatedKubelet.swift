#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KosmosAPI
import KosmosNet
import Logging
import Synchronization

/// One simulated node: registers its Node, keeps its Lease and Ready heartbeat fresh, and runs the pods bound to
/// it in the API only — Pending to Running with addresses from the node's podCIDR(s), conditions and container
/// statuses — optionally giving each pod a real network through a `PodNetworkHook`.
///
/// It talks to the API server as an ordinary client, as a kubelet does. Stopping it (cancelling `run()`) leaves the
/// Node in place, so the node lifecycle controller marks it unreachable once its heartbeats stop.
///
/// ```swift
/// let kubelet = SimulatedKubelet(client: client, nodeName: "node-1",
///                                options: .init(zone: "zone-a", region: "local"), logger: logger)
/// let task = Task { try await kubelet.run() }
/// ```
public final class SimulatedKubelet: Sendable {
    /// Which address families pods get.
    public enum IPFamilies: String, Sendable, Hashable {
        case ipv4 = "IPv4"
        case ipv6 = "IPv6"
        case dualStack = "DualStack"
    }

    /// The node's shape and the kubelet's timing.
    public struct Options: Sendable {
        /// CPU capacity, a Kubernetes quantity.
        public var cpu: String
        /// Memory capacity, a Kubernetes quantity.
        public var memory: String
        /// How many pods fit.
        public var pods: Int
        /// Extra node labels; `kubernetes.io/hostname`, `kubernetes.io/os` and `kubernetes.io/arch` are set unless
        /// given here.
        public var labels: [String: String]
        /// `topology.kubernetes.io/zone`.
        public var zone: String?
        /// `topology.kubernetes.io/region`.
        public var region: String?
        /// Pod ranges to use when the Node has none for a family (set on the Node when it is created); the API
        /// server allocates an IPv4 one from its cluster CIDR otherwise.
        public var podCIDRs: [String]
        /// Which families pods get.
        public var ipFamilies: IPFamilies
        /// The node's InternalIP address(es); `127.0.0.1` when empty.
        public var internalIPs: [String]
        /// How often the Lease is renewed and the Ready heartbeat posted (kubelet: 10 s).
        public var heartbeatInterval: Duration
        /// The Lease's `leaseDurationSeconds` (kubelet: 40).
        public var leaseDurationSeconds: Int
        /// Longest wait before a pod being deleted is removed, whatever its grace period.
        public var maxGracePeriod: Duration

        /// - Parameters: see the properties; defaults make a 4-CPU, 8 GiB, 110-pod IPv4 node.
        public init(cpu: String = "4", memory: String = "8Gi", pods: Int = 110, labels: [String: String] = [:],
                    zone: String? = nil, region: String? = nil, podCIDRs: [String] = [],
                    ipFamilies: IPFamilies = .ipv4, internalIPs: [String] = [],
                    heartbeatInterval: Duration = .seconds(10), leaseDurationSeconds: Int = 40,
                    maxGracePeriod: Duration = .seconds(1)) {
            self.cpu = cpu
            self.memory = memory
            self.pods = pods
            self.labels = labels
            self.zone = zone
            self.region = region
            self.podCIDRs = podCIDRs
            self.ipFamilies = ipFamilies
            self.internalIPs = internalIPs
            self.heartbeatInterval = heartbeatInterval
            self.leaseDurationSeconds = leaseDurationSeconds
            self.maxGracePeriod = maxGracePeriod
        }
    }

    /// The node this kubelet runs.
    public let nodeName: String
    let client: KubeClient
    let options: Options
    let hook: (any PodNetworkHook)?
    let logger: Logger

    /// What the kubelet knows about one pod it runs.
    struct PodRecord {
        var uid: String
        var ips: [IPAddress]
        var started = false
        var deletionSeen: ContinuousClock.Instant?
        var deleteSent = false
    }

    struct State {
        var allocators: [PodIPAllocator] = []
        var pods: [ObjectKey: PodRecord] = [:]
        var podCIDRs: [IPPrefix] = []
    }
    let state = Mutex(State())

    /// Creates a kubelet; nothing happens until `run()`.
    /// - Parameters:
    ///   - client: the cluster.
    ///   - nodeName: the Node's name (also its hostname label).
    ///   - options: capacity, labels, ranges, timing.
    ///   - networkHook: gives pods a real network; none when `nil`.
    ///   - logger: where the kubelet logs (at `info` and below).
    public init(client: KubeClient, nodeName: String, options: Options = Options(),
                networkHook: (any PodNetworkHook)? = nil, logger: Logger = Logger(label: "kosmos.kubelet")) {
        self.client = client
        self.nodeName = nodeName
        self.options = options
        hook = networkHook
        var l = logger
        l[metadataKey: "node"] = "\(nodeName)"
        self.logger = l
    }

    /// The pod ranges in use, known once the node has registered.
    public var podCIDRs: [IPPrefix] { state.withLock { $0.podCIDRs } }

    /// Registers the node, then heartbeats and runs its pods until the calling task is cancelled.
    /// - Throws: `KubeletError` when the node has no podCIDR of a family it must serve.
    public func run() async throws {
        let node = try await registerWithRetry()
        guard let node else { return }  // cancelled
        try configureAddressing(node)
        let pods = SharedInformer(
            listerWatcher: ClientListerWatcher(client: client, resource: ClusterResources.pods,
                                               fieldSelector: "spec.nodeName=\(nodeName)"),
            backoff: Backoff(initial: .milliseconds(200), max: .seconds(5)))
        let claims = SharedInformer(
            listerWatcher: ClientListerWatcher(client: client, resource: ClusterResources.persistentVolumeClaims),
            backoff: Backoff(initial: .milliseconds(200), max: .seconds(5)))
        let controller = Controller(
            name: "kubelet-\(nodeName)", reconciler: PodSync(kubelet: self, pods: pods, claims: claims),
            workers: 4, logger: logger)
        controller.watch(pods)
        controller.watch(claims) { [store = pods.store] in Self.podsMounting($0, pods: store) }
        await withDiscardingTaskGroup { group in
            group.addTask { await pods.run() }
            group.addTask { await claims.run() }
            group.addTask { await self.heartbeatLoop() }
            group.addTask {
                // Addresses held by pods from before a restart are reserved before any pod gets a new one.
                guard await pods.waitForCacheSync(), await claims.waitForCacheSync() else { return }
                self.reserveExistingAddresses(pods.store.list())
                await controller.run()
            }
        }
    }

    // MARK: - Registration

    private func registerWithRetry() async throws -> DynamicObject? {
        var backoff = Backoff(initial: .milliseconds(200), max: .seconds(5))
        while !Task.isCancelled {
            do {
                return try await register()
            } catch {
                let delay = backoff.next()
                logger.info("registering node failed; retrying in \(delay)", metadata: ["error": "\(error)"])
                do { try await Task.sleep(for: delay) } catch { return nil }
            }
        }
        return nil
    }

    var nodeLabels: [String: String] {
        var labels: [String: String] = [
            "kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": Self.architecture,
            "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": Self.architecture,
        ]
        if let zone = options.zone { labels["topology.kubernetes.io/zone"] = zone }
        if let region = options.region { labels["topology.kubernetes.io/region"] = region }
        for (k, v) in options.labels { labels[k] = v }
        return labels
    }

    private func register() async throws -> DynamicObject {
        let nodes = client.dynamic(ClusterResources.nodes)
        var labels = JSONObject()
        for (k, v) in nodeLabels.sorted(by: { $0.key < $1.key }) { labels.append(k, .string(v)) }
        var spec = JSONObject()
        if let first = options.podCIDRs.first {
            spec.append("podCIDR", .string(first))
            spec.append("podCIDRs", .array(options.podCIDRs.map { .string($0) }))
        }
        var meta = JSONObject()
        meta.append("name", .string(nodeName))
        meta.append("labels", .object(labels))
        meta.append("annotations", ["node.alpha.kubernetes.io/ttl": "0",
                                    "volumes.kubernetes.io/controller-managed-attach-detach": "true"])
        var o = JSONObject()
        o.append("apiVersion", "v1")
        o.append("kind", "Node")
        o.append("metadata", .object(meta))
        o.append("spec", .object(spec))
        // Conditions come with the first heartbeat, after the Lease exists.
        var status = nodeStatus(previous: nil)
        _ = status.removeValue(forKey: "conditions")
        o.append("status", .object(status))
        var node: DynamicObject
        do {
            node = try await nodes.create(DynamicObject(json: .object(o)))
            logger.info("registered node")
        } catch let e as KubeError where e.isAlreadyExists {
            // A restart: keep the Node, refresh our labels.
            node = try await nodes.patch(name: nodeName, patch: .merge(["metadata": ["labels": .object(labels)]]))
            logger.info("node already registered")
        }
        // The Lease first, so that a node seen Ready already has its heartbeat.
        try await renewLease(nodeUID: node.uid)
        return try await postStatus(node)
    }

    /// Picks the node's pod ranges (the Node's own first, then the options') and sets up one allocator per family.
    private func configureAddressing(_ node: DynamicObject) throws {
        var texts = node.array("spec", "podCIDRs").compactMap(\.stringValue)
        if texts.isEmpty, let one = node.string("spec", "podCIDR") { texts = [one] }
        texts += options.podCIDRs
        let all = texts.compactMap { IPPrefix.lenient($0) }
        let families: [IPFamily] = switch options.ipFamilies {
        case .ipv4: [.ipv4]
        case .ipv6: [.ipv6]
        case .dualStack: [.ipv4, .ipv6]
        }
        var chosen: [IPPrefix] = []
        for family in families {
            guard let p = all.first(where: { $0.family == family }) else {
                throw KubeletError(node: nodeName, operation: "choose pod addresses",
                                   cause: "no \(family) podCIDR on the Node or in the options "
                                       + "(have \(texts.isEmpty ? "none" : texts.joined(separator: ", ")))")
            }
            chosen.append(p)
        }
        // Keep the Node's order (its first range is its primary family).
        chosen.sort { a, b in (all.firstIndex(of: a) ?? 0) < (all.firstIndex(of: b) ?? 0) }
        state.withLock { s in
            s.podCIDRs = chosen
            s.allocators = chosen.map { PodIPAllocator(prefix: $0) }
        }
        logger.info("pod addresses from \(chosen.map(\.description).joined(separator: ", "))")
    }

    // MARK: - Heartbeats

    private func heartbeatLoop() async {
        var node: DynamicObject?
        while true {
            do { try await Task.sleep(for: options.heartbeatInterval) } catch { return }
            do {
                let current: DynamicObject
                if let node { current = node } else {
                    current = try await client.dynamic(ClusterResources.nodes).get(name: nodeName)
                }
                try await renewLease(nodeUID: current.uid)
                node = try await postStatus(current)
            } catch {
                node = nil
                if Task.isCancelled { return }
                logger.info("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Renews (or creates) the node's Lease in `kube-node-lease`.
    private func renewLease(nodeUID: String) async throws {
        let leases = client.dynamic(ClusterResources.leases)
        let now = kubeMicroTimestamp()
        do {
            _ = try await leases.patch(
                namespace: ClusterResources.nodeLeaseNamespace, name: nodeName,
                patch: .merge(["spec": ["holderIdentity": .string(nodeName), "renewTime": .string(now),
                                        "leaseDurationSeconds": .int(Int64(options.leaseDurationSeconds))]]))
        } catch let e as KubeError where e.isNotFound {
            let lease: JSONValue = [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": [
                    "name": .string(nodeName), "namespace": .string(ClusterResources.nodeLeaseNamespace),
                    "ownerReferences": [["apiVersion": "v1", "kind": "Node", "name": .string(nodeName),
                                         "uid": .string(nodeUID)]],
                ],
                "spec": ["holderIdentity": .string(nodeName),
                         "leaseDurationSeconds": .int(Int64(options.leaseDurationSeconds)),
                         "renewTime": .string(now)],
            ]
            do { _ = try await leases.create(DynamicObject(json: lease)) } catch let e as KubeError
                where e.isAlreadyExists {}
        }
    }

    /// Posts the node's status with a fresh Ready heartbeat.
    private func postStatus(_ node: DynamicObject) async throws -> DynamicObject {
        try await client.dynamic(ClusterResources.nodes).patch(
            name: nodeName, patch: .merge(["status": .object(nodeStatus(previous: node))]), subresource: "status")
    }

    func nodeStatus(previous: DynamicObject?) -> JSONObject {
        let now = kubeTimestamp()
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            let old = previous?.array("status", "conditions").first { $0["type"]?.stringValue == type }
            let since = old?["status"]?.stringValue == status ? (old?["lastTransitionTime"] ?? .string(now))
                : .string(now)
            return ["type": .string(type), "status": .string(status), "lastHeartbeatTime": .string(now),
                    "lastTransitionTime": since, "reason": .string(reason), "message": .string(message)]
        }
        let resources: JSONValue = [
            "cpu": .string(options.cpu), "ephemeral-storage": "100Gi", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": .string(options.memory), "pods": .string(String(options.pods)),
        ]
        var addresses: [JSONValue] = (options.internalIPs.isEmpty ? ["127.0.0.1"] : options.internalIPs).map {
            ["type": "InternalIP", "address": .string($0)]
        }
        addresses.append(["type": "Hostname", "address": .string(nodeName)])
        let id = Self.stableHex(nodeName, length: 32)
        var status = JSONObject()
        status.append("capacity", resources)
        status.append("allocatable", resources)
        status.append("conditions", [
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                      "kubelet has sufficient memory available"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ])
        status.append("addresses", .array(addresses))
        status.append("daemonEndpoints", ["kubeletEndpoint": ["Port": 10250]])
        status.append("nodeInfo", [
            "machineID": .string(id), "systemUUID": .string(Self.uuid(id)),
            "bootID": .string(Self.uuid(Self.stableHex("\(nodeName)/\(Self.processStart)", length: 32))),
            "kernelVersion": .string(Self.kernelVersion), "osImage": "Kosmos simulated node",
            "containerRuntimeVersion": "kosmos-sim://0.1.0", "kubeletVersion": "v1.32.0-kosmos",
            "kubeProxyVersion": "v1.32.0-kosmos", "operatingSystem": "linux",
            "architecture": .string(Self.architecture),
        ])
        return status
    }

    // MARK: - System facts

    static let processStart = ContinuousClock.now.hashValue

    static let architecture: String = {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        default: return machine
        }
    }()

    static let kernelVersion: String = {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }()

    /// Hex digits derived from `text` (FNV-1a over the text with a counter), the same for the same text.
    static func stableHex(_ text: String, length: Int) -> String {
        var out = ""
        var round: UInt64 = 0
        while out.count < length {
            var h: UInt64 = 14_695_981_039_346_656_037
            for b in Array(text.utf8) + withUnsafeBytes(of: round.littleEndian, Array.init) {
                h ^= UInt64(b)
                h = h &* 1_099_511_628_211
            }
            let s = String(h, radix: 16)
            out += String(repeating: "0", count: 16 - s.count) + s
            round += 1
        }
        return String(out.prefix(length))
    }

    /// 32 hex digits as an 8-4-4-4-12 UUID.
    static func uuid(_ hex: String) -> String {
        let c = Array(hex)
        return [c[0..<8], c[8..<12], c[12..<16], c[16..<20], c[20..<32]].map { String($0) }.joined(separator: "-")
    }
}

/// A simulated kubelet could not do its work.
public struct KubeletError: Error, Sendable, CustomStringConvertible {
    /// The node.
    public var node: String
    /// What was being done.
    public var operation: String
    /// Why it failed.
    public var cause: String

    public var description: String { "kubelet on node \(node): \(operation): \(cause)" }
}
