import Foundation
import KosmosAPI
@testable import KosmosLocal
import KosmosNet
import KosmosTestSupport
import Logging
import Testing

/// A throw-away local cluster for controller and kubelet tests: a `LocalAPIServer` over plain HTTP on a free
/// loopback port in its own temp directory, a client, and optionally controllers and simulated kubelets — all
/// stopped and removed when the test body returns or throws.
final class ControllerTestCluster: @unchecked Sendable {
    let server: LocalAPIServer
    let client: KubeClient
    let directory: String
    let logger: Logger
    private var tasks: [String: Task<Void, Never>] = [:]
    private let lock = NSLock()

    private init(server: LocalAPIServer, client: KubeClient, directory: String, logger: Logger) {
        self.server = server
        self.client = client
        self.directory = directory
        self.logger = logger
    }

    /// Runs `body` against a fresh cluster, then tears everything down.
    /// - Parameters:
    ///   - nodes: simulated kubelets to start, named `node-1`, `node-2`, ...
    ///   - controllers: start a `LocalControllerManager`.
    ///   - managerOptions: its options.
    ///   - kubeletOptions: options of every kubelet.
    ///   - tls: serve HTTPS with the server's generated CA (kubectl sends its token only over HTTPS).
    static func run(
        nodes: Int = 0, controllers: Bool = true, tls: Bool = false,
        managerOptions: LocalControllerManager.Options = .init(),
        kubeletOptions: SimulatedKubelet.Options = .init(heartbeatInterval: .seconds(2)),
        _ body: (ControllerTestCluster) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-ctl-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: tls, threads: 1))
        try await server.start()
        var config = ClientConfig(server: server.url)
        config.token = server.token
        config.certificateAuthorityFile = server.caPEMPath
        config.qps = 0
        config.http2 = false
        let client = try KubeClient(config: config)
        var logger = Logger(label: "kosmos.test")
        logger.logLevel = .notice
        let cluster = ControllerTestCluster(server: server, client: client, directory: directory, logger: logger)
        if controllers {
            let manager = LocalControllerManager(client: client, options: managerOptions, logger: logger)
            cluster.start("manager") { try await manager.run() }
        }
        for i in 1...max(1, nodes) where nodes > 0 {
            cluster.startKubelet("node-\(i)", options: kubeletOptions)
        }
        do {
            try await body(cluster)
        } catch {
            await cluster.stopAll()
            try? await server.shutdown()
            throw error
        }
        await cluster.stopAll()
        try await server.shutdown()
    }

    /// Starts a background task under `name`.
    func start(_ name: String, _ work: @escaping @Sendable () async throws -> Void) {
        let logger = self.logger
        let task = Task {
            do { try await work() } catch {
                if !(error is CancellationError) { logger.error("\(name) failed: \(error)") }
            }
        }
        lock.withLock { tasks[name] = task }
    }

    /// Starts a simulated kubelet for `node`.
    @discardableResult
    func startKubelet(_ node: String, options: SimulatedKubelet.Options = .init(heartbeatInterval: .seconds(2)),
                      hook: (any PodNetworkHook)? = nil) -> SimulatedKubelet {
        let kubelet = SimulatedKubelet(client: client, nodeName: node, options: options, networkHook: hook,
                                       logger: logger)
        start("kubelet-\(node)") { try await kubelet.run() }
        return kubelet
    }

    /// Stops the background task `name` and waits for it to end.
    func stop(_ name: String) async {
        guard let task = lock.withLock({ tasks.removeValue(forKey: name) }) else { return }
        task.cancel()
        await task.value
    }

    func stopAll() async {
        let all = lock.withLock { () -> [Task<Void, Never>] in
            defer { tasks = [:] }
            return Array(tasks.values)
        }
        for t in all { t.cancel() }
        for t in all { await t.value }
    }

    // MARK: - Reading

    func pods(_ namespace: String, selector: String? = nil) async throws -> [DynamicObject] {
        try await client.dynamic(ClusterResources.pods).list(namespace: namespace,
                                                            options: ListOptions(labelSelector: selector)).items
    }

    func get(_ resource: GroupVersionResource, _ namespace: String?, _ name: String) async throws -> DynamicObject? {
        do { return try await client.dynamic(resource).get(namespace: namespace, name: name) } catch let e as KubeError
            where e.isNotFound { return nil }
    }

    func create(_ resource: GroupVersionResource, _ json: JSONValue) async throws -> DynamicObject {
        try await client.dynamic(resource).create(DynamicObject(json: json))
    }

    /// Polls `condition` until it holds or `timeout` passes; errors count as "not yet" (20 s by default).
    func eventually(_ what: String, timeout: Duration = .seconds(20),
                    _ condition: () async throws -> Bool) async -> Bool {
        await KosmosTestSupport.eventually(what, timeout: timeout, condition)
    }

    // MARK: - Objects

    static func deployment(_ name: String, namespace: String = "default", replicas: Int, image: String = "nginx",
                           maxSurge: JSONValue = "25%", maxUnavailable: JSONValue = "25%") -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "replicas": .int(Int64(replicas)),
                "selector": ["matchLabels": ["app": .string(name)]],
                "strategy": ["type": "RollingUpdate",
                             "rollingUpdate": ["maxSurge": maxSurge, "maxUnavailable": maxUnavailable]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [["name": "main", "image": .string(image),
                                             "ports": [["name": "http", "containerPort": 80]]]]],
                ],
            ],
        ]
    }

    static func pod(_ name: String, namespace: String = "default", node: String? = nil,
                    labels: [String: String] = [:], image: String = "nginx") -> JSONValue {
        var spec: JSONObject = ["containers": [["name": "main", "image": .string(image)]]]
        if let node { spec.append("nodeName", .string(node)) }
        var l = JSONObject()
        for (k, v) in labels.sorted(by: { $0.key < $1.key }) { l.append(k, .string(v)) }
        return ["apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(l)],
                "spec": .object(spec)]
    }

    static func namespace(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }
}

extension DynamicObject {
    /// Whether a test pod is Running and Ready.
    var isRunningAndReady: Bool { podPhase == "Running" && isReadyPod && !isTerminating }
}
