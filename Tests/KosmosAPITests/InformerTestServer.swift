import Foundation
@testable import KosmosAPI

/// An in-memory stand-in for one collection of an API server, faithful to the parts a reflector depends on: a
/// global resourceVersion bumped on every write, an event log that watches replay from a resourceVersion, log
/// compaction (watching from before it fails with 410), bookmarks, and watches that the server closes.
///
/// It is the server side of the protocol, not a mock of the informer; informer tests against the real local
/// API server live in `InformerLocalServerTests`.
typealias InformerTestServer = EventLogServer<DynamicObject>

final class EventLogServer<Object: JSONBacked>: ListerWatcher {
    private struct Watcher {
        let continuation: AsyncThrowingStream<ReflectorEvent<Object>, any Error>.Continuation
    }

    private struct State {
        var revision = 100
        var objects: [ObjectKey: Object] = [:]
        var log: [(rv: Int, event: ReflectorEvent<Object>)] = []
        /// Watches from a version below this fail with 410.
        var oldestAvailable = 100
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        var lists = 0
        var watchesFrom: [String] = []
        var failLists = 0
        var failWatches = 0
    }

    private let state = StateLock(State())

    private func locked<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { s throws -> T in try body(&s) }
    }

    // MARK: - Writes (each bumps the revision and is logged and broadcast)

    static func configMap(_ name: String, namespace: String = "default", data: String = "") -> DynamicObject {
        DynamicObject(json: [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": ["v": .string(data)],
        ])
    }

    /// Creates or updates an object (like a PUT without preconditions).
    @discardableResult
    func upsert(_ object: DynamicObject) -> Object {
        locked { s in
            s.revision += 1
            var o = Object(json: object.json)
            o.json["metadata"]?["resourceVersion"] = .string(String(s.revision))
            let key = ObjectKey(of: o)
            let existed = s.objects.updateValue(o, forKey: key) != nil
            emit(existed ? .modified(o) : .added(o), &s)
            return o
        }
    }

    /// Deletes an object; `false` when it does not exist.
    @discardableResult
    func delete(_ key: ObjectKey) -> Bool {
        locked { s in
            guard var o = s.objects.removeValue(forKey: key) else { return false }
            s.revision += 1
            o.json["metadata"]?["resourceVersion"] = .string(String(s.revision))
            emit(.deleted(o), &s)
            return true
        }
    }

    private func emit(_ event: ReflectorEvent<Object>, _ s: inout State) {
        s.log.append((s.revision, event))
        for w in s.watchers.values { w.continuation.yield(event) }
    }

    // MARK: - Server-side events

    /// Drops the log up to the current revision: watches from an older version now fail with 410.
    func compact() {
        locked { s in
            s.log.removeAll()
            s.oldestAvailable = s.revision
        }
    }

    /// Sends a bookmark at the current revision to every open watch.
    func bookmark() {
        locked { s in
            for w in s.watchers.values { w.continuation.yield(.bookmark(resourceVersion: String(s.revision))) }
        }
    }

    /// Ends every open watch normally, as a server does when a watch times out.
    func closeWatches() {
        let ws = locked { s in
            defer { s.watchers = [:] }
            return Array(s.watchers.values)
        }
        for w in ws { w.continuation.finish() }
    }

    /// Ends every open watch with an in-stream 410 (the server's watch cache dropped the client's version).
    func expireWatches() {
        let ws = locked { s in
            defer { s.watchers = [:] }
            return Array(s.watchers.values)
        }
        for w in ws {
            w.continuation.finish(throwing: ResourceExpiredError(resourceVersion: "?", operation: "watch configmaps"))
        }
    }

    /// Makes the next `n` lists fail with a transient error.
    func failNextLists(_ n: Int) { locked { $0.failLists = n } }
    /// Makes the next `n` watch requests fail with a transient error.
    func failNextWatches(_ n: Int) { locked { $0.failWatches = n } }

    var listCount: Int { locked { $0.lists } }
    var watchRequests: [String] { locked { $0.watchesFrom } }
    var openWatches: Int { locked { $0.watchers.count } }
    var revision: Int { locked { $0.revision } }
    var objects: [ObjectKey: Object] { locked { $0.objects } }

    // MARK: - ListerWatcher

    struct TransientError: Error, CustomStringConvertible {
        var description: String { "test server: injected transient failure" }
    }

    func list() async throws -> ListSnapshot<Object> {
        try locked { s in
            s.lists += 1
            if s.failLists > 0 {
                s.failLists -= 1
                throw TransientError()
            }
            return ListSnapshot(items: Array(s.objects.values), resourceVersion: String(s.revision))
        }
    }

    func watch(resourceVersion: String, timeout: Duration) async throws
        -> AsyncThrowingStream<ReflectorEvent<Object>, any Error>
    {
        try locked { s in
            s.watchesFrom.append(resourceVersion)
            if s.failWatches > 0 {
                s.failWatches -= 1
                throw TransientError()
            }
            guard let from = Int(resourceVersion), from >= s.oldestAvailable else {
                throw ResourceExpiredError(resourceVersion: resourceVersion, operation: "watch configmaps")
            }
            let (stream, continuation) = AsyncThrowingStream.makeStream(
                of: ReflectorEvent<Object>.self, throwing: (any Error).self)
            for entry in s.log where entry.rv > from { continuation.yield(entry.event) }
            s.nextWatcher += 1
            let id = s.nextWatcher
            s.watchers[id] = Watcher(continuation: continuation)
            continuation.onTermination = { [weak self] _ in
                self?.locked { _ = $0.watchers.removeValue(forKey: id) }
            }
            return stream
        }
    }
}

/// Test helpers shared by the informer, controller and leader-election suites.
enum InformerTestSupport {
    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(
        timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// A fast backoff for tests that exercise failures.
    static var fastBackoff: Backoff {
        Backoff(initial: .milliseconds(20), max: .milliseconds(100), factor: 2, jitter: 0.5)
    }
}

/// Collects events thread-safely.
final class EventRecorder<Object: JSONBacked>: Sendable {
    private let state = StateLock<[InformerEvent<Object>]>([])

    func record(_ e: InformerEvent<Object>) { state.withLock { $0.append(e) } }

    var events: [InformerEvent<Object>] { state.withLock { $0 } }

    /// Rendered as `A name`, `U name`, `D name` for compact assertions.
    var summary: [String] {
        events.map { e in
            switch e {
            case .added(let o): "A \(ObjectKey(of: o).name)"
            case .updated(_, let n): "U \(ObjectKey(of: n).name)"
            case .deleted(let o): "D \(ObjectKey(of: o).name)"
            }
        }
    }
}
