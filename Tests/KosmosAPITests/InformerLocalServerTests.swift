import Foundation
import Testing
@testable import KosmosAPI
import KosmosLocal

/// Informers, controllers and leader election against the real local API server over loopback HTTP.
@Suite struct InformerLocalServerTests {
    /// A throw-away API server in its own directory; restartable on the same port and data.
    final class Cluster: Sendable {
        let directory: String
        let port: StateLock<Int>
        let historyLimit: Int
        let server: StateLock<LocalAPIServer?>

        init(historyLimit: Int = 10_000) async throws {
            directory = NSTemporaryDirectory() + "kosmos-informer-test-" + UUID().uuidString
            self.historyLimit = historyLimit
            port = StateLock(0)
            server = StateLock(nil)
            try await start()
        }

        func start() async throws {
            let s = try LocalAPIServer(configuration: .init(
                dataDirectory: directory, port: port.withLock { $0 }, tls: false, eventHistoryLimit: historyLimit,
                threads: 1))
            try await s.start()
            if let p = URLComponents(string: s.url)?.port { port.withLock { $0 = p } }
            server.withLock { $0 = s }
        }

        func stop() async {
            let s = server.withLock { s in defer { s = nil }; return s }
            try? await s?.shutdown()
        }

        func restart() async throws {
            await stop()
            // The port was just released; retry briefly in case the kernel still holds it.
            for attempt in 0..<50 {
                do { return try await start() } catch where attempt < 49 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }

        func client() throws -> KubeClient {
            try KubeClient.fromKubeconfig(path: "\(directory)/kubeconfig")
        }

        func remove() async {
            await stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Counts lists and watches of another lister/watcher (a decorator over the real client, not a mock), and can
    /// hold the first list's answer back, like a client that is slow to process a large list.
    struct Counting<Base: ListerWatcher>: ListerWatcher {
        typealias Object = Base.Object
        let base: Base
        let lists = StateLock(0)
        let watches = StateLock(0)
        /// While set, the first list has its answer but does not return it yet.
        let holdFirstList = StateLock(false)
        let firstListFetched = StateLock(false)

        func list() async throws -> ListSnapshot<Base.Object> {
            let n = lists.withLock { n in
                n += 1
                return n
            }
            let snapshot = try await base.list()
            if n == 1 {
                firstListFetched.withLock { $0 = true }
                while holdFirstList.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            }
            return snapshot
        }

        func watch(resourceVersion: String, timeout: Duration) async throws -> Base.WatchEvents {
            watches.withLock { $0 += 1 }
            return try await base.watch(resourceVersion: resourceVersion, timeout: timeout)
        }

        func isResourceExpired(_ error: any Error) -> Bool { base.isResourceExpired(error) }
    }

    /// key -> (resourceVersion, data) of a list, for comparing caches with the server.
    static func fingerprint(_ items: [ConfigMap]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: items.map {
            (ObjectKey(of: $0).description, "\($0.metadata.resourceVersion ?? "") \($0.data)")
        })
    }

    func eventually(timeout: Duration = .seconds(20), _ condition: @Sendable () -> Bool) async -> Bool {
        await InformerTestSupport.eventually(timeout: timeout, condition)
    }

    func configMap(_ name: String, _ ns: String, _ value: String) -> ConfigMap {
        var cm = ConfigMap(name: name, namespace: ns)
        cm.data = ["v": value]
        return cm
    }

    /// Applies a random create, update or delete.
    func randomWrite(_ client: KubeClient, ns: String, step: Int) async {
        let name = "cm-\(Int.random(in: 0..<25))"
        do {
            switch Int.random(in: 0..<10) {
            case 0..<4:
                _ = try await client.create(configMap(name, ns, "\(step)"))
            case 4..<8:
                var cm = try await client.get(ConfigMap.self, namespace: ns, name: name)
                cm.data = ["v": "\(step)"]
                _ = try await client.update(cm)
            default:
                try await client.delete(ConfigMap.self, namespace: ns, name: name)
            }
        } catch {
            // Already exists, not found, conflicts and writes during a restart are part of the randomness.
        }
    }

    @Test func informerCacheEqualsAFreshListAfterRandomWrites() async throws {
        let cluster = try await Cluster()
        let ns = "default"
        do {
            let client = try cluster.client()
            for i in 0..<10 { _ = try await client.create(configMap("cm-\(i)", ns, "seed")) }
            let informer = SharedInformer(client: client, ConfigMap.self, namespace: ns)
            let recorder = EventRecorder<ConfigMap>()
            informer.addEventHandler { recorder.record($0) }
            let run = Task { await informer.run() }
            #expect(await informer.waitForCacheSync())
            #expect(informer.store.count == 10)
            for step in 0..<300 { await randomWrite(client, ns: ns, step: step) }
            let fresh = Self.fingerprint(try await client.list(ConfigMap.self, namespace: ns).items)
            #expect(await eventually { Self.fingerprint(informer.store.list()) == fresh })
            // The handler's view, replayed, equals the cache too.
            var replay: [ObjectKey: ConfigMap] = [:]
            for e in recorder.events {
                switch e {
                case .added(let o), .updated(_, let o): replay[ObjectKey(of: o)] = o
                case .deleted(let o): replay[ObjectKey(of: o)] = nil
                }
            }
            #expect(Self.fingerprint(Array(replay.values)) == fresh)
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }

    @Test func relistsAfterGoneWhenTheServerCompactedPastTheInformer() async throws {
        // A short history: more writes than it holds, made between the informer's list and its watch, make the
        // list's resourceVersion too old to watch from.
        let cluster = try await Cluster(historyLimit: 20)
        let ns = "default"
        do {
            let client = try cluster.client()
            for i in 0..<5 { _ = try await client.create(configMap("keep-\(i)", ns, "seed")) }
            _ = try await client.create(configMap("vanish", ns, "seed"))
            let lw = Counting(base: KubeListerWatcher<ConfigMap>(client: client, namespace: ns))
            lw.holdFirstList.withLock { $0 = true }
            let informer = SharedInformer(listerWatcher: lw, backoff: InformerTestSupport.fastBackoff)
            let recorder = EventRecorder<ConfigMap>()
            informer.addEventHandler { recorder.record($0) }
            let run = Task { await informer.run() }
            #expect(await eventually { lw.firstListFetched.withLock { $0 } })
            try await client.delete(ConfigMap.self, namespace: ns, name: "vanish")
            for i in 0..<40 { _ = try await client.create(configMap("new-\(i)", ns, "x")) }
            lw.holdFirstList.withLock { $0 = false }
            let fresh = Self.fingerprint(try await client.list(ConfigMap.self, namespace: ns).items)
            #expect(await eventually { Self.fingerprint(informer.store.list()) == fresh })
            #expect(lw.lists.withLock { $0 } == 2, "the watch from the stale version got 410 and the informer relisted")
            #expect(await eventually { recorder.summary.contains("D vanish") },
                    "an object gone between the lists is reported deleted")
            #expect(recorder.summary.contains("A vanish"))
            #expect(informer.store.get(namespace: ns, name: "vanish") == nil)
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }

    @Test func watchFromACompactedVersionIsRecognisedAsExpired() async throws {
        let cluster = try await Cluster(historyLimit: 10)
        do {
            let client = try cluster.client()
            let lw = KubeListerWatcher<ConfigMap>(client: client, namespace: "default")
            let before = try await lw.list().resourceVersion
            for i in 0..<30 { _ = try await client.create(configMap("c\(i)", "default", "x")) }
            do {
                for try await _ in try await lw.watch(resourceVersion: before, timeout: .seconds(5)) {}
                Issue.record("watching from a compacted resourceVersion \(before) did not fail")
            } catch {
                #expect(lw.isResourceExpired(error), "\(error)")
            }
        }
        await cluster.remove()
    }

    @Test func cachesMatchAfterRandomWritesAcrossServerRestarts() async throws {
        let cluster = try await Cluster(historyLimit: 50)
        let ns = "default"
        do {
            let client = try cluster.client()
            let informers = (0..<2).map { _ in
                SharedInformer(
                    listerWatcher: KubeListerWatcher<ConfigMap>(client: client, namespace: ns),
                    backoff: Backoff(initial: .milliseconds(50), max: .milliseconds(400), factor: 2, jitter: 0.5))
            }
            let runs = informers.map { i in Task { await i.run() } }
            for i in informers { #expect(await i.waitForCacheSync()) }
            for round in 0..<3 {
                for step in 0..<60 { await randomWrite(client, ns: ns, step: round * 100 + step) }
                try await cluster.restart()
            }
            for step in 0..<30 { await randomWrite(client, ns: ns, step: 1000 + step) }
            let fresh = Self.fingerprint(try await client.list(ConfigMap.self, namespace: ns).items)
            for i in informers {
                #expect(await eventually { Self.fingerprint(i.store.list()) == fresh }, "no lost or phantom object")
            }
            for r in runs { r.cancel() }
            for r in runs { await r.value }
        }
        await cluster.remove()
    }

    @Test func controllerReconcilesObjectsOfTheServer() async throws {
        let cluster = try await Cluster()
        let ns = "default"
        do {
            let client = try cluster.client()
            let informer = SharedInformer(client: client, ConfigMap.self, namespace: ns)
            // Copies data.v into an annotation: idempotent, reads the cache, writes through the client.
            let reconciler = ReconcileFunction { key in
                guard var cm = informer.store.get(key) else { return .done }  // deleted
                let v = cm.data["v"] ?? ""
                if cm.metadata.annotations["seen"] == v { return .done }
                cm.metadata.annotations["seen"] = v
                _ = try await client.update(cm)
                return .done
            }
            let controller = Controller(name: "annotate", reconciler: reconciler, workers: 2,
                                        metricsFactory: PrometheusMetrics())
            controller.watch(informer)
            let run = Task {
                await withDiscardingTaskGroup { g in
                    g.addTask { await informer.run() }
                    g.addTask { await controller.run() }
                }
            }
            for i in 0..<5 { _ = try await client.create(configMap("c\(i)", ns, "v\(i)")) }
            #expect(await eventually {
                (0..<5).allSatisfy { i in
                    informer.store.get(namespace: ns, name: "c\(i)")?.metadata.annotations["seen"] == "v\(i)"
                }
            })
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }

    @Test func leaderElectionOnAServerLease() async throws {
        let cluster = try await Cluster()
        do {
            let client = try cluster.client()
            let leaders = StateLock<[String]>([])
            let electors = ["one", "two"].map { id in
                LeaderElector(
                    store: KubeLeaseStore(client: client, namespace: "kube-system", name: "test-election"),
                    config: LeaderElectionConfig(
                        identity: id, leaseDuration: .seconds(2), renewDeadline: .milliseconds(1500),
                        retryPeriod: .milliseconds(200)),
                    onStartedLeading: {
                        leaders.withLock { $0.append(id) }
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                    })
            }
            let runs = electors.map { e in Task { await e.run() } }
            #expect(await eventually { electors.filter(\.isLeader).count == 1 })
            try await Task.sleep(for: .seconds(1))
            #expect(electors.filter(\.isLeader).count == 1)
            let first = leaders.withLock { $0 }
            #expect(first.count == 1)
            let lease = try await client.get(Lease.self, namespace: "kube-system", name: "test-election")
            #expect(lease.spec.holderIdentity == first.first)
            #expect(lease.spec.leaseDurationSeconds == 2)
            // The leader steps down (releasing the lease); the other takes over.
            let index = electors.firstIndex { $0.isLeader }!
            let stoppedAt = ContinuousClock.now
            runs[index].cancel()
            await runs[index].value
            #expect(await eventually { electors[1 - index].isLeader })
            #expect(ContinuousClock.now - stoppedAt < .seconds(2), "released, so no wait for the lease to expire")
            let after = try await client.get(Lease.self, namespace: "kube-system", name: "test-election")
            #expect(after.spec.holderIdentity == electors[1 - index].config.identity)
            #expect(after.spec.leaseTransitions == 1)
            for r in runs { r.cancel() }
            for r in runs { await r.value }
        }
        await cluster.remove()
    }
}
