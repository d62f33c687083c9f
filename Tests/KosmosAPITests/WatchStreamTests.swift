import Foundation
import Testing
@testable import KosmosAPI

/// Watches over real loopback HTTP: chunk framing, ERROR events, back-pressure, cancellation.
@Suite struct WatchStreamTests {
    @Test(arguments: ["400-watch-configmaps-events", "402-watch-no-resourceversion", "716-background-delete-watch-replicasets"])
    func recordedChunkedStreamsArriveAsEvents(id: String) async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let raw = try ClientFixtures.bytes("\(id).response.chunked.txt")
        let expected = try ClientFixtures.bytes("\(id).response.jsonl").split(separator: 0x0A)
            .map { try JSONValue.parse($0) }
        // The recorded chunk bytes go out in odd-sized pieces, so TCP reads split chunks and events anywhere.
        let server = try ClientTestServer { _, _ in
            .rawChunked(status: 200, headers: [("Content-Type", "application/json")], raw: raw, pieceSize: 173)
        }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        let stream = try await client.watch(FixtureConfigMap.self, namespace: "demo",
                                            options: ListOptions(resourceVersion: "203", timeoutSeconds: 8,
                                                                 allowWatchBookmarks: true))
        var events: [WatchEvent<FixtureConfigMap>] = []
        for try await e in stream { events.append(e) }
        #expect(events.count == expected.count)
        for (e, x) in zip(events, expected) {
            #expect(e.type.rawValue == x["type"]?.stringValue)
            #expect(e.object.json == x["object"])
        }
        let r = try #require(server.requests.first)
        #expect(r.target == "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=203&timeoutSeconds=8&allowWatchBookmarks=true")
        if id.hasPrefix("400") {
            #expect(events.map(\.type) == [.added, .modified, .modified, .deleted, .bookmark])
        }
    }

    @Test func tooOldResourceVersionIsAGoneError() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let raw = try ClientFixtures.bytes("404-watch-too-old-resourceversion.response.chunked.txt")
        let server = try ClientTestServer { _, _ in .rawChunked(status: 200, headers: [], raw: raw, pieceSize: 50) }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        let stream = try await client.watch(FixtureConfigMap.self, namespace: "demo",
                                            options: ListOptions(resourceVersion: "1"))
        do {
            for try await e in stream { Issue.record("unexpected event \(e.type)") }
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.isGone)
            #expect(e.code == 410)
            #expect(e.description.hasPrefix("watch configmaps in demo: Expired (410): too old resource version"))
        }
    }

    @Test func eventsBeforeAnErrorInTheSameChunkArriveFirst() async throws {
        // Two events and an ERROR in one chunk: the reflector takes them as one batch, so the events must be
        // delivered and the error thrown only after them.
        func cm(_ name: String, _ rv: Int) -> String {
            #"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":""#
                + name + #"","namespace":"demo","resourceVersion":""# + "\(rv)" + #""},"data":{"k":"v"}}}"#
        }
        let gone = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#
        let body = Array((cm("a", 2) + "\n" + cm("b", 3) + "\n" + gone + "\n").utf8)
        let raw = Array((String(body.count, radix: 16) + "\r\n").utf8) + body + Array("\r\n0\r\n\r\n".utf8)
        let server = try ClientTestServer { _, _ in .rawChunked(status: 200, headers: [], raw: raw, pieceSize: 4096) }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        let events = try await KubeListerWatcher<ConfigMap>(client: client, namespace: "demo")
            .watch(resourceVersion: "1", timeout: .seconds(5))
        var names: [String] = []
        do {
            for try await e in events {
                if case .added(let o) = e { names.append(o.metadata.name ?? "") }
            }
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.isGone)
        }
        #expect(names == ["a", "b"])
    }

    @Test func refusedWatchThrowsWhenOpened() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("313-namespace-not-found-404"))! }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        await #expect(throws: KubeError.self) {
            _ = try await client.watch(FixtureConfigMap.self, namespace: "nope", options: ListOptions())
        }
    }

    @Test func slowConsumerPausesTheTransferWithinTheBufferBound() async throws {
        // 4,000 events of ~1 KB each, written as fast as the socket takes them.
        let line = Array(#"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"demo","resourceVersion":"1"},"data":{"pad":""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "a"), count: 900) + Array("\"}}}\n".utf8)
        let count = 4000
        let server = try ClientTestServer { _, _ in
            .chunked(status: 200, headers: [], chunks: Array(repeating: line, count: count), pauseMs: 0)
        }
        defer { server.stop() }
        let client = try ClientTests.client(server) { $0.watchBufferBytes = 64 * 1024 }
        let stream = try await client.watch(FixtureConfigMap.self, namespace: "demo", options: ListOptions())
        var n = 0
        for try await e in stream {
            #expect(e.type == .added)
            n += 1
            if n % 200 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(n == count, "no event lost across pauses")
        let stats = stream.handle.sink.state.withLock { ($0.maxQueuedBytes, $0.pauses) }
        #expect(stats.1 > 0, "the producer was paused at least once")
        // The bound may be overshot by at most one network read (libcurl's 16 KB buffer, here ~1 KB lines).
        #expect(stats.0 <= 64 * 1024 + 20 * 1024, "queued at most \(stats.0) bytes")
    }

    @Test func stoppingAWatchClosesTheConnection() async throws {
        let line = Array(#"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"9"}}}"#.utf8) + [0x0A]
        let server = try ClientTestServer { _, _ in
            .chunked(status: 200, headers: [], chunks: Array(repeating: line, count: 600), pauseMs: 10)
        }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        let stream = try await client.watch(FixtureConfigMap.self, namespace: "demo", options: ListOptions())
        var seen = 0
        let start = ContinuousClock.now
        do {
            for try await e in stream {
                #expect(e.type == .bookmark)
                seen += 1
                if seen == 3 { stream.stop() }
            }
        } catch let e as TransportError {
            #expect(e.kind == .cancelled)
        }
        #expect(seen >= 3)
        #expect(ContinuousClock.now - start < .seconds(3), "the 6 s stream was cut short")
    }

    @Test func dynamicWatchDecodesObjects() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let raw = try ClientFixtures.bytes("403-watch-single-object.response.chunked.txt")
        let server = try ClientTestServer { _, _ in .rawChunked(status: 200, headers: [], raw: raw, pieceSize: 4096) }
        defer { server.stop() }
        let client = try ClientTests.client(server)
        let cms = client.dynamic(GroupVersionResource(apiVersion: "v1", resource: "configmaps", scope: .namespaced))
        var events: [WatchEvent<DynamicObject>] = []
        for try await e in try await cms.watch(namespace: "demo",
                                               options: ListOptions(fieldSelector: "metadata.name=app-config")) {
            events.append(e)
        }
        #expect(events.map(\.type) == [.modified, .bookmark])
        #expect(events.first?.object.metadata.name == "app-config")
    }
}
