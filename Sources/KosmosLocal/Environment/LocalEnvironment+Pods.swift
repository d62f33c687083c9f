import Foundation
import KosmosAPI
import KosmosNet

extension LocalEnvironment {
    /// Waits until the environment's status file says Ready (or Failed, which throws).
    /// - Throws: `LocalEnvironmentError` with the failure, or when `timeout` passes first.
    public func waitReady(timeout: Duration = .seconds(180)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = try? LocalEnvironmentStatus.read(stateDirectory: options.stateDirectory) {
                if status.phase == .ready { return }
                if status.phase == .failed { throw LocalEnvironmentError(status.error ?? "failed") }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw LocalEnvironmentError("environment not ready after \(timeout)")
    }

    /// A client of one of the environment's clusters.
    public func client(cluster: String) throws -> KubeClient {
        try KubeClient.fromKubeconfig(path: kubeconfigPath(cluster: cluster))
    }

    /// Creates one pod `p-<node>` (namespace `default`) on every node of every cluster and waits until all run.
    /// - Returns: each pod's IPs, keyed by `cluster/p-<node>`.
    @discardableResult
    public func startPodPerNode(timeout: Duration = .seconds(60)) async throws -> [String: [IPAddress]] {
        var result: [String: [IPAddress]] = [:]
        for cluster in plan {
            let client = try client(cluster: cluster.name)
            for node in cluster.nodes {
                var pod = Pod(name: "p-\(node)", namespace: "default")
                pod.json["spec"] = ["nodeName": .string(node), "containers": [["name": "c", "image": "busybox"]]]
                do { _ = try await client.create(pod) } catch let error as KubeError where error.isAlreadyExists {}
            }
            for node in cluster.nodes {
                result["\(cluster.name)/p-\(node)"] = try await podIPs(cluster: cluster.name, pod: "p-\(node)",
                                                                      timeout: timeout)
            }
        }
        return result
    }

    /// A pod's IPs once it is Running.
    /// - Throws: `LocalEnvironmentError` when it is not Running within `timeout`.
    public func podIPs(cluster: String, pod: String, namespace: String = "default",
                       timeout: Duration = .seconds(60)) async throws -> [IPAddress] {
        let client = try client(cluster: cluster)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = try await client.get(Pod.self, namespace: namespace, name: pod)
            let ips = current.status.podIPs.compactMap { IPAddress($0.ip) }
            if current.status.phase == .running, !ips.isEmpty { return ips }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LocalEnvironmentError("pod \(cluster)/\(namespace)/\(pod) not Running after \(timeout)")
    }

    /// The network namespace of a local pod (netns dataplane).
    public func podNamespace(cluster: String, pod: String, namespace: String = "default") -> NetworkNamespace {
        .named(NetnsDataplane.podNamespaceName(prefix: dataplanePrefix, cluster: cluster, namespace: namespace,
                                               pod: pod))
    }

    /// The network namespace of a local node (netns dataplane).
    public func nodeNamespace(_ node: String) -> NetworkNamespace { .named("\(dataplanePrefix)-\(node)") }
}
