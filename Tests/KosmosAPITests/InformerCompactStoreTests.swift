import Testing
@testable import KosmosAPI

/// The object store keeps objects as compact JSON and only recent ones decoded: these tests fill it past the
/// decoded budget so that reads decode, and check that nothing a reader sees differs from what was written.
@Suite struct InformerCompactStoreTests {
    /// A ConfigMap of about `size` bytes of JSON with fields the model does not know, at several depths.
    static func object(_ name: String, _ ns: String, size: Int = 20_000, node: String = "n1",
                       step: Int = 0) -> DynamicObject {
        DynamicObject(json: [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(ns), "labels": ["node": .string(node)],
                         "futureMeta": ["z": 1, "a": [true, nil, 2.5]]],
            "data": ["blob": .string(String(repeating: "x", count: size)), "step": .string("\(step)"),
                     "quote": "a \"b\" <c> & \u{e9} \u{1F600}\n"],
            "zzUnknown": ["nested": ["n": -0.125, "big": 9_007_199_254_740_993, "e": 1e-7]],
        ])
    }

    static let byNode: IndexFunction<DynamicObject> = { [$0.metadata.labels["node"] ?? ""] }

    /// More JSON than the decoded cache keeps (1 MiB at least), so most reads decode.
    static let overBudget = 200

    @Test func readsGiveBackExactlyWhatWasWrittenAfterTheDecodedCacheLetsGo() throws {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        var written: [ObjectKey: DynamicObject] = [:]
        for i in 0..<Self.overBudget {
            let o = Self.object("cm-\(i)", "ns-\(i % 3)", node: "n\(i % 4)")
            store.put(o)
            written[ObjectKey(of: o)] = o
        }
        for (key, o) in written {
            let read = try #require(store.get(key))
            #expect(read == o)
            // Field order survives too: the text is identical.
            #expect(read.json.serializedString() == o.json.serializedString())
        }
        #expect(Set(store.list().map { ObjectKey(of: $0) }) == Set(written.keys))
        #expect(store.list(namespace: "ns-1").count == written.keys.filter { $0.namespace == "ns-1" }.count)
        #expect(try store.byIndex("node", "n2").allSatisfy { $0.metadata.labels["node"] == "n2" })
        #expect(try store.byIndex("node", "n2").count == Self.overBudget / 4)
    }

    @Test func updatesAndDeletesOfObjectsNoLongerDecodedKeepIndicesRight() throws {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        for i in 0..<Self.overBudget { store.put(Self.object("cm-\(i)", "ns", node: "n1")) }
        // cm-0 was written first: long out of the decoded cache.
        let old = store.put(Self.object("cm-0", "ns", node: "n2", step: 1))
        #expect(old == Self.object("cm-0", "ns", node: "n1"), "the replaced object is returned whole")
        #expect(try store.keys(index: "node", value: "n2") == [ObjectKey("ns/cm-0")])
        #expect(try store.keys(index: "node", value: "n1").count == Self.overBudget - 1)
        let removed = store.remove(ObjectKey("ns/cm-1"))
        #expect(removed == Self.object("cm-1", "ns", node: "n1"))
        #expect(try store.keys(index: "node", value: "n1").count == Self.overBudget - 2)
        #expect(store.get(ObjectKey("ns/cm-1")) == nil)
        #expect(store.get(ObjectKey("ns/cm-0"))?.json["data"]?["step"] == "1")
    }

    @Test func aReadNeverReturnsAnOlderWriteThanTheLastOne() {
        let store = ObjectStore<DynamicObject>()
        for step in 0..<50 {
            store.put(Self.object("hot", "ns", size: 100, step: step))
            for i in 0..<10 { store.put(Self.object("filler-\(step)-\(i)", "ns", step: step)) }
            #expect(store.get(ObjectKey("ns/hot"))?.json["data"]?["step"] == .string("\(step)"))
        }
    }

    @Test func indexAddedLaterCoversObjectsThatAreOnlyStoredAsJSON() throws {
        let store = ObjectStore<DynamicObject>()
        for i in 0..<Self.overBudget { store.put(Self.object("cm-\(i)", "ns", node: "n\(i % 2)")) }
        store.addIndex("node", Self.byNode)
        #expect(try store.keys(index: "node", value: "n0").count == Self.overBudget / 2)
        #expect(try Set(store.indexValues("node")) == ["n0", "n1"])
    }

    @Test func replaceReportsTheLastStoredStateOfObjectsOnlyStoredAsJSON() {
        let store = ObjectStore<DynamicObject>()
        for i in 0..<Self.overBudget { store.put(Self.object("cm-\(i)", "ns")) }
        let r = store.replace(with: [Self.object("cm-0", "ns", step: 2), Self.object("new", "ns")])
        #expect(r.added.map(\.metadata.name) == ["new"])
        #expect(r.updated.count == 1)
        #expect(r.updated.first?.old == Self.object("cm-0", "ns"))
        #expect(r.deleted.count == Self.overBudget - 1)
        #expect(r.deleted.first == Self.object("cm-1", "ns"), "deleted objects come whole, in key order")
        #expect(store.count == 2)
    }

    @Test func concurrentReadersSeeWholeObjectsWhileWritersEvictThem() async {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<3 {
                group.addTask {
                    for i in 0..<150 {
                        store.put(Self.object("p\(w)-\(i % 60)", "ns\(w)", node: "n\(i % 3)", step: i))
                        if i % 9 == 0 { store.remove(ObjectKey(namespace: "ns\(w)", name: "p\(w)-\((i + 1) % 60)")) }
                    }
                }
                group.addTask {
                    for i in 0..<100 {
                        for o in store.list(namespace: "ns\(w)") {
                            let step = Int(o.json["data"]?["step"]?.stringValue ?? "") ?? -1
                            #expect(o == Self.object(o.metadata.name ?? "", "ns\(w)", node: "n\(step % 3)", step: step))
                        }
                        _ = store.get(ObjectKey(namespace: "ns\(w)", name: "p\(w)-\(i % 60)"))
                    }
                }
            }
        }
        for n in ["n0", "n1", "n2"] {
            for o in (try? store.byIndex("node", n)) ?? [] { #expect(o.metadata.labels["node"] == n) }
        }
        let indexed = ["n0", "n1", "n2"].reduce(0) { $0 + ((try? store.keys(index: "node", value: $1).count) ?? 0) }
        #expect(indexed == store.count)
    }

    @Test func decodedCacheKeepsRecentEntriesWithinItsBudget() {
        var cache = DecodedObjectCache<Int>(budget: 1_000)
        for i in 0..<100 { cache.insert(ObjectKey("k\(i)"), version: 1, object: i, size: 100) }
        let kept = (0..<100).filter { cache.peek(ObjectKey("k\($0)"), version: 1) != nil }
        #expect(kept.count <= 10, "at most the budget's worth of JSON stays decoded")
        #expect(kept.contains(99), "the last write stays")
        #expect(cache.peek(ObjectKey("k99"), version: 2) == nil, "a decoding of another version is not returned")
        cache.insert(ObjectKey("huge"), version: 1, object: -1, size: 600)
        #expect(cache.peek(ObjectKey("huge"), version: 1) == nil, "an object bigger than a generation is not kept")
    }
}
