/// A "something changed — sync soon" signal for controllers that always reconcile one whole thing (a node's
/// network, a cluster's ClusterNodes, a gateway role) rather than a queue of keys.
///
/// Any number of ``request()`` calls made while a pass runs collapse into a single further pass, so a burst of
/// watch events costs one sync, and a request is never lost: one made during a pass always leads to a pass
/// after it.
///
/// ```swift
/// let trigger = SyncTrigger()
/// informer.addEventHandler { _ in trigger.request() }
/// await trigger.run(resyncEvery: .seconds(60)) { try await reconcile() }
/// ```
///
/// A trigger drives one loop: call ``run(resyncEvery:debounce:retryAfter:onError:_:)`` once.
public struct SyncTrigger: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates a trigger with no pending request.
    public init() {
        (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass; coalesced with every other request made before the pass starts. Safe from any thread.
    public func request() {
        continuation.yield()
    }

    /// Runs `pass` once at the start and then once per coalesced request, until the calling task is cancelled.
    ///
    /// - Parameters:
    ///   - resync: when set, a pass is also requested this often, so state changed behind the controller's back
    ///     is repaired even without an event.
    ///   - debounce: how long to wait after a request before the pass starts, letting a burst settle.
    ///   - retryAfter: after a pass throws, the wait before the pass is tried again.
    ///   - onError: told about every error a pass throws (typically logs it).
    ///   - pass: the reconcile step.
    public func run(resyncEvery resync: Duration? = nil, debounce: Duration = .zero,
                    retryAfter: Duration = .seconds(1),
                    onError: @escaping @Sendable (any Error) -> Void = { _ in },
                    _ pass: @escaping @Sendable () async throws -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            if let resync {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: resync)
                        request()
                    }
                }
            }
            request()
            // Iteration of an AsyncStream ends when the task is cancelled.
            for await _ in stream {
                if Task.isCancelled { break }
                if debounce > .zero { try? await Task.sleep(for: debounce) }
                if Task.isCancelled { break }
                do {
                    try await pass()
                } catch {
                    onError(error)
                    try? await Task.sleep(for: retryAfter)
                    request()
                }
            }
            group.cancelAll()
        }
    }
}
