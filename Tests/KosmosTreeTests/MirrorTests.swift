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

    @Test func copyTheCacheLacksIsCreatedWithoutAReadFirst() async throws {
        let kind = DependencyKind<ConfigMap>.configMaps(clusterName: "member1", member: try Self.unreachable())
        let source = ConfigMap(name: "settings", namespace: "app")
        do { _ = try await kind.mirror.ensure(source, likelyAbsent: true) } catch let e as MirrorError {
            #expect(e.step == "create copy")
        }
    }

    @Test func createWithoutReadFallsBackWhenTheCacheLagged() async throws {
        let target = try await TreeTestCluster.start(name: "mirror-target")
        do {
            let kind = DependencyKind<ConfigMap>.configMaps(clusterName: "member1", member: target.client)
            var source = ConfigMap(name: "settings", namespace: "app")
            source.data = ["a": "1"]
            guard case .created = try await kind.mirror.ensure(source, likelyAbsent: true) else {
                Issue.record("expected the copy (and its namespace) to be created")
                return
            }
            // A cache that has not seen the copy yet: the create finds it, and the update rule still applies.
            source.data = ["a": "2"]
            let outcome = try await kind.mirror.ensure(source, likelyAbsent: true)
            guard case .updated(let copy) = outcome else {
                Issue.record("expected the existing copy to be updated, got \(outcome)")
                return
            }
            #expect(copy.data == ["a": "2"])
            // An object of that name someone else made stays theirs.
            _ = try await target.client.create(ConfigMap(name: "theirs", namespace: "app"))
            let foreign = try await kind.mirror.ensure(ConfigMap(name: "theirs", namespace: "app"), likelyAbsent: true)
            guard case .foreign = foreign else {
                Issue.record("expected the member's own object to be left alone, got \(foreign)")
                return
            }
        } catch {
            await target.stop()
            throw error
        }
        await target.stop()
    }
}
