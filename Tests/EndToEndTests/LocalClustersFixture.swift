import Foundation
import KosmosAPI
import KosmosLocal
import KosmosNet
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A local environment with the netns dataplane and ClusterLink, started in this process for one test, with one
/// pod per node in every cluster. Everything it made is removed by ``stop()``.
final class LocalClusters: Sendable {
    let directory: String
    let environment: LocalEnvironment
    let task: Task<Void, any Error>

    /// Nil (with the reason printed) when the test cannot run here.
    static func skipReason() -> String? {
        if getuid() != 0 { return "needs root for network namespaces" }
        for tool in ["nft"] where !["/usr/sbin", "/usr/bin", "/sbin"].contains(where: { access("\($0)/\(tool)", X_OK) == 0 }) {
            return "\(tool) is not installed"
        }
        return nil
    }

    init(clusters: Int = 2, nodes: Int, ipFamily: LocalIPFamily = .ipv4, networkType: String,
         overlap: Bool = false) async throws {
        directory = NSTemporaryDirectory() + "kosmos-e2e-\(UUID().uuidString.prefix(8))"
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        environment = try LocalEnvironment(
            options: LocalEnvironmentOptions(clusters: clusters, nodesPerCluster: nodes, ipFamily: ipFamily,
                                             overlap: overlap, dataplane: .netns, stateDirectory: directory,
                                             clusterLink: LocalClusterLinkOptions(networkType: networkType)),
            logger: logger)
        let environment = self.environment
        task = Task { try await environment.run() }
        do {
            try await waitReady()
            try await startPods()
        } catch {
            await stop()
            throw error
        }
    }

    func client(_ cluster: String) throws -> KubeClient { try environment.client(cluster: cluster) }

    private func waitReady() async throws { try await environment.waitReady() }

    private func startPods() async throws { try await environment.startPodPerNode() }

    func podIPs(cluster: String, pod: String) async throws -> [IPAddress] {
        try await environment.podIPs(cluster: cluster, pod: pod)
    }

    func podNamespace(cluster: String, pod: String) -> NetworkNamespace {
        environment.podNamespace(cluster: cluster, pod: pod)
    }

    func nodeNamespace(_ node: String) -> NetworkNamespace { environment.nodeNamespace(node) }

    /// Runs `kosmosctl check`'s matrix both ways, retrying for up to `seconds` until every probe passes
    /// (routes settle a moment after the environment reports Ready).
    func checkBothWays(_ a: String = "host", _ b: String = "member1", seconds: Double = 30) async throws
        -> [ConnectivityResult] {
        let deadline = Date().addingTimeInterval(seconds)
        var results: [ConnectivityResult] = []
        repeat {
            results = try await LocalConnectivityCheck.run(stateDirectory: directory, from: a, to: b)
                + LocalConnectivityCheck.run(stateDirectory: directory, from: b, to: a)
            if !results.isEmpty && results.allSatisfy(\.ok) { return results }
            try await Task.sleep(for: .milliseconds(500))
        } while Date() < deadline
        return results
    }

    /// Pings until a reply arrives or `seconds` pass; returns the time it took, or nil.
    func pingUntilReply(_ target: IPAddress, from namespace: NetworkNamespace, seconds: Double) async throws -> Duration? {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try ConnectivityProbe.ping(target, in: namespace, attempts: 1) { return ContinuousClock.now - start }
        }
        return nil
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        NetnsDataplane.removeAll(prefix: environment.dataplanePrefix)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
