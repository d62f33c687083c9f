import Testing
@testable import KosmosAPI

@Suite struct WorkQueueTests {
    /// A queue whose retries are fast enough for tests.
    func queue(base: Duration = .milliseconds(5)) -> WorkQueue<String> {
        WorkQueue(rateLimiter: ExponentialBackoffRateLimiter(base: base, max: .seconds(1)))
    }

    @Test func burstsOfAddsCollapseIntoOneItem() async {
        let q = queue()
        for _ in 0..<100 { q.add("a") }
        q.add("b")
        #expect(q.count == 2)
        #expect(await q.get() == "a")
        #expect(await q.get() == "b")
        #expect(q.count == 0)
    }

    @Test func addWhileProcessingIsQueuedOnlyAfterDone() async {
        let q = queue()
        q.add("a")
        let key = await q.get()
        #expect(key == "a")
        q.add("a")
        q.add("a")
        #expect(q.count == 0, "a processing key must not be handed to another worker")
        q.done("a")
        #expect(q.count == 1)
        #expect(await q.get() == "a")
        q.done("a")
        #expect(q.count == 0)
    }

    @Test func waitingGetReceivesALaterAdd() async throws {
        let q = queue()
        let waiter = Task { await q.get() }
        try await Task.sleep(for: .milliseconds(20))
        q.add("x")
        #expect(await waiter.value == "x")
    }

    @Test func cancelledGetReturnsNil() async throws {
        let q = queue()
        let waiter = Task { await q.get() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == nil)
        q.add("after")
        #expect(await q.get() == "after", "a cancelled waiter must not swallow a key")
    }

    @Test func oneKeyIsNeverProcessedByTwoWorkersAndNoAddIsLost() async {
        let q = WorkQueue<Int>()
        struct Tracking: Sendable {
            var inFlight: Set<Int> = []
            var violations = 0
            var version: [Int: Int] = [:]
            var processedVersion: [Int: Int] = [:]
        }
        let t = StateLock(Tracking())
        let keys = 0..<16
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    while let key = await q.get() {
                        let seen = t.withLock { s -> Int in
                            if !s.inFlight.insert(key).inserted { s.violations += 1 }
                            return s.version[key, default: 0]
                        }
                        await Task.yield()
                        t.withLock { s in
                            s.inFlight.remove(key)
                            s.processedVersion[key] = max(s.processedVersion[key, default: 0], seen)
                        }
                        q.done(key)
                    }
                }
            }
            await withTaskGroup(of: Void.self) { adders in
                for a in 0..<4 {
                    adders.addTask {
                        for i in 0..<2000 {
                            let key = keys.lowerBound + (i * 7 + a) % keys.count
                            t.withLock { $0.version[key, default: 0] += 1 }
                            q.add(key)
                            if i % 64 == 0 { await Task.yield() }
                        }
                    }
                }
            }
            await q.shutDownWithDrain()
        }
        let final = t.withLock { $0 }
        #expect(final.violations == 0)
        for key in keys {
            #expect(final.processedVersion[key] == final.version[key], "key \(key) lost its last add")
        }
    }

    @Test func shutdownHandsOutQueuedKeysThenNil() async {
        let q = queue()
        q.add("a")
        q.add("b")
        q.shutDown()
        q.add("c")
        #expect(q.isShuttingDown)
        #expect(await q.get() == "a")
        #expect(await q.get() == "b")
        #expect(await q.get() == nil)
    }

    @Test func shutdownWakesWaitingWorkers() async throws {
        let q = queue()
        let waiters = (0..<3).map { _ in Task { await q.get() } }
        try await Task.sleep(for: .milliseconds(20))
        q.shutDown()
        for w in waiters { #expect(await w.value == nil) }
    }

    @Test func shutdownWithDrainWaitsForKeysInProcessing() async throws {
        let q = queue()
        q.add("a")
        q.add("b")
        _ = await q.get()
        let drained = StateLock(false)
        let drain = Task {
            await q.shutDownWithDrain()
            drained.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(30))
        #expect(!drained.withLock { $0 })
        q.done("a")
        #expect(await q.get() == "b")
        try await Task.sleep(for: .milliseconds(30))
        #expect(!drained.withLock { $0 }, "b is still processing")
        q.done("b")
        await drain.value
        #expect(drained.withLock { $0 })
        #expect(await q.get() == nil)
    }

    @Test func addAfterDelaysWithinBounds() async {
        let q = queue()
        let start = ContinuousClock.now
        q.addAfter("late", delay: .milliseconds(80))
        #expect(q.count == 0)
        #expect(await q.get() == "late")
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(80))
        #expect(elapsed < .seconds(3))
    }

    @Test func addAfterKeepsTheEarlierDeadline() async {
        let q = queue()
        let start = ContinuousClock.now
        q.addAfter("k", delay: .seconds(5))
        q.addAfter("k", delay: .milliseconds(30))
        q.addAfter("k", delay: .seconds(3))
        #expect(await q.get() == "k")
        #expect(ContinuousClock.now - start < .seconds(1))
        q.done("k")
        #expect(q.count == 0)
    }

    @Test func shutdownCancelsDelayedAdds() async throws {
        let q = queue()
        q.addAfter("k", delay: .milliseconds(30))
        q.shutDown()
        try await Task.sleep(for: .milliseconds(80))
        #expect(q.count == 0)
        #expect(await q.get() == nil)
    }

    @Test func rateLimitedRetriesBackOffExponentiallyPerKey() async {
        let q = queue(base: .milliseconds(20))
        var delays: [Duration] = []
        for _ in 0..<4 {
            let start = ContinuousClock.now
            q.addRateLimited("k")
            let k = await q.get()
            delays.append(ContinuousClock.now - start)
            q.done(k!)
        }
        #expect(q.numRequeues("k") == 4)
        for (i, d) in delays.enumerated() {
            let expected = Duration.milliseconds(20 << i)
            #expect(d >= expected, "retry \(i) came after \(d), expected at least \(expected)")
            #expect(d < expected + .seconds(2), "retry \(i) came after \(d)")
        }
        q.forget("k")
        #expect(q.numRequeues("k") == 0)
    }

    @Test func exponentialLimiterDoublesFromBaseToCap() {
        let l = ExponentialBackoffRateLimiter<String>()
        #expect(l.when("a") == .milliseconds(5))
        #expect(l.when("a") == .milliseconds(10))
        #expect(l.when("a") == .milliseconds(20))
        #expect(l.when("b") == .milliseconds(5), "backoff is per key")
        for _ in 0..<40 { _ = l.when("a") }
        #expect(l.when("a") == .seconds(1000))
        for _ in 0..<2000 { _ = l.when("a") }
        #expect(l.when("a") == .seconds(1000), "no overflow far beyond the cap")
        l.forget("a")
        #expect(l.when("a") == .milliseconds(5))
    }

    @Test func tokenBucketAllowsBurstThenPacesAtQPS() {
        let l = TokenBucketRateLimiter<String>(qps: 10, burst: 100)
        for i in 0..<100 { #expect(l.when("k\(i)") == .zero) }
        let d1 = l.when("x").fractionalSeconds
        let d2 = l.when("y").fractionalSeconds
        #expect(d1 > 0.08 && d1 <= 0.1)
        #expect(d2 > 0.18 && d2 <= 0.2)
    }

    @Test func controllerDefaultIsTheMaxOfBothLimiters() {
        let l = MaxOfRateLimiter<String>.controllerDefault()
        #expect(l.when("a") == .milliseconds(5))
        #expect(l.when("a") == .milliseconds(10))
        #expect(l.numRequeues("a") == 2)
        // Exhaust the bucket: the overall limit then dominates a fresh key's 5 ms.
        for i in 0..<200 { _ = l.when("k\(i)") }
        #expect(l.when("fresh") > .seconds(5))
        l.forget("a")
        #expect(l.numRequeues("a") == 0)
    }
}
