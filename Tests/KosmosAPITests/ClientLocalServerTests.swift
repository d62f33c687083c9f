import Foundation
import Testing
@testable import KosmosAPI
import KosmosLocal

/// KubeClient against the KosmosLocal API server over HTTPS (generated CA, bearer token, its kubeconfig), with
/// the real `kubectl` as a second client.
@Suite struct ClientLocalServerTests {
    /// A throw-away TLS API server in its own folder.
    final class Server: Sendable {
        let directory: String
        let server: LocalAPIServer

        init() async throws {
            directory = NSTemporaryDirectory() + "kosmos-client-local-" + UUID().uuidString
            server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: true, threads: 1))
            try await server.start()
        }

        func client(_ tweak: (inout ClientConfig) -> Void = { _ in }) throws -> KubeClient {
            var c = try ClientConfig.fromKubeconfig(path: server.kubeconfigPath)
            tweak(&c)
            return try KubeClient(config: c)
        }

        func remove() async {
            try? await server.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func kubectl(_ server: Server, _ args: [String], stdin: String? = nil) -> (status: Int32, out: String) {
        var argv = ["/usr/bin/kubectl", "--kubeconfig", server.server.kubeconfigPath]
        argv += args
        var env = ["PATH=/usr/bin:/bin", "HOME=\(server.directory)"]
        env.append("KUBECACHEDIR=\(server.directory)/kubectl-cache")
        if let stdin {
            let file = "\(server.directory)/stdin-\(UUID().uuidString).yaml"
            try? stdin.write(toFile: file, atomically: true, encoding: .utf8)
            argv += ["-f", file]
        }
        let r = ProcessRunner.runBlocking(argv: argv, environment: env)
        return (r.status, String(decoding: r.stdout + r.stderr, as: UTF8.self))
    }

    static var kubectlAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") }

    @Test func crudOverTLSWithTheServersKubeconfig() async throws {
        let s = try await Server()
        defer { Task { await s.remove() } }
        let client = try s.client()
        #expect(client.config.certificateAuthorityData != nil || client.config.certificateAuthorityFile != nil)
        #expect(client.config.token != nil || client.config.tokenFile != nil)
        #expect(try await client.version().major == "1")

        var ns = DynamicObject(json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "demo"]])
        ns = try await client.dynamic(GroupVersionResource(apiVersion: "v1", resource: "namespaces", scope: .cluster))
            .create(ns)
        #expect(ns.metadata.uid != nil)

        var cm = FixtureConfigMap(name: "app-config", namespace: "demo")
        cm.metadata.labels = ["app": "web"]
        cm.data = ["mode": "blue"]
        cm.json["x-future-field"] = ["kept": true]
        let created = try await client.create(cm)
        #expect(created.metadata.resourceVersion != nil)
        #expect(created.data == ["mode": "blue"])

        do {
            _ = try await client.create(cm)
            Issue.record("expected AlreadyExists")
        } catch let e as KubeError {
            #expect(e.isAlreadyExists)
        }

        var updated = created
        updated.data["mode"] = "green"
        let afterUpdate = try await client.update(updated)
        #expect(afterUpdate.data["mode"] == "green")
        do {
            _ = try await client.update(updated)  // stale resourceVersion
            Issue.record("expected Conflict")
        } catch let e as KubeError {
            #expect(e.isConflict)
        }

        let patched = try await client.patch(FixtureConfigMap.self, namespace: "demo", name: "app-config",
                                             patch: .merge(["data": ["extra": "1"]]))
        #expect(patched.data == ["mode": "green", "extra": "1"])

        let list = try await client.list(FixtureConfigMap.self, namespace: "demo",
                                         options: ListOptions(labelSelector: "app=web"))
        #expect(list.items.map(\.name) == ["app-config"])
        #expect(list.items.first?.json["kind"] == "ConfigMap")

        try await client.delete(FixtureConfigMap.self, namespace: "demo", name: "app-config")
        do {
            _ = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "app-config")
            Issue.record("expected NotFound")
        } catch let e as KubeError {
            #expect(e.isNotFound)
        }
    }

    @Test func watchSeesChangesMadeAfterTheList() async throws {
        let s = try await Server()
        defer { Task { await s.remove() } }
        let client = try s.client()
        let list = try await client.list(FixtureConfigMap.self, namespace: "default")
        let rv = try #require(list.metadata.resourceVersion)
        let stream = try await client.watch(FixtureConfigMap.self, namespace: "default",
                                            options: ListOptions(resourceVersion: rv, timeoutSeconds: 20,
                                                                 allowWatchBookmarks: true))
        var cm = FixtureConfigMap(name: "watched", namespace: "default")
        cm.data = ["v": "1"]
        _ = try await client.create(cm)
        _ = try await client.patch(FixtureConfigMap.self, namespace: "default", name: "watched",
                                   patch: .merge(["data": ["v": "2"]]))
        try await client.delete(FixtureConfigMap.self, namespace: "default", name: "watched")
        var seen: [WatchEventType] = []
        for try await e in stream {
            print("local watch event \(e.type) \(e.object.name)")
            if e.type == .bookmark { continue }
            #expect(e.object.name == "watched")
            seen.append(e.type)
            if seen.count == 3 { break }
        }
        // `watch()` returns once the answer's headers are in, before any event: the writes above happen while
        // the watch is open, and every one of them arrives.
        #expect(seen == [.added, .modified, .deleted])
        print("watch over TLS used HTTP/\(stream.httpVersion)")
    }

    @Test func wrongCAAndMissingTokenAreClearErrors() async throws {
        let s = try await Server()
        defer { Task { await s.remove() } }
        let noCA = try s.client {
            $0.certificateAuthorityData = nil
            $0.certificateAuthorityFile = nil
            $0.maxRetries = 0
        }
        do {
            _ = try await noCA.version()
            Issue.record("expected a TLS error")
        } catch let e as TransportError {
            #expect(e.kind == .tls)
        }
        let noToken = try s.client {
            $0.token = nil
            $0.tokenFile = nil
            $0.maxRetries = 0
        }
        do {
            _ = try await noToken.list(FixtureConfigMap.self, namespace: "default")
            Issue.record("expected Unauthorized")
        } catch let e as KubeError {
            #expect(e.isUnauthorized)
        }
    }

    @Test func kubectlAndKubeClientReadEachOthersObjects() async throws {
        guard Self.kubectlAvailable else { return clientSkip("kubectl not installed") }
        let s = try await Server()
        defer { Task { await s.remove() } }
        let client = try s.client()
        // Written by KubeClient, read by kubectl.
        var cm = FixtureConfigMap(name: "from-swift", namespace: "default")
        cm.data = ["greeting": "hello", "multi": "a\nb\n"]
        let ours = try await client.create(cm)
        let got = Self.kubectl(s, ["get", "configmap", "from-swift", "-n", "default", "-o", "json", "--show-managed-fields"])
        #expect(got.status == 0, "\(got.out)")
        if got.status == 0 {
            let theirs = try JSONValue.parse(got.out)
            #expect(theirs == ours.json)
        }
        // Written by kubectl (YAML), read by KubeClient.
        let applied = Self.kubectl(s, ["create", "-n", "default"], stdin: """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-kubectl
              labels: {origin: kubectl}
            data:
              answer: "42"
            """)
        #expect(applied.status == 0, "\(applied.out)")
        if applied.status == 0 {
            let read = try await client.get(FixtureConfigMap.self, namespace: "default", name: "from-kubectl")
            #expect(read.data == ["answer": "42"])
            #expect(read.metadata.labels == ["origin": "kubectl"])
            let viaKubectl = Self.kubectl(s, ["get", "configmap", "from-kubectl", "-n", "default", "-o", "json", "--show-managed-fields"])
            #expect(try JSONValue.parse(viaKubectl.out) == read.json)
        }
    }

    @Test func discoveryAndRESTMapperAgainstTheServer() async throws {
        let s = try await Server()
        defer { Task { await s.remove() } }
        let client = try s.client()
        let mapper = try await client.restMapper()
        #expect(mapper.mapping(forName: "cm")?.resource.resource == "configmaps")
        #expect(mapper.mapping(forName: "deploy")?.resource.group == "apps")
        #expect(mapper.mapping(forName: "nodes")?.resource.scope == .cluster)
    }
}
