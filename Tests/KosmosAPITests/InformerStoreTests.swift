import Testing
@testable import KosmosAPI

@Suite struct InformerStoreTests {
    func pod(_ name: String, _ ns: String, node: String? = nil, labels: [String: String] = [:]) -> DynamicObject {
        var o = DynamicObject(json: ["apiVersion": "v1", "kind": "Pod", "spec": [:]])
        o.metadata.name = name
        o.metadata.namespace = ns
        o.metadata.labels = labels
        if let node { o.json["spec"]?["nodeName"] = .string(node) }
        return o
    }

    static let byNode: IndexFunction<DynamicObject> = { o in
        o.json["spec"]?["nodeName"]?.stringValue.map { [$0] } ?? []
    }

    @Test func keysAreNamespaceSlashName() {
        #expect(ObjectKey(of: pod("a", "ns")).description == "ns/a")
        var node = DynamicObject(json: ["kind": "Node"])
        node.metadata.name = "n1"
        #expect(ObjectKey(of: node).description == "n1")
        #expect(ObjectKey("ns/a") == ObjectKey(namespace: "ns", name: "a"))
        #expect(ObjectKey("n1") == ObjectKey(namespace: nil, name: "n1"))
    }

    @Test func namespaceIndexIsBuiltIn() throws {
        let store = ObjectStore<DynamicObject>()
        store.put(pod("a", "x"))
        store.put(pod("b", "x"))
        store.put(pod("c", "y"))
        #expect(Set(store.list(namespace: "x").map(\.metadata.name)) == ["a", "b"])
        #expect(try Set(store.indexValues(ObjectStore<DynamicObject>.namespaceIndex)) == ["x", "y"])
        store.remove(ObjectKey("x/a"))
        #expect(store.list(namespace: "x").map(\.metadata.name) == ["b"])
    }

    @Test func customIndexFollowsUpdatesAndDeletes() throws {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        store.put(pod("a", "x", node: "n1"))
        store.put(pod("b", "x", node: "n1"))
        store.put(pod("c", "x"))
        #expect(try Set(store.byIndex("node", "n1").map(\.metadata.name)) == ["a", "b"])
        let old = store.put(pod("a", "x", node: "n2"))
        #expect(old?.json["spec"]?["nodeName"] == "n1")
        #expect(try store.byIndex("node", "n1").map(\.metadata.name) == ["b"])
        #expect(try store.byIndex("node", "n2").map(\.metadata.name) == ["a"])
        store.remove(ObjectKey("x/b"))
        #expect(try store.byIndex("node", "n1").isEmpty)
        #expect(try Set(store.indexValues("node")) == ["n2"], "empty index values are dropped")
    }

    @Test func indexAddedLaterCoversExistingObjects() throws {
        let store = ObjectStore<DynamicObject>()
        store.put(pod("a", "x", labels: ["app": "web"]))
        store.put(pod("b", "x", labels: ["app": "db"]))
        store.addIndex("app") { o in o.metadata.labels["app"].map { [$0] } ?? [] }
        #expect(try store.byIndex("app", "web").map(\.metadata.name) == ["a"])
        #expect(try store.keys(index: "app", value: "db") == [ObjectKey("x/b")])
    }

    @Test func unknownIndexIsAnErrorNamingIt() {
        let store = ObjectStore<DynamicObject>()
        #expect(throws: ObjectStoreError.self) { try store.byIndex("nope", "v") }
        do {
            _ = try store.byIndex("nope", "v")
        } catch {
            #expect(error.description.contains("\"nope\""))
        }
    }

    @Test func replaceReportsAddsUpdatesAndDeletes() throws {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        store.put(pod("keep", "x", node: "n1"))
        store.put(pod("gone", "x", node: "n1"))
        let r = store.replace(with: [pod("keep", "x", node: "n2"), pod("new", "y")])
        #expect(r.added.map(\.metadata.name) == ["new"])
        #expect(r.updated.map(\.new.metadata.name) == ["keep"])
        #expect(r.deleted.map(\.metadata.name) == ["gone"])
        #expect(store.count == 2)
        #expect(try store.byIndex("node", "n1").isEmpty)
        #expect(try store.byIndex("node", "n2").map(\.metadata.name) == ["keep"])
    }

    @Test func concurrentWritersAndReadersStayConsistent() async {
        let store = ObjectStore<DynamicObject>(indexers: ["node": Self.byNode])
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for i in 0..<500 {
                        store.put(self.pod("p\(w)-\(i % 50)", "ns\(w)", node: "n\(i % 3)"))
                        if i % 7 == 0 { store.remove(ObjectKey(namespace: "ns\(w)", name: "p\(w)-\((i + 1) % 50)")) }
                    }
                }
                group.addTask {
                    for _ in 0..<200 { _ = try? store.byIndex("node", "n1"); _ = store.list(namespace: "ns\(w)") }
                }
            }
        }
        // Every index entry points at a stored object whose index value matches.
        for n in ["n0", "n1", "n2"] {
            for o in (try? store.byIndex("node", n)) ?? [] {
                #expect(o.json["spec"]?["nodeName"]?.stringValue == n)
            }
        }
        let indexed = ["n0", "n1", "n2"].reduce(0) { $0 + ((try? store.keys(index: "node", value: $1).count) ?? 0) }
        #expect(indexed == store.count)
    }
}
