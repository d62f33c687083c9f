import Synchronization

/// Pods waiting to be scheduled: an active queue ordered by priority (highest first) then creation time
/// (oldest first), a backoff queue for pods that failed recently (1 s doubling up to 10 s per attempt), and the
/// unschedulable pods, which go back when the cluster changes (`moveAllToActiveOrBackoff`) or after
/// `unschedulableTimeout`.
public final class SchedulingQueue: Sendable {
    /// A queued pod and its attempt history.
    public struct Entry: Sendable {
        /// The pod.
        public var pod: PodInfo
        /// Scheduling attempts so far.
        public var attempts: Int
        /// When the pod last failed (clock seconds).
        var failedAt: Double
        /// Insertion sequence, to keep the order stable.
        var sequence: Int
    }

    private struct State {
        var active: [Entry] = []
        var backoff: [String: Entry] = [:]
        var unschedulable: [String: Entry] = [:]
        var known: Set<String> = []
        var inFlight: Set<String> = []
        var sequence = 0
        var closed = false
        /// Bumped by every change that may make a pod ready; lets a waiter notice changes it did not see.
        var generation = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Double
    /// Seconds of backoff after the first failure.
    public let initialBackoff: Double
    /// The largest backoff in seconds.
    public let maxBackoff: Double
    /// Seconds after which an unschedulable pod is retried without an event.
    public let unschedulableTimeout: Double

    /// - Parameters:
    ///   - initialBackoff: seconds of backoff after the first failure.
    ///   - maxBackoff: the largest backoff in seconds.
    ///   - unschedulableTimeout: seconds after which an unschedulable pod is retried without any event.
    ///   - clock: monotonic seconds, injectable for tests.
    public init(
        initialBackoff: Double = 1, maxBackoff: Double = 10, unschedulableTimeout: Double = 300,
        clock: @escaping @Sendable () -> Double = SchedulingQueue.monotonicSeconds
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.unschedulableTimeout = unschedulableTimeout
        self.clock = clock
    }

    /// Seconds from a monotonic clock.
    public static let monotonicSeconds: @Sendable () -> Double = {
        let d = ContinuousClock.now - ContinuousClock.Instant.processStart
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The backoff after `attempts` failed attempts.
    public func backoff(attempts: Int) -> Double {
        var d = initialBackoff
        for _ in 1..<max(attempts, 1) {
            d *= 2
            if d >= maxBackoff { return maxBackoff }
        }
        return min(d, maxBackoff)
    }

    /// Adds a new pending pod (or replaces the queued copy of it).
    public func add(_ pod: PodInfo) {
        defer { changed() }
        state.withLock { s in
            if s.inFlight.contains(pod.uid) { return }
            if var e = s.backoff[pod.uid] {
                e.pod = pod
                s.backoff[pod.uid] = e
                return
            }
            if var e = s.unschedulable[pod.uid] {
                // A change to the pod's spec or labels may make it schedulable; a status change (such as our own
                // PodScheduled condition) does not.
                let changed = e.pod.pod.json["spec"] != pod.pod.json["spec"] || e.pod.labels != pod.labels
                e.pod = pod
                if changed {
                    s.unschedulable[pod.uid] = nil
                    s.backoff[pod.uid] = e
                } else {
                    s.unschedulable[pod.uid] = e
                }
                return
            }
            if let i = s.active.firstIndex(where: { $0.pod.uid == pod.uid }) {
                s.active[i].pod = pod
                return
            }
            s.sequence += 1
            Self.push(&s.active, Entry(pod: pod, attempts: 0, failedAt: 0, sequence: s.sequence))
            s.known.insert(pod.uid)
        }
    }

    /// Forgets a pod (deleted or bound by someone else).
    public func remove(uid: String) {
        state.withLock { s in
            s.active.removeAll { $0.pod.uid == uid }
            s.backoff[uid] = nil
            s.unschedulable[uid] = nil
            s.known.remove(uid)
        }
    }

    /// Takes the next pod to schedule without waiting; nil when none is ready.
    public func tryPop() -> Entry? {
        let now = clock()
        return state.withLock { s -> Entry? in
            flush(&s, now: now)
            guard !s.active.isEmpty else { return nil }
            let e = s.active.removeFirst()
            s.inFlight.insert(e.pod.uid)
            return e
        }
    }

    /// Waits for the next pod; nil once the queue is closed or the task cancelled.
    public func pop() async -> Entry? {
        while !Task.isCancelled {
            let (closed, generation) = state.withLock { ($0.closed, $0.generation) }
            if closed { return nil }
            if let e = tryPop() { return e }
            await waitForChange(since: generation, atMost: nextTimerDelay())
        }
        return nil
    }

    /// Seconds until the next backoff or unschedulable timeout expires (at most one second, so that a clock
    /// injected by tests is followed too).
    private func nextTimerDelay() -> Double {
        let now = clock()
        return state.withLock { s in
            var next = 1.0
            for e in s.backoff.values { next = min(next, e.failedAt + backoff(attempts: e.attempts) - now) }
            for e in s.unschedulable.values { next = min(next, e.failedAt + unschedulableTimeout - now) }
            return max(next, 0.001)
        }
    }

    /// Suspends until the queue changes after `generation`, the delay passes, or the task is cancelled.
    private func waitForChange(since generation: Int, atMost seconds: Double) async {
        let id = state.withLock { s -> Int in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000) + 1))
            self.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { s -> Bool in
                    guard s.generation == generation, !s.closed else { return false }
                    s.waiters[id] = c
                    return true
                }
                if !waiting { c.resume() }
            }
        } onCancel: {
            self.wake(id)
        }
        timer.cancel()
    }

    private func wake(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }

    /// Wakes every waiting `pop` after a change.
    private func changed() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Records a failed attempt: the pod waits in the unschedulable set until an event or the timeout.
    public func requeueUnschedulable(_ entry: Entry) {
        defer { changed() }
        let now = clock()
        state.withLock { s in
            s.inFlight.remove(entry.pod.uid)
            guard s.known.contains(entry.pod.uid) else { return }
            var e = entry
            e.attempts += 1
            e.failedAt = now
            s.unschedulable[e.pod.uid] = e
        }
    }

    /// Marks an attempt finished (pod bound, or an error to retry after backoff when `retry`).
    public func done(_ entry: Entry, retry: Bool = false) {
        defer { changed() }
        let now = clock()
        state.withLock { s in
            s.inFlight.remove(entry.pod.uid)
            guard retry, s.known.contains(entry.pod.uid) else {
                s.known.remove(entry.pod.uid)
                return
            }
            var e = entry
            e.attempts += 1
            e.failedAt = now
            s.backoff[e.pod.uid] = e
        }
    }

    /// Moves every unschedulable pod back (to backoff while its backoff lasts): call on node and pod events
    /// that may make room.
    public func moveAllToActiveOrBackoff() {
        defer { changed() }
        state.withLock { s in
            for (uid, e) in s.unschedulable { s.backoff[uid] = e }
            s.unschedulable.removeAll()
        }
    }

    /// Stops `pop`.
    public func close() {
        state.withLock { $0.closed = true }
        changed()
    }

    /// Numbers of pods in the active, backoff and unschedulable queues.
    public var counts: (active: Int, backoff: Int, unschedulable: Int) {
        state.withLock { ($0.active.count, $0.backoff.count, $0.unschedulable.count) }
    }

    private func flush(_ s: inout State, now: Double) {
        for (uid, e) in s.backoff where now >= e.failedAt + backoff(attempts: e.attempts) {
            s.backoff[uid] = nil
            Self.push(&s.active, e)
        }
        for (uid, e) in s.unschedulable where now >= e.failedAt + unschedulableTimeout {
            s.unschedulable[uid] = nil
            Self.push(&s.active, e)
        }
    }

    /// Inserts keeping the order: higher priority, then older, then first queued.
    private static func push(_ active: inout [Entry], _ e: Entry) {
        let i = active.partitioningIndex { Self.less(e, $0) }
        active.insert(e, at: i)
    }

    static func less(_ a: Entry, _ b: Entry) -> Bool {
        if a.pod.priority != b.pod.priority { return a.pod.priority > b.pod.priority }
        if a.pod.creationTime != b.pod.creationTime { return a.pod.creationTime < b.pod.creationTime }
        return a.sequence < b.sequence
    }
}

extension ContinuousClock.Instant {
    /// The first instant this process asked for.
    static let processStart = ContinuousClock.now
}
