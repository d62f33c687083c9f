import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// The SQLite-backed object store: durability, revisions, history and watches.
@Suite struct StorageObjectStoreTests {
    static func tempPath() -> (dir: String, db: String) {
        let dir = NSTemporaryDirectory() + "kosmos-store-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir, dir + "/state.db")
    }

    static func put(_ store: ClusterObjectStore, _ name: String, _ value: String) throws -> JSONValue? {
        let obj: JSONValue = ["kind": "ConfigMap", "apiVersion": "v1",
                              "metadata": ["name": .string(name), "namespace": "ns", "resourceVersion": ""],
                              "data": ["v": .string(value)]]
        return try store.write("core/configmaps", namespace: "ns", name: name) { _ in (.put(obj), ()) }.0
    }

    @Test func reopenedStoreKeepsObjectsAndRevisionsKeepIncreasing() throws {
        let (dir, db) = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var last: Int64 = 0
        do {
            let store = try ClusterObjectStore(path: db, historyLimit: 100)
            for i in 0..<50 { _ = try Self.put(store, "cm-\(i)", "x") }
            _ = try store.write("core/configmaps", namespace: "ns", name: "cm-0") { cur in
                (.delete(cur!.object), ())
            }
            last = store.currentRevision
            store.close()
        }
        let store = try ClusterObjectStore(path: db, historyLimit: 100)
        defer { store.close() }
        #expect(store.currentRevision == last)
        #expect(store.list("core/configmaps", namespace: "ns").items.count == 49)
        #expect(store.get("core/configmaps", namespace: "ns", name: "cm-0") == nil)
        let written = try Self.put(store, "after-restart", "y")
        let rv = Int64(written?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
        #expect(rv == last + 1, "the deletion's revision is not reused after a restart")
        // A restart starts a fresh history: older revisions are no longer watchable.
        #expect(throws: StoreError.self) {
            try store.watch("core/configmaps", namespace: nil, fromRevision: 2, matches: { _ in true },
                            send: { _, _ in })
        }
    }

    @Test func listIsInKeyOrderAndFiltersByNamespace() throws {
        let (dir, db) = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ClusterObjectStore(path: db, historyLimit: 100)
        defer { store.close() }
        for (ns, name) in [("b", "z"), ("a", "y"), ("b", "a"), ("ab", "x")] {
            let obj: JSONValue = ["metadata": ["name": .string(name), "namespace": .string(ns)]]
            try store.write("core/configmaps", namespace: ns, name: name) { _ in (.put(obj), ()) }
        }
        #expect(store.list("core/configmaps", namespace: nil).items.map(\.key) == ["a/y", "ab/x", "b/a", "b/z"])
        #expect(store.list("core/configmaps", namespace: "b").items.map(\.key) == ["b/a", "b/z"])
        #expect(store.list("core/configmaps", namespace: "a").items.map(\.key) == ["a/y"])
    }

    @Test func watchReplaysHistoryThenLiveEventsInOrderAndExpiresOldRevisions() throws {
        let (dir, db) = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ClusterObjectStore(path: db, historyLimit: 20)
        defer { store.close() }
        let start = store.currentRevision
        for i in 0..<10 { _ = try Self.put(store, "w", "\(i)") }
        let seen = LockedBox<[(StoreEventType, String)]>([])
        let id = try store.watch("core/configmaps", namespace: "ns", fromRevision: start, matches: { _ in true },
                                 send: { t, o in seen.modify { $0.append((t, o["data"]?["v"]?.stringValue ?? "")) } })
        for i in 10..<15 { _ = try Self.put(store, "w", "\(i)") }
        store.unwatch(id)
        let events = seen.get()
        #expect(events.count == 15)
        #expect(events.first?.0 == .added)
        #expect(events.map(\.1) == (0..<15).map(String.init))
        // 40 more writes push the first ones out of the 20-event history.
        for i in 0..<40 { _ = try Self.put(store, "w", "late-\(i)") }
        #expect(throws: StoreError.self) {
            try store.watch("core/configmaps", namespace: nil, fromRevision: start, matches: { _ in true },
                            send: { _, _ in })
        }
    }
}
