import KosmosAPI
import Testing
@testable import KosmosTree

@Suite struct MirrorTests {
    /// A client of a port nothing listens on: any request fails.
    static func unreachable() throws -> KubeClient {
        var config = ClientConfig(server: "http://127.0.0.1:1")
        config.qps = 0
        return try KubeClient(config: config)
    }

    @Test func upToDateCachedCopyIsNotReadAgain() async throws {
        let kind = DependencyKind<ConfigMap>.configMaps(clusterName: "member1", member: try Self.unreachable())
        var source = ConfigMap(name: "kube-root-ca.crt", namespace: "app")
        source.data = ["ca.crt": "x"]
        var cached = try kind.mirror.transform(source)
        MirrorMarker.global.mark(&cached.metadata)
        #expect(cached.metadata.name == "master-root-ca.crt")
        #expect(kind.mirror.copyKey(ObjectKey(of: source)) == ObjectKey(namespace: "app", name: "master-root-ca.crt"))
        #expect(kind.sourceKey(ObjectKey(of: cached)) == ObjectKey(of: source))
        let outcome = try await kind.mirror.ensure(source, cached: cached)
        guard case .unchanged = outcome else {
            Issue.record("expected the cached copy to count as up to date, got \(outcome)")
            return
        }
        // A stale or foreign cached copy makes the mirror ask the cluster (which fails here, naming the step).
        var stale = cached
        stale.data = ["ca.crt": "old"]
        await #expect(throws: MirrorError.self) { _ = try await kind.mirror.ensure(source, cached: stale) }
        var foreign = cached
        foreign.metadata.annotations = [:]
        do { _ = try await kind.mirror.ensure(source, cached: foreign) } catch let e as MirrorError {
            #expect(e.step == "read copy")
            #expect(e.object == "app/master-root-ca.crt")
        }
    }
}
