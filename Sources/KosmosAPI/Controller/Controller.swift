import CoreMetrics
import Logging

/// Runs a reconciler over the keys of changed objects (controller-runtime's controller over client-go's work
/// queue).
///
/// Feed it with `watch(_:)` (an informer's objects enqueue their own keys) or `watch(_:map:)` (e.g. owned objects
/// enqueue their owner's key), or `enqueue(_:)`. `run()` waits until every watched informer's handler has synced,
/// then runs `workers` concurrent workers; a key is never reconciled by two workers at once, and a burst of
/// changes to one object collapses into one reconcile.
///
/// Metrics (dimension `controller`): `controller_reconcile_duration_seconds` (timer),
/// `controller_reconcile_total` (dimension `result`: `success`, `requeue`, `error`),
/// `controller_reconcile_errors_total`; and the work queue's `workqueue_depth`, `workqueue_adds_total`,
/// `workqueue_retries_total` with dimension `name`.
public final class Controller: Sendable {
    /// The controller's name, used in logs and metrics.
    public let name: String
    /// The queue of keys waiting to be reconciled.
    public let queue: WorkQueue<ObjectKey>

    private let reconciler: any Reconciler
    private let workers: Int
    private let logger: Logger
    private let latency: Timer
    private let successes: Counter
    private let requeues: Counter
    private let failures: Counter
    private let errors: Counter

    private struct State {
        var registrations: [EventHandlerRegistration] = []
        var running = false
        var started = false
        var activeWorkers = 0
    }
    private let state = StateLock(State())

    /// Creates a controller.
    /// - Parameters:
    ///   - name: names the controller in logs and metrics.
    ///   - reconciler: what to run for each key.
    ///   - workers: how many keys may be reconciled at once (each key on one worker at a time).
    ///   - rateLimiter: the backoff of failed keys; client-go's default (5 ms..1000 s per key, 10 qps burst 100).
    ///   - logger: where reconcile errors are logged (at `info`).
    ///   - metricsFactory: where metrics go; the process-wide `MetricsSystem.factory` when omitted.
    public init(
        name: String,
        reconciler: some Reconciler,
        workers: Int = 1,
        rateLimiter: any RateLimiter<ObjectKey> = MaxOfRateLimiter<ObjectKey>.controllerDefault(),
        logger: Logger = Logger(label: "kosmos.controller"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        precondition(workers > 0, "a controller needs at least one worker")
        self.name = name
        self.reconciler = reconciler
        self.workers = workers
        var logger = logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        let factory = metricsFactory ?? MetricsSystem.factory
        queue = WorkQueue(name: name, rateLimiter: rateLimiter, metricsFactory: factory)
        let dims = [("controller", name)]
        latency = Timer(label: "controller_reconcile_duration_seconds", dimensions: dims, factory: factory)
        successes = Counter(label: "controller_reconcile_total", dimensions: dims + [("result", "success")],
                            factory: factory)
        requeues = Counter(label: "controller_reconcile_total", dimensions: dims + [("result", "requeue")],
                           factory: factory)
        failures = Counter(label: "controller_reconcile_total", dimensions: dims + [("result", "error")],
                           factory: factory)
        errors = Counter(label: "controller_reconcile_errors_total", dimensions: dims, factory: factory)
    }

    // MARK: - Sources

    /// Enqueues the key of every object added, updated or deleted in `informer`.
    /// - Parameter informer: the informer of the reconciled kind.
    public func watch<Object: JSONBacked>(_ informer: SharedInformer<Object>) {
        watch(informer) { [ObjectKey(of: $0.object)] }
    }

    /// Enqueues the keys `map` derives from each change in `informer` (e.g. an owned object's owner).
    /// - Parameters:
    ///   - informer: any informer.
    ///   - map: the keys to reconcile for an event; none to ignore it.
    public func watch<Object: JSONBacked>(
        _ informer: SharedInformer<Object>, map: @escaping @Sendable (InformerEvent<Object>) -> [ObjectKey]
    ) {
        let queue = self.queue
        let r = informer.addEventHandler { event in
            for key in map(event) { queue.add(key) }
        }
        state.withLock { $0.registrations.append(r) }
    }

    /// Enqueues, for each change of an owned object, the key of its controlling owner of kind `ownerKind` (the
    /// owner reference with `controller: true`), in the object's namespace.
    /// - Parameters:
    ///   - informer: the informer of the owned kind.
    ///   - ownerKind: the reconciled kind, e.g. `ReplicaSet`.
    public func watchOwned<Object: JSONBacked>(_ informer: SharedInformer<Object>, ownerKind: String) {
        watch(informer) { event in
            let object = event.object
            let meta = ObjectMeta(json: object.json["metadata"] ?? .object(JSONObject()))
            guard let owner = meta.ownerReferences.first(where: { $0.controller == true }),
                  owner.kind == ownerKind else { return [] }
            return [ObjectKey(namespace: meta.namespace, name: owner.name)]
        }
    }

    /// Enqueues a key directly.
    public func enqueue(_ key: ObjectKey) { queue.add(key) }

    // MARK: - Running

    /// Whether the watched informers have synced and workers are running.
    public var isReady: Bool { state.withLock { $0.running } }

    /// Waits for the watched informers' handlers to sync, then reconciles with `workers` workers until the calling
    /// task is cancelled. On cancellation the queue shuts down, in-flight reconciles see the cancellation, and
    /// `run()` returns when they have finished; its event handlers are then removed from the informers. A
    /// controller runs once.
    public func run() async {
        let registrations: [EventHandlerRegistration]? = state.withLock { s in
            guard !s.started else { return nil }
            s.started = true
            return s.registrations
        }
        guard let registrations else { return }
        defer {
            // A stopped controller leaves nothing behind on informers that outlive it (a shared host informer
            // serves the controllers of many member clusters, which come and go).
            for r in registrations { r.remove() }
            queue.shutDown()
            state.withLock { $0.running = false }
        }
        for r in registrations {
            guard await r.waitForSync() else { return }
        }
        state.withLock { $0.running = true }
        logger.info("started \(workers) worker(s)")
        await withDiscardingTaskGroup { group in
            for _ in 0..<workers {
                group.addTask { await self.work() }
            }
        }
        logger.info("stopped")
    }

    private func work() async {
        while let key = await queue.get() {
            await process(key)
            queue.done(key)
        }
    }

    private func process(_ key: ObjectKey) async {
        let start = ContinuousClock.now
        do {
            let result = try await reconciler.reconcile(key)
            latency.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            if let delay = result.requeueDelay {
                successes.increment()
                queue.forget(key)
                queue.addAfter(key, delay: delay)
            } else if result.isRateLimitedRequeue {
                requeues.increment()
                queue.addRateLimited(key)
            } else {
                successes.increment()
                queue.forget(key)
            }
        } catch {
            latency.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            if Task.isCancelled { return }
            failures.increment()
            errors.increment()
            logger.info("reconcile \(key) failed; retrying with backoff", metadata: [
                "error": "\(error)", "requeues": "\(queue.numRequeues(key))",
            ])
            queue.addRateLimited(key)
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let c = components
        let (ns, overflow) = c.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns + c.attoseconds / 1_000_000_000
    }
}
