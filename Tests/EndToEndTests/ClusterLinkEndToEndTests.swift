import Foundation
import KosmosAPI
import KosmosLocal
import KosmosNet
import Testing

/// ClusterLink end to end on local clusters with the netns dataplane: real packets between pods of different
/// clusters, checked with the same matrix `kosmosctl check` prints.
@Suite(.serialized) struct ClusterLinkEndToEndTests {
    static func summary(_ results: [ConnectivityResult]) -> String {
        let failed = results.filter { !$0.ok }
        return "\(results.count - failed.count)/\(results.count) ok; failed: "
            + failed.prefix(6).map { "\($0.source)->\($0.targetIP) \($0.probe) \($0.detail ?? "")" }.joined(separator: "; ")
    }

    /// Every pod pair of the two clusters, both ways, ICMP and TCP.
    static func expectFullMatrix(_ env: LocalClusters, pairs: Int, families: Int) async throws -> [ConnectivityResult] {
        let results = try await env.checkBothWays()
        #expect(results.count == pairs * families * 2, "\(results.count) probes")
        let allOK = results.allSatisfy { $0.ok }
        #expect(allOK, "\(summary(results))")
        return results
    }

    @Test func gatewayModeIPv4() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP gatewayModeIPv4: \(reason)"); return }
        let env = try await LocalClusters(nodes: 3, networkType: "gateway")
        defer { Task { await env.stop() } }
        // 3 x 3 pods each way = 18 pairs; ICMP + TCP.
        _ = try await Self.expectFullMatrix(env, pairs: 18, families: 1)
        // Exactly one gateway per cluster; internal nodes carry vx-local only.
        let host = try env.client("host")
        let nodes = try await host.listAll(ClusterNode.self).items
        for cluster in ["host", "member1"] {
            #expect(nodes.filter { $0.spec.clusterName == cluster && $0.isGateway }.count == 1)
        }
        await env.stop()
    }

    @Test func p2pModeIPv4() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP p2pModeIPv4: \(reason)"); return }
        let env = try await LocalClusters(nodes: 3, networkType: "p2p")
        defer { Task { await env.stop() } }
        _ = try await Self.expectFullMatrix(env, pairs: 18, families: 1)
        // In P2P mode every node has vx-bridge and no vx-local.
        let configs = try await env.client("host").listAll(NodeConfig.self).items
        #expect(configs.count == 6)
        #expect(configs.allSatisfy { $0.spec.devices.map(\.name) == ["vx-bridge"] })
        await env.stop()
    }

    @Test func dualStackGatewayMode() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP dualStackGatewayMode: \(reason)"); return }
        let env = try await LocalClusters(nodes: 2, ipFamily: .dual, networkType: "gateway")
        defer { Task { await env.stop() } }
        let results = try await Self.expectFullMatrix(env, pairs: 8, families: 2)
        #expect(results.filter { $0.targetIP.contains(":") }.count == 16)
        await env.stop()
    }

    /// Both clusters use the same pod and service CIDRs; each is reachable through its global CIDR, and the
    /// target sees the source's global address (a 1:1 map, not one shared address).
    @Test func overlappingCIDRsThroughGlobalCIDRs() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP overlappingCIDRsThroughGlobalCIDRs: \(reason)"); return }
        let env = try await LocalClusters(nodes: 2, networkType: "gateway", overlap: true)
        defer { Task { await env.stop() } }
        let results = try await Self.expectFullMatrix(env, pairs: 8, families: 1)
        for result in results {
            let targetGlobal = result.target.hasPrefix("member1/") ? "10.151." : "10.150."
            #expect(result.targetIP.hasPrefix(targetGlobal), "\(result.target) probed at \(result.targetIP)")
            if result.probe == "tcp" {
                let sourceGlobal = result.source.hasPrefix("member1/") ? "10.151." : "10.150."
                #expect(result.seenSource?.hasPrefix(sourceGlobal) == true,
                        "\(result.target) saw \(result.seenSource ?? "nothing") from \(result.source)")
                // Host bits are kept: 10.100.1.2 appears as 10.15x.1.2.
                #expect(result.seenSource?.hasSuffix(String(result.sourceIP.dropFirst("10.100.".count))) == true)
            }
        }
        await env.stop()
    }

    /// The gateway of member1 dies; another node takes over and traffic from the host flows again.
    @Test func gatewayFailover() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP gatewayFailover: \(reason)"); return }
        let env = try await LocalClusters(nodes: 3, networkType: "gateway")
        defer { Task { await env.stop() } }
        _ = try await Self.expectFullMatrix(env, pairs: 18, families: 1)
        let host = try env.client("host")
        let gateway = try #require(try await host.listAll(ClusterNode.self).items
            .first { $0.spec.clusterName == "member1" && $0.isGateway }?.spec.nodeName)
        let survivor = try #require(env.environment.plan[1].nodes.first { $0 != gateway })
        let target = try #require(try await env.podIPs(cluster: "member1", pod: "p-\(survivor)").first)
        let source = env.podNamespace(cluster: "host", pod: "p-host-node2")

        try await env.environment.failNode(gateway)
        let took = try await env.pingUntilReply(target, from: source, seconds: 60)
        print("gateway failover: traffic back after \(took.map { "\($0)" } ?? "never")")
        #expect(took != nil)
        let newGateway = try await host.listAll(ClusterNode.self).items
            .first { $0.spec.clusterName == "member1" && $0.isGateway }?.spec.nodeName
        #expect(newGateway != nil && newGateway != gateway)
        await env.stop()
    }

    /// Restarting an agent leaves the kernel state alone: pings keep flowing while no agent runs, and the new
    /// agent finds nothing to change.
    @Test func agentRestartKeepsTrafficAndDriftIsRepaired() async throws {
        if let reason = LocalClusters.skipReason() { print("SKIP agentRestartKeepsTraffic: \(reason)"); return }
        let env = try await LocalClusters(nodes: 2, networkType: "gateway")
        defer { Task { await env.stop() } }
        _ = try await Self.expectFullMatrix(env, pairs: 8, families: 1)
        let host = try env.client("host")
        let gateway = try #require(try await host.listAll(ClusterNode.self).items
            .first { $0.spec.clusterName == "host" && $0.isGateway }?.spec.nodeName)
        let target = try #require(try await env.podIPs(cluster: "member1", pod: "p-member1-node1").first)
        let source = env.podNamespace(cluster: "host", pod: "p-host-node1")

        let pinger = Task.detached { () -> (sent: Int, answered: Int) in
            var sent = 0
            var answered = 0
            let deadline = ContinuousClock.now + .seconds(4)
            while ContinuousClock.now < deadline {
                sent += 1
                if (try? ConnectivityProbe.ping(target, in: source, attempts: 1)) == true { answered += 1 }
            }
            return (sent, answered)
        }
        try await env.environment.restartAgent(gateway, pause: .seconds(2))
        let (sent, answered) = await pinger.value
        print("agent restart: \(answered)/\(sent) pings answered")
        #expect(sent > 3 && answered == sent)

        // Drift: the gateway's routes to member1 deleted by hand come back by themselves.
        let handle = try NetlinkHandle(namespace: env.nodeNamespace(gateway))
        let routes = try handle.routes(table: 200)
        #expect(!routes.isEmpty)
        for route in routes { try handle.deleteRoute(route) }
        let removed = ContinuousClock.now
        var restored = false
        while ContinuousClock.now - removed < .seconds(10) && !restored {
            restored = Set(try handle.routes(table: 200)) == Set(routes)
            if !restored { try await Task.sleep(for: .milliseconds(20)) }
        }
        print("drift repair: routes back after \(ContinuousClock.now - removed)")
        #expect(restored)
        #expect(try await env.pingUntilReply(target, from: source, seconds: 10) != nil)
        await env.stop()
    }
}
