import KosmosAPI
@testable import KosmosLocal
import KosmosNet
import Synchronization
import Testing

@Suite struct KubeletTests {
    typealias Cluster = ControllerTestCluster

    @Test func registersAReadyNodeWithLeaseAndRunsABoundPodInItsPodCIDR() async throws {
        let options = SimulatedKubelet.Options(cpu: "8", memory: "16Gi", pods: 50, labels: ["team": "a"],
                                               zone: "zone-a", region: "region-1", heartbeatInterval: .seconds(2))
        try await Cluster.run(controllers: false) { c in
            c.startKubelet("node-1", options: options)
            var node: DynamicObject?
            #expect(await c.eventually("node-1 is Ready") {
                node = try await c.get(ClusterResources.nodes, nil, "node-1")
                return node?.conditionStatus("Ready") == "True"
            })
            let n = try #require(node)
            #expect(n.metadata.labels["kubernetes.io/hostname"] == "node-1")
            #expect(n.metadata.labels["topology.kubernetes.io/zone"] == "zone-a")
            #expect(n.metadata.labels["topology.kubernetes.io/region"] == "region-1")
            #expect(n.metadata.labels["team"] == "a")
            #expect(n.string("status", "capacity", "cpu") == "8")
            #expect(n.string("status", "allocatable", "memory") == "16Gi")
            #expect(n.string("status", "capacity", "pods") == "50")
            #expect(n.conditionStatus("MemoryPressure") == "False")
            #expect(n.conditionStatus("DiskPressure") == "False")
            #expect(n.conditionStatus("PIDPressure") == "False")
            #expect(n.array("status", "addresses").contains { $0["type"] == "InternalIP" })
            #expect(n.string("status", "nodeInfo", "kubeletVersion")?.hasPrefix("v1.32") == true)
            let cidr = try #require(n.string("spec", "podCIDR").flatMap { IPPrefix.lenient($0) })

            let lease = try #require(try await c.get(ClusterResources.leases, "kube-node-lease", "node-1"))
            #expect(lease.string("spec", "holderIdentity") == "node-1")
            #expect(lease.int("spec", "leaseDurationSeconds") == 40)
            #expect(lease.string("spec", "renewTime") != nil)

            _ = try await c.create(ClusterResources.pods, Cluster.pod("web", node: "node-1"))
            var pod: DynamicObject?
            #expect(await c.eventually("pod web runs") {
                pod = try await c.get(ClusterResources.pods, "default", "web")
                return pod?.isRunningAndReady == true
            })
            let p = try #require(pod)
            let ip = try #require(p.string("status", "podIP").flatMap { IPAddress($0) })
            #expect(cidr.contains(ip))
            #expect(p.array("status", "podIPs").count == 1)
            #expect(p.string("status", "hostIP") == "127.0.0.1")
            #expect(p.string("status", "startTime") != nil)
            for type in ["PodScheduled", "Initialized", "ContainersReady", "Ready"] {
                #expect(p.conditionStatus(type) == "True", "condition \(type)")
            }
            let container = try #require(p.array("status", "containerStatuses").first)
            #expect(container["name"] == "main")
            #expect(container["ready"] == true)
            #expect(container["started"] == true)
            #expect(container["image"] == "docker.io/library/nginx:latest")
            #expect(container["imageID"]?.stringValue?.hasPrefix("docker.io/library/nginx@sha256:") == true)
            #expect(container["containerID"]?.stringValue?.hasPrefix("containerd://") == true)
            #expect(container["state"]?["running"]?["startedAt"] != nil)
        }
    }

    @Test func podsGetDistinctAddressesAndGracefulDeletionEndsWithinTheCap() async throws {
        try await Cluster.run(nodes: 1, controllers: false) { c in
            for i in 0..<6 { _ = try await c.create(ClusterResources.pods, Cluster.pod("p\(i)", node: "node-1")) }
            var ips: [String] = []
            #expect(await c.eventually("6 pods run") {
                let pods = try await c.pods("default").filter(\.isRunningAndReady)
                ips = pods.compactMap { $0.string("status", "podIP") }
                return pods.count == 6
            })
            #expect(Set(ips).count == 6, "addresses \(ips)")

            // Default grace period (30 s) is capped at the kubelet's 1 s.
            let started = ContinuousClock.now
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "p0")
            let marked = try #require(try await c.get(ClusterResources.pods, "default", "p0"))
            #expect(marked.isTerminating)
            #expect(await c.eventually("p0 is gone") { try await c.get(ClusterResources.pods, "default", "p0") == nil })
            #expect(ContinuousClock.now - started < .seconds(10))

            // A new pod does not get the address that was just released.
            let released = marked.string("status", "podIP")
            _ = try await c.create(ClusterResources.pods, Cluster.pod("p6", node: "node-1"))
            var fresh: String?
            #expect(await c.eventually("p6 runs") {
                let p = try await c.get(ClusterResources.pods, "default", "p6")
                fresh = p?.string("status", "podIP")
                return p?.isRunningAndReady == true
            })
            #expect(fresh != released)
            #expect(!ips.dropFirst().contains(fresh ?? ""))
        }
    }

    @Test func dualStackNodeGivesPodsAnIPv4AndAnIPv6Address() async throws {
        let options = SimulatedKubelet.Options(podCIDRs: ["10.123.4.0/24", "fd00:10:123:4::/64"],
                                               ipFamilies: .dualStack, heartbeatInterval: .seconds(2))
        try await Cluster.run(controllers: false) { c in
            c.startKubelet("dual", options: options)
            _ = try await c.create(ClusterResources.pods, Cluster.pod("both", node: "dual"))
            var pod: DynamicObject?
            #expect(await c.eventually("pod both runs") {
                pod = try await c.get(ClusterResources.pods, "default", "both")
                return pod?.isRunningAndReady == true
            })
            let ips = try #require(pod).array("status", "podIPs").compactMap { $0["ip"]?.stringValue }
            #expect(ips.count == 2)
            let v4 = try #require(ips.first.flatMap { IPAddress($0) })
            let v6 = try #require(ips.last.flatMap { IPAddress($0) })
            #expect(IPPrefix("10.123.4.0/24")!.contains(v4))
            #expect(IPPrefix("fd00:10:123:4::/64")!.contains(v6))
        }
    }

    @Test func ipv6OnlyNodeWithoutAnIPv6RangeRefusesToRun() async throws {
        try await Cluster.run(controllers: false) { c in
            let kubelet = SimulatedKubelet(client: c.client, nodeName: "v6",
                                           options: .init(ipFamilies: .ipv6), logger: c.logger)
            await #expect(throws: KubeletError.self) { try await kubelet.run() }
        }
    }

    /// Records what the kubelet tells the network hook.
    final class RecordingHook: PodNetworkHook {
        let events = Mutex<[String]>([])
        func podStarted(_ pod: DynamicObject, ips: [IPAddress]) async throws {
            events.withLock { $0.append("start \(pod.name) \(ips.map(\.description).joined(separator: ","))") }
        }
        func podStopped(_ pod: DynamicObject) async throws {
            events.withLock { $0.append("stop \(pod.name)") }
        }
    }

    @Test func networkHookHearsAboutPodsStartingAndStopping() async throws {
        let hook = RecordingHook()
        try await Cluster.run(controllers: false) { c in
            c.startKubelet("node-1", hook: hook)
            _ = try await c.create(ClusterResources.pods, Cluster.pod("hooked", node: "node-1"))
            var ip = ""
            #expect(await c.eventually("pod hooked runs") {
                let p = try await c.get(ClusterResources.pods, "default", "hooked")
                ip = p?.string("status", "podIP") ?? ""
                return p?.isRunningAndReady == true
            })
            #expect(hook.events.withLock { $0 } == ["start hooked \(ip)"])
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "hooked")
            #expect(await c.eventually("pod hooked is gone") {
                try await c.get(ClusterResources.pods, "default", "hooked") == nil
            })
            #expect(hook.events.withLock { $0 } == ["start hooked \(ip)", "stop hooked"])
        }
    }

    // MARK: - Pieces

    @Test func allocatorNeverReusesAnAddressBeforeWrappingAndSkipsReservedOnes() throws {
        var a = PodIPAllocator(prefix: IPPrefix("10.0.0.0/29")!)
        // .0 network, .1 gateway, .7 broadcast: five usable.
        #expect(a.capacity == 5)
        let first = (0..<5).compactMap { _ in a.allocate() }.map(\.description)
        #expect(first == ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"])
        #expect(a.allocate() == nil)
        a.release(IPAddress("10.0.0.3")!)
        a.release(IPAddress("10.0.0.5")!)
        #expect(a.allocate()?.description == "10.0.0.3")
        #expect(a.allocate()?.description == "10.0.0.5")
        let taken = a.reserve(IPAddress("10.0.0.4")!)
        let outside = a.reserve(IPAddress("10.0.1.4")!)
        #expect(!taken && !outside)

        var b = PodIPAllocator(prefix: IPPrefix("10.0.0.0/24")!)
        let allocated = b.allocate()
        let x = try #require(allocated)
        b.release(x)
        #expect(b.allocate() != x)
        var v6 = PodIPAllocator(prefix: IPPrefix("fd00::/64")!)
        #expect(v6.allocate()?.description == "fd00::2")
    }

    @Test func imagesAreReportedAsTheRuntimeNamesThem() {
        #expect(SimulatedKubelet.normalizedImage("nginx") == "docker.io/library/nginx:latest")
        #expect(SimulatedKubelet.normalizedImage("nginx:1.27") == "docker.io/library/nginx:1.27")
        #expect(SimulatedKubelet.normalizedImage("user/app") == "docker.io/user/app:latest")
        #expect(SimulatedKubelet.normalizedImage("registry.k8s.io/pause:3.10") == "registry.k8s.io/pause:3.10")
        #expect(SimulatedKubelet.normalizedImage("localhost:5000/x") == "localhost:5000/x:latest")
        #expect(SimulatedKubelet.imageID("nginx:1.27").hasPrefix("docker.io/library/nginx@sha256:"))
        #expect(SimulatedKubelet.imageID("nginx") == SimulatedKubelet.imageID("docker.io/library/nginx:latest"))
    }
}
