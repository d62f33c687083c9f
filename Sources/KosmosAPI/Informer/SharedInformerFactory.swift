import Logging

/// Makes list/watch access to one cluster's collections; `KubeClient` provides one.
public protocol ListerWatcherProvider: Sendable {
    /// List/watch access to the objects of `type`, in `namespace` or (when `nil`) in all namespaces.
    func listerWatcher<R: Resource>(for type: R.Type, namespace: String?) -> any ListerWatcher<R>
}

/// Hands out one shared informer per kind for one cluster, so that every controller of a process shares one
/// list+watch and one cache per (cluster, kind) (client-go's `SharedInformerFactory`).
///
/// Ask for informers with `informer(for:)` before or while `run()` runs; `run()` starts each of them and returns
/// when its task is cancelled.
public final class SharedInformerFactory: Sendable {
    private let provider: any ListerWatcherProvider
    private let namespace: String?
    private let resyncPeriod: Duration?
    private let backoff: Backoff
    private let logger: Logger

    private struct State {
        var informers: [ObjectIdentifier: any RunnableInformer] = [:]
        /// `ObjectTransform<R>` per kind, set before the kind's informer exists.
        var transforms: [ObjectIdentifier: any Sendable] = [:]
        var spawn: AsyncStream<any RunnableInformer>.Continuation?
        var running = false
    }
    private let state = StateLock(State())

    /// Creates a factory.
    /// - Parameters:
    ///   - provider: the cluster, usually a `KubeClient`.
    ///   - namespace: restricts every informer to one namespace; all namespaces when `nil`.
    ///   - resyncPeriod: resync period of every informer; none when `nil`.
    ///   - backoff: the delay policy after list/watch failures.
    ///   - logger: passed to every informer.
    public init(
        provider: some ListerWatcherProvider,
        namespace: String? = nil,
        resyncPeriod: Duration? = nil,
        backoff: Backoff = .reflectorDefault,
        logger: Logger = Logger(label: "kosmos.informer")
    ) {
        self.provider = provider
        self.namespace = namespace
        self.resyncPeriod = resyncPeriod
        self.backoff = backoff
        self.logger = logger
    }

    /// Sets the transform the informer of a kind applies to every object before caching it and handing it to
    /// handlers (see `ObjectTransform`), e.g. to drop `metadata.managedFields`. Every user of the shared informer
    /// sees the transformed objects, so set it once, where the process is wired, before anyone asks for the kind.
    /// - Parameters:
    ///   - type: the kind.
    ///   - transform: the transform.
    /// - Throws: `InformerFactoryError.informerAlreadyCreated` when the kind's informer exists already (its
    ///   cache may hold untransformed objects), or `transformAlreadySet` when the kind has a transform.
    public func setTransform<R: Resource>(for type: R.Type, _ transform: @escaping ObjectTransform<R>) throws {
        try state.withLock { s in
            let id = ObjectIdentifier(type)
            guard s.informers[id] == nil else { throw InformerFactoryError.informerAlreadyCreated(kind: R.kind) }
            guard s.transforms[id] == nil else { throw InformerFactoryError.transformAlreadySet(kind: R.kind) }
            s.transforms[id] = transform
        }
    }

    /// The shared informer of a kind, created on first use.
    /// - Parameter type: the kind.
    /// - Returns: the same informer for every call with the same kind.
    public func informer<R: Resource>(for type: R.Type) -> SharedInformer<R> {
        state.withLock { s in
            let id = ObjectIdentifier(type)
            if let existing = s.informers[id] { return existing as! SharedInformer<R> }
            let ns = R.scope == .namespaced ? namespace : nil
            var l = logger
            l[metadataKey: "kind"] = "\(R.kind)"
            let informer = SharedInformer(
                listerWatcher: provider.listerWatcher(for: type, namespace: ns), resyncPeriod: resyncPeriod,
                backoff: backoff, transform: s.transforms[id] as? ObjectTransform<R>, logger: l)
            s.informers[id] = informer
            s.spawn?.yield(informer)
            return informer
        }
    }

    /// Whether every informer handed out so far has synced.
    public var hasSynced: Bool { state.withLock { Array($0.informers.values) }.allSatisfy(\.hasSynced) }

    /// Waits until every informer handed out so far has synced.
    /// - Returns: `true` once synced; `false` when the task was cancelled first.
    public func waitForCacheSync() async -> Bool { await pollUntil { self.hasSynced } }

    /// Runs every informer, including those asked for later, until the calling task is cancelled.
    public func run() async {
        let (stream, spawn) = AsyncStream.makeStream(of: (any RunnableInformer).self)
        let existing: [any RunnableInformer]? = state.withLock { s in
            guard !s.running else { return nil }
            s.running = true
            s.spawn = spawn
            return Array(s.informers.values)
        }
        guard let existing else { return }
        await withDiscardingTaskGroup { group in
            for i in existing { group.addTask { await i.run() } }
            for await i in stream { group.addTask { await i.run() } }
        }
        state.withLock { $0.spawn = nil }
    }
}

/// Why `SharedInformerFactory.setTransform(for:_:)` refused.
public enum InformerFactoryError: Error, Equatable, CustomStringConvertible {
    /// The kind's informer was handed out before the transform was set.
    case informerAlreadyCreated(kind: String)
    /// The kind has a transform already.
    case transformAlreadySet(kind: String)

    public var description: String {
        switch self {
        case .informerAlreadyCreated(let kind):
            "the \(kind) informer exists already: set its transform before the first informer(for:) call"
        case .transformAlreadySet(let kind):
            "the \(kind) informer has a transform already: compose the transforms into one"
        }
    }
}

/// Type-erased view of an informer for the factory.
protocol RunnableInformer: Sendable {
    var hasSynced: Bool { get }
    func run() async
}

extension SharedInformer: RunnableInformer {}
