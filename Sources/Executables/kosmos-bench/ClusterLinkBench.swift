import Foundation
import KosmosAPI
import KosmosLocal
import KosmosNet
import Logging

/// `kosmos-bench clusterlink`: pod-to-pod TCP throughput (iperf3) between two local clusters joined by ClusterLink,
/// in P2P and in Gateway mode, against pod-to-pod between two nodes of the same cluster in the same environment
/// (goals: P2P >= 0.90, Gateway >= 0.85), plus the round-trip time ClusterLink adds.
///
/// `kosmos-bench failover`: the gateway of a member cluster dies; time until a host pod reaches a pod on a
/// surviving member node again (goal <= 10 s), against the elector's lease duration as baseline.
/// Both need root and iperf3/ping; each runs a 2-cluster local environment (netns dataplane).
enum ClusterLinkBench {
    static func environment(networkType: String, nodes: Int) async throws -> (LocalEnvironment, Task<Void, any Error>) {
        let directory = NSTemporaryDirectory() + "kosmos-bench-cl-\(UUID().uuidString.prefix(8))"
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let env = try LocalEnvironment(
            options: LocalEnvironmentOptions(clusters: 2, nodesPerCluster: nodes, dataplane: .netns,
                                             stateDirectory: directory,
                                             clusterLink: LocalClusterLinkOptions(networkType: networkType)),
            logger: logger)
        let task = Task { try await env.run() }
        try await env.waitReady()
        try await env.startPodPerNode()
        return (env, task)
    }

    static func stop(_ env: LocalEnvironment, _ task: Task<Void, any Error>) async {
        task.cancel()
        _ = await task.result
        NetnsDataplane.removeAll(prefix: env.dataplanePrefix)
        try? FileManager.default.removeItem(atPath: env.options.stateDirectory)
    }

    static func ready() -> Bool {
        guard getuid() == 0 else {
            NetBench.skip("clusterlink", "needs root for network namespaces")
            return false
        }
        for tool in ["/usr/bin/iperf3", "/usr/bin/ping", "/usr/sbin/nft"] where !FileManager.default.isExecutableFile(atPath: tool) {
            NetBench.skip("clusterlink", "\(tool) is not installed")
            return false
        }
        return true
    }

    /// Average RTT in ms of 200 pings (0.01 s apart) from a namespace.
    static func rtt(from namespace: NetworkNamespace, to target: IPAddress) throws -> Double {
        let output = try NetBench.run(["/usr/sbin/ip", "netns", "exec", namespace.name ?? "", "ping", "-q", "-c", "200",
                                       "-i", "0.01", target.description])
        guard let line = output.stdout.split(separator: "\n").first(where: { $0.contains("min/avg/max") }),
              let values = line.split(separator: "=").last?.split(separator: "/"), values.count >= 2,
              let average = Double(values[1].trimmingCharacters(in: .whitespaces)) else {
            throw NetBench.Failure("ping printed no rtt summary: \(output.stdout.suffix(200))")
        }
        return average
    }

    static func run() async throws {
        guard ready() else { return }
        for mode in ["p2p", "gateway"] {
            let (env, task) = try await environment(networkType: mode, nodes: 2)
            do {
                // Wait until cross-cluster traffic flows (routes settle just after Ready).
                let target = try await env.podIPs(cluster: "member1", pod: "p-member1-node2")[0]
                let source = env.podNamespace(cluster: "host", pod: "p-host-node2")
                let deadline = ContinuousClock.now + .seconds(30)
                while try !ConnectivityProbe.ping(target, in: source, attempts: 1) {
                    if ContinuousClock.now > deadline { throw NetBench.Failure("\(mode): no cross-cluster traffic") }
                }
                let sameTarget = try await env.podIPs(cluster: "host", pod: "p-host-node1")[0]
                let sameServer = env.podNamespace(cluster: "host", pod: "p-host-node1")
                let crossServer = env.podNamespace(cluster: "member1", pod: "p-member1-node2")
                // Three interleaved rounds, median of each, so a noisy moment on the machine hits both sides.
                var sames: [Double] = []
                var crosses: [Double] = []
                for _ in 0..<3 {
                    sames.append(try TunnelBench.iperf(client: source, server: sameServer,
                                                       target: sameTarget.description, bind: sameTarget.description))
                    crosses.append(try TunnelBench.iperf(client: source, server: crossServer,
                                                         target: target.description, bind: target.description))
                }
                let same = sames.sorted()[1]
                let cross = crosses.sorted()[1]
                NetBench.report("clusterlink", "pod-to-pod-tcp-\(mode)", unit: "Gbit/s", ours: cross / 1e9,
                                baseline: same / 1e9)
                let sameRTT = try rtt(from: source, to: sameTarget)
                let crossRTT = try rtt(from: source, to: target)
                NetBench.report("clusterlink", "pod-to-pod-rtt-\(mode)", unit: "ms", ours: crossRTT, baseline: sameRTT)
                NetBench.report("clusterlink", "added-rtt-\(mode)", unit: "ms", ours: crossRTT - sameRTT, baseline: 0)
            } catch {
                await stop(env, task)
                throw error
            }
            await stop(env, task)
        }
    }

    static func failover() async throws {
        guard ready() else { return }
        let (env, task) = try await environment(networkType: "gateway", nodes: 3)
        do {
            let host = try env.client(cluster: "host")
            var gateway: String?
            for _ in 0..<100 where gateway == nil {
                gateway = try await host.listAll(ClusterNode.self).items
                    .first { $0.spec.clusterName == "member1" && $0.isGateway }?.spec.nodeName
                if gateway == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            guard let gateway, let survivor = env.plan[1].nodes.first(where: { $0 != gateway }) else {
                throw NetBench.Failure("member1 has no gateway")
            }
            let target = try await env.podIPs(cluster: "member1", pod: "p-\(survivor)")[0]
            let source = env.podNamespace(cluster: "host", pod: "p-host-node2")
            let settle = ContinuousClock.now + .seconds(30)
            while try !ConnectivityProbe.ping(target, in: source, attempts: 1) {
                if ContinuousClock.now > settle { throw NetBench.Failure("no traffic before the failure") }
            }
            let started = ContinuousClock.now
            try await env.failNode(gateway)
            while try !ConnectivityProbe.ping(target, in: source, attempts: 1) {
                if ContinuousClock.now - started > .seconds(120) { throw NetBench.Failure("traffic never came back") }
            }
            let took = ContinuousClock.now - started
            let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
            let lease = GatewayElectorConfiguration(clusterName: "", nodeName: "").leaseDuration
            NetBench.report("failover", "gateway-failover-traffic-restored", unit: "s", ours: seconds,
                            baseline: Double(lease.components.seconds))
            NetBench.report("failover", "gateway-failover-vs-goal", unit: "s", ours: seconds, baseline: 10)
        } catch {
            await stop(env, task)
            throw error
        }
        await stop(env, task)
    }
}
