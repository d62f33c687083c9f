import Logging

/// Rewrites an object before an informer caches it and hands it to event handlers (client-go's
/// `TransformFunc`), for example to drop `metadata.managedFields`, which can be a third of a pod's JSON and which
/// few controllers read.
///
/// The informer calls it once for every listed object and every watch event (deletions included), on its
/// reflector task, before the object is stored; handlers and cache reads only ever see its result. It must be
/// quick, must not block, and must keep the object's namespace and name (the cache key).
public typealias ObjectTransform<Object> = @Sendable (Object) -> Object

/// A cache of one collection kept current by a reflector, shared by many event handlers (client-go's
/// `SharedIndexInformer`).
///
/// Read the cache through `store` (synchronous, thread-safe). Register handlers with `addEventHandler(_:)`; each
/// handler gets the events in order on its own task, so a slow handler delays no other. A handler registered
/// late first receives an `added` event for every cached object.
///
/// `run()` does the work and returns when its task is cancelled; an informer runs once.
public final class SharedInformer<Object: JSONBacked>: Sendable {
    /// The cache.
    public let store: ObjectStore<Object>

    /// Runs the reflector (generic over the concrete lister/watcher) into a sink.
    private let runReflector: @Sendable (Sink) async -> Void
    private let resyncPeriod: Duration?
    private let transform: ObjectTransform<Object>?
    private let logger: Logger

    private enum Notification: Sendable {
        case event(InformerEvent<Object>)
        /// Events of one batch of watch events, in order (one hand-off for many events).
        case events([InformerEvent<Object>])
        case synced
    }

    private final class Listener: Sendable {
        let id: UInt64
        let handler: @Sendable (InformerEvent<Object>) async -> Void
        let stream: AsyncStream<Notification>
        let continuation: AsyncStream<Notification>.Continuation
        let synced = StateLock(false)

        init(id: UInt64, handler: @escaping @Sendable (InformerEvent<Object>) async -> Void) {
            self.id = id
            self.handler = handler
            (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        }
    }

    private enum Phase { case idle, running, stopped }

    private struct State {
        var listeners: [UInt64: Listener] = [:]
        var nextID: UInt64 = 0
        var synced = false
        var phase = Phase.idle
        var lastResourceVersion: String?
        /// Hands listeners registered while running to the task group of `run()`.
        var spawn: AsyncStream<Listener>.Continuation?

        func notify(_ event: InformerEvent<Object>) {
            for l in listeners.values { l.continuation.yield(.event(event)) }
        }

        func notify(_ events: [InformerEvent<Object>]) {
            guard !events.isEmpty else { return }
            for l in listeners.values { l.continuation.yield(events.count == 1 ? .event(events[0]) : .events(events)) }
        }
    }

    /// Guards listeners and phase; store mutations that must be ordered with notifications happen under it too
    /// (lock order: this lock, then the store's).
    private let state = StateLock(State())

    /// Creates an informer.
    /// - Parameters:
    ///   - listerWatcher: the collection to mirror.
    ///   - resyncPeriod: when set, every cached object is re-sent to handlers as an `updated` event this often,
    ///     so controllers periodically revisit every object.
    ///   - indexers: extra cache indices besides the namespace index.
    ///   - backoff: the delay policy after list/watch failures.
    ///   - transform: applied to every listed and watched object before it is cached and handed to handlers
    ///     (see `ObjectTransform`); objects are kept as received when `nil`.
    ///   - logger: where list/watch failures are logged (at `info` and below).
    public init(
        listerWatcher: some ListerWatcher<Object>,
        resyncPeriod: Duration? = nil,
        indexers: [String: IndexFunction<Object>] = [:],
        backoff: Backoff = .reflectorDefault,
        transform: ObjectTransform<Object>? = nil,
        logger: Logger = Logger(label: "kosmos.informer")
    ) {
        store = ObjectStore(indexers: indexers)
        self.resyncPeriod = resyncPeriod
        self.transform = transform
        self.logger = logger
        let reflector = Reflector(
            listerWatcher: listerWatcher, backoff: backoff, watchTimeout: .seconds(300) ... .seconds(600),
            description: "\(Object.self)", logger: logger)
        runReflector = { sink in await reflector.run(into: sink) }
    }

    // MARK: - Handlers

    /// Registers a handler for cache changes.
    /// - Parameter handler: called with each event, in order, on a task of its own.
    /// - Returns: a registration that tells when the handler has seen the initial list and removes it.
    @discardableResult
    public func addEventHandler(
        _ handler: @escaping @Sendable (InformerEvent<Object>) async -> Void
    ) -> EventHandlerRegistration {
        let listener: Listener = state.withLock { s in
            s.nextID += 1
            let l = Listener(id: s.nextID, handler: handler)
            guard s.phase != .stopped else {
                l.continuation.finish()
                return l
            }
            // Replaying under the lock means no event can slip between the snapshot and the registration.
            for o in store.list() { l.continuation.yield(.event(.added(o))) }
            if s.synced { l.continuation.yield(.synced) }
            s.listeners[l.id] = l
            s.spawn?.yield(l)
            return l
        }
        return EventHandlerRegistration(
            hasSynced: { listener.synced.withLock { $0 } },
            remove: { [weak self] in
                _ = self?.state.withLock { $0.listeners.removeValue(forKey: listener.id) }
                listener.continuation.finish()
            })
    }

    /// Registers handlers for each kind of change.
    /// - Parameters:
    ///   - onAdd: called for objects entering the cache.
    ///   - onUpdate: called with (old, new) for changed objects.
    ///   - onDelete: called with the last known state of removed objects.
    /// - Returns: the registration.
    @discardableResult
    public func addEventHandler(
        onAdd: (@Sendable (Object) async -> Void)? = nil,
        onUpdate: (@Sendable (Object, Object) async -> Void)? = nil,
        onDelete: (@Sendable (Object) async -> Void)? = nil
    ) -> EventHandlerRegistration {
        addEventHandler { event in
            switch event {
            case .added(let o): await onAdd?(o)
            case .updated(let old, let new): await onUpdate?(old, new)
            case .deleted(let o): await onDelete?(o)
            }
        }
    }

    /// How many event handlers are registered now (a diagnostic: handlers of stopped controllers are gone).
    public var handlerCount: Int { state.withLock { $0.listeners.count } }

    // MARK: - Sync state

    /// Whether the first list has reached the cache.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The resourceVersion of the last list, event or bookmark applied.
    public var lastSyncResourceVersion: String? { state.withLock { $0.lastResourceVersion } }

    /// Waits until the first list has reached the cache.
    /// - Returns: `true` once synced; `false` when the task was cancelled first.
    public func waitForCacheSync() async -> Bool {
        await pollUntil { self.hasSynced }
    }

    // MARK: - Running

    /// Lists and watches, feeding the cache and the handlers, until the calling task is cancelled.
    /// An informer runs once: a second call returns at once.
    public func run() async {
        let (spawnStream, spawn) = AsyncStream.makeStream(of: Listener.self)
        let existing: [Listener]? = state.withLock { s in
            guard s.phase == .idle else { return nil }
            s.phase = .running
            s.spawn = spawn
            return Array(s.listeners.values)
        }
        guard let existing else {
            logger.debug("informer for \(Object.self) already ran")
            return
        }
        await withDiscardingTaskGroup { group in
            for l in existing { group.addTask { await Self.deliver(l) } }
            group.addTask { await self.runReflector(Sink(informer: self)) }
            if let period = resyncPeriod {
                group.addTask { await self.resyncLoop(every: period) }
            }
            // AsyncStream iteration ends when this task is cancelled, which ends `run()`.
            for await l in spawnStream { group.addTask { await Self.deliver(l) } }
        }
        let listeners = state.withLock { s -> [Listener] in
            s.phase = .stopped
            s.spawn = nil
            defer { s.listeners = [:] }
            return Array(s.listeners.values)
        }
        for l in listeners { l.continuation.finish() }
    }

    private static func deliver(_ l: Listener) async {
        for await n in l.stream {
            switch n {
            case .event(let e): await l.handler(e)
            case .events(let batch): for e in batch { await l.handler(e) }
            case .synced: l.synced.withLock { $0 = true }
            }
        }
    }

    private func resyncLoop(every period: Duration) async {
        while true {
            do { try await Task.sleep(for: period) } catch { return }
            state.withLock { s in
                guard s.synced else { return }
                for o in store.list() { s.notify(.updated(old: o, new: o)) }
            }
        }
    }

    // MARK: - Applying reflector output

    private struct Sink: ReflectorSink {
        let informer: SharedInformer<Object>

        func replace(_ items: [Object], resourceVersion: String) {
            // Transformed outside the lock: readers and handlers do not wait for it.
            let items = informer.transform.map { items.map($0) } ?? items
            informer.state.withLock { s in
                let r = informer.store.replace(with: items)
                for o in r.deleted { s.notify(.deleted(o)) }
                for o in r.added { s.notify(.added(o)) }
                for u in r.updated { s.notify(.updated(old: u.old, new: u.new)) }
                s.lastResourceVersion = resourceVersion
                if !s.synced {
                    s.synced = true
                    for l in s.listeners.values { l.continuation.yield(.synced) }
                }
            }
        }

        func apply(_ changes: [ReflectorChange<Object>]) {
            // Transformed outside the lock: readers and handlers do not wait for it.
            let changes = informer.transform == nil ? changes : changes.map(transformed)
            informer.state.withLock { s in
                var events: [InformerEvent<Object>] = []
                events.reserveCapacity(changes.count)
                for change in changes {
                    switch change.event {
                    case .added(let o), .modified(let o):
                        let (old, cached) = informer.store.store(o, text: change.json)
                        // With no handler registered the replaced object is not needed: skip decoding it.
                        if let old, !s.listeners.isEmpty {
                            events.append(.updated(old: cached ?? Object(json: old.json.decode()), new: o))
                        } else if old == nil {
                            events.append(.added(o))
                        }
                    case .deleted(let o):
                        _ = informer.store.discard(ObjectKey(of: o))
                        events.append(.deleted(o))
                    case .bookmark:
                        break
                    }
                    if let resourceVersion = change.resourceVersion { s.lastResourceVersion = resourceVersion }
                }
                if !s.listeners.isEmpty { s.notify(events) }
            }
        }

        /// The change with the informer's transform applied, and the JSON text still valid for its object.
        private func transformed(_ change: ReflectorChange<Object>) -> ReflectorChange<Object> {
            guard let transform = informer.transform else { return change }
            // The received text is no longer the object: the store encodes the transformed one.
            var c = change
            c.json = nil
            switch change.event {
            case .added(let o): c.event = .added(transform(o))
            case .modified(let o): c.event = .modified(transform(o))
            case .deleted(let o): c.event = .deleted(transform(o))
            case .bookmark: break
            }
            return c
        }

        func bookmark(resourceVersion: String) {
            informer.state.withLock { $0.lastResourceVersion = resourceVersion }
        }
    }
}

/// A handler's registration with an informer.
public struct EventHandlerRegistration: Sendable {
    private let synced: @Sendable () -> Bool
    private let removeHandler: @Sendable () -> Void

    init(hasSynced: @escaping @Sendable () -> Bool, remove: @escaping @Sendable () -> Void) {
        synced = hasSynced
        removeHandler = remove
    }

    /// Whether the handler has received every event of the informer's first list.
    public var hasSynced: Bool { synced() }

    /// Waits until the handler has received the first list.
    /// - Returns: `true` once synced; `false` when the task was cancelled first.
    public func waitForSync() async -> Bool { await pollUntil(synced) }

    /// Stops delivering events to the handler.
    public func remove() { removeHandler() }
}

/// Polls `condition` every 10 ms (client-go polls every 100 ms); `false` when cancelled first.
func pollUntil(_ condition: @Sendable () -> Bool) async -> Bool {
    while !condition() {
        do { try await Task.sleep(for: .milliseconds(10)) } catch { return false }
    }
    return true
}
