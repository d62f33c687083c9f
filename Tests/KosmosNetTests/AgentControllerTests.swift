import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
import Testing
@testable import KosmosNet

/// A throw-away local API server with the Kosmos CRDs installed, for ClusterLink controller tests.
final class ClusterLinkTestServer: Sendable {
    let directory: String
    let server: LocalAPIServer
    let client: KubeClient

    init() async throws {
        directory = NSTemporaryDirectory() + "kosmos-clusterlink-" + UUID().uuidString
        server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: false, threads: 1))
        try await server.start()
        client = try KubeClient(config: ClientConfig.fromKubeconfig(path: server.kubeconfigPath))
        try await KosmosCRDs.install(using: client)
    }

    func remove() async {
        try? await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

}

@Suite(.serialized) struct ClusterLinkAgentTests {
    @Test func agentAppliesRepairsReportsAndTearsDown() async throws {
        guard NamespaceFixture.requireRoot(), NamespaceFixture.requireTool("nft") else { return }
        let api = try await ClusterLinkTestServer()
        defer { Task { await api.remove() } }
        try await NamespaceFixture.withNamespaces(2) { ns in
            let ha = try NetlinkHandle(namespace: ns[0])
            let hb = try NetlinkHandle(namespace: ns[1])
            try AgentFixture.underlay(ha, hb, b: ns[1])
            // Node b is configured directly; node a by its agent from the NodeConfig in the API server.
            try NodeNetworkApplier(handle: hb).apply(
                try NodeNetwork(spec: AgentFixture.spec(me: AgentFixture.b, peer: AgentFixture.a)))

            var config = NodeConfig(name: "c1-a")
            config.spec = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b)
            _ = try await api.client.create(config)

            let agent = ClusterLinkAgent(
                client: api.client, applier: NodeNetworkApplier(handle: ha),
                configuration: .init(nodeConfigName: "c1-a", resyncInterval: .seconds(30)))
            let running = Task { await agent.run() }
            defer { running.cancel() }

            // Applied: packets flow, status says so.
            let pod4B = try #require(IPAddress(AgentFixture.b.pod4))
            let podA = IPAddress(AgentFixture.a.pod4)
            #expect(await eventually("both routes are in table 200 and the agent reports no error",
                                     timeout: .seconds(10)) {
                (try? ha.routes(table: 200).count) == 2 && agent.status.lastError == nil
            })
            #expect(try Probe.ping(pod4B, from: podA, in: ns[0], attempts: 10))
            #expect(await eventually("NodeConfig c1-a reports Applied with a sync time", timeout: .seconds(10)) {
                let status = try await api.client.get(NodeConfig.self, name: "c1-a").status
                return status.lastSyncTime != nil && status.conditions[type: "Applied"]?.status == .true
            })

            // Drift: a route, a neighbour, an FDB entry and the policy rule deleted by hand come back at once
            // (netlink events), long before the 30 s resync.
            let route = try #require(try ha.routes(table: 200).first { $0.family == .ipv4 })
            try ha.deleteRoute(route)
            let neighbor = try #require(try ha.neighbors(device: "vx-bridge").first { $0.state.contains(.permanent) })
            try ha.deleteNeighbor(neighbor)
            let entry = try #require(try ha.fdb(device: "vx-bridge").first { $0.mac != .zero })
            try ha.deleteFDB(entry)
            try ha.deleteRule(Rule(family: .ipv4, priority: 200, table: 200))
            let repaired = ContinuousClock.now
            #expect(await eventually("the agent restores the deleted route, neighbour, fdb entry and rule",
                                     timeout: .seconds(5)) {
                let routes = (try? ha.routes(table: 200)) ?? []
                let neighbors = (try? ha.neighbors(device: "vx-bridge")) ?? []
                let fdb = (try? ha.fdb(device: "vx-bridge")) ?? []
                let rules = (try? ha.rules(family: .ipv4)) ?? []
                return routes.contains(route) && neighbors.contains { $0.address == neighbor.address }
                    && fdb.contains { $0.mac == entry.mac } && rules.contains { $0.table == 200 }
            })
            let repairTime = ContinuousClock.now - repaired
            print("drift repaired in \(repairTime)")
            #expect(try Probe.ping(pod4B, from: podA, in: ns[0], attempts: 10))

            // A bad NodeConfig is not applied: the kernel keeps the previous state, the status names the field.
            var bad = try await api.client.get(NodeConfig.self, name: "c1-a")
            var routes = bad.spec.routes
            routes[0].gw = "not-an-address"
            bad.spec.routes = routes
            _ = try await api.client.update(bad)
            #expect(await eventually("Applied=False names spec.routes[0].gw", timeout: .seconds(10)) {
                let condition = try await api.client.get(NodeConfig.self, name: "c1-a").status.conditions[type: "Applied"]
                return condition?.status == .false && condition?.message?.contains("spec.routes[0].gw") == true
            })
            #expect(try ha.routes(table: 200).count == 2)
            #expect(try Probe.ping(pod4B, from: podA, in: ns[0], attempts: 10))

            // Deleting the NodeConfig tears everything down.
            try await api.client.delete(NodeConfig.self, namespace: nil, name: "c1-a")
            #expect(await eventually("the agent removed every link it owned", timeout: .seconds(10)) {
                ((try? NodeNetworkApplier(handle: ha).observe().ownedLinks.isEmpty) ?? false)
            })
            #expect(try ha.routes(table: 200).isEmpty)
            #expect(try NATTable(name: "clusterlink", namespace: ns[0]).rules().isEmpty)
            try NodeNetworkApplier(handle: hb).apply(.empty)
        }
    }
}
