import Testing
@testable import KosmosAPI

/// One Lease with optimistic concurrency, as an API server keeps it, and per-candidate connections that can be
/// cut (calls hang until abandoned) to simulate a leader that can no longer renew.
final class SharedLease: Sendable {
    struct State: Sendable {
        var lease: DynamicObject?
        var revision = 0
        var writes = 0
    }
    let state = StateLock(State())

    struct Conflict: Error, CustomStringConvertible {
        var description: String
    }

    func connection(_ name: String) -> Connection { Connection(lease: self, name: name) }

    final class Connection: LeaseStore {
        let lease: SharedLease
        let name: String
        let cut = StateLock(false)

        init(lease: SharedLease, name: String) {
            self.lease = lease
            self.name = name
        }

        var leaseDescription: String { "kube-system/test-lease (via \(name))" }

        private func checkLink() async throws {
            if cut.withLock({ $0 }) {
                try await Task.sleep(for: .seconds(3600))
            }
        }

        func get() async throws -> LeaseSnapshot? {
            try await checkLink()
            return lease.state.withLock { s in s.lease.map(LeaseSnapshot.init(lease:)) }
        }

        func create(_ record: LeaderElectionRecord) async throws -> LeaseSnapshot {
            try await checkLink()
            return try lease.state.withLock { s in
                guard s.lease == nil else { throw Conflict(description: "create lease: already exists") }
                s.revision += 1
                s.writes += 1
                var o = DynamicObject(json: [
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": ["name": "test-lease", "namespace": "kube-system"],
                    "spec": ["futureField": "kept"],
                ])
                o.metadata.resourceVersion = String(s.revision)
                record.apply(to: &o)
                s.lease = o
                return LeaseSnapshot(lease: o)
            }
        }

        func update(_ snapshot: LeaseSnapshot, to record: LeaderElectionRecord) async throws -> LeaseSnapshot {
            try await checkLink()
            return try lease.state.withLock { s in
                guard let current = s.lease, current.metadata.resourceVersion == snapshot.resourceVersion else {
                    throw Conflict(description: "update lease: resourceVersion \(snapshot.resourceVersion) is stale")
                }
                s.revision += 1
                s.writes += 1
                var o = snapshot.lease
                o.metadata.resourceVersion = String(s.revision)
                record.apply(to: &o)
                s.lease = o
                return LeaseSnapshot(lease: o)
            }
        }
    }
}

@Suite struct LeaderElectionTests {
    // Generous against a loaded CI machine: a leader starved of CPU for longer than `renew` loses the lease.
    static let lease = Duration.seconds(2)
    static let renew = Duration.milliseconds(1500)
    static let retry = Duration.milliseconds(200)

    static func config(_ id: String) -> LeaderElectionConfig {
        LeaderElectionConfig(
            identity: id, leaseDuration: lease, renewDeadline: renew, retryPeriod: retry)
    }

    /// Electors plus a watchdog that samples `isLeader` of all of them every millisecond.
    final class Election: Sendable {
        let lease = SharedLease()
        let electors: [LeaderElector]
        let connections: [SharedLease.Connection]
        struct Log: Sendable {
            var started: [String] = []
            var stopped: [String] = []
            var newLeader: [String: [String]] = [:]
            var maxConcurrentLeaders = 0
        }
        let log = StateLock(Log())

        init(_ ids: [String], release: Bool = true) {
            var electors: [LeaderElector] = []
            var connections: [SharedLease.Connection] = []
            for id in ids {
                let c = lease.connection(id)
                connections.append(c)
                var config = LeaderElectionTests.config(id)
                config.releaseOnCancel = release
                let log = self.log
                electors.append(LeaderElector(
                    store: c, config: config,
                    onStartedLeading: {
                        log.withLock { $0.started.append(id) }
                        // Leads until cancelled, like a controller would.
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                    },
                    onStoppedLeading: { log.withLock { $0.stopped.append(id) } },
                    onNewLeader: { leader in log.withLock { $0.newLeader[id, default: []].append(leader) } }))
            }
            self.electors = electors
            self.connections = connections
        }

        var leaders: [String] { electors.filter(\.isLeader).map(\.config.identity) }

        func watchdog() async {
            while !Task.isCancelled {
                let n = electors.filter(\.isLeader).count
                log.withLock { $0.maxConcurrentLeaders = max($0.maxConcurrentLeaders, n) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
        await InformerTestSupport.eventually(timeout: timeout, condition)
    }

    @Test func exactlyOneOfSeveralCandidatesLeads() async throws {
        let e = Election(["a", "b", "c"])
        let watchdog = Task { await e.watchdog() }
        let runs = e.electors.map { el in Task { await el.run() } }
        try #require(await eventually(timeout: .seconds(60)) { e.leaders.count == 1 })
        try await Task.sleep(for: .milliseconds(1000))
        #expect(e.leaders.count == 1, "leadership is stable while the leader renews")
        let leader = try #require(e.leaders.first)
        #expect(e.log.withLock { $0.started } == [leader])
        let record = try #require(e.lease.state.withLock { $0.lease }).json["spec"]
        #expect(record?["holderIdentity"]?.stringValue == leader)
        #expect(record?["leaseDurationSeconds"]?.intValue == 2)
        #expect(record?["futureField"] == "kept", "fields the elector does not know survive updates")
        for el in e.electors where el.config.identity != leader {
            #expect(e.log.withLock { $0.newLeader[el.config.identity] } == [leader])
            #expect(el.observedLeader == leader)
        }
        for r in runs { r.cancel() }
        for r in runs { await r.value }
        watchdog.cancel()
        await watchdog.value
        #expect(e.log.withLock { $0.maxConcurrentLeaders } == 1)
    }

    @Test func anotherCandidateTakesOverWhenTheLeaderStopsRenewing() async throws {
        let e = Election(["a", "b"])
        let watchdog = Task { await e.watchdog() }
        let runs = e.electors.map { el in Task { await el.run() } }
        try #require(await eventually(timeout: .seconds(60)) { e.leaders.count == 1 })
        let old = try #require(e.leaders.first)
        let oldIndex = try #require(e.electors.firstIndex { $0.config.identity == old })
        // The leader's link to the API server hangs: it cannot renew, and must step down on its own.
        let cutAt = ContinuousClock.now
        e.connections[oldIndex].cut.withLock { $0 = true }
        #expect(await eventually { !e.electors[oldIndex].isLeader })
        let steppedDown = ContinuousClock.now - cutAt
        // Generous bound: a loaded CI machine delays the elector's timers, never the safety property below.
        #expect(steppedDown <= Self.renew + .seconds(5), "steps down by the renew deadline")
        // The old leader's run() returns after losing leadership.
        await runs[oldIndex].value
        #expect(e.log.withLock { $0.stopped } == [old])
        #expect(await eventually { e.leaders.count == 1 && e.leaders.first != old })
        let takeover = ContinuousClock.now - cutAt
        #expect(takeover >= Self.renew, "nobody takes over before the old leader stepped down")
        #expect(takeover < Self.lease + Self.retry * 5 + .seconds(10))
        let spec = e.lease.state.withLock { $0.lease }?.json["spec"]
        #expect(spec?["leaseTransitions"]?.intValue == 1)
        for r in runs { r.cancel() }
        for r in runs { await r.value }
        watchdog.cancel()
        await watchdog.value
        #expect(e.log.withLock { $0.maxConcurrentLeaders } == 1)
    }

    @Test func cancelledLeaderReleasesSoTheNextTakesOverAtOnce() async throws {
        let e = Election(["a", "b"])
        let watchdog = Task { await e.watchdog() }
        let runs = e.electors.map { el in Task { await el.run() } }
        try #require(await eventually(timeout: .seconds(60)) { e.leaders.count == 1 })
        let old = try #require(e.leaders.first)
        let oldIndex = try #require(e.electors.firstIndex { $0.config.identity == old })
        try await Task.sleep(for: .milliseconds(300))
        let stopAt = ContinuousClock.now
        runs[oldIndex].cancel()
        await runs[oldIndex].value
        #expect(await eventually { e.leaders.count == 1 && e.leaders.first != old })
        #expect(ContinuousClock.now - stopAt < Self.lease, "released: no need to wait for the lease to expire")
        for r in runs { r.cancel() }
        for r in runs { await r.value }
        watchdog.cancel()
        await watchdog.value
        #expect(e.log.withLock { $0.maxConcurrentLeaders } == 1)
        #expect(e.log.withLock { $0.stopped }.sorted() == ["a", "b"])
    }

    @Test func leaderWithoutReleaseIsOnlyReplacedAfterTheLeaseDuration() async throws {
        let e = Election(["a", "b"], release: false)
        let runs = e.electors.map { el in Task { await el.run() } }
        try #require(await eventually(timeout: .seconds(60)) { e.leaders.count == 1 })
        let old = try #require(e.leaders.first)
        let oldIndex = try #require(e.electors.firstIndex { $0.config.identity == old })
        try await Task.sleep(for: .milliseconds(500))
        let stopAt = ContinuousClock.now
        runs[oldIndex].cancel()
        await runs[oldIndex].value
        #expect(await eventually { e.leaders.count == 1 })
        // The follower saw the last renewal at most one retry period before the stop.
        #expect(ContinuousClock.now - stopAt >= Self.lease - Self.retry - .milliseconds(100))
        for r in runs { r.cancel() }
        for r in runs { await r.value }
    }

    @Test func recordRoundTripsThroughLeaseJSON() {
        var lease = DynamicObject(json: [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": "l", "resourceVersion": "7"],
            "spec": ["holderIdentity": "x", "leaseDurationSeconds": 15, "leaseTransitions": 2,
                     "renewTime": "2024-01-01T00:00:00.000000Z", "strategy": "OldestEmulationVersion"],
        ])
        let snapshot = LeaseSnapshot(lease: lease)
        #expect(snapshot.resourceVersion == "7")
        #expect(snapshot.record == LeaderElectionRecord(
            holderIdentity: "x", leaseDurationSeconds: 15, renewTime: "2024-01-01T00:00:00.000000Z",
            leaseTransitions: 2))
        LeaderElectionRecord(holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 3).apply(to: &lease)
        #expect(lease.json["spec"]?["holderIdentity"] == nil)
        #expect(lease.json["spec"]?["strategy"] == "OldestEmulationVersion")
        #expect(lease.json["spec"]?["leaseTransitions"] == 3)
        let stamp = leaseTimestampNow()
        #expect(stamp.count == 27 && stamp.hasSuffix("Z") && stamp.dropFirst(19).hasPrefix("."))
    }
}
