import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
@testable import KosmosTree
import Logging
import Synchronization
import Testing

/// Restarts and faults: the manager restarted (upstream issue #186), the member apiserver gone and back, 1,000
/// pods in flight across a manager restart, and a pod bound to a leaf node before the node exists.
@Suite(.serialized) struct ClusterTreeFaultTests {
    /// A host and a member with two simulated nodes; the manager is started and restarted by the test body.
    final class Fixture: Sendable {
        let host: TreeTestCluster
        let member: TreeTestCluster
        let logger: Logger
        private let manager = Mutex<Task<Void, Never>?>(nil)

        init(memberPodsPerNode: Int = 110) async throws {
            // The host schedules as local-up's does (KosmosSched), so bound pods meet its cache too.
            host = try await TreeTestCluster.start(name: "host", schedules: true)
            member = try await TreeTestCluster.start(
                name: "member1", clusterCIDR: "10.248.0.0/16", kubelets: 2,
                // More pods than a node's /24 holds share one /21 (no dataplane here, so IPs only need to differ
                // within a node).
                kubeletOptions: .init(cpu: "64", memory: "256Gi", pods: memberPodsPerNode,
                                      podCIDRs: memberPodsPerNode > 250 ? ["10.248.0.0/21"] : [],
                                      heartbeatInterval: .seconds(2)))
            var logger = Logger(label: "kosmos.tree.test")
            logger.logLevel = .notice
            self.logger = logger
            try await KosmosCRDs.install(using: host.client)
        }

        /// Starts a new manager (a fresh process would look the same: new informers, new queues).
        func startManager() {
            let m = ClusterTreeManager(
                host: host.client,
                configuration: .init(leafNodes: .init(syncInterval: .seconds(1)), memberQPS: 0),
                logger: logger)
            let task = Task { await m.run() }
            manager.withLock { $0 = task }
        }

        /// Stops the running manager and waits until it has.
        func stopManager() async {
            let running = manager.withLock { t -> Task<Void, Never>? in
                defer { t = nil }
                return t
            }
            guard let task = running else { return }
            task.cancel()
            await task.value
        }

        func joinMember() async throws {
            _ = try await host.client.create(ClusterTreeEndToEndTests.cluster("member1", kubeconfig: member.kubeconfig))
            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
        }

        func stop() async {
            await stopManager()
            await host.stop()
            await member.stop()
        }

        static func with(memberPodsPerNode: Int = 110, _ body: (Fixture) async throws -> Void) async throws {
            let f = try await Fixture(memberPodsPerNode: memberPodsPerNode)
            do { try await body(f) } catch {
                await f.stop()
                throw error
            }
            await f.stop()
        }

        // MARK: - Reading

        /// Names of the member pods ClusterTree made, with their UIDs.
        func memberCopies() async throws -> [String: String] {
            let pods = try await member.client.listAll(Pod.self, namespace: "default").items
            return Dictionary(uniqueKeysWithValues: pods.filter { $0.metadata.labels[TreeKeys.kosmosPod] == "true" }
                .map { ($0.metadata.name ?? "", $0.metadata.uid ?? "") })
        }

        func hostPod(_ name: String) async throws -> Pod? {
            do { return try await host.client.get(Pod.self, namespace: "default", name: name) } catch let e as KubeError
                where e.isNotFound { return nil }
        }

        func isRunning(_ name: String) async throws -> Bool {
            try await hostPod(name)?.status.phase == .running
        }

        /// Starts the manager, joins the member and runs pods `kept`, `changed` and `removed` through it.
        /// - Returns: their member copies' UIDs.
        func runThreePods() async throws -> [String: String] {
            startManager()
            try await joinMember()
            let names = ["kept", "changed", "removed"]
            for name in names { _ = try await host.client.create(ClusterTreeFaultTests.pod(name)) }
            #expect(await eventually("the three pods run") { try await self.allRunning(names) })
            let copies = try await memberCopies()
            #expect(Set(copies.keys) == ["kept", "changed", "removed"])
            return copies
        }

        func allRunning(_ names: [String]) async throws -> Bool {
            for name in names where try await !isRunning(name) { return false }
            return true
        }
    }

    /// Events per pod name.
    final class Tally: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func count(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
        var names: [String: Int] { counts.withLock { $0 } }
    }

    static func pod(_ name: String, image: String = "nginx") -> Pod {
        var p = ClusterTreeEndToEndTests.hostPod(name, node: "kosmos-member1")
        p.spec.containers[0].image = image
        p.spec.containers[0].resources = ResourceRequirements(requests: ["cpu": "10m"])
        return p
    }

    @Test func managerRestartLeavesNoDuplicateLostOrOrphanedPod() async throws {
        try await Fixture.with { f in
            let before = try await f.runThreePods()

            await f.stopManager()
            // While no manager runs: a pod is deleted, one is created, one changes its image.
            try await f.host.client.delete(Pod.self, namespace: "default", name: "removed")
            _ = try await f.host.client.create(Self.pod("added"))
            var changed = try #require(try await f.hostPod("changed"))
            changed.spec.containers[0].image = "nginx:1.27"
            _ = try await f.host.client.update(changed)
            f.startManager()

            #expect(await eventually("the member holds exactly kept, changed and added; removed is gone") {
                let copies = try await Set(f.memberCopies().keys)
                let removed = try await f.hostPod("removed")
                let running = try await f.isRunning("added")
                return copies == ["kept", "changed", "added"] && removed == nil && running
            })
            let after = try await f.memberCopies()
            // Not recreated: the same member pods as before the restart.
            #expect(after["kept"] == before["kept"])
            #expect(after["changed"] == before["changed"])
            #expect(await eventually("the image change reached the member") {
                try await f.member.client.get(Pod.self, namespace: "default", name: "changed")
                    .spec.containers.first?.image == "nginx:1.27"
            })
        }
    }

    @Test func memberBackAfterOutageConvergesExactly() async throws {
        try await Fixture.with { f in
            let before = try await f.runThreePods()

            await f.member.stopServer()
            #expect(await eventually("the leaf node turns NotReady") {
                try await f.host.client.get(Node.self, name: "kosmos-member1").isReady == false
            })
            // While the member is away, host pods are created, updated and deleted; failed reconciles back off.
            for name in ["new-1", "new-2"] { _ = try await f.host.client.create(Self.pod(name)) }
            var changed = try #require(try await f.hostPod("changed"))
            changed.spec.containers[0].image = "nginx:1.27"
            changed.metadata.labels["tier"] = "web"
            _ = try await f.host.client.update(changed)
            try await f.host.client.delete(Pod.self, namespace: "default", name: "removed")
            try await Task.sleep(for: .seconds(8))
            #expect(try await f.hostPod("removed") != nil, "the deletion waits for the member")

            try await f.member.restartServer()
            #expect(await eventually("the member holds exactly kept, changed, new-1 and new-2") {
                try await Set(f.memberCopies().keys) == ["kept", "changed", "new-1", "new-2"]
            })
            #expect(await eventually("new pods run, the deleted one is gone from the host") {
                let removed = try await f.hostPod("removed")
                let running = try await f.allRunning(["new-1", "new-2"])
                return removed == nil && running
            })
            #expect(await eventually("the update reached the member") {
                let p = try await f.member.client.get(Pod.self, namespace: "default", name: "changed")
                return p.spec.containers.first?.image == "nginx:1.27" && p.metadata.labels["tier"] == "web"
            })
            let after = try await f.memberCopies()
            #expect(after["kept"] == before["kept"])
            #expect(after["changed"] == before["changed"])
        }
    }

    @Test func thousandPodsInFlightDuringManagerRestartAllRunOnce() async throws {
        let count = 1_000
        try await Fixture.with(memberPodsPerNode: 600) { f in
            f.startManager()
            try await f.joinMember()
            // Every creation and deletion of a member pod, by name, seen by an informer running throughout.
            let added = Tally()
            let deleted = Tally()
            let factory = SharedInformerFactory(provider: f.member.client, namespace: "default", logger: f.logger)
            let informer = factory.informer(for: Pod.self)
            informer.addEventHandler(
                onAdd: { p in added.count(p.metadata.name ?? "") },
                onDelete: { p in deleted.count(p.metadata.name ?? "") })
            let informerTask = Task { await factory.run() }
            defer { informerTask.cancel() }
            _ = await informer.waitForCacheSync()

            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        for i in stride(from: w, to: count, by: 8) {
                            _ = try await f.host.client.create(Self.pod("burst-\(i)"))
                        }
                    }
                }
                group.addTask {
                    // Restart the manager while the creates are in flight.
                    _ = await eventually("some pods reached the member", timeout: .seconds(120)) {
                        added.names.count >= 200
                    }
                    await f.stopManager()
                    f.startManager()
                }
                try await group.waitForAll()
            }
            #expect(await eventually("all \(count) host pods run", timeout: .seconds(300)) {
                let pods = try await f.host.client.listAll(Pod.self, namespace: "default").items
                return pods.filter { $0.status.phase == .running }.count == count
            })
            #expect(try await f.memberCopies().count == count)
            let twice = added.names.filter { $0.value > 1 }.keys.sorted()
            #expect(twice.isEmpty, "created more than once in the member: \(twice.prefix(10))")
            #expect(deleted.names.isEmpty, "member pods deleted: \(deleted.names.keys.sorted().prefix(10))")
        }
    }

    @Test func podBoundBeforeItsLeafNodeExistsRuns() async throws {
        try await Fixture.with { f in
            // One pod names the leaf node before any manager runs, one before the Cluster exists, one in the
            // moment between the Cluster's creation and its leaf node's.
            _ = try await f.host.client.create(Self.pod("before-manager"))
            try await Task.sleep(for: .seconds(1))
            f.startManager()
            _ = try await f.host.client.create(Self.pod("before-cluster"))
            try await Task.sleep(for: .seconds(1))
            _ = try await f.host.client.create(ClusterTreeEndToEndTests.cluster("member1",
                                                                               kubeconfig: f.member.kubeconfig))
            _ = try await f.host.client.create(Self.pod("with-cluster"))
            for name in ["before-manager", "before-cluster", "with-cluster"] {
                #expect(await eventually("\(name) runs in the host with a member IP") {
                    let p = try await f.hostPod(name)
                    return p?.status.phase == .running && p?.status.podIP?.hasPrefix("10.248.") == true
                })
            }
        }
    }
}
