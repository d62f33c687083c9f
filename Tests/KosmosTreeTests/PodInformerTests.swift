import KosmosAPI
import KosmosTestSupport
import Logging
import Testing

@testable import KosmosTree

/// ClusterTree's pod caches leave out managedFields, which the API server writes on every pod.
@Suite struct PodInformerTests {
    @Test func cachedPodsCarryNoManagedFieldsButEverythingElse() async throws {
        let cluster = try await TreeTestCluster.start(name: "trimmed-pods")
        let informer = SharedInformer<Pod>.trimmedPods(cluster.client, logger: Logger(label: "test"))
        let task = Task { await informer.run() }
        do {
            var pod = Pod(name: "web", namespace: "default")
            pod.json["spec"] = ["containers": [["name": "main", "image": "nginx"]]]
            pod.metadata.labels = ["app": "web"]
            let created = try await cluster.client.create(pod)
            #expect(created.json["metadata"]?["managedFields"] != nil, "the server records managedFields")
            // Listed before the watch starts, then changed through the watch.
            #expect(await informer.waitForCacheSync())
            var updated = created
            updated.metadata.labels["tier"] = "front"
            _ = try await cluster.client.update(updated)
            #expect(
                await eventually("the cache holds the updated pod") {
                    informer.store.get(namespace: "default", name: "web")?.metadata.labels["tier"] == "front"
                })
            let cached = try #require(informer.store.get(namespace: "default", name: "web"))
            #expect(cached.json["metadata"]?["managedFields"] == nil)
            #expect(cached.metadata.labels == ["app": "web", "tier": "front"])
            #expect(cached.spec.containers.map(\.image) == ["nginx"])
        } catch {
            task.cancel()
            await cluster.stop()
            throw error
        }
        task.cancel()
        await cluster.stop()
    }
}
