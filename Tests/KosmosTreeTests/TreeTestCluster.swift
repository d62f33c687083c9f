import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
import Logging
import Testing

/// A throw-away local cluster for ClusterTree tests: a `LocalAPIServer` over plain HTTP in a temp directory,
/// a client, a `LocalControllerManager` and optionally simulated kubelets; `stop()` ends everything and removes
/// the files.
final class TreeTestCluster: @unchecked Sendable {
    var server: LocalAPIServer { lock.withLock { currentServer } }
    let client: KubeClient
    let directory: String
    let logger: Logger
    private var currentServer: LocalAPIServer
    private var tasks: [Task<Void, Never>] = []
    private var serverStopped = false
    private let lock = NSLock()
    /// What `restartServer()` starts again: the controllers and kubelets.
    private var components: (kubelets: Int, options: SimulatedKubelet.Options, schedules: Bool) = (0, .init(), true)

    private init(server: LocalAPIServer, client: KubeClient, directory: String, logger: Logger) {
        currentServer = server
        self.client = client
        self.directory = directory
        self.logger = logger
    }

    /// Starts a cluster.
    /// - Parameters:
    ///   - name: the cluster name in its kubeconfig.
    ///   - clusterCIDR: where pod IPs come from.
    ///   - kubelets: simulated nodes `<name>-node-1`, ...
    ///   - kubeletOptions: their shape.
    ///   - schedules: whether the cluster binds pods without a node.
    static func start(name: String, clusterCIDR: String = "10.244.0.0/16", kubelets: Int = 0,
                      kubeletOptions: SimulatedKubelet.Options = .init(heartbeatInterval: .seconds(2)),
                      schedules: Bool = true) async throws -> TreeTestCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-tree-\(name)-\(UUID().uuidString.prefix(8))").path
        let server = try LocalAPIServer(configuration: .init(
            dataDirectory: directory, tls: false, clusterCIDR: clusterCIDR, clusterName: name, threads: 1))
        try await server.start()
        var config = try ClientConfig.fromKubeconfig(path: server.kubeconfigPath)
        config.qps = 0
        let client = try KubeClient(config: config)
        var logger = Logger(label: "kosmos.tree.test.\(name)")
        logger.logLevel = .notice
        let cluster = TreeTestCluster(server: server, client: client, directory: directory, logger: logger)
        cluster.components = (kubelets, kubeletOptions, schedules)
        cluster.startComponents(name: name)
        return cluster
    }

    /// Starts the controller manager and the simulated kubelets.
    private func startComponents(name: String) {
        let (kubelets, kubeletOptions, schedules) = components
        let manager = LocalControllerManager(client: client, options: .init(bindUnscheduledPods: schedules),
                                             logger: logger)
        start { try await manager.run() }
        for i in 0..<kubelets {
            let kubelet = SimulatedKubelet(client: client, nodeName: "\(name)-node-\(i + 1)", options: kubeletOptions,
                                           logger: logger)
            start { try await kubelet.run() }
        }
    }

    /// Starts the API server again on the same data directory and port after `stopServer()`, with its
    /// controllers and kubelets; clients made before keep working.
    func restartServer() async throws {
        let old = server
        guard let port = Int(old.url.split(separator: ":").last ?? "") else {
            throw LocalEnvironmentError("no port in \(old.url)")
        }
        var configuration = old.configuration
        configuration.port = port
        let next = try LocalAPIServer(configuration: configuration)
        try await next.start()
        lock.withLock {
            currentServer = next
            serverStopped = false
        }
        startComponents(name: configuration.clusterName)
    }

    /// Runs work in the background until `stop()`.
    func start(_ work: @escaping @Sendable () async throws -> Void) {
        let task = Task { do { try await work() } catch {} }
        lock.withLock { tasks.append(task) }
    }

    /// The kubeconfig file's bytes.
    var kubeconfig: [UInt8] { Array(FileManager.default.contents(atPath: server.kubeconfigPath) ?? Data()) }

    /// Stops the background work and the server and removes the files.
    func stop() async {
        let all = lock.withLock { () -> [Task<Void, Never>] in
            defer { tasks = [] }
            return tasks
        }
        for t in all { t.cancel() }
        for t in all { await t.value }
        await shutDownServer()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the cluster's kubelets, controllers and API server, keeping nothing reachable (files stay until
    /// `stop()`).
    func stopServer() async {
        let all = lock.withLock { () -> [Task<Void, Never>] in
            defer { tasks = [] }
            return tasks
        }
        for t in all { t.cancel() }
        for t in all { await t.value }
        await shutDownServer()
    }

    /// Shuts the server down once (a second shutdown of its event loops never returns).
    private func shutDownServer() async {
        let first = lock.withLock { () -> Bool in
            defer { serverStopped = true }
            return !serverStopped
        }
        if first { try? await server.shutdown() }
    }
}

