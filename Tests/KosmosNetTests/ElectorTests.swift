import Foundation
import KosmosAPI
import KosmosTestSupport
import Testing
@testable import KosmosNet

@Suite struct GatewayElectionRuleTests {
    static func node(_ name: String, _ cluster: String, _ nodeName: String, _ roles: [String]?) -> ClusterNode {
        var node = ClusterNode(name: name)
        node.spec.clusterName = cluster
        node.spec.nodeName = nodeName
        if let roles { node.spec.roles = roles.map { ClusterNodeRole(rawValue: $0) } }
        return node
    }

    static func summary(_ nodes: [ClusterNode]) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.spec.roles.map(\.rawValue)) })
    }

    @Test func otherClustersAreNeverTouched() {
        let nodes = (1...3).map { Self.node("cluster2-node\($0)", "cluster2", "node\($0)", []) }
        #expect(GatewayElection.changes(cluster: "cluster1", gatewayNode: "node1", clusterNodes: nodes).isEmpty)
    }

    @Test func nilRolesGetTheGatewayRole() {
        let nodes = [Self.node("cluster1-node1", "cluster1", "node1", nil)]
        let changed = GatewayElection.changes(cluster: "cluster1", gatewayNode: "node1", clusterNodes: nodes)
        #expect(Self.summary(changed) == ["cluster1-node1": ["gateway"]])
    }

    @Test func roleIsAddedToTheCurrentNodeOnly() {
        let nodes = (1...3).map { Self.node("cluster1-node\($0)", "cluster1", "node\($0)", []) }
        let changed = GatewayElection.changes(cluster: "cluster1", gatewayNode: "node1", clusterNodes: nodes)
        #expect(Self.summary(changed) == ["cluster1-node1": ["gateway"]])
    }

    @Test func gatewayMovesAndOtherClustersKeepTheirs() {
        let nodes = [
            Self.node("cluster1-node1", "cluster1", "node1", []),
            Self.node("cluster1-node2", "cluster1", "node2", ["gateway"]),
            Self.node("cluster1-node3", "cluster1", "node3", ["Gateway", "edge"]),
            Self.node("cluster2-node1", "cluster2", "node1", []),
            Self.node("cluster2-node2", "cluster2", "node2", ["gateway"]),
        ]
        let changed = GatewayElection.changes(cluster: "cluster1", gatewayNode: "node1", clusterNodes: nodes)
        #expect(Self.summary(changed) == [
            "cluster1-node1": ["gateway"], "cluster1-node2": [], "cluster1-node3": ["edge"],
        ])
    }

    @Test func aCorrectStateNeedsNoChangeAndDuplicatesCollapse() {
        let good = [Self.node("c-a", "c", "a", ["gateway"]), Self.node("c-b", "c", "b", [])]
        #expect(GatewayElection.changes(cluster: "c", gatewayNode: "a", clusterNodes: good).isEmpty)
        let doubled = [Self.node("c-a", "c", "a", ["gateway", "gateway"])]
        #expect(Self.summary(GatewayElection.changes(cluster: "c", gatewayNode: "a", clusterNodes: doubled))
                == ["c-a": ["gateway"]])
    }
}

@Suite(.serialized) struct GatewayElectorTests {
    /// Three nodes campaign; exactly one becomes gateway. The gateway "dies" (its elector stops without releasing
    /// the lease, as a killed process would) and another node takes over within the lease time.
    @Test func exactlyOneGatewayAndFailover() async throws {
        let api = try await ClusterLinkTestServer()
        defer { Task { await api.remove() } }
        for index in 1...3 {
            _ = try await api.client.create(GatewayElectionRuleTests.node("c1-n\(index)", "c1", "n\(index)", []))
        }
        _ = try await api.client.create(GatewayElectionRuleTests.node("c2-n1", "c2", "n1", ["gateway"]))

        func gateways() async throws -> [String] {
            try await api.client.listAll(ClusterNode.self).items
                .filter { $0.spec.clusterName == "c1" && $0.isGateway }.map { $0.spec.nodeName ?? "" }
        }
        var electors: [String: (GatewayElector, Task<Void, Never>)] = [:]
        for index in 1...3 {
            let elector = GatewayElector(memberClient: api.client, hostClient: api.client,
                                         configuration: .init(clusterName: "c1", nodeName: "n\(index)"))
            electors["n\(index)"] = (elector, Task { await elector.run() })
        }
        defer { for (_, task) in electors.values { task.cancel() } }

        #expect(await eventually("one gateway is elected", timeout: .seconds(15)) { try await gateways().count == 1 })
        let first = try #require(try await gateways().first)
        #expect(electors.values.filter { $0.0.isLeading }.map(\.0.configuration.nodeName) == [first])

        let died = ContinuousClock.now
        electors[first]?.1.cancel()
        #expect(await eventually("another node takes over as the gateway", timeout: .seconds(20)) {
            let now = try await gateways()
            return now.count == 1 && now[0] != first
        })
        let failover = ContinuousClock.now - died
        print("gateway failover took \(failover)")
        #expect(failover < .seconds(20))
        // The other cluster's gateway was never touched.
        #expect(try await api.client.get(ClusterNode.self, name: "c2-n1").isGateway)
    }
}
