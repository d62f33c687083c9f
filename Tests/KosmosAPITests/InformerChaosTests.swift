import Foundation
import Testing
@testable import KosmosAPI

/// Informers against a real `kosmos-apiserver` process that is killed with SIGKILL and restarted on the same data
/// directory and port while clients write at random: once the dust settles every informer's cache, and the
/// state its handlers were told about, equals a fresh list.
@Suite(.serialized) struct InformerChaosTests {
    /// A `kosmos-apiserver` child process over plain HTTP, restartable on the same data directory and port.
    final class ServerProcess: Sendable {
        let binary: String
        let directory: String
        let port: Int
        private let process = StateLock<Process?>(nil)

        init(binary: String) {
            self.binary = binary
            directory = NSTemporaryDirectory() + "kosmos-informer-chaos-" + UUID().uuidString
            port = Int.random(in: 20_000..<40_000)
        }

        var kubeconfig: String { "\(directory)/kubeconfig" }

        func start() throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            // A short event history, so that a watch resuming from before a burst of writes may also get 410.
            p.arguments = ["--data-dir", directory, "--port", String(port), "--insecure-http", "--event-history", "200"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            process.withLock { $0 = p }
        }

        /// Sends SIGKILL and reaps the process.
        func kill9() {
            guard let p = process.withLock({ p in defer { p = nil }; return p }) else { return }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }

        /// Polls the server (with a client that does not retry) until it answers a list.
        func waitUntilReady() async -> Bool {
            for _ in 0..<300 {
                if FileManager.default.fileExists(atPath: kubeconfig),
                   var config = try? ClientConfig.fromKubeconfig(path: kubeconfig) {
                    config.maxRetries = 0
                    config.requestTimeout = .seconds(2)
                    if let c = try? KubeClient(config: config), (try? await c.list(Namespace.self)) != nil {
                        return true
                    }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        func remove() {
            kill9()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The `kosmos-apiserver` built beside the test bundle, if any.
    static func apiserverBinary() -> String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        return [here, Bundle.main.bundlePath, Bundle.main.bundleURL.deletingLastPathComponent().path]
            .map { "\($0)/kosmos-apiserver" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The state a handler was told about: events applied in order.
    final class HandlerView<Object: Resource>: Sendable {
        private let objects = StateLock<[ObjectKey: Object]>([:])

        func apply(_ e: InformerEvent<Object>) {
            objects.withLock { m in
                switch e {
                case .added(let o), .updated(_, let o): m[ObjectKey(of: o)] = o
                case .deleted(let o): m[ObjectKey(of: o)] = nil
                }
            }
        }

        var items: [Object] { objects.withLock { Array($0.values) } }
    }

    /// key -> resourceVersion and content, for comparing a cache with the server.
    static func fingerprint<R: Resource>(_ items: [R]) -> [String: String] {
        var out: [String: String] = [:]
        for o in items {
            var content = o.json
            content["metadata"]?["managedFields"] = nil
            out[ObjectKey(of: o).description] = "\(o.metadata.resourceVersion ?? "-") \(content.serializedString())"
        }
        return out
    }

    /// Describes how a cache differs from the server: missing, phantom and stale keys.
    static func difference(cache: [String: String], server: [String: String]) -> String {
        let missing = server.keys.filter { cache[$0] == nil }.sorted()
        let phantom = cache.keys.filter { server[$0] == nil }.sorted()
        let stale = server.keys.filter { cache[$0] != nil && cache[$0] != server[$0] }.sorted()
        return "missing \(missing), phantom \(phantom), stale \(stale)"
    }

    static let namespaces = ["chaos-a", "chaos-b"]

    /// One random create, update or delete of a ConfigMap or Secret; failures (server down, conflicts, not
    /// found, already exists) are part of the game.
    /// - Returns: whether the server acknowledged the write.
    @discardableResult
    static func randomWrite(_ client: KubeClient, step: Int) async -> Bool {
        let ns = namespaces.randomElement()!
        let name = "o-\(Int.random(in: 0..<30))"
        let labels = ["chaos": step % 2 == 0 ? "even" : "odd"]
        do {
            if Bool.random() {
                switch Int.random(in: 0..<10) {
                case 0..<4:
                    var cm = ConfigMap(name: name, namespace: ns)
                    cm.metadata.labels = labels
                    cm.data = ["step": "\(step)"]
                    _ = try await client.create(cm)
                case 4..<8:
                    var cm = try await client.get(ConfigMap.self, namespace: ns, name: name)
                    cm.metadata.labels = labels
                    cm.data = ["step": "\(step)"]
                    _ = try await client.update(cm)
                default:
                    try await client.delete(ConfigMap.self, namespace: ns, name: name)
                }
            } else {
                switch Int.random(in: 0..<10) {
                case 0..<5:
                    var s = Secret(name: name, namespace: ns)
                    s.stringData = ["step": "\(step)"]
                    _ = try await client.create(s)
                case 5..<8:
                    var s = try await client.get(Secret.self, namespace: ns, name: name)
                    s.metadata.annotations = ["step": "\(step)"]
                    _ = try await client.update(s)
                default:
                    try await client.delete(Secret.self, namespace: ns, name: name)
                }
            }
        } catch {
            return false
        }
        return true
    }

    @Test func informerCachesEqualAFreshListAfterServerKillsDuringRandomWrites() async throws {
        guard let binary = Self.apiserverBinary() else {
            clientSkip("kosmos-apiserver is not built beside the test bundle (run `swift build` first)")
            return
        }
        let server = ServerProcess(binary: binary)
        defer { server.remove() }
        try server.start()
        #expect(await server.waitUntilReady(), "kosmos-apiserver came up on port \(server.port)")
        var config = try ClientConfig.fromKubeconfig(path: server.kubeconfig)
        config.requestTimeout = .seconds(5)
        config.qps = 1_000
        config.burst = 1_000
        let client = try KubeClient(config: config)
        for ns in Self.namespaces { _ = try await client.create(Namespace(name: ns)) }

        let backoff = Backoff(initial: .milliseconds(50), max: .milliseconds(400), factor: 2, jitter: 0.5)
        let allLists = InformerLocalServerTests.Counting(base: KubeListerWatcher<ConfigMap>(client: client))
        let allConfigMaps = SharedInformer(listerWatcher: allLists, backoff: backoff)
        let evenConfigMaps = SharedInformer(
            listerWatcher: KubeListerWatcher<ConfigMap>(client: client, labelSelector: "chaos=even"), backoff: backoff)
        let secretsA = SharedInformer(listerWatcher: KubeListerWatcher<Secret>(client: client, namespace: "chaos-a"),
                                      backoff: backoff)
        let views = (HandlerView<ConfigMap>(), HandlerView<ConfigMap>(), HandlerView<Secret>())
        allConfigMaps.addEventHandler { views.0.apply($0) }
        evenConfigMaps.addEventHandler { views.1.apply($0) }
        secretsA.addEventHandler { views.2.apply($0) }
        let runs = [
            Task { await allConfigMaps.run() }, Task { await evenConfigMaps.run() }, Task { await secretsA.run() },
        ]
        defer { for r in runs { r.cancel() } }
        #expect(await allConfigMaps.waitForCacheSync())
        #expect(await evenConfigMaps.waitForCacheSync())
        #expect(await secretsA.waitForCacheSync())

        // Four writers run throughout; the server dies under them five times.
        let stop = StateLock(false)
        let acknowledged = StateLock(0)
        let writers = (0..<4).map { w in
            Task.detached {
                var step = w
                while !stop.withLock({ $0 }) {
                    if await Self.randomWrite(client, step: step) { acknowledged.withLock { $0 += 1 } }
                    step += 4
                }
            }
        }
        for round in 0..<5 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 400...1_200)))
            server.kill9()
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600)))
            try server.start()
            #expect(await server.waitUntilReady(), "kosmos-apiserver restarted (round \(round))")
        }
        try await Task.sleep(for: .milliseconds(500))
        stop.withLock { $0 = true }
        for w in writers { await w.value }
        #expect(acknowledged.withLock { $0 } >= 100, "writes landed between the kills")
        // Watches resumed across a restart ask for versions the new process has no history of: 410, then a relist.
        #expect(allLists.lists.withLock { $0 } >= 2, "the informer listed again after a restart")

        // Settled: each cache and each handler's view equals a fresh list.
        let cms = Self.fingerprint(try await client.listAll(ConfigMap.self).items)
        let even = Self.fingerprint(try await client.listAll(ConfigMap.self, options: .init(labelSelector: "chaos=even"))
            .items)
        let secrets = Self.fingerprint(try await client.listAll(Secret.self, namespace: "chaos-a").items)
        #expect(!cms.isEmpty && !secrets.isEmpty, "the writers left objects behind")
        let checks: [(String, @Sendable () -> [String: String], @Sendable () -> [String: String], [String: String])] = [
            ("configmaps", { Self.fingerprint(allConfigMaps.store.list()) }, { Self.fingerprint(views.0.items) }, cms),
            ("configmaps chaos=even", { Self.fingerprint(evenConfigMaps.store.list()) },
             { Self.fingerprint(views.1.items) }, even),
            ("secrets in chaos-a", { Self.fingerprint(secretsA.store.list()) }, { Self.fingerprint(views.2.items) },
             secrets),
        ]
        for (name, cache, handler, server) in checks {
            let settled = await InformerTestSupport.eventually(timeout: .seconds(30)) {
                cache() == server && handler() == server
            }
            #expect(settled, "\(name) cache: \(Self.difference(cache: cache(), server: server)); handler view: \(Self.difference(cache: handler(), server: server))")
        }
    }
}
