#if canImport(Glibc)
import Glibc
#endif
import CoreMetrics
import Testing
@testable import KosmosAPI

@Suite struct ControllerTests {
    typealias Server = InformerTestServer

    func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
        await InformerTestSupport.eventually(timeout: timeout, condition)
    }

    /// Records reconciles; fails or requeues keys as told.
    final class Recorder: Reconciler {
        struct State: Sendable {
            var calls: [ObjectKey] = []
            var inFlight: Set<ObjectKey> = []
            var overlaps = 0
            var failuresLeft: [ObjectKey: Int] = [:]
            var requeueAfterOnce: Set<ObjectKey> = []
        }
        let state = StateLock(State())
        let delay: Duration

        init(delay: Duration = .zero) { self.delay = delay }

        func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
            state.withLock { s in
                s.calls.append(key)
                if !s.inFlight.insert(key).inserted { s.overlaps += 1 }
            }
            if delay > .zero { try? await Task.sleep(for: delay) }
            return try state.withLock { s in
                s.inFlight.remove(key)
                if let n = s.failuresLeft[key], n > 0 {
                    s.failuresLeft[key] = n - 1
                    throw ReconcileFailure(key: key)
                }
                if s.requeueAfterOnce.remove(key) != nil { return .requeueAfter(.milliseconds(50)) }
                return .done
            }
        }

        func calls(_ key: ObjectKey) -> Int { state.withLock { $0.calls.filter { $0 == key }.count } }
    }

    struct ReconcileFailure: Error { var key: ObjectKey }

    func withController(
        _ server: Server, _ reconciler: Recorder, workers: Int = 2, metrics: PrometheusMetrics = PrometheusMetrics(),
        _ body: (Controller, SharedInformer<DynamicObject>) async throws -> Void
    ) async throws {
        let informer = SharedInformer(listerWatcher: server, backoff: InformerTestSupport.fastBackoff)
        let controller = Controller(
            name: "test", reconciler: reconciler, workers: workers,
            rateLimiter: ExponentialBackoffRateLimiter(base: .milliseconds(10), max: .seconds(1)),
            metricsFactory: metrics)
        controller.watch(informer)
        let task = Task {
            await withDiscardingTaskGroup { g in
                g.addTask { await informer.run() }
                g.addTask { await controller.run() }
            }
        }
        defer { task.cancel() }
        try await body(controller, informer)
        task.cancel()
        await task.value
        #expect(!controller.isReady)
    }

    @Test func reconcilesEveryChangedObjectByKey() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        let r = Recorder()
        try await withController(server, r) { controller, _ in
            #expect(await eventually { controller.isReady })
            #expect(await eventually { r.calls(ObjectKey("default/a")) == 1 })
            server.upsert(Server.configMap("b", namespace: "x"))
            server.delete(ObjectKey("default/a"))
            #expect(await eventually { r.calls(ObjectKey("x/b")) == 1 && r.calls(ObjectKey("default/a")) == 2 })
        }
    }

    @Test func aStoppedControllerLeavesNoHandlerOnAnInformerThatKeepsRunning() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        let informer = SharedInformer(listerWatcher: server, backoff: InformerTestSupport.fastBackoff)
        let informerTask = Task { await informer.run() }
        defer { informerTask.cancel() }
        let r = Recorder()
        let controller = Controller(name: "short-lived", reconciler: r, workers: 1)
        controller.watch(informer)
        controller.watch(informer) { _ in [] }
        #expect(informer.handlerCount == 2)
        let controllerTask = Task { await controller.run() }
        #expect(await eventually { r.calls(ObjectKey("default/a")) == 1 })
        controllerTask.cancel()
        await controllerTask.value
        #expect(informer.handlerCount == 0)
        // The informer still serves newcomers.
        server.upsert(Server.configMap("b"))
        #expect(await eventually { informer.store.get(ObjectKey("default/b")) != nil })
    }

    @Test func burstOfUpdatesToOneObjectCollapses() async throws {
        let server = Server()
        server.upsert(Server.configMap("hot"))
        let r = Recorder(delay: .milliseconds(100))
        try await withController(server, r, workers: 4) { controller, _ in
            #expect(await eventually { r.calls(ObjectKey("default/hot")) == 1 })
            for i in 0..<200 { server.upsert(Server.configMap("hot", data: "\(i)")) }
            try await Task.sleep(for: .milliseconds(500))
            // 200 changes collapse into a handful of reconciles (one per 100 ms reconcile at most, as the
            // handler may deliver the burst over some time on a loaded machine).
            #expect(r.calls(ObjectKey("default/hot")) <= 10)
            #expect(r.state.withLock { $0.overlaps } == 0)
        }
    }

    @Test func failedReconcilesRetryWithBackoffAndAreCounted() async throws {
        let server = Server()
        let key = ObjectKey("default/flaky")
        let r = Recorder()
        r.state.withLock { $0.failuresLeft[key] = 3 }
        let metrics = PrometheusMetrics()
        let start = ContinuousClock.now
        try await withController(server, r, metrics: metrics) { controller, _ in
            server.upsert(Server.configMap("flaky"))
            #expect(await eventually { r.calls(key) == 4 })
            // 10 + 20 + 40 ms of backoff at least.
            #expect(ContinuousClock.now - start >= .milliseconds(70))
            #expect(await eventually { controller.queue.numRequeues(key) == 0 }, "success forgets the failures")
            let text = metrics.render()
            #expect(text.contains(#"controller_reconcile_errors_total{controller="test"} 3"#))
            #expect(text.contains(#"controller_reconcile_total{controller="test",result="success"} 1"#))
            #expect(text.contains(#"controller_reconcile_duration_seconds_count{controller="test"} 4"#))
            #expect(text.contains("# TYPE workqueue_depth gauge"))
        }
    }

    @Test func requeueAfterReconcilesAgainLater() async throws {
        let server = Server()
        let key = ObjectKey("default/timer")
        let r = Recorder()
        r.state.withLock { _ = $0.requeueAfterOnce.insert(key) }
        try await withController(server, r) { _, _ in
            server.upsert(Server.configMap("timer"))
            #expect(await eventually { r.calls(key) == 1 })
            let first = ContinuousClock.now
            #expect(await eventually { r.calls(key) == 2 })
            #expect(ContinuousClock.now - first >= .milliseconds(40))
        }
    }

    @Test func ownedObjectsEnqueueTheirController() async throws {
        let server = Server()
        let r = Recorder()
        let informer = SharedInformer(listerWatcher: server)
        let controller = Controller(name: "owners", reconciler: r, metricsFactory: PrometheusMetrics())
        controller.watchOwned(informer, ownerKind: "ReplicaSet")
        let task = Task {
            await withDiscardingTaskGroup { g in
                g.addTask { await informer.run() }
                g.addTask { await controller.run() }
            }
        }
        var owned = Server.configMap("rs-abc-1")
        owned.metadata.ownerReferences = [
            OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs-abc", uid: "u1", controller: true),
        ]
        server.upsert(owned)
        server.upsert(Server.configMap("orphan"))
        #expect(await eventually { r.calls(ObjectKey("default/rs-abc")) == 1 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(r.state.withLock { $0.calls } == [ObjectKey("default/rs-abc")])
        task.cancel()
        await task.value
    }

    @Test func healthServerServesProbesAndMetrics() async throws {
        let metrics = PrometheusMetrics()
        Counter(label: "demo_total", dimensions: [("kind", "a\"b")], factory: metrics).increment(by: 7)
        let ready = StateLock(false)
        let server = try HealthServer(
            host: "127.0.0.1", port: 0, metrics: metrics,
            liveness: ["ping": { true }], readiness: ["informers": { ready.withLock { $0 } }])
        let task = Task { await server.run() }
        defer { task.cancel() }
        #expect(server.port > 0)
        let health = try await HTTPProbe.get(port: server.port, path: "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        let notReady = try await HTTPProbe.get(port: server.port, path: "/readyz")
        #expect(notReady.status == 500)
        #expect(notReady.body.contains("[-]informers failed"))
        ready.withLock { $0 = true }
        let isReady = try await HTTPProbe.get(port: server.port, path: "/readyz?verbose")
        #expect(isReady.status == 200 && isReady.body.contains("[+]informers ok"))
        let scraped = try await HTTPProbe.get(port: server.port, path: "/metrics")
        #expect(scraped.status == 200)
        #expect(scraped.body.contains("# TYPE demo_total counter\n"))
        #expect(scraped.body.contains(#"demo_total{kind="a\"b"} 7"#))
        #expect(try await HTTPProbe.get(port: server.port, path: "/nope").status == 404)
        task.cancel()
        await task.value
        await #expect(throws: (any Error).self) { try await HTTPProbe.get(port: server.port, path: "/healthz") }
    }

    @Test func prometheusRendersHistogramsAndGauges() {
        let m = PrometheusMetrics(buckets: [0.1, 1])
        let t = Timer(label: "op_seconds", dimensions: [], factory: m)
        t.recordMilliseconds(50)
        t.recordMilliseconds(500)
        t.recordSeconds(5)
        Gauge(label: "depth", dimensions: [("q", "x")], factory: m).record(3)
        Gauge(label: "depth", dimensions: [("q", "x")], factory: m).record(4)
        let text = m.render()
        #expect(text.contains("# TYPE op_seconds histogram\n"))
        #expect(text.contains(#"op_seconds_bucket{le="0.1"} 1"#))
        #expect(text.contains(#"op_seconds_bucket{le="1"} 2"#))
        #expect(text.contains(#"op_seconds_bucket{le="+Inf"} 3"#))
        #expect(text.contains("op_seconds_sum 5.55"))
        #expect(text.contains("op_seconds_count 3"))
        #expect(text.contains(#"depth{q="x"} 4"#), "same label and dimensions share one series")
        #expect(PrometheusMetrics.sanitize("a.b-c/1") == "a_b_c_1")
    }
}

/// A minimal HTTP/1.1 GET over a loopback TCP socket, run off the cooperative pool.
enum HTTPProbe {
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func get(port: Int, path: String) async throws -> Response {
        try await Task.detached { try blockingGet(port: port, path: path) }.value
    }

    private static func blockingGet(port: Int, path: String) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw Failure(description: "connect 127.0.0.1:\(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buf[..<n])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/1.1 ") else {
            throw Failure(description: "bad response: \(text)")
        }
        let status = Int(text.dropFirst(9).prefix(3)) ?? 0
        return Response(status: status, body: String(text[split.upperBound...]))
    }
}
