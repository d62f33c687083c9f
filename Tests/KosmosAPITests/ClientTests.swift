import Foundation
import Testing
@testable import KosmosAPI

/// KubeClient over real loopback HTTP against `ClientTestServer`.
@Suite struct ClientTests {
    static func client(_ server: ClientTestServer, _ tweak: (inout ClientConfig) -> Void = { _ in }) throws
        -> KubeClient
    {
        var c = ClientConfig(server: server.url)
        c.qps = 0
        tweak(&c)
        return try KubeClient(config: c)
    }

    static let configMapPath = "/api/v1/namespaces/demo/configmaps/app-config"

    @Test func getDecodesARecordedObjectAndSendsKubectlHeaders() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { req, _ in
            req.path == Self.configMapPath ? (try? ClientFixtures.response("102-configmap-get"))! : .hangUp
        }
        defer { server.stop() }
        let client = try Self.client(server) { $0.userAgent = "kosmos-test/1.0" }
        let cm = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "app-config")
        #expect(cm.name == "app-config")
        #expect(cm.json == (try JSONValue.parse(try ClientFixtures.bytes("102-configmap-get.response.json"))))
        let r = try #require(server.requests.first)
        #expect(r.method == "GET")
        #expect(r.headers["accept"] == "application/json")
        #expect(r.headers["user-agent"] == "kosmos-test/1.0")
        #expect(r.headers["authorization"] == nil)
    }

    @Test func reusesOneConnectionForSequentialRequests() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("102-configmap-get"))! }
        defer { server.stop() }
        let client = try Self.client(server)
        for _ in 0..<8 { _ = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "app-config") }
        #expect(server.requests.count == 8)
        #expect(server.connectionCount == 1, "keep-alive: one TCP connection for 8 requests")
    }

    @Test func listSendsOptionsAndFollowsContinueTokens() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { req, _ in
            // Page 1 (107), page 2 (108, which has a continue token) and the last page (141, which has none).
            if req.query.contains("continue=") && req.query.contains("ImNhY2hl") {  // the token of page 1
                return (try? ClientFixtures.response("108-configmap-list-continue"))!
            }
            if req.query.contains("continue=") { return (try? ClientFixtures.response("141-configmap-list-last-page"))! }
            return (try? ClientFixtures.response("107-configmap-list-limit2"))!
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let page = try await client.list(FixtureConfigMap.self, namespace: "demo",
                                         options: ListOptions(labelSelector: "app=web,tier in (frontend)", limit: 2))
        #expect(page.items.count == 2)
        #expect(server.requests[0].target
            == "/api/v1/namespaces/demo/configmaps?labelSelector=app%3Dweb%2Ctier%20in%20%28frontend%29&limit=2")
        let all = try await client.listAll(FixtureConfigMap.self, namespace: "demo", options: ListOptions(limit: 2))
        #expect(all.items.count == 2 + 2 + 2)
        #expect(all.metadata.continue == nil)
        #expect(server.requests.count == 4)
        #expect(server.requests.last?.query.contains("continue=") == true)
    }

    @Test func notFoundBecomesKubeErrorNamingTheOperation() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("300-notfound-404"))! }
        defer { server.stop() }
        let client = try Self.client(server)
        do {
            _ = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "nope")
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.isNotFound)
            #expect(e.code == 404)
            #expect(e.description.hasPrefix("get configmaps demo/nope: NotFound (404): "))
        }
        #expect(server.requests.count == 1, "404 is not retried")
    }

    @Test func retriesTooManyRequestsHonouringRetryAfterOnAnyVerb() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, i in
            if i == 0 {
                return .full(status: 429, headers: [("Retry-After", "1"), ("Content-Type", "application/json")],
                             body: Array(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"slow down","reason":"TooManyRequests","code":429}"#.utf8))
            }
            return (try? ClientFixtures.response("101-configmap-create"))!
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let start = ContinuousClock.now
        var cm = FixtureConfigMap(name: "app-config", namespace: "demo")
        cm.data = ["a": "b"]
        let created = try await client.create(cm)
        let elapsed = ContinuousClock.now - start
        #expect(created.metadata.uid != nil)
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.method == "POST" })
        #expect(elapsed >= .milliseconds(950), "waited for Retry-After: \(elapsed)")
    }

    @Test func retriesServerErrorsOnGetButNotOnPost() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in .full(status: 503, headers: [], body: Array("overloaded".utf8)) }
        defer { server.stop() }
        let client = try Self.client(server) { $0.maxRetries = 2 }
        await #expect(throws: KubeError.self) {
            _ = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "x")
        }
        #expect(server.requests.count == 3, "GET: first try plus 2 retries")
        do {
            _ = try await client.create(FixtureConfigMap(name: "x", namespace: "demo"))
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.code == 503)
            #expect(e.reason == .serviceUnavailable)
            #expect(e.message.contains("overloaded"))
        }
        #expect(server.requests.count == 4, "POST is not retried on 5xx")
    }

    @Test func serverErrorThenSuccessRecoversOnGet() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, i in
            i == 0 ? .full(status: 500, headers: [], body: []) : (try? ClientFixtures.response("102-configmap-get"))!
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let cm = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "app-config")
        #expect(cm.name == "app-config")
        #expect(server.requests.count == 2)
    }

    @Test func writesSendTheRightMethodsBodiesAndContentTypes() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { req, _ in
            switch req.method {
            case "DELETE": return (try? ClientFixtures.response("129-configmap-delete"))!
            case "PATCH": return (try? ClientFixtures.response("118-configmap-patch-merge-patch"))!
            case "PUT": return (try? ClientFixtures.response("113-configmap-update"))!
            default: return (try? ClientFixtures.response("101-configmap-create"))!
            }
        }
        defer { server.stop() }
        let client = try Self.client(server)
        var cm = FixtureConfigMap(name: "app-config", namespace: "demo")
        cm.data = ["k": "v"]
        _ = try await client.create(cm, options: WriteOptions(dryRun: true, fieldManager: "me"))
        _ = try await client.update(cm)
        _ = try await client.patch(FixtureConfigMap.self, namespace: "demo", name: "app-config",
                                   patch: .merge(["data": ["k": nil]]))
        _ = try await client.patch(FixtureConfigMap.self, namespace: "demo", name: "app-config",
                                   patch: .apply(cm.json, fieldManager: "kosmos", force: true))
        _ = try await client.patch(FixtureConfigMap.self, namespace: "demo", name: "app-config",
                                   patch: .json([["op": "remove", "path": "/data/k"]]), subresource: "status")
        try await client.delete(FixtureConfigMap.self, namespace: "demo", name: "app-config",
                                options: DeleteOptions(propagationPolicy: .foreground, gracePeriodSeconds: 0,
                                                       preconditionUID: "u-1"))
        try await client.deleteCollection(FixtureConfigMap.self, namespace: "demo",
                                          listOptions: ListOptions(labelSelector: "tier=backend"))
        let r = server.requests
        #expect(r.count == 7)
        #expect(r[0].method == "POST" && r[0].target == "/api/v1/namespaces/demo/configmaps?dryRun=All&fieldManager=me")
        #expect(r[0].headers["content-type"] == "application/json")
        #expect(try JSONValue.parse(r[0].body) == cm.json)
        #expect(r[1].method == "PUT" && r[1].path == Self.configMapPath)
        #expect(r[2].headers["content-type"] == "application/merge-patch+json")
        #expect(String(decoding: r[2].body, as: UTF8.self) == #"{"data":{"k":null}}"#)
        #expect(r[3].headers["content-type"] == "application/apply-patch+yaml")
        #expect(r[3].query == "fieldManager=kosmos&force=true")
        #expect(r[4].headers["content-type"] == "application/json-patch+json")
        #expect(r[4].path == Self.configMapPath + "/status")
        #expect(r[5].method == "DELETE")
        #expect(try JSONValue.parse(r[5].body) == [
            "kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
            "preconditions": ["uid": "u-1"], "propagationPolicy": "Foreground",
        ])
        #expect(r[6].method == "DELETE" && r[6].target == "/api/v1/namespaces/demo/configmaps?labelSelector=tier%3Dbackend")
        #expect(r[6].body.isEmpty)
    }

    @Test func subresourcesAndDiscoveryUseTheirPaths() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { req, _ in
            switch req.path {
            case "/version": return (try? ClientFixtures.response("001-version"))!
            case "/api": return (try? ClientFixtures.response("003-api"))!
            case "/apis": return (try? ClientFixtures.response("006-apis"))!
            case "/api/v1": return (try? ClientFixtures.response("005-api-v1"))!
            case "/apis/apps/v1": return (try? ClientFixtures.response("007-apis-apps-v1"))!
            case let p where p.hasPrefix("/apis/"):
                return .full(status: 404, headers: [], body: Array("404 page not found\n".utf8))
            case let p where p.hasSuffix("/binding"): return (try? ClientFixtures.response("215-pod-binding"))!
            case let p where p.hasSuffix("/eviction"): return (try? ClientFixtures.response("224-pod-eviction"))!
            case let p where p.hasSuffix("/log"):
                return .full(status: 200, headers: [("Content-Type", "text/plain")], body: Array("line 1\nline 2\n".utf8))
            default: return .hangUp
            }
        }
        defer { server.stop() }
        let client = try Self.client(server)
        #expect(try await client.version().gitVersion == "v1.32.13")
        try await client.bind(pod: "web-1", namespace: "demo", toNode: "leaf-node-1")
        try await client.evict(pod: "web-1", namespace: "demo")
        #expect(try await client.log(pod: "web-1", namespace: "demo", container: "c", tailLines: 2) == "line 1\nline 2\n")
        let binding = try #require(server.requests.first { $0.path.hasSuffix("/binding") })
        #expect(binding.path == "/api/v1/namespaces/demo/pods/web-1/binding")
        #expect(try JSONValue.parse(binding.body)["target"] == ["kind": "Node", "apiVersion": "v1", "name": "leaf-node-1"])
        let eviction = try #require(server.requests.first { $0.path.hasSuffix("/eviction") })
        #expect(try JSONValue.parse(eviction.body)["kind"] == "Eviction")
        #expect(server.requests.first { $0.path.hasSuffix("/log") }?.query == "container=c&tailLines=2")
        // The REST mapper fans out to every group version; unknown ones (404) fail the whole discovery.
        await #expect(throws: KubeError.self) { _ = try await client.restMapper() }
        let groups = try await client.serverGroups()
        #expect(groups.first?.name == "" && groups.first?.versions == ["v1"])
        let apps = try await client.serverResources(groupVersion: "apps/v1")
        #expect(apps.resources.contains { $0.name == "deployments/scale" })
    }

    @Test func dynamicClientSharesTheEngine() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { req, _ in
            req.method == "GET" && req.path.hasSuffix("/widgets") ? (try? ClientFixtures.response("607-cr-list"))!
                : (try? ClientFixtures.response("606-cr-get"))!
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let widgets = client.dynamic(GroupVersionResource(apiVersion: "demo.example.com/v1", resource: "widgets",
                                                          scope: .namespaced))
        let list = try await widgets.list(namespace: "demo")
        #expect(!list.items.isEmpty)
        #expect(list.items.allSatisfy { $0.kind == "Widget" })
        let w = try await widgets.get(namespace: "demo", name: "w1")
        #expect(w.apiVersion == "demo.example.com/v1")
        #expect(server.requests.map(\.path) == ["/apis/demo.example.com/v1/namespaces/demo/widgets",
                                                "/apis/demo.example.com/v1/namespaces/demo/widgets/w1"])
    }

    @Test func bearerTokenAndRotatedTokenFile() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("001-version"))! }
        defer { server.stop() }
        let client = try Self.client(server) { $0.token = "static-token" }
        _ = try await client.version()
        #expect(server.requests.last?.headers["authorization"] == "Bearer static-token")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kosmos-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("token").path
        try "first\n".write(toFile: file, atomically: true, encoding: .utf8)
        let rotating = try Self.client(server) { $0.tokenFile = file }
        _ = try await rotating.version()
        #expect(server.requests.last?.headers["authorization"] == "Bearer first")
        try "second-token\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await rotating.version()
        #expect(server.requests.last?.headers["authorization"] == "Bearer second-token")
    }

    @Test func basicAuthIsSent() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("001-version"))! }
        defer { server.stop() }
        let client = try Self.client(server) {
            $0.username = "admin"
            $0.password = "secret"
        }
        _ = try await client.version()
        #expect(server.requests.last?.headers["authorization"] == "Basic YWRtaW46c2VjcmV0")
    }

    @Test func unauthorizedIsAClearError() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("325-bad-token-401"))! }
        defer { server.stop() }
        let client = try Self.client(server) { $0.token = "expired" }
        do {
            _ = try await client.version()
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.isUnauthorized)
            #expect(e.description == "get /version: Unauthorized (401): Unauthorized")
        }
    }

    @Test func unreachableServerIsATransportError() async throws {
        // A port that was just free: nothing listens there.
        let probe = try ClientTestServer { _, _ in .hangUp }
        let port = probe.port
        probe.stop()
        var c = ClientConfig(server: "http://127.0.0.1:\(port)")
        c.maxRetries = 1
        let client = try KubeClient(config: c)
        do {
            _ = try await client.version()
            Issue.record("expected an error")
        } catch let e as TransportError {
            #expect(e.kind == .connect)
            #expect(e.description.contains("GET http://127.0.0.1:\(port)/version"))
            #expect(e.description.contains("cannot connect"))
        }
    }

    @Test func badURLAndMissingFilesFailAtConstruction() {
        #expect(throws: TransportError.self) { _ = try KubeClient(config: ClientConfig(server: "127.0.0.1:6443")) }
        var c = ClientConfig(server: "https://127.0.0.1:6443")
        c.certificateAuthorityFile = "/nonexistent/ca.crt"
        do {
            _ = try KubeClient(config: c)
            Issue.record("expected an error")
        } catch let e as TransportError {
            #expect(e.kind == .configuration)
            #expect(e.message.contains("/nonexistent/ca.crt"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func requestTimeoutIsATransportError() async throws {
        let server = try ClientTestServer { _, _ in
            usleep(1_500_000)
            return .full(status: 200, headers: [], body: Array("{}".utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server) {
            $0.requestTimeout = .milliseconds(300)
            $0.maxRetries = 0
        }
        do {
            _ = try await client.version()
            Issue.record("expected an error")
        } catch let e as TransportError {
            #expect(e.kind == .timeout)
        }
    }

    @Test func qpsLimitSpacesRequests() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("001-version"))! }
        defer { server.stop() }
        let client = try Self.client(server) {
            $0.qps = 10
            $0.burst = 1
        }
        let start = ContinuousClock.now
        for _ in 0..<5 { _ = try await client.version() }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(380), "5 requests at 10 QPS with burst 1 take about 0.4 s: \(elapsed)")
    }

    @Test func cancellingAnInFlightRequestStopsIt() async throws {
        // The server would answer after 10 s; cancelling the task must end the request long before that.
        let server = try ClientTestServer { _, _ in
            usleep(10_000_000)
            return .full(status: 200, headers: [], body: Array("{}".utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server) { $0.maxRetries = 0 }
        let task = Task { try await client.version() }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(5))
        if case .failure(let e as TransportError) = result {
            #expect(e.kind == .cancelled)
        } else {
            Issue.record("expected a cancelled TransportError, got \(result)")
        }
    }

    @Test func decodingErrorsNameKindAndPath() async throws {
        let server = try ClientTestServer { req, _ in
            req.path.hasSuffix("configmaps")
                ? .full(status: 200, headers: [], body: Array(#"{"kind":"ConfigMapList","items":[{},"x"]}"#.utf8))
                : .full(status: 200, headers: [], body: Array("not json".utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server)
        do {
            _ = try await client.list(FixtureConfigMap.self, namespace: "demo")
            Issue.record("expected an error")
        } catch let e as KubeDecodingError {
            #expect(e.kind == "ConfigMapList")
            #expect(e.path == ".items[1]")
        }
        do {
            _ = try await client.get(FixtureConfigMap.self, namespace: "demo", name: "x")
            Issue.record("expected an error")
        } catch let e as KubeDecodingError {
            #expect(e.kind == "ConfigMap")
            #expect(e.description.contains("line 1"))
        }
    }
}
