/// What a reconcile asks of the controller afterwards.
public struct ReconcileResult: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case done
        case requeue
        case requeueAfter(Duration)
    }
    private let kind: Kind

    /// The key is reconciled; its failure history is forgotten.
    public static let done = ReconcileResult(kind: .done)
    /// Reconcile the key again after the rate limiter's backoff (as after an error, but not counted as one).
    public static let requeue = ReconcileResult(kind: .requeue)
    /// Reconcile the key again after `delay` (e.g. to re-check a timeout); its failure history is forgotten.
    public static func requeueAfter(_ delay: Duration) -> ReconcileResult { ReconcileResult(kind: .requeueAfter(delay)) }

    /// The delay of `requeueAfter`, when that is the result.
    public var requeueDelay: Duration? {
        if case .requeueAfter(let d) = kind { return d }
        return nil
    }

    /// Whether the result asks for a rate-limited requeue.
    public var isRateLimitedRequeue: Bool { kind == .requeue }

    public var description: String {
        switch kind {
        case .done: "done"
        case .requeue: "requeue"
        case .requeueAfter(let d): "requeue after \(d)"
        }
    }
}

/// Brings the world in line with the desired state of one object, identified by its key.
///
/// A reconciler reads the current state from informer caches (an object missing from the cache has been
/// deleted), acts, and is idempotent: it may run any number of times for the same key, and the controller never
/// runs it for one key on two workers at once. Throwing requeues the key with backoff.
public protocol Reconciler: Sendable {
    /// Reconciles the object under `key`.
    /// - Parameter key: the object's `namespace/name`.
    /// - Returns: whether and when to reconcile the key again.
    /// - Throws: any error; the key is retried with per-key exponential backoff.
    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult
}

/// A reconciler made from a closure.
public struct ReconcileFunction: Reconciler {
    private let body: @Sendable (ObjectKey) async throws -> ReconcileResult

    /// - Parameter body: the reconcile function.
    public init(_ body: @escaping @Sendable (ObjectKey) async throws -> ReconcileResult) { self.body = body }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult { try await body(key) }
}
