import Testing
@testable import KosmosAPI

@Suite struct InformerFactoryTests {
    /// One cluster with two collections; counts how many lister/watchers the factory asked for.
    final class Cluster: ListerWatcherProvider {
        let configMaps = EventLogServer<ConfigMap>()
        let pods = EventLogServer<Pod>()
        let requests = StateLock<[String]>([])

        func listerWatcher<R: Resource>(for type: R.Type, namespace: String?) -> any ListerWatcher<R> {
            requests.withLock { $0.append("\(R.kind) in \(namespace ?? "*")") }
            if R.self == ConfigMap.self { return configMaps as! any ListerWatcher<R> }
            if R.self == Pod.self { return pods as! any ListerWatcher<R> }
            fatalError("no test collection for \(R.kind)")
        }
    }

    static func pod(_ name: String) -> DynamicObject {
        DynamicObject(json: ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "namespace": "default"]])
    }

    @Test func sharesOneInformerAndOneWatchPerKind() async throws {
        let cluster = Cluster()
        cluster.configMaps.upsert(InformerTestServer.configMap("cm"))
        cluster.pods.upsert(Self.pod("p"))
        let factory = SharedInformerFactory(provider: cluster, namespace: "default")
        let a = factory.informer(for: ConfigMap.self)
        let b = factory.informer(for: ConfigMap.self)
        #expect(a === b)
        let run = Task { await factory.run() }
        #expect(await factory.waitForCacheSync())
        #expect(a.store.get(namespace: "default", name: "cm")?.name == "cm")
        // An informer asked for while the factory runs is started too.
        let pods = factory.informer(for: Pod.self)
        #expect(await pods.waitForCacheSync())
        #expect(pods.store.list().map(\.name) == ["p"])
        #expect(await InformerTestSupport.eventually {
            cluster.configMaps.openWatches == 1 && cluster.pods.openWatches == 1
        })
        #expect(cluster.requests.withLock { $0 } == ["ConfigMap in default", "Pod in default"])
        #expect(cluster.configMaps.listCount == 1)
        run.cancel()
        await run.value
        #expect(await InformerTestSupport.eventually {
            cluster.configMaps.openWatches == 0 && cluster.pods.openWatches == 0
        })
    }

    @Test func typedInformerDeliversTypedObjects() async throws {
        let cluster = Cluster()
        var cm = InformerTestServer.configMap("typed")
        cm.json["data"] = ["k": "v"]
        cluster.configMaps.upsert(cm)
        let factory = SharedInformerFactory(provider: cluster)
        let informer = factory.informer(for: ConfigMap.self)
        let seen = StateLock<[String]>([])
        informer.addEventHandler(onAdd: { (c: ConfigMap) in seen.withLock { $0.append(c.data["k"] ?? "") } })
        let run = Task { await factory.run() }
        #expect(await InformerTestSupport.eventually { seen.withLock { $0 } == ["v"] })
        run.cancel()
        await run.value
    }
}
