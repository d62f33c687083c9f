import Foundation
import KosmosAPI
import KosmosLocal
import Logging
import Testing

@testable import KosmosSched

/// The scheduler against a local API server with simulated kubelets: two real nodes and two leaf nodes.
@Suite(.serialized) struct EndToEndTests {
    static func withCluster(
        _ body: (KubeClient, @escaping @Sendable (String, @escaping @Sendable () async throws -> Void) -> Void)
            async throws -> Void
    )
        async throws
    {
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
            try await body(client, start)
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

    static func eventually(
        _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("timed out after \(timeout) waiting until \(what)")
        return false
    }

    @Test func deploymentSpreadsOverLeafAndRealNodesWithSkewAtMostOne() async throws {
        try await Self.withCluster { client, start in
            let logger = Logger(label: "kosmos.sched-test")
            for (name, leaf) in [("real-1", false), ("real-2", false), ("leaf-1", true), ("leaf-2", true)] {
                var labels = ["e2e.kosmos.io/domain": name]
                if leaf { labels[leafNodeLabel] = "true" }
                let kubelet = SimulatedKubelet(
                    client: client, nodeName: name,
                    options: .init(labels: labels, heartbeatInterval: .seconds(2)),
                    logger: logger)
                start("kubelet-\(name)") { try await kubelet.run() }
            }
            #expect(
                await Self.eventually("4 nodes registered") {
                    try await client.list(Node.self).items.count == 4
                })
            // Leaf nodes carry the leaf taint, which the Kosmos profile tolerates.
            for name in ["leaf-1", "leaf-2"] {
                var node = try await client.get(Node.self, name: name)
                node.spec.taints = [Taint(key: leafNodeLabel, value: "true", effect: .noSchedule)]
                _ = try await client.update(node)
            }
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaseNamespace = "default"
            let scheduler = try Scheduler(
                client: client, configuration: configuration, identity: "e2e", logger: logger,
                optionalSyncTimeout: .seconds(1))
            start("scheduler") { await scheduler.run() }

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
                await Self.eventually("20 pods bound") {
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
        try await Self.withCluster { client, start in
            let logger = Logger(label: "kosmos.sched-test")
            for crd in [
                KosmosCRDs.crd(for: DistributionPolicy.self), KosmosCRDs.crd(for: ClusterDistributionPolicy.self),
                KosmosCRDs.crd(for: WorkloadPolicy.self),
            ] {
                var c = try #require(crd)
                c.fillTypeMeta()
                _ = try await client.create(c)
            }
            for (name, leaf) in [("real-1", false), ("leaf-1", true), ("leaf-2", true)] {
                let kubelet = SimulatedKubelet(
                    client: client, nodeName: name,
                    options: .init(
                        labels: leaf ? [leafNodeLabel: "true"] : [:],
                        heartbeatInterval: .seconds(2)), logger: logger)
                start("kubelet-\(name)") { try await kubelet.run() }
            }
            #expect(await Self.eventually("3 nodes registered") { try await client.list(Node.self).items.count == 3 })
            var policy = DistributionPolicy(name: "to-leaf", namespace: "default")
            policy.json["spec"] = [
                "resourceSelectors": [["namePrefix": "batch-", "policyName": "leaf"]],
                "policyTerms": [["name": "leaf", "nodeType": "leaf"]],
            ]
            policy.fillTypeMeta()
            #expect(
                await Self.eventually("policy created") {
                    _ = try await client.create(policy)
                    return true
                })
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaderElect = false
            let scheduler = try Scheduler(client: client, configuration: configuration, logger: logger)
            start("scheduler") { await scheduler.run() }
            for i in 0..<6 {
                var pod = Fixture.pod("batch-\(i)", cpu: "100m")
                pod.metadata.uid = nil
                pod.spec.schedulerName = "kosmos-scheduler"
                pod.fillTypeMeta()
                _ = try await client.create(pod)
            }
            var nodes: [String] = []
            #expect(
                await Self.eventually("6 pods bound") {
                    nodes = try await client.list(Pod.self, namespace: "default").items.compactMap { p in
                        p.spec.nodeName.flatMap { $0.isEmpty ? nil : $0 }
                    }
                    return nodes.count == 6
                })
            #expect(Set(nodes).isSubset(of: ["leaf-1", "leaf-2"]), "placement \(nodes)")
        }
    }

    @Test func higherPriorityPodPreemptsALowerOne() async throws {
        try await Self.withCluster { client, start in
            let logger = Logger(label: "kosmos.sched-test")
            let kubelet = SimulatedKubelet(
                client: client, nodeName: "small",
                options: .init(cpu: "1", heartbeatInterval: .seconds(2)), logger: logger)
            start("kubelet") { try await kubelet.run() }
            #expect(await Self.eventually("node registered") { try await client.list(Node.self).items.count == 1 })
            var low = Fixture.pod("low", cpu: "1", nodeName: "small", priority: 0)
            low.metadata.uid = nil
            low.fillTypeMeta()
            _ = try await client.create(low)
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaderElect = false
            let scheduler = try Scheduler(
                client: client, configuration: configuration, logger: logger,
                optionalSyncTimeout: .seconds(1))
            start("scheduler") { await scheduler.run() }
            var high = Fixture.pod("high", cpu: "1", priority: 1000)
            high.metadata.uid = nil
            high.spec.schedulerName = "kosmos-scheduler"
            high.fillTypeMeta()
            _ = try await client.create(high)
            #expect(
                await Self.eventually("the high-priority pod is bound after preempting the low one") {
                    let pods = try await client.list(Pod.self, namespace: "default").items
                    return !pods.contains { $0.name == "low" }
                        && pods.first { $0.name == "high" }?.spec.nodeName == "small"
                })
        }
    }

    @Test func leafOfTenOneCPUMembersTakesTenOneCPUPodsButNoFourCPUPod() async throws {
        try await Self.withCluster { client, start in
            let logger = Logger(label: "kosmos.sched-test")
            let kubelet = SimulatedKubelet(
                client: client, nodeName: "leaf",
                options: .init(
                    cpu: "10", memory: "40Gi", labels: [leafNodeLabel: "true"],
                    heartbeatInterval: .seconds(2)), logger: logger)
            start("kubelet") { try await kubelet.run() }
            #expect(await Self.eventually("leaf registered") { try await client.list(Node.self).items.count == 1 })
            let members = (0..<10).map { MemberNodeFree(name: "m\($0)", free: ["cpu": "1", "pods": "110"]) }
            #expect(
                await Self.eventually("annotation written") {
                    var node = try await client.get(Node.self, name: "leaf")
                    node.metadata.annotations[MemberNodeFree.annotation] = MemberNodeFree.render(members)
                    _ = try await client.update(node)
                    return true
                })
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaderElect = false
            let scheduler = try Scheduler(
                client: client, configuration: configuration, logger: logger,
                optionalSyncTimeout: .seconds(1))
            start("scheduler") { await scheduler.run() }
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
                await Self.eventually("ten small pods on the leaf, the big one refused") {
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
        try await Self.withCluster { client, start in
            let logger = Logger(label: "kosmos.sched-test")
            let kubelet = SimulatedKubelet(
                client: client, nodeName: "small",
                options: .init(cpu: "1", heartbeatInterval: .seconds(2)), logger: logger)
            start("kubelet") { try await kubelet.run() }
            #expect(await Self.eventually("node registered") { try await client.list(Node.self).items.count == 1 })
            var configuration = SchedulerConfiguration(schedulerNames: ["kosmos-scheduler"])
            configuration.leaderElect = false
            let scheduler = try Scheduler(
                client: client, configuration: configuration, logger: logger,
                optionalSyncTimeout: .seconds(1))
            start("scheduler") { await scheduler.run() }
            #expect(await Self.eventually("the scheduler is ready") { scheduler.isScheduling })
            var pod = Fixture.pod("big", cpu: "2")
            pod.metadata.uid = nil
            pod.spec.schedulerName = "kosmos-scheduler"
            pod.fillTypeMeta()
            _ = try await client.create(pod)
            let expected =
                "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                + "1 No preemption victims found for incoming pod."
            #expect(
                await Self.eventually("PodScheduled=False") {
                    let p = try await client.get(Pod.self, namespace: "default", name: "big")
                    let c = p.status.conditions.first { $0.type == "PodScheduled" }
                    return c?.status == .false && c?.reason == "Unschedulable" && c?.message == expected
                })
            #expect(
                await Self.eventually("FailedScheduling event") {
                    try await client.list(Event.self, namespace: "default").items.contains {
                        $0.reason == "FailedScheduling" && $0.message == expected && $0.involvedObject.name == "big"
                    }
                })
        }
    }
}
