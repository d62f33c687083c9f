import Foundation
import Testing
@testable import KosmosAPI
import KosmosLocal

/// An informer's object transform against the real local API server: what the cache holds and what handlers see.
@Suite struct InformerTransformTests {
    typealias Cluster = InformerLocalServerTests.Cluster

    /// Drops `metadata.managedFields` and marks the object, so a test can tell a transformed object from a raw one.
    static let trim: ObjectTransform<ConfigMap> = { cm in
        var out = cm
        out.json["metadata"]?["managedFields"] = nil
        out.json["metadata"]?["annotations"]?["test/transformed"] = "yes"
        if out.json["metadata"]?["annotations"] == nil {
            out.json["metadata"]?["annotations"] = ["test/transformed": "yes"]
        }
        return out
    }

    func configMap(_ name: String, _ value: String) -> ConfigMap {
        var cm = ConfigMap(name: name, namespace: "default")
        cm.data = ["v": value]
        return cm
    }

    static func isTransformed(_ cm: ConfigMap) -> Bool {
        cm.json["metadata"]?["managedFields"] == nil
            && cm.json["metadata"]?["annotations"]?["test/transformed"]?.stringValue == "yes"
    }

    @Test func transformAppliesToListedAndWatchedObjectsInCacheAndHandlers() async throws {
        let cluster = try await Cluster()
        do {
            let client = try cluster.client()
            // Listed objects: created before the informer starts.
            for i in 0..<3 { _ = try await client.create(configMap("listed-\(i)", "a")) }
            let listed = try await client.get(ConfigMap.self, namespace: "default", name: "listed-0")
            #expect(listed.json["metadata"]?["managedFields"]?.arrayValue?.isEmpty == false,
                    "the server records managedFields, so dropping them is observable")

            let informer = SharedInformer(client: client, ConfigMap.self, namespace: "default",
                                          transform: Self.trim)
            let recorder = EventRecorder<ConfigMap>()
            informer.addEventHandler { recorder.record($0) }
            let run = Task { await informer.run() }
            #expect(await InformerTestSupport.eventually { informer.store.count == 3 })

            // Watched objects: a create, an update and a delete after the list.
            _ = try await client.create(configMap("watched", "b"))
            var changed = try await client.get(ConfigMap.self, namespace: "default", name: "listed-1")
            changed.data = ["v": "changed"]
            _ = try await client.update(changed)
            try await client.delete(ConfigMap.self, namespace: "default", name: "listed-2")
            #expect(await InformerTestSupport.eventually {
                informer.store.count == 3 && informer.store.get(namespace: "default", name: "watched") != nil
                    && informer.store.get(namespace: "default", name: "listed-1")?.data["v"] == "changed"
            })

            for cm in informer.store.list() {
                #expect(Self.isTransformed(cm), "cached \(cm.metadata.name ?? "")")
            }
            // Reads by key decode the stored form again: still transformed.
            let byKey = try #require(informer.store.get(namespace: "default", name: "watched"))
            #expect(Self.isTransformed(byKey))
            #expect(byKey.data["v"] == "b")

            #expect(await InformerTestSupport.eventually {
                recorder.summary.contains("D listed-2") && recorder.summary.contains("A watched")
            })
            for event in recorder.events {
                switch event {
                case .added(let o), .deleted(let o): #expect(Self.isTransformed(o), "handler saw \(event)")
                case .updated(let old, let new):
                    #expect(Self.isTransformed(old))
                    #expect(Self.isTransformed(new))
                }
            }
            #expect(recorder.summary.filter { $0.hasPrefix("A ") }.sorted()
                    == ["A listed-0", "A listed-1", "A listed-2", "A watched"])
            #expect(recorder.summary.contains("U listed-1"))
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }

    @Test func withoutTransformTheCacheKeepsObjectsAsTheServerSentThem() async throws {
        let cluster = try await Cluster()
        do {
            let client = try cluster.client()
            let informer = SharedInformer(client: client, ConfigMap.self, namespace: "default")
            let run = Task { await informer.run() }
            #expect(await informer.waitForCacheSync())
            let created = try await client.create(configMap("plain", "v"))
            #expect(await InformerTestSupport.eventually {
                informer.store.get(namespace: "default", name: "plain") != nil
            })
            // The watched object (stored from the event's own text) equals the server's answer.
            let cached = try #require(informer.store.get(namespace: "default", name: "plain"))
            #expect(cached.json == created.json)
            #expect(cached.json["metadata"]?["managedFields"] != nil)
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }

    @Test func factoryInformersApplyTheTransformSetForTheirKindBeforeCreation() async throws {
        let cluster = try await Cluster()
        do {
            let client = try cluster.client()
            _ = try await client.create(configMap("listed", "a"))
            let factory = SharedInformerFactory(provider: client, namespace: "default")
            try factory.setTransform(for: ConfigMap.self, Self.trim)
            #expect(throws: InformerFactoryError.transformAlreadySet(kind: "ConfigMap")) {
                try factory.setTransform(for: ConfigMap.self, Self.trim)
            }
            let informer = factory.informer(for: ConfigMap.self)
            _ = factory.informer(for: Secret.self)
            #expect(throws: InformerFactoryError.informerAlreadyCreated(kind: "Secret")) {
                try factory.setTransform(for: Secret.self) { $0 }
            }
            let run = Task { await factory.run() }
            #expect(await factory.waitForCacheSync())
            _ = try await client.create(configMap("watched", "b"))
            #expect(await InformerTestSupport.eventually { informer.store.count == 2 })
            for cm in informer.store.list() {
                #expect(Self.isTransformed(cm), "cached \(cm.metadata.name ?? "")")
            }
            run.cancel()
            await run.value
        }
        await cluster.remove()
    }
}
