import Logging

/// Timing and identity of a leader election (client-go's `LeaderElectionConfig`).
public struct LeaderElectionConfig: Sendable {
    /// This candidate's identity, unique among candidates (e.g. the pod name).
    public var identity: String
    /// How long non-leaders wait, from when they last saw the lease change, before taking it over.
    public var leaseDuration: Duration
    /// How long the leader keeps leading without a successful renewal; must be shorter than `leaseDuration`.
    public var renewDeadline: Duration
    /// How often candidates try to acquire and the leader renews.
    public var retryPeriod: Duration
    /// Whether the leader releases the lease when its task is cancelled, so another candidate takes over at once.
    public var releaseOnCancel: Bool

    /// - Parameters:
    ///   - identity: this candidate's unique identity.
    ///   - leaseDuration: 15 s by default.
    ///   - renewDeadline: 10 s by default; must be less than `leaseDuration`.
    ///   - retryPeriod: 2 s by default; must be less than `renewDeadline`.
    ///   - releaseOnCancel: release the lease on cancellation (default `true`).
    public init(identity: String, leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
                retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true) {
        precondition(!identity.isEmpty, "leader election needs a non-empty identity")
        precondition(leaseDuration > renewDeadline, "leaseDuration must be greater than renewDeadline")
        precondition(renewDeadline > retryPeriod && retryPeriod > .zero, "renewDeadline must exceed retryPeriod > 0")
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }
}

/// Elects one leader among candidates sharing a Lease (client-go's `LeaderElector`).
///
/// Candidates try to acquire the lease every `retryPeriod` (with jitter). A lease held by someone else is taken over
/// only after it went unchanged for `leaseDuration`, measured on the candidate's own monotonic clock from when it
/// last saw the lease change, so wall-clock skew does not matter. The leader renews every `retryPeriod`; it stops
/// leading when `renewDeadline` has passed since the *start* of its last successful renewal, which, because
/// `renewDeadline < leaseDuration`, is before anyone else may take over: there are never two leaders while the
/// candidates' clocks run at the same rate.
///
/// While leading, `onStartedLeading` runs in a child task that is cancelled when leadership ends; then
/// `onStoppedLeading` runs. `run()` returns when leadership is lost (like client-go, so the process can restart with
/// fresh state) or when its task is cancelled, releasing the lease if configured to.
public final class LeaderElector: Sendable {
    /// The configuration.
    public let config: LeaderElectionConfig
    private let store: any LeaseStore
    private let logger: Logger
    private let onStartedLeading: @Sendable () async -> Void
    private let onStoppedLeading: @Sendable () async -> Void
    private let onNewLeader: @Sendable (String) -> Void

    private struct State {
        var observed: LeaseSnapshot?
        var observedAt: ContinuousClock.Instant = .now
        var reportedLeader: String?
        /// Leadership is valid strictly before this instant.
        var validUntil: ContinuousClock.Instant?
        var ran = false
    }
    private let state = StateLock(State())

    /// Creates an elector.
    /// - Parameters:
    ///   - store: the shared lease.
    ///   - config: identity and timing.
    ///   - logger: where transitions are logged (at `info`).
    ///   - onStartedLeading: runs while leading; cancelled when leadership ends.
    ///   - onStoppedLeading: runs after leadership ended (not called if this candidate never led).
    ///   - onNewLeader: called with the holder's identity whenever a different holder is observed, including this
    ///     candidate itself.
    public init(
        store: some LeaseStore,
        config: LeaderElectionConfig,
        logger: Logger = Logger(label: "kosmos.leader-election"),
        onStartedLeading: @escaping @Sendable () async -> Void,
        onStoppedLeading: @escaping @Sendable () async -> Void = {},
        onNewLeader: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.config = config
        var logger = logger
        logger[metadataKey: "lease"] = "\(store.leaseDescription)"
        logger[metadataKey: "identity"] = "\(config.identity)"
        self.logger = logger
        self.onStartedLeading = onStartedLeading
        self.onStoppedLeading = onStoppedLeading
        self.onNewLeader = onNewLeader
    }

    /// Whether this candidate leads now. It turns `false` at the renew deadline even while a renewal is still
    /// in flight.
    public var isLeader: Bool {
        state.withLock { s in s.validUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    /// The holder of the lease as last observed; `nil` before the first read or when released.
    public var observedLeader: String? {
        state.withLock { s in
            guard let h = s.observed?.record.holderIdentity, !h.isEmpty else { return nil }
            return h
        }
    }

    // MARK: - Running

    /// Campaigns, leads, and returns when leadership is lost or the task is cancelled. Runs once.
    public func run() async {
        let first = state.withLock { s -> Bool in
            defer { s.ran = true }
            return !s.ran
        }
        guard first else { return }
        guard await acquire() else { return }
        logger.info("became leader")
        await withDiscardingTaskGroup { group in
            group.addTask { await self.onStartedLeading() }
            await self.renewUntilLost()
            group.cancelAll()
        }
        state.withLock { $0.validUntil = nil }
        let cancelled = Task.isCancelled
        logger.info(cancelled ? "stopped leading: cancelled" : "stopped leading: could not renew in time")
        await onStoppedLeading()
        // The release must reach the server although this task is cancelled: run it in a task of its own.
        if cancelled && config.releaseOnCancel { await Task { await self.release() }.value }
    }

    /// Tries until the lease is acquired. Returns `false` when cancelled first.
    private func acquire() async -> Bool {
        while !Task.isCancelled {
            let start = ContinuousClock.now
            if await attempt(deadline: start + config.renewDeadline) {
                state.withLock { $0.validUntil = start + config.renewDeadline }
                return true
            }
            // client-go waits retryPeriod stretched by up to 1.2 times, so candidates do not retry in lockstep.
            let wait = Duration.seconds(config.retryPeriod.fractionalSeconds * (1 + Double.random(in: 0...1.2)))
            do { try await Task.sleep(for: wait) } catch { return false }
        }
        return false
    }

    /// Renews every `retryPeriod` until the renew deadline passes without success, or cancellation.
    private func renewUntilLost() async {
        while true {
            guard let validUntil = state.withLock({ $0.validUntil }) else { return }
            let now = ContinuousClock.now
            if now >= validUntil { return }
            // Never sleep past the deadline: leadership must end on time even if the store is down.
            let nap = min(config.retryPeriod, validUntil - now)
            do { try await Task.sleep(for: nap) } catch { return }
            if ContinuousClock.now >= validUntil { return }
            let start = ContinuousClock.now
            if await attempt(deadline: validUntil) {
                state.withLock { s in
                    if s.validUntil != nil { s.validUntil = start + config.renewDeadline }
                }
            } else {
                logger.debug("renewal failed; deadline in \(validUntil - ContinuousClock.now)")
            }
        }
    }

    /// One acquire-or-renew, abandoned at `deadline` even if the store does not answer.
    private func attempt(deadline: ContinuousClock.Instant) async -> Bool {
        let decided = StateLock(false)
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let worker = Task {
                let ok = (try? await self.tryAcquireOrRenew()) ?? false
                if decided.withLock({ d in defer { d = true }; return !d }) { c.resume(returning: ok) }
            }
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if decided.withLock({ d in defer { d = true }; return !d }) {
                    worker.cancel()
                    c.resume(returning: false)
                }
            }
        }
    }

    /// client-go's `tryAcquireOrRenew`: read the lease; take or renew it when free, expired or ours.
    private func tryAcquireOrRenew() async throws -> Bool {
        let now = leaseTimestampNow()
        let leaseSeconds = Int((config.leaseDuration.fractionalSeconds).rounded(.up))
        guard let current = try await store.get() else {
            let record = LeaderElectionRecord(
                holderIdentity: config.identity, leaseDurationSeconds: leaseSeconds, acquireTime: now,
                renewTime: now, leaseTransitions: 0)
            let created = try await store.create(record)
            observe(created)
            return true
        }
        observe(current)
        let (observedAt, holder) = state.withLock { ($0.observedAt, $0.observed?.record.holderIdentity ?? "") }
        let ours = holder == config.identity
        if !holder.isEmpty && !ours && ContinuousClock.now < observedAt + config.leaseDuration {
            return false
        }
        var record = current.record
        if !ours {
            record.leaseTransitions += 1
            record.acquireTime = now
        }
        record.holderIdentity = config.identity
        record.leaseDurationSeconds = leaseSeconds
        record.renewTime = now
        let updated = try await store.update(current, to: record)
        observe(updated)
        return true
    }

    /// Records a lease read or written; a change restarts the expiry clock.
    private func observe(_ snapshot: LeaseSnapshot) {
        let newLeader: String? = state.withLock { s in
            if s.observed?.resourceVersion != snapshot.resourceVersion || s.observed?.record != snapshot.record {
                s.observed = snapshot
                s.observedAt = .now
            }
            let holder = snapshot.record.holderIdentity
            guard !holder.isEmpty, holder != s.reportedLeader else { return nil }
            s.reportedLeader = holder
            return holder
        }
        if let newLeader {
            logger.info("new leader observed", metadata: ["leader": "\(newLeader)"])
            onNewLeader(newLeader)
        }
    }

    /// Gives the lease up so that another candidate can take over without waiting (client-go's `release`).
    private func release() async {
        guard let observed = state.withLock({ $0.observed }), observed.record.holderIdentity == config.identity
        else { return }
        let now = leaseTimestampNow()
        let record = LeaderElectionRecord(
            holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now,
            leaseTransitions: observed.record.leaseTransitions)
        do {
            let updated = try await store.update(observed, to: record)
            observe(updated)
            logger.info("released lease")
        } catch {
            logger.info("could not release lease", metadata: ["error": "\(error)"])
        }
    }
}
