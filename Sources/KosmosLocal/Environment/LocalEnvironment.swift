import Foundation
import KosmosAPI
import KosmosNet
import Logging
import Synchronization

/// Several local Kubernetes-compatible clusters in one process: an API server per cluster, its controllers and
/// simulated kubelets, and (as root) a network-namespace dataplane. This is the body of the supervisor that
/// `kosmosctl local-up` starts in the background.
public final class LocalEnvironment: Sendable {
    /// What to make.
    public let options: LocalEnvironmentOptions
    /// The clusters, as planned.
    public let plan: [LocalClusterPlan]
    private let logger: Logger
    private let clusterLink = Mutex<LocalClusterLink.Started?>(nil)
    private let clusterTree = Mutex<Task<Void, Never>?>(nil)

    /// Plans the environment; nothing is started yet.
    /// - Throws: `LocalEnvironmentError` when the options are out of range.
    public init(options: LocalEnvironmentOptions, logger: Logger) throws {
        try options.validate()
        self.options = options
        self.plan = LocalEnvironmentPlanner.plan(options)
        self.logger = logger
    }

    /// Path of a cluster's own kubeconfig.
    public func kubeconfigPath(cluster: String) -> String { "\(options.stateDirectory)/\(cluster).kubeconfig" }
    /// Path of the merged kubeconfig (contexts `kosmos-<name>`).
    public var mergedKubeconfigPath: String { "\(options.stateDirectory)/kubeconfig" }

    /// Starts every cluster, writes kubeconfigs and the status file, waits until every cluster is Ready, then
    /// runs until the task is cancelled, and stops everything it started.
    /// - Throws: `LocalEnvironmentError` or the error of the part that failed; the status file then says Failed.
    public func run() async throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        var status = LocalEnvironmentStatus(
            phase: .starting, pid: getpid(), options: options, clusters: [], kubeconfig: mergedKubeconfigPath,
            error: nil)
        try status.write()
        var running: [RunningCluster] = []
        var dataplane: NetnsDataplane?
        do {
            if options.dataplane == .netns {
                guard getuid() == 0 else {
                    throw LocalEnvironmentError("--dataplane netns needs root (network namespaces); "
                        + "run as root or use --dataplane none")
                }
                let d = NetnsDataplane(prefix: dataplanePrefix, logger: logger)
                try d.setUp()
                dataplane = d
            }
            for (i, p) in plan.enumerated() {
                logger.info("starting cluster \(p.name)")
                let c = try await RunningCluster.start(plan: p, clusterIndex: i, options: options,
                                                       kubeconfig: kubeconfigPath(cluster: p.name),
                                                       dataplane: dataplane, logger: logger)
                running.append(c)
                status.clusters.append(c.status(ready: false))
                try status.write()
            }
            try writeMergedKubeconfig(running)
            for (i, c) in running.enumerated() {
                try await c.waitReady(timeout: .seconds(120))
                status.clusters[i].ready = true
                try status.write()
            }
            if let link = options.clusterLink {
                logger.info("starting ClusterLink (\(link.networkType))")
                let started = try await LocalClusterLink.start(options: options, link: link, clusters: running,
                                                               dataplane: dataplane, logger: logger)
                clusterLink.withLock { $0 = started }
                if dataplane != nil {
                    try await LocalClusterLink.waitApplied(host: running[0].client, plans: plan, timeout: .seconds(120))
                }
            }
            if let tree = options.clusterTree, running.count > 1 {
                logger.info("starting ClusterTree")
                let task = try await LocalClusterTree.start(options: tree, clusters: running, timeout: .seconds(120),
                                                            logger: logger)
                clusterTree.withLock { $0 = task }
            }
            status.phase = .ready
            try status.write()
            logger.info("local environment ready")
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(3600))
            }
        } catch {
            status.phase = .failed
            status.error = "\(error)"
            try? status.write()
            await stopClusterTree()
            await clusterLink.withLock { $0 }?.stopAll()
            await stopAll(running)
            dataplane?.removeAll()
            throw error
        }
        status.phase = .stopping
        try? status.write()
        await stopClusterTree()
        await clusterLink.withLock { $0 }?.stopAll()
        await stopAll(running)
        dataplane?.removeAll()
    }

    private func stopClusterTree() async {
        guard let task = clusterTree.withLock({ $0 }) else { return }
        task.cancel()
        await task.value
    }

    /// The prefix of every network namespace this environment makes: `kl` and 6 hex digits of a hash of the
    /// state directory, so two environments never share namespaces and `local-down` finds them again.
    public var dataplanePrefix: String { Self.dataplanePrefix(stateDirectory: options.stateDirectory) }

    /// The network namespace prefix of the environment in a state directory.
    public static func dataplanePrefix(stateDirectory: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in stateDirectory.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return "kl" + String(String(h, radix: 16).suffix(6))
    }

    /// Simulates the failure of a node: its ClusterLink elector and agent stop (as if the machine died; its lease
    /// is not released) and its underlay link goes down, so nothing reaches it any more.
    /// - Throws: `LocalEnvironmentError` when ClusterLink or the netns dataplane is not running.
    public func failNode(_ node: String) async throws {
        guard let started = clusterLink.withLock({ $0 }) else {
            throw LocalEnvironmentError("ClusterLink is not running in this environment")
        }
        await started.stop(node: node, roles: [.elector, .agent])
        guard options.dataplane == .netns else { return }
        let handle = try NetlinkHandle(namespace: .named("\(dataplanePrefix)-\(node)"))
        try handle.setLinkDown("eth0")
    }

    /// Stops a node's ClusterLink agent and starts a new one, as an agent upgrade or crash would; the kernel state
    /// is left in place in between.
    /// - Parameter pause: how long the node runs without an agent.
    public func restartAgent(_ node: String, pause: Duration = .zero) async throws {
        guard let started = clusterLink.withLock({ $0 }) else {
            throw LocalEnvironmentError("ClusterLink is not running in this environment")
        }
        await started.stop(node: node, roles: [.agent])
        if pause > .zero { try await Task.sleep(for: pause) }
        try started.startAgent(node: node)
    }

    private func stopAll(_ running: [RunningCluster]) async {
        for c in running.reversed() { await c.stop(logger: logger) }
    }

    private func writeMergedKubeconfig(_ running: [RunningCluster]) throws {
        var clusters: [JSONValue] = []
        var users: [JSONValue] = []
        var contexts: [JSONValue] = []
        for c in running {
            let doc = try YAML.parse(String(contentsOfFile: c.kubeconfigPath, encoding: .utf8), file: c.kubeconfigPath)
            let name = "kosmos-\(c.plan.name)"
            guard let cl = doc["clusters"]?.arrayValue?.first?["cluster"],
                  let us = doc["users"]?.arrayValue?.first?["user"]
            else { throw LocalEnvironmentError("\(c.kubeconfigPath): no cluster or user entry") }
            clusters.append(["name": .string(name), "cluster": cl])
            users.append(["name": .string(name), "user": us])
            contexts.append(["name": .string(name), "context": ["cluster": .string(name), "user": .string(name)]])
        }
        var merged = JSONObject()
        merged.append("apiVersion", "v1")
        merged.append("kind", "Config")
        merged.append("clusters", .array(clusters))
        merged.append("users", .array(users))
        merged.append("contexts", .array(contexts))
        merged.append("current-context", .string("kosmos-\(running.first?.plan.name ?? "host")"))
        try YAML.serialize(.object(merged)).write(toFile: mergedKubeconfigPath, atomically: true, encoding: .utf8)
    }
}

/// One cluster while it runs: its API server and the tasks of its controllers and kubelets.
struct RunningCluster: Sendable {
    let plan: LocalClusterPlan
    let server: LocalAPIServer
    let kubeconfigPath: String
    let client: KubeClient
    let tasks: [Task<Void, Never>]

    static func start(plan: LocalClusterPlan, clusterIndex: Int, options: LocalEnvironmentOptions,
                      kubeconfig: String, dataplane: NetnsDataplane?, logger: Logger) async throws -> RunningCluster {
        let dir = "\(options.stateDirectory)/\(plan.name)"
        let server = try LocalAPIServer(configuration: .init(
            dataDirectory: dir, serviceCIDR: plan.serviceCIDRs[0], clusterCIDR: plan.podCIDRs[0],
            clusterName: "kosmos-\(plan.name)"))
        try await server.start()
        let fm = FileManager.default
        try? fm.removeItem(atPath: kubeconfig)
        try fm.copyItem(atPath: server.kubeconfigPath, toPath: kubeconfig)
        let client = try KubeClient.fromKubeconfig(path: kubeconfig)
        let tasks: [Task<Void, Never>]
        do {
            tasks = try LocalClusterComponents.start(plan: plan, clusterIndex: clusterIndex, options: options,
                                                     client: client, dataplane: dataplane, logger: logger)
        } catch {
            try? await server.shutdown()
            throw error
        }
        return RunningCluster(plan: plan, server: server, kubeconfigPath: kubeconfig, client: client, tasks: tasks)
    }

    func status(ready: Bool) -> LocalEnvironmentStatus.Cluster {
        .init(name: plan.name, server: server.url, kubeconfig: kubeconfigPath, podCIDRs: plan.podCIDRs,
              serviceCIDRs: plan.serviceCIDRs, nodes: plan.nodes, ready: ready)
    }

    /// Waits until every planned node exists and reports Ready=True.
    func waitReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var missing = Set(plan.nodes)
        while ContinuousClock.now < deadline {
            if let nodes = try? await client.dynamic(
                GroupVersionResource(apiVersion: "v1", resource: "nodes", scope: .cluster)).list()
            {
                for n in nodes.items {
                    let ready = n.json["status"]?["conditions"]?.arrayValue?.contains {
                        $0["type"] == "Ready" && $0["status"] == "True"
                    } ?? false
                    if ready, let name = n.metadata.name { missing.remove(name) }
                }
                if missing.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw LocalEnvironmentError(
            "cluster \(plan.name): nodes not Ready after \(timeout): \(missing.sorted().joined(separator: ", "))")
    }

    func stop(logger: Logger) async {
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        do { try await server.shutdown() } catch { logger.warning("stop \(plan.name): \(error)") }
    }
}
