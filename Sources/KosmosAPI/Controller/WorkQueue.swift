import CoreMetrics

/// A work queue with client-go's semantics (`workqueue.TypedRateLimitingInterface`).
///
/// - A key waits in the queue at most once: adding a key that is already waiting does nothing, so bursts of
///   events for one object collapse into one reconcile.
/// - A key handed out by `get()` is *processing* until `done(_:)`; adding it meanwhile marks it dirty, and it is
///   queued again only after `done`, so one key is never handled by two workers at once.
/// - `addRateLimited(_:)` re-adds after the rate limiter's delay (per-key exponential backoff plus an overall
///   token bucket by default); `forget(_:)` clears a key's failure history; `addAfter(_:delay:)` adds later.
/// - `shutDown()` stops accepting keys; workers still receive what is queued, then `get()` returns `nil`.
///   `shutDownWithDrain()` also waits until every key handed out is `done`.
///
/// Typical worker loop:
/// ```swift
/// while let key = await queue.get() {
///     defer { queue.done(key) }
///     do { try await handle(key); queue.forget(key) } catch { queue.addRateLimited(key) }
/// }
/// ```
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Key?, Never>
    }

    private struct Delayed {
        let deadline: ContinuousClock.Instant
        let token: UInt64
        let task: Task<Void, Never>
    }

    private struct State {
        var queue: [Key] = []
        var head = 0
        var dirty: Set<Key> = []
        var processing: Set<Key> = []
        var waiters: [Waiter] = []
        var delayed: [Key: Delayed] = [:]
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var shuttingDown = false
        var nextID: UInt64 = 0

        var queuedCount: Int { queue.count - head }

        mutating func popFirst() -> Key? {
            guard head < queue.count else { return nil }
            let key = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return key
        }
    }

    private let state = StateLock(State())
    private let rateLimiter: any RateLimiter<Key>
    private let metrics: Metrics?

    private struct Metrics: Sendable {
        let depth: Gauge
        let adds: Counter
        let retries: Counter
    }

    /// Creates a queue.
    /// - Parameters:
    ///   - name: when set, the queue reports `workqueue_depth`, `workqueue_adds_total` and
    ///     `workqueue_retries_total` with the dimension `name`.
    ///   - rateLimiter: the delay policy of `addRateLimited(_:)`; client-go's controller default when omitted.
    ///   - metricsFactory: where metrics go; the process-wide `MetricsSystem.factory` when omitted.
    public init(
        name: String? = nil,
        rateLimiter: any RateLimiter<Key> = MaxOfRateLimiter<Key>.controllerDefault(),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.rateLimiter = rateLimiter
        if let name {
            let factory = metricsFactory ?? MetricsSystem.factory
            let dims = [("name", name)]
            metrics = Metrics(
                depth: Gauge(label: "workqueue_depth", dimensions: dims, factory: factory),
                adds: Counter(label: "workqueue_adds_total", dimensions: dims, factory: factory),
                retries: Counter(label: "workqueue_retries_total", dimensions: dims, factory: factory))
        } else {
            metrics = nil
        }
    }

    // MARK: - Adding

    /// Queues `key` unless it is already waiting; a key being processed is queued again when it is `done`.
    /// Ignored after shutdown.
    public func add(_ key: Key) {
        let (waiter, depth) = state.withLock { s -> (Waiter?, Int?) in
            guard !s.shuttingDown, !s.dirty.contains(key) else { return (nil, nil) }
            s.dirty.insert(key)
            if s.processing.contains(key) { return (nil, nil) }
            return Self.enqueue(key, &s)
        }
        metrics?.adds.increment()
        if let depth { metrics?.depth.record(depth) }
        waiter?.continuation.resume(returning: key)
    }

    /// Either hands `key` (already dirty, not processing) to a waiting worker or appends it to the queue.
    private static func enqueue(_ key: Key, _ s: inout State) -> (Waiter?, Int?) {
        if !s.waiters.isEmpty {
            let w = s.waiters.removeFirst()
            s.dirty.remove(key)
            s.processing.insert(key)
            return (w, s.queuedCount)
        }
        s.queue.append(key)
        return (nil, s.queuedCount)
    }

    /// Adds `key` once `delay` has passed. When the key is already scheduled, the earlier time wins.
    /// Ignored after shutdown.
    public func addAfter(_ key: Key, delay: Duration) {
        guard delay > .zero else { return add(key) }
        let deadline = ContinuousClock.now.advanced(by: delay)
        state.withLock { s in
            guard !s.shuttingDown else { return }
            if let existing = s.delayed[key] {
                if existing.deadline <= deadline { return }
                existing.task.cancel()
            }
            s.nextID += 1
            let token = s.nextID
            let task = Task { [weak self] in
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                self?.fireDelayed(key, token: token)
            }
            s.delayed[key] = Delayed(deadline: deadline, token: token, task: task)
        }
    }

    private func fireDelayed(_ key: Key, token: UInt64) {
        let due = state.withLock { s -> Bool in
            guard s.delayed[key]?.token == token else { return false }
            s.delayed[key] = nil
            return true
        }
        if due { add(key) }
    }

    /// Adds `key` after the rate limiter's delay for it; each call counts as one more failure.
    public func addRateLimited(_ key: Key) {
        metrics?.retries.increment()
        addAfter(key, delay: rateLimiter.when(key))
    }

    /// Clears the failure history of `key`; call it when the key was handled successfully.
    public func forget(_ key: Key) { rateLimiter.forget(key) }

    /// How many times `key` has been rate-limited since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int { rateLimiter.numRequeues(key) }

    // MARK: - Processing

    /// Waits for the next key and marks it processing; call `done(_:)` when finished with it.
    /// - Returns: the key, or `nil` once the queue is shut down and empty, or when the calling task is cancelled.
    public func get() async -> Key? {
        if let (key, depth) = state.withLock({ s -> (Key, Int)? in
            guard let key = s.popFirst() else { return nil }
            s.dirty.remove(key)
            s.processing.insert(key)
            return (key, s.queuedCount)
        }) {
            metrics?.depth.record(depth)
            return key
        }
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Key?, Never>) in
                let immediate = state.withLock { s -> (Key?, Bool) in
                    if let key = s.popFirst() {
                        s.dirty.remove(key)
                        s.processing.insert(key)
                        return (key, true)
                    }
                    if s.shuttingDown || Task.isCancelled { return (nil, true) }
                    s.waiters.append(Waiter(id: id, continuation: c))
                    return (nil, false)
                }
                if immediate.1 { c.resume(returning: immediate.0) }
            }
        } onCancel: {
            let w = state.withLock { s -> Waiter? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            w?.continuation.resume(returning: nil)
        }
    }

    /// Marks `key` as finished; if it was added while processing, it is queued again.
    public func done(_ key: Key) {
        let (waiter, drained) = state.withLock { s -> (Waiter?, [CheckedContinuation<Void, Never>]) in
            guard s.processing.remove(key) != nil else { return (nil, []) }
            var waiter: Waiter?
            if s.dirty.contains(key) { waiter = Self.enqueue(key, &s).0 }
            var drained: [CheckedContinuation<Void, Never>] = []
            if s.shuttingDown && s.processing.isEmpty && s.queuedCount == 0 {
                drained = s.drainWaiters
                s.drainWaiters = []
            }
            return (waiter, drained)
        }
        waiter?.continuation.resume(returning: key)
        for d in drained { d.resume() }
    }

    // MARK: - State

    /// Number of keys waiting (not counting keys being processed or scheduled for later).
    public var count: Int { state.withLock { $0.queuedCount } }

    /// Whether `shutDown()` has been called.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Stops accepting keys and cancels delayed adds. Workers still get the keys already queued; `get()` returns
    /// `nil` once the queue is empty.
    public func shutDown() {
        let waiters = state.withLock { s -> [Waiter] in
            s.shuttingDown = true
            for d in s.delayed.values { d.task.cancel() }
            s.delayed = [:]
            // Waiters only exist while the queue is empty, so none of them can get a key any more.
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in waiters { w.continuation.resume(returning: nil) }
    }

    /// Shuts down and waits until every key handed out by `get()` has been marked `done` and the queue is empty.
    public func shutDownWithDrain() async {
        shutDown()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { s -> Bool in
                if s.processing.isEmpty && s.queuedCount == 0 { return true }
                s.drainWaiters.append(c)
                return false
            }
            if finished { c.resume() }
        }
    }
}
