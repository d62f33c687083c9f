import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
import Logging
import Testing

@testable import KosmosSched

/// The scheduler against a local API server with simulated kubelets: two real nodes and two leaf nodes.
@Suite(.serialized) struct EndToEndTests {
    /// What a test gets: the client, a way to run background work until the test ends, and shortcuts for the
    /// kubelets and the scheduler every test starts.
    struct Harness: Sendable {
        let client: KubeClient
        let logger: Logger
        let start: @Sendable (String, @escaping @Sendable () async throws -> Void) -> Void

        /// Starts one simulated kubelet per entry (heartbeat every 2 s) and waits until all their nodes exist.
        func kubelets(_ nodes: [(name: String, options: SimulatedKubelet.Options)]) async -> Bool {
            for (name, options) in nodes {
                var options = options
                options.heartbeatInterval = .seconds(2)
                let kubelet = SimulatedKubelet(client: client, nodeName: name, options: options, logger: logger)
                start("kubelet-\(name)") { try await kubelet.run() }
            }
            let client = self.client
            return await eventually("\(nodes.count) node(s) registered") {
                try await client.list(Node.self).items.count == nodes.count
            }
        }

        /// Starts KosmosSched for pods naming `kosmos-scheduler`, without leader election unless `configure` turns
        /// it on.
        @discardableResult
        func scheduler(
            identity: String = "kosmos-scheduler", optionalSyncTimeout: Duration = .seconds(1),
            configure: (inout SchedulerConfiguration) -> Void = { _ in }
        ) throws -> Scheduler {
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaderElect = false
            configure(&configuration)
            let scheduler = try Scheduler(
                client: client, configuration: configuration, identity: identity, logger: logger,
                optionalSyncTimeout: optionalSyncTimeout)
            start("scheduler") { await scheduler.run() }
            return scheduler
        }
    }

    static func withCluster(_ body: (Harness) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-sched-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: false, threads: 1))
        try await server.start()
        var config = ClientConfig(server: server.url)
        config.token = server.token
        config.qps = 0
        config.http2 = false
        let client = try KubeClient(config: config)
        var log = Logger(label: "kosmos.sched-test")
        log.logLevel = .warning
        let logger = log
        let tasks = TaskBag()
        let start: @Sendable (String, @escaping @Sendable () async throws -> Void) -> Void = { name, work in
            tasks.add(
                Task {
                    do { try await work() } catch {
                        if !(error is CancellationError) { logger.error("\(name) failed: \(error)") }
                    }
                })
        }
        let manager = LocalControllerManager(client: client, logger: logger)
        start("manager") { try await manager.run() }
        do {
            try await body(Harness(client: client, logger: logger, start: start))
        } catch {
            await tasks.cancelAll()
            try? await server.shutdown()
            throw error
        }
        await tasks.cancelAll()
        try await server.shutdown()
    }

    final class TaskBag: @unchecked Sendable {
        private var tasks: [Task<Void, Never>] = []
        private let lock = NSLock()
        func add(_ t: Task<Void, Never>) { lock.withLock { tasks.append(t) } }
        func cancelAll() async {
            let all = lock.withLock { tasks }
            for t in all { t.cancel() }
            for t in all { await t.value }
        }
    }

    @Test func deploymentSpreadsOverLeafAndRealNodesWithSkewAtMostOne() async throws {
        try await Self.withCluster { cluster in
            let client = cluster.client
            let nodes = [("real-1", false), ("real-2", false), ("leaf-1", true), ("leaf-2", true)].map { name, leaf in
                var labels = ["e2e.kosmos.io/domain": name]
                if leaf { labels[KosmosKeys.leafNode] = "true" }
                return (name: name, options: SimulatedKubelet.Options(labels: labels))
            }
            #expect(await cluster.kubelets(nodes))
            // Leaf nodes carry the leaf taint, which the Kosmos profile tolerates.
            for name in ["leaf-1", "leaf-2"] {
                var node = try await client.get(Node.self, name: name)
                node.spec.taints = [Taint(key: KosmosKeys.leafNode, value: "true", effect: .noSchedule)]
                _ = try await client.update(node)
            }
            try cluster.scheduler(identity: "e2e") {
                $0.leaderElect = true
                $0.leaseNamespace = "default"
            }

            var deployment = Deployment(json: [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": "web", "namespace": "default"],
                "spec": [
                    "replicas": 20,
                    "selector": ["matchLabels": ["app": "web"]],
                    "template": [
                        "metadata": ["labels": ["app": "web"]],
                        "spec": [
                            "schedulerName": "kosmos-scheduler",
                            "containers": [
                                [
                                    "name": "main", "image": "nginx",
                                    "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]],
                                ]
                            ],
                            "topologySpreadConstraints": [
                                [
                                    "maxSkew": 1, "topologyKey": "e2e.kosmos.io/domain",
                                    "whenUnsatisfiable": "DoNotSchedule",
                                    "labelSelector": ["matchLabels": ["app": "web"]],
                                ]
                            ],
                        ],
                    ],
                ],
            ])
            deployment.fillTypeMeta()
            _ = try await client.create(deployment)
            var perNode: [String: Int] = [:]
            #expect(
                await eventually("20 pods bound") {
                    let pods = try await client.list(Pod.self, namespace: "default").items
                        .filter { $0.metadata.labels["app"] == "web" }
                    var counts: [String: Int] = [:]
                    for p in pods { if let n = p.spec.nodeName, !n.isEmpty { counts[n, default: 0] += 1 } }
                    perNode = counts
                    return counts.values.reduce(0, +) == 20
                })
            let counts = ["real-1", "real-2", "leaf-1", "leaf-2"].map { perNode[$0] ?? 0 }
            print("e2e placement: \(perNode.sorted { $0.key < $1.key })")
            #expect(counts.reduce(0, +) == 20)
            #expect((counts.max() ?? 0) - (counts.min() ?? 0) <= 1, "placement \(perNode)")
        }
    }

    @Test func distributionPolicyFromTheClusterKeepsPodsOnLeafNodes() async throws {
        try await Self.withCluster { cluster in
            let client = cluster.client
            for crd in [
                KosmosCRDs.crd(for: DistributionPolicy.self), KosmosCRDs.crd(for: ClusterDistributionPolicy.self),
                KosmosCRDs.crd(for: WorkloadPolicy.self),
            ] {
                var c = try #require(crd)
                c.fillTypeMeta()
                _ = try await client.create(c)
            }
            #expect(
                await cluster.kubelets(
                    [("real-1", false), ("leaf-1", true), ("leaf-2", true)].map { name, leaf in
                        (name: name, options: SimulatedKubelet.Options(labels: leaf ? [KosmosKeys.leafNode: "true"] : [:]))
                    }))
            var policy = DistributionPolicy(name: "to-leaf", namespace: "default")
            policy.json["spec"] = [
                "resourceSelectors": [["namePrefix": "batch-", "policyName": "leaf"]],
                "policyTerms": [["name": "leaf", "nodeType": "leaf"]],
            ]
            policy.fillTypeMeta()
            #expect(
                await eventually("policy created") {
                    _ = try await client.create(policy)
                    return true
                })
            try cluster.scheduler(optionalSyncTimeout: .seconds(10))
            for i in 0..<6 {
                var pod = Fixture.pod("batch-\(i)", cpu: "100m")
                pod.metadata.uid = nil
                pod.spec.schedulerName = "kosmos-scheduler"
                pod.fillTypeMeta()
                _ = try await client.create(pod)
            }
            var nodes: [String] = []
            #expect(
                await eventually("6 pods bound") {
                    nodes = try await client.list(Pod.self, namespace: "default").items.compactMap { p in
                        p.spec.nodeName.flatMap { $0.isEmpty ? nil : $0 }
                    }
                    return nodes.count == 6
                })
            #expect(Set(nodes).isSubset(of: ["leaf-1", "leaf-2"]), "placement \(nodes)")
        }
    }

    @Test func higherPriorityPodPreemptsALowerOne() async throws {
        try await Self.withCluster { cluster in
            let client = cluster.client
            #expect(await cluster.kubelets([(name: "small", options: .init(cpu: "1"))]))
            var low = Fixture.pod("low", cpu: "1", nodeName: "small", priority: 0)
            low.metadata.uid = nil
            low.fillTypeMeta()
            _ = try await client.create(low)
            try cluster.scheduler()
            var high = Fixture.pod("high", cpu: "1", priority: 1000)
            high.metadata.uid = nil
            high.spec.schedulerName = "kosmos-scheduler"
            high.fillTypeMeta()
            _ = try await client.create(high)
            #expect(
                await eventually("the high-priority pod is bound after preempting the low one") {
                    let pods = try await client.list(Pod.self, namespace: "default").items
                    return !pods.contains { $0.name == "low" }
                        && pods.first { $0.name == "high" }?.spec.nodeName == "small"
                })
        }
    }

    @Test func leafOfTenOneCPUMembersTakesTenOneCPUPodsButNoFourCPUPod() async throws {
        try await Self.withCluster { cluster in
            let client = cluster.client
            #expect(
                await cluster.kubelets([
                    (name: "leaf", options: .init(cpu: "10", memory: "40Gi", labels: [KosmosKeys.leafNode: "true"]))
                ]))
            let members = (0..<10).map { MemberNodeFree(name: "m\($0)", free: ["cpu": "1", "pods": "110"]) }
            #expect(
                await eventually("annotation written") {
                    var node = try await client.get(Node.self, name: "leaf")
                    node.metadata.annotations[MemberNodeFree.annotation] = MemberNodeFree.render(members)
                    _ = try await client.update(node)
                    return true
                })
            try cluster.scheduler()
            func create(_ name: String, cpu: String) async throws {
                var pod = Fixture.pod(name, cpu: cpu)
                pod.metadata.uid = nil
                pod.spec.schedulerName = "kosmos-scheduler"
                pod.fillTypeMeta()
                _ = try await client.create(pod)
            }
            try await create("big", cpu: "4")
            for i in 0..<10 { try await create("small-\(i)", cpu: "1") }
            #expect(
                await eventually("ten small pods on the leaf, the big one refused") {
                    let pods = try await client.list(Pod.self, namespace: "default").items
                    let bound = pods.filter { ($0.spec.nodeName ?? "") == "leaf" }.map(\.name)
                    let big = pods.first { $0.name == "big" }
                    let refused =
                        big?.status.conditions.contains {
                            $0.type == "PodScheduled" && $0.reason == "Unschedulable"
                                && ($0.message ?? "").contains("node(s) had no member node with room for the pod")
                        } ?? false
                    return bound.count == 10 && !bound.contains("big") && refused
                })
        }
    }

    @Test func unschedulablePodGetsConditionAndEvent() async throws {
        try await Self.withCluster { cluster in
            let client = cluster.client
            #expect(await cluster.kubelets([(name: "small", options: .init(cpu: "1"))]))
            let scheduler = try cluster.scheduler()
            #expect(await eventually("the scheduler is ready") { scheduler.isScheduling })
            var pod = Fixture.pod("big", cpu: "2")
            pod.metadata.uid = nil
            pod.spec.schedulerName = "kosmos-scheduler"
            pod.fillTypeMeta()
            _ = try await client.create(pod)
            let expected =
                "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                + "1 No preemption victims found for incoming pod."
            #expect(
                await eventually("PodScheduled=False") {
                    let p = try await client.get(Pod.self, namespace: "default", name: "big")
                    let c = p.status.conditions.first { $0.type == "PodScheduled" }
                    return c?.status == .false && c?.reason == "Unschedulable" && c?.message == expected
                })
            #expect(
                await eventually("FailedScheduling event") {
                    try await client.list(Event.self, namespace: "default").items.contains {
                        $0.reason == "FailedScheduling" && $0.message == expected && $0.involvedObject.name == "big"
                    }
                })
        }
    }
}
