import Foundation
import KosmosAPI
import KosmosTree
import Logging

/// How `local-up` runs ClusterTree across its clusters.
public struct LocalClusterTreeOptions: Sendable, Codable, Equatable {
    /// Seconds between leaf-node refreshes and Lease renewals (Go Kosmos: 10).
    public var syncIntervalSeconds: Int

    /// Describes the ClusterTree setup.
    /// - Parameter syncIntervalSeconds: leaf-node refresh period.
    public init(syncIntervalSeconds: Int = 10) {
        self.syncIntervalSeconds = syncIntervalSeconds
    }
}

/// Runs ClusterTree for a local environment: the first cluster (`host`) is the host; every other cluster is a
/// Cluster object with `spec.clusterTreeOptions.enable` (one whole-cluster leaf node, `kosmos-<name>`), and one
/// ``ClusterTreeManager`` runs in the supervisor against the host, without leader election (it is the only one).
///
/// When ClusterLink runs too, the member Cluster objects it wrote gain the ClusterTree options; otherwise they are
/// created here with just the kubeconfig and the ClusterTree options.
enum LocalClusterTree {
    /// `spec.clusterTreeOptions` of a local member: enabled, leaf model whole cluster.
    static let treeOptions: JSONValue = ["enable": true]

    /// Makes every member a ClusterTree Cluster, starts the manager as a task that ends when cancelled, and waits
    /// until every member's leaf node is Ready in the host.
    /// - Throws: `LocalEnvironmentError` when a leaf node is not Ready within `timeout`, or the client's error.
    static func start(options: LocalClusterTreeOptions, clusters: [RunningCluster], timeout: Duration,
                      logger: Logger) async throws -> Task<Void, Never> {
        guard let host = clusters.first?.client else { return Task {} }
        try await KosmosCRDs.install(using: host)
        for running in clusters.dropFirst() {
            let kubeconfig = Array(try Data(contentsOf: URL(fileURLWithPath: running.kubeconfigPath)))
            try await ensureMember(name: running.plan.name, kubeconfig: kubeconfig, host: host)
        }
        var log = logger
        log[metadataKey: "component"] = "clustertree"
        let manager = ClusterTreeManager(
            host: host,
            configuration: .init(leafNodes: .init(syncInterval: .seconds(max(1, options.syncIntervalSeconds)))),
            logger: log)
        let task = Task { await manager.run() }
        do {
            try await waitLeafNodesReady(host: host, members: clusters.dropFirst().map(\.plan.name),
                                         timeout: timeout)
        } catch {
            task.cancel()
            await task.value
            throw error
        }
        return task
    }

    /// Creates the member's Cluster, or adds the ClusterTree options and kubeconfig to the one that exists
    /// (ClusterLink's), keeping everything else.
    static func ensureMember(name: String, kubeconfig: [UInt8], host: KubeClient) async throws {
        for _ in 0..<5 {
            do {
                var current = try await host.get(Cluster.self, name: name)
                guard current.spec.json["clusterTreeOptions"] != treeOptions || current.spec.kubeconfig != kubeconfig
                else { return }
                current.spec.json["clusterTreeOptions"] = treeOptions
                current.spec.kubeconfig = kubeconfig
                _ = try await host.update(current)
                return
            } catch let e as KubeError where e.isNotFound {
                var cluster = Cluster(name: name)
                cluster.spec.kubeconfig = kubeconfig
                cluster.spec.json["clusterTreeOptions"] = treeOptions
                do {
                    _ = try await host.create(cluster)
                    return
                } catch let e as KubeError where e.isAlreadyExists {}
            } catch let e as KubeError where e.isConflict {}
        }
        throw LocalEnvironmentError("ClusterTree: Cluster \(name) kept changing while its clusterTreeOptions were set")
    }

    /// Waits until the host has a Ready leaf node `kosmos-<member>` for every member.
    static func waitLeafNodesReady(host: KubeClient, members: [String], timeout: Duration) async throws {
        let wanted = Set(members.map { "kosmos-\($0)" })
        var pending = wanted
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let nodes = try? await host.listAll(Node.self).items {
                pending = wanted.subtracting(nodes.filter(\.isReady).compactMap(\.metadata.name))
                if pending.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw LocalEnvironmentError("ClusterTree: leaf nodes not Ready after \(timeout): "
            + pending.sorted().joined(separator: ", "))
    }
}
