import Testing
@testable import KosmosAPI

@Suite struct InformerTests {
    typealias Server = InformerTestServer
    func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
        await InformerTestSupport.eventually(timeout: timeout, condition)
    }

    /// Runs `body` with an informer running against `server`, then stops it and checks that `run()` returned.
    func withInformer(
        _ server: Server, resync: Duration? = nil,
        _ body: (SharedInformer<DynamicObject>) async throws -> Void
    ) async throws {
        let informer = SharedInformer(
            listerWatcher: server, resyncPeriod: resync, backoff: InformerTestSupport.fastBackoff)
        let task = Task { await informer.run() }
        defer { task.cancel() }
        try await body(informer)
        task.cancel()
        await task.value
    }

    func cacheMatches(_ informer: SharedInformer<DynamicObject>, _ server: Server) -> Bool {
        let cached = Dictionary(uniqueKeysWithValues: informer.store.list().map { (ObjectKey(of: $0), $0) })
        return cached == server.objects
    }

    @Test func listsThenWatchesFromTheListsResourceVersion() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        server.upsert(Server.configMap("b", namespace: "other"))
        let rv = server.revision
        let recorder = EventRecorder<DynamicObject>()
        try await withInformer(server) { informer in
            informer.addEventHandler { recorder.record($0) }
            #expect(await informer.waitForCacheSync())
            #expect(informer.store.count == 2)
            #expect(informer.store.list(namespace: "other").map(\.metadata.name) == ["b"])
            #expect(await eventually { server.openWatches == 1 })
            #expect(server.watchRequests == [String(rv)])

            server.upsert(Server.configMap("c"))
            server.upsert(Server.configMap("a", data: "2"))
            server.delete(ObjectKey(namespace: "other", name: "b"))
            #expect(await eventually { recorder.events.count == 5 })
            #expect(Array(recorder.summary.prefix(2)).sorted() == ["A a", "A b"])
            #expect(Array(recorder.summary.dropFirst(2)) == ["A c", "U a", "D b"])
            if case .updated(let old, let new) = recorder.events[3] {
                #expect(old.json["data"]?["v"] == "")
                #expect(new.json["data"]?["v"] == "2")
            } else {
                Issue.record("expected an update, got \(recorder.events[3])")
            }
            #expect(cacheMatches(informer, server))
            #expect(informer.lastSyncResourceVersion == String(server.revision))
            #expect(server.listCount == 1)
        }
    }

    @Test func rewatchesFromLastSeenVersionWhenTheWatchEnds() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            #expect(await eventually { server.openWatches == 1 })
            server.upsert(Server.configMap("b"))
            #expect(await eventually { informer.store.count == 2 })
            let seen = server.revision
            server.closeWatches()
            // Written while no watch is open: the next watch must replay it from the log.
            server.upsert(Server.configMap("c"))
            #expect(await eventually { informer.store.count == 3 })
            #expect(server.listCount == 1)
            #expect(server.watchRequests.last == String(seen))
            #expect(cacheMatches(informer, server))
        }
    }

    @Test func bookmarksAdvanceTheResumeVersion() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            #expect(await eventually { server.openWatches == 1 })
            // Writes to another collection advance the global revision; this one only learns through a bookmark.
            server.upsert(Server.configMap("b"))
            server.delete(ObjectKey(namespace: "default", name: "b"))
            #expect(await eventually { informer.lastSyncResourceVersion == String(server.revision) })
            server.compact()
            server.bookmark()
            server.closeWatches()
            #expect(await eventually { server.openWatches == 1 })
            #expect(server.listCount == 1, "a bookmark at the compaction point avoids a relist")
            #expect(server.watchRequests.last == String(server.revision))
        }
    }

    @Test func relistsAfterGoneAndDeletesWhatVanished() async throws {
        let server = Server()
        for name in ["keep", "change", "vanish"] { server.upsert(Server.configMap(name)) }
        let recorder = EventRecorder<DynamicObject>()
        try await withInformer(server) { informer in
            informer.addEventHandler { recorder.record($0) }
            #expect(await informer.waitForCacheSync())
            #expect(await eventually { server.openWatches == 1 && recorder.events.count == 3 })
            // While the informer is disconnected, the server changes and compacts past the informer's version.
            server.failNextWatches(1_000_000)
            server.closeWatches()
            server.upsert(Server.configMap("change", data: "new"))
            server.delete(ObjectKey(namespace: "default", name: "vanish"))
            server.upsert(Server.configMap("born"))
            server.compact()
            server.failNextWatches(0)
            #expect(await eventually { server.listCount == 2 })
            #expect(await eventually { cacheMatches(informer, server) })
            #expect(await eventually { recorder.events.count == 3 + 4 })
            let after = Array(recorder.summary.dropFirst(3))
            #expect(after.contains("D vanish"))
            #expect(after.contains("A born"))
            #expect(after.contains("U change"))
            #expect(after.contains("U keep"))
            #expect(informer.store.get(namespace: "default", name: "change")?.json["data"]?["v"] == "new")
        }
    }

    @Test func relistsAfterGoneInsideTheWatchStream() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            #expect(await eventually { server.openWatches == 1 })
            server.expireWatches()
            #expect(await eventually { server.listCount == 2 && server.openWatches == 1 })
            server.upsert(Server.configMap("b"))
            #expect(await eventually { cacheMatches(informer, server) })
        }
    }

    @Test func retriesFailedListsWithBackoff() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        server.failNextLists(3)
        let start = ContinuousClock.now
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            // 20 + 40 + 80 ms at least (jitter only stretches).
            #expect(ContinuousClock.now - start >= .milliseconds(140))
            #expect(server.listCount == 4)
            #expect(cacheMatches(informer, server))
        }
    }

    @Test func retriesFailedWatchesFromTheSameVersionWithoutRelisting() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        server.failNextWatches(2)
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            #expect(await eventually { server.openWatches == 1 })
            #expect(server.listCount == 1)
            #expect(server.watchRequests.count == 3)
            #expect(Set(server.watchRequests).count == 1)
        }
    }

    @Test func lateHandlerGetsTheCacheAsAddsThenSyncs() async throws {
        let server = Server()
        for i in 0..<50 { server.upsert(Server.configMap("o\(i)")) }
        try await withInformer(server) { informer in
            #expect(await informer.waitForCacheSync())
            let recorder = EventRecorder<DynamicObject>()
            let registration = informer.addEventHandler { recorder.record($0) }
            #expect(await registration.waitForSync())
            #expect(recorder.summary.count == 50)
            #expect(recorder.summary.allSatisfy { $0.hasPrefix("A ") })
            registration.remove()
            server.upsert(Server.configMap("after-removal"))
            #expect(await eventually { informer.store.count == 51 })
            try await Task.sleep(for: .milliseconds(50))
            #expect(recorder.events.count == 50)
        }
    }

    @Test func handlerRegisteredBeforeRunSyncsAfterFirstList() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        let informer = SharedInformer(listerWatcher: server, backoff: InformerTestSupport.fastBackoff)
        let gate = StateLock(false)
        let registration = informer.addEventHandler { _ in
            while !gate.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(!registration.hasSynced)
        let task = Task { await informer.run() }
        #expect(await informer.waitForCacheSync())
        try await Task.sleep(for: .milliseconds(30))
        #expect(!registration.hasSynced, "the handler has not processed the initial add yet")
        gate.withLock { $0 = true }
        #expect(await registration.waitForSync())
        task.cancel()
        await task.value
    }

    @Test func resyncResendsEveryObjectAsUpdate() async throws {
        let server = Server()
        server.upsert(Server.configMap("a"))
        server.upsert(Server.configMap("b"))
        let recorder = EventRecorder<DynamicObject>()
        try await withInformer(server, resync: .milliseconds(50)) { informer in
            informer.addEventHandler { recorder.record($0) }
            #expect(await eventually { recorder.events.count >= 6 })
            for case .updated(let old, let new) in recorder.events { #expect(old == new) }
            #expect(server.listCount == 1, "resync replays the cache; it does not list")
        }
    }

    @Test func runReturnsWhenCancelledAndRunsOnlyOnce() async throws {
        let server = Server()
        let informer = SharedInformer(listerWatcher: server)
        let task = Task { await informer.run() }
        #expect(await informer.waitForCacheSync())
        #expect(await eventually { server.openWatches == 1 })
        task.cancel()
        await task.value
        #expect(await eventually { server.openWatches == 0 })
        await informer.run()  // returns at once
        let late = EventRecorder<DynamicObject>()
        let r = informer.addEventHandler { late.record($0) }
        #expect(!r.hasSynced)
    }

    @Test func cacheEqualsServerAfterRandomWritesDisconnectsAndCompactions() async throws {
        let server = Server()
        var rng = SystemRandomNumberGenerator()
        let tracked = EventRecorder<DynamicObject>()
        try await withInformer(server) { informer in
            informer.addEventHandler { tracked.record($0) }
            for step in 0..<600 {
                let name = "o\(Int.random(in: 0..<40, using: &rng))"
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5: server.upsert(Server.configMap(name, data: "\(step)"))
                case 5..<8: server.delete(ObjectKey(namespace: "default", name: name))
                case 8: server.closeWatches()
                default:
                    if Bool.random(using: &rng) { server.compact() } else { server.expireWatches() }
                }
                if step % 50 == 0 { try await Task.sleep(for: .milliseconds(2)) }
            }
            #expect(await eventually { cacheMatches(informer, server) })
            // Replaying the handler's events must give the same state as the cache.
            #expect(await eventually {
                var replay: [ObjectKey: DynamicObject] = [:]
                for e in tracked.events {
                    switch e {
                    case .added(let o), .updated(_, let o): replay[ObjectKey(of: o)] = o
                    case .deleted(let o): replay[ObjectKey(of: o)] = nil
                    }
                }
                return replay == server.objects
            })
        }
    }
}
