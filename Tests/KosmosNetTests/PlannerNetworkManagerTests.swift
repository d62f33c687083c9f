import Foundation
import KosmosAPI
import KosmosLocal
import KosmosNet
import KosmosTestSupport
import Testing

/// The network-manager against a real local API server: NodeConfigs appear, follow changes and go away.
@Suite(.serialized) struct PlannerNetworkManagerTests {
    typealias F = PlannerFixture

    /// A throw-away API server with the Kosmos CRDs, in a temporary directory removed afterwards.
    final class Server: @unchecked Sendable {
        let server: LocalAPIServer
        let directory: String
        let client: KubeClient

        init() async throws {
            directory = NSTemporaryDirectory() + "kosmos-planner-test-" + UUID().uuidString
            server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: false, threads: 2))
            try await server.start()
            client = try KubeClient.fromKubeconfig(path: server.kubeconfigPath)
            for crd in KosmosCRDs.all() { _ = try await client.create(crd) }
        }

        func stop() async {
            try? await server.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }


    static func nodeConfigs(_ client: KubeClient) async throws -> [String: NodeConfig] {
        let items = try await client.list(NodeConfig.self).items
        return Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0) })
    }

    @Test func keepsNodeConfigsInStepWithClustersAndNodes() async throws {
        let s = try await Server()
        let election = LeaderElectionConfig(
            identity: "planner-test", leaseDuration: .seconds(20), renewDeadline: .seconds(15),
            retryPeriod: .seconds(1))
        let manager = NetworkManager(
            client: s.client,
            configuration: .init(leaderElection: election, leaseNamespace: "default", resyncPeriod: nil))
        let task = Task { await manager.run() }
        do {
            for c in PlannerTests.gatewayClusters { _ = try await s.client.create(c) }
            for n in PlannerTests.gatewayNodes { _ = try await s.client.create(n) }
            let client = s.client

            // 1. Every valid node gets its NodeConfig, equal to what the planner computes.
            let expected = NodeConfigPlanner.plan(
                clusters: PlannerTests.gatewayClusters, clusterNodes: PlannerTests.gatewayNodes, existing: [])
            let appeared = await eventually("the NodeConfigs of the three nodes match the plan",
                                            timeout: .seconds(30)) {
                let now = try await Self.nodeConfigs(client)
                return now.count == 3 && expected.allSatisfy { now[$0.name]?.spec == $0.spec }
            }
            #expect(appeared, "NodeConfigs did not match the plan")
            let lease = try await client.get(Lease.self, namespace: "default", name: "clusterlink-network-manager")
            #expect(lease.spec.holderIdentity == "planner-test")

            // 2. A node moves: its own config and its peers' follow; device MACs are kept.
            let before = try await Self.nodeConfigs(client)
            var moved = try await client.get(ClusterNode.self, name: "c2-n1")
            moved.spec.ip = "192.168.2.99"
            _ = try await client.update(moved)
            let followed = await eventually("c2-n1's NodeConfig carries its new device address",
                                            timeout: .seconds(30)) {
                let now = try await Self.nodeConfigs(client)
                return now["c2-n1"]?.spec.devices.contains { $0.addr == "220.168.2.99/8" } == true
                    && now["c1-n1"]?.spec.routes.contains { $0.gw == "220.168.2.99" } == true
            }
            #expect(followed, "NodeConfigs did not follow the moved node")
            let after = try await Self.nodeConfigs(client)
            #expect(after["c2-n1"]?.spec.devices.map(\.mac) == before["c2-n1"]?.spec.devices.map(\.mac))
            // The internal node c1-n2 routes through its own gateway, which did not move: left alone.
            #expect(after["c1-n2"]?.metadata.resourceVersion == before["c1-n2"]?.metadata.resourceVersion)
            #expect(after["c2-n1"]?.metadata.annotations["prev"] == before["c2-n1"]?.spec.json.serializedString())

            // 3. A node goes: its NodeConfig goes, and no peer routes to it any more.
            try await client.delete(ClusterNode.self, namespace: nil, name: "c2-n1")
            let cleaned = await eventually("c2-n1's NodeConfig is gone and c1-n1 has no routes",
                                           timeout: .seconds(30)) {
                let now = try await Self.nodeConfigs(client)
                return now["c2-n1"] == nil && now["c1-n1"]?.spec.routes.isEmpty == true
            }
            #expect(cleaned, "the vanished node's NodeConfig or routes to it remained")
            #expect(manager.completedSyncs > 0)
        } catch {
            task.cancel()
            await task.value
            await s.stop()
            throw error
        }
        task.cancel()
        await task.value
        await s.stop()
    }

    @Test func onlyTheLeaderWritesAndAnotherReplicaTakesOver() async throws {
        let s = try await Server()
        func manager(_ identity: String) -> NetworkManager {
            NetworkManager(
                client: s.client,
                configuration: .init(
                    leaderElection: LeaderElectionConfig(
                        identity: identity, leaseDuration: .seconds(20), renewDeadline: .seconds(15),
                        retryPeriod: .milliseconds(500)),
                    leaseNamespace: "default", resyncPeriod: nil))
        }
        let managers = ["replica-a": manager("replica-a"), "replica-b": manager("replica-b")]
        let tasks = managers.mapValues { m in Task { await m.run() } }
        do {
            let client = s.client
            for c in PlannerTests.gatewayClusters { _ = try await client.create(c) }
            for n in PlannerTests.gatewayNodes { _ = try await client.create(n) }
            #expect(await eventually("three NodeConfigs exist",
                                     timeout: .seconds(30)) { try await Self.nodeConfigs(client).count == 3 })
            let lease = try await client.get(Lease.self, namespace: "default", name: "clusterlink-network-manager")
            let leader = try #require(lease.spec.holderIdentity)
            let follower = try #require(managers.keys.first { $0 != leader })
            // A sync counts once all its writes are done, a moment after the last one is visible.
            let leaderManager = try #require(managers[leader])
            let followerManager = try #require(managers[follower])
            #expect(await eventually("the leader completed a sync",
                                     timeout: .seconds(30)) { leaderManager.completedSyncs > 0 })
            #expect(followerManager.completedSyncs == 0, "a replica that does not lead must not plan or write")

            // The leader stops and releases the lease; the other replica takes over at once (generous lease timings
            // keep a loaded machine from moving the lease earlier) and follows changes.
            tasks[leader]?.cancel()
            await tasks[leader]?.value
            var moved = try await client.get(ClusterNode.self, name: "c1-n2")
            moved.spec.ip = "192.168.1.77"
            _ = try await client.update(moved)
            let followed = await eventually("c1-n1's NodeConfig has the fdb entry for 192.168.1.77",
                                            timeout: .seconds(30)) {
                try await Self.nodeConfigs(client)["c1-n1"]?.spec.fdbs.contains { $0.ip == "192.168.1.77" } == true
            }
            #expect(followed, "the new leader did not take over")
            #expect(await eventually("the new leader completed a sync",
                                     timeout: .seconds(30)) { followerManager.completedSyncs > 0 })
        } catch {
            for t in tasks.values { t.cancel() }
            for t in tasks.values { await t.value }
            await s.stop()
            throw error
        }
        for t in tasks.values { t.cancel() }
        for t in tasks.values { await t.value }
        await s.stop()
    }
}
