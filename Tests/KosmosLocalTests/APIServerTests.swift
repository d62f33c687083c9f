import Foundation
import KosmosAPI
import NIOHTTP1
import Testing
@testable import KosmosLocal

/// Behaviour of the API server over real HTTP (curl as the client): watches, pagination, durability,
/// subresources, custom resources.
@Suite struct APIServerTests {
    /// Writes through the server's own request handler (the same code path HTTP requests take, minus the socket),
    /// for tests that need thousands of writes quickly.
    static func direct(_ h: APIServerTestHarness, _ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil,
                       contentType: String = "application/json") -> (Int, JSONValue?) {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(h.server.token)")
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "User-Agent", value: "kosmos-test/1")
        let r = h.server.handler.handle(APIRequest(method: method, uri: path, headers: headers,
                                                   body: body?.serialized() ?? []))
        guard case .bytes(let b) = r.body else { return (Int(r.status.code), nil) }
        return (Int(r.status.code), try? JSONValue.parse(b))
    }

    static func configMap(_ name: String, _ value: String, labels: [String: String] = [:]) -> JSONValue {
        var l = JSONObject()
        for (k, v) in labels.sorted(by: { $0.key < $1.key }) { l[k] = .string(v) }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": .object(l)],
                "data": ["v": .string(value)]]
    }

    @Test func watchHeldAcrossTenThousandWritesSeesEveryEventOnceInOrder() async throws {
        let h = try await APIServerTestHarness.start(eventHistoryLimit: 20_000)
        defer { Task { await h.stop() } }
        let list = try h.request("GET", "/api/v1/namespaces/default/configmaps")
        let rv = list.json?["metadata"]?["resourceVersion"]?.stringValue ?? "0"
        let watch = Task {
            try await onOwnThread {
                try h.request(
                    "GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(rv)&timeoutSeconds=25",
                    maxTime: 60)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let writes = 10_000
        #expect(Self.direct(h, .POST, "/api/v1/namespaces/default/configmaps", Self.configMap("hot", "0")).0 == 201)
        for i in 1..<(writes - 1) {
            let (code, _) = Self.direct(h, .PATCH, "/api/v1/namespaces/default/configmaps/hot",
                                        ["data": ["v": .string(String(i))]], contentType: "application/merge-patch+json")
            if code != 200 { Issue.record("patch \(i) answered \(code)"); break }
        }
        #expect(Self.direct(h, .DELETE, "/api/v1/namespaces/default/configmaps/hot").0 == 200)
        let response = try await watch.value
        let events = APIServerTestHarness.events(response)
        #expect(events.count == writes)
        #expect(events.first?["type"] == "ADDED")
        #expect(events.last?["type"] == "DELETED")
        var previous = Int64(rv) ?? 0
        var inOrder = true
        for (i, e) in events.enumerated() {
            let erv = Int64(e["object"]?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
            if erv <= previous { inOrder = false }
            previous = erv
            if i > 0 && i < writes - 1 && e["object"]?["data"]?["v"]?.stringValue != String(i) { inOrder = false }
        }
        #expect(inOrder, "events out of order or missing")
    }

    @Test func watchFromCompactedVersionGetsExpiredInStreamAndRelistRecovers() async throws {
        let h = try await APIServerTestHarness.start(eventHistoryLimit: 20)
        defer { Task { await h.stop() } }
        for i in 0..<60 {
            _ = Self.direct(h, .POST, "/api/v1/namespaces/default/configmaps", Self.configMap("cm-\(i)", "x"))
        }
        let r = try h.request("GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=2&timeoutSeconds=3")
        #expect(r.status == 200)
        let events = APIServerTestHarness.events(r)
        #expect(events.count == 1)
        #expect(events.first?["type"] == "ERROR")
        let status = events.first?["object"]
        #expect(status?["code"] == 410)
        #expect(status?["reason"] == "Expired")
        #expect(status?["message"]?.stringValue?.hasPrefix("too old resource version: 2 (") == true)
        // Relist, then watch from the list's resourceVersion: accepted, sees the next change.
        let list = try h.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(list.json?["items"]?.arrayValue?.count == 60)
        let rv = list.json?["metadata"]?["resourceVersion"]?.stringValue ?? ""
        _ = Self.direct(h, .POST, "/api/v1/namespaces/default/configmaps", Self.configMap("after", "x"))
        let after = APIServerTestHarness.events(try h.request(
            "GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(rv)&timeoutSeconds=2"))
        #expect(after.map { $0["type"]?.stringValue ?? "" } == ["ADDED"])
    }

    @Test func watchSendsBookmarksAndEndsAtTimeoutWithChunkedFraming() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let rv = try h.request("GET", "/api/v1/namespaces/default/configmaps").json?["metadata"]?["resourceVersion"]?
            .stringValue ?? ""
        // The change happens before the watch starts: it is replayed from the history after `rv`, then the
        // stream ends with a bookmark at the timeout (no dependence on test timing).
        _ = Self.direct(h, .POST, "/api/v1/namespaces/default/configmaps", Self.configMap("w", "1"))
        let r = try h.request("GET", "/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true"
            + "&resourceVersion=\(rv)&timeoutSeconds=2")
        #expect(r.header("Transfer-Encoding") == "chunked")
        #expect(r.header("Content-Type") == "application/json")
        let events = APIServerTestHarness.events(r)
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "BOOKMARK"])
        let bookmark = events.last?["object"]
        #expect(bookmark?.serializedString().hasPrefix(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":""#) == true)
        #expect(bookmark?["metadata"]?["creationTimestamp"] == .null)
    }

    @Test func paginationWalksEveryItemOnceWithContinueTokens() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        for i in 0..<25 {
            _ = Self.direct(h, .POST, "/api/v1/namespaces/default/configmaps",
                            Self.configMap(String(format: "cm-%02d", i), "x"))
        }
        var names: [String] = []
        var token = ""
        var pages = 0
        var firstRV: String?
        repeat {
            let r = try h.request("GET", "/api/v1/namespaces/default/configmaps?limit=10"
                + (token.isEmpty ? "" : "&continue=\(token)"))
            #expect(r.status == 200)
            let meta = r.json?["metadata"]
            if firstRV == nil { firstRV = meta?["resourceVersion"]?.stringValue }
            #expect(meta?["resourceVersion"]?.stringValue == firstRV, "pages share the first page's resourceVersion")
            names += (r.json?["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
            token = meta?["continue"]?.stringValue ?? ""
            if !token.isEmpty { #expect(meta?["remainingItemCount"]?.intValue == Int64(25 - names.count)) }
            pages += 1
        } while !token.isEmpty && pages < 10
        #expect(pages == 3)
        #expect(names == (0..<25).map { String(format: "cm-%02d", $0) })
        let bad = try h.request("GET", "/api/v1/namespaces/default/configmaps?limit=2&continue=not-a-token")
        #expect(bad.status == 400)
    }

    @Test func restartFromTheSameDataDirectoryKeepsObjectsAndRevisions() async throws {
        let dir = NSTemporaryDirectory() + "kosmos-apiserver-restart-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await APIServerTestHarness.start(directory: dir)
        _ = try first.request("POST", "/api/v1/namespaces", body: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"keep"}}"#)
        for i in 0..<20 {
            _ = Self.direct(first, .POST, "/api/v1/namespaces/keep/configmaps", Self.configMap("cm-\(i)", "v\(i)"))
        }
        _ = Self.direct(first, .DELETE, "/api/v1/namespaces/keep/configmaps/cm-0")
        let before = try first.request("GET", "/api/v1/namespaces/keep/configmaps")
        let rvBefore = Int64(before.json?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
        await first.stop(keepFiles: true)

        let second = try await APIServerTestHarness.start(directory: dir)
        defer { Task { await second.stop() } }
        let after = try second.request("GET", "/api/v1/namespaces/keep/configmaps")
        #expect(comparableShape(after.json ?? .null) == comparableShape(before.json ?? .null))
        #expect(after.json?["items"] == before.json?["items"], "objects come back byte for byte")
        let created = try second.request("POST", "/api/v1/namespaces/keep/configmaps",
                                         body: Self.configMap("new", "x").serializedString())
        let rvNew = Int64(created.json?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
        #expect(rvNew > rvBefore)
    }

    /// SIGKILL of a real `kosmos-apiserver` while four clients are writing: after a restart on the same data
    /// directory every create that was answered 201 is there with the resourceVersion it was acknowledged with, and
    /// new writes get higher resourceVersions. (The store commits each write to the SQLite WAL before answering;
    /// with `synchronous=NORMAL` the WAL is not fsynced, but a process kill leaves the written pages in the
    /// kernel's cache, so only an OS crash or power loss could lose them.)
    @Test func killedServerProcessDuringWritesLosesNoAcknowledgedWrite() async throws {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kosmos-apiserver").path
        let candidates = [exe] + ((try? FileManager.default.contentsOfDirectory(atPath: Bundle.main.bundlePath)) ?? [])
            .map { Bundle.main.bundlePath + "/" + $0 }
        guard let binary = candidates.first(where: { $0.hasSuffix("/kosmos-apiserver")
            && FileManager.default.isExecutableFile(atPath: $0) }) else {
            skipBecause("kosmos-apiserver binary not built next to the tests (\(exe))")
            return
        }
        let dir = NSTemporaryDirectory() + "kosmos-apiserver-kill-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Int.random(in: 20_000..<40_000)
        @Sendable func launch() throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["--data-dir", dir, "--port", String(port), "--insecure-http"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        let token = { @Sendable in (try? String(contentsOfFile: dir + "/token", encoding: .utf8)) ?? "" }
        @Sendable func call(_ method: String, _ path: String, _ body: String? = nil) throws -> CurlResponse {
            var args = ["-s", "-i", "--http1.1", "-X", method, "-H", "Authorization: Bearer \(token())",
                        "--max-time", "10"]
            if body != nil { args += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
            return try APIServerTestHarness.runCurl(args + ["http://127.0.0.1:\(port)\(path)"], stdin: body)
        }
        func waitUntilReady() async throws -> Bool {
            for _ in 0..<300 {
                if (try? call("GET", "/readyz"))?.status == 200 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        var proc = try launch()
        defer { kill(proc.processIdentifier, SIGKILL) }
        #expect(try await waitUntilReady(), "server came up")

        // Four writers create ConfigMaps until the server dies under them; each remembers what was acknowledged.
        // They run on threads of their own: blocked in curl, they would otherwise starve the task that kills.
        let writers = (0..<4).map { w in
            Task { try await onOwnThread { () -> [(name: String, rv: Int64)] in
                var acknowledged: [(name: String, rv: Int64)] = []
                for i in 0..<10_000 {
                    let name = "k-\(w)-\(i)"
                    guard let r = try? call("POST", "/api/v1/namespaces/default/configmaps",
                                            Self.configMap(name, "x").serializedString()), r.status != 0 else {
                        break
                    }
                    if r.status == 201, let rv = Int64(r.json?["metadata"]?["resourceVersion"]?.stringValue ?? "") {
                        acknowledged.append((name, rv))
                    }
                }
                return acknowledged
            } }
        }
        // Kill once the writers are well under way (or after 30 s on a very slow machine).
        for _ in 0..<300 {
            let list = try? call("GET", "/api/v1/namespaces/default/configmaps?limit=1")
            if (list?.json?["metadata"]?["remainingItemCount"]?.intValue ?? 0) >= 100 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(proc.processIdentifier, SIGKILL)
        proc.waitUntilExit()
        var acknowledged: [(name: String, rv: Int64)] = []
        for t in writers { acknowledged += try await t.value }
        #expect(acknowledged.count >= 100, "writes were acknowledged before the kill")

        proc = try launch()
        #expect(try await waitUntilReady(), "server came back on the same data directory")
        let list = try call("GET", "/api/v1/namespaces/default/configmaps")
        #expect(list.status == 200)
        var stored: [String: Int64] = [:]
        for item in list.json?["items"]?.arrayValue ?? [] {
            if let name = item["metadata"]?["name"]?.stringValue,
               let rv = Int64(item["metadata"]?["resourceVersion"]?.stringValue ?? "") { stored[name] = rv }
        }
        let missing = acknowledged.filter { stored[$0.name] == nil }.map(\.name)
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        let changed = acknowledged.filter { a in stored[a.name].map { $0 != a.rv } ?? false }.map(\.name)
        #expect(changed.isEmpty, "resourceVersion differs from the acknowledged one: \(changed.prefix(10))")
        let highest = acknowledged.map(\.rv).max() ?? 0
        let listRV = try #require(Int64(list.json?["metadata"]?["resourceVersion"]?.stringValue ?? ""))
        #expect(listRV >= highest)
        let created = try call("POST", "/api/v1/namespaces/default/configmaps",
                               Self.configMap("after-restart", "y").serializedString())
        #expect(created.status == 201)
        let newRV = try #require(Int64(created.json?["metadata"]?["resourceVersion"]?.stringValue ?? ""))
        #expect(newRV > listRV, "resourceVersions keep increasing across the kill")
    }

    /// The fixture sequence 121-124: apply creates, another manager's apply of a changed field is a 409 shaped
    /// like kube's, and force moves the field to it.
    @Test func serverSideApplyConflictAndForceMatchKubeShapes() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let path = "/api/v1/namespaces/default/configmaps/applied-config"
        let first = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied-config\n  labels:\n    app: web\n"
            + "data:\n  replicas: \"2\"\n  mode: blue\n"
        let created = try h.request("PATCH", path + "?fieldManager=fixture-apply&force=true", body: first,
                                    contentType: "application/apply-patch+yaml")
        #expect(created.status == 201)
        #expect(created.json?["metadata"]?["managedFields"]?.arrayValue?.first?["fieldsV1"]
            == ["f:data": ["f:mode": [:], "f:replicas": [:]], "f:metadata": ["f:labels": ["f:app": [:]]]])
        let red = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied-config\ndata:\n  mode: red\n"
        let conflict = try h.request("PATCH", path + "?fieldManager=other-manager", body: red,
                                     contentType: "application/apply-patch+yaml")
        #expect(conflict.status == 409)
        #expect(conflict.text.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Apply failed with 1 conflict: conflict with \"fixture-apply\": .data.mode","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"fixture-apply\"","field":".data.mode"}]},"code":409}"#)
        let forced = try h.request("PATCH", path + "?fieldManager=other-manager&force=true", body: red,
                                   contentType: "application/apply-patch+yaml")
        #expect(forced.status == 200)
        #expect(forced.json?["data"] == ["mode": "red", "replicas": "2"])
        let entries = try #require(forced.json?["metadata"]?["managedFields"]?.arrayValue)
        #expect(entries.map { $0["manager"]?.stringValue ?? "" } == ["fixture-apply", "other-manager"])
        #expect(entries[0]["fieldsV1"] == ["f:data": ["f:replicas": [:]], "f:metadata": ["f:labels": ["f:app": [:]]]])
        #expect(entries[1]["fieldsV1"] == ["f:data": ["f:mode": [:]]])
        #expect(entries[1]["operation"] == "Apply")
    }

    @Test func customResourcesServeStatusSubresourceAndBumpGenerationOnSpecChangesOnly() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let crd = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"widgets.demo.example.com"},
             "spec":{"group":"demo.example.com","scope":"Namespaced",
                     "names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wdg"]},
                     "versions":[{"name":"v1","served":true,"storage":true,
                                  "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas",
                                                   "statusReplicasPath":".status.replicas"}},
                                  "schema":{"openAPIV3Schema":{"type":"object",
                                             "x-kubernetes-preserve-unknown-fields":true}}}]}}
            """
        #expect(try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd).status == 201)
        let discovery = try h.request("GET", "/apis/demo.example.com/v1")
        #expect(discovery.status == 200)
        let names = discovery.json?["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == ["widgets", "widgets/scale", "widgets/status"])
        let base = "/apis/demo.example.com/v1/namespaces/default/widgets"
        let created = try h.request("POST", base, body: #"{"apiVersion":"demo.example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"small","replicas":1},"status":{"phase":"Ignored"}}"#)
        #expect(created.status == 201)
        #expect(created.json?["status"] == nil)
        #expect(created.json?["metadata"]?["generation"] == 1)
        // Keys of custom objects are written sorted at every level.
        #expect(created.json?.objectValue?.fieldNames == ["apiVersion", "kind", "metadata", "spec"])
        let status = try h.request("PUT", base + "/w1/status", body: #"{"apiVersion":"demo.example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"huge"},"status":{"phase":"Ready","replicas":1}}"#)
        #expect(status.status == 200)
        #expect(status.json?["status"]?["phase"] == "Ready")
        #expect(status.json?["spec"]?["size"] == "small")
        #expect(status.json?["metadata"]?["generation"] == 1)
        let main = try h.request("PATCH", base + "/w1", body: #"{"spec":{"size":"large"},"status":{"phase":"Nope"}}"#,
                                 contentType: "application/merge-patch+json")
        #expect(main.json?["spec"]?["size"] == "large")
        #expect(main.json?["status"]?["phase"] == "Ready")
        #expect(main.json?["metadata"]?["generation"] == 2)
        let scale = try h.request("PATCH", base + "/w1/scale", body: #"{"spec":{"replicas":3}}"#,
                                  contentType: "application/merge-patch+json")
        #expect(scale.json?["kind"] == "Scale")
        #expect(scale.json?["spec"]?["replicas"] == 3)
        let strategic = try h.request("PATCH", base + "/w1", body: "{}",
                                      contentType: "application/strategic-merge-patch+json")
        #expect(strategic.status == 415)
        let list = try h.request("GET", base)
        #expect(list.json?["kind"] == "WidgetList")
        #expect(list.json?["items"]?.arrayValue?.first?["kind"] == "Widget")
        // Deleting the CRD removes the group.
        #expect(try h.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.demo.example.com").status == 200)
        let gone = try h.request("GET", base)
        #expect(gone.status == 404)
        #expect(gone.text == "404 page not found\n")
    }

    @Test func podsBindGracefullyDeleteAndServeTables() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}"#
        let created = try h.request("POST", "/api/v1/namespaces/default/pods", body: pod)
        #expect(created.status == 201)
        #expect(created.json?["status"]?["phase"] == "Pending")
        #expect(created.json?["spec"]?["tolerations"]?.arrayValue?.count == 2)
        let binding = #"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web-1"},"target":{"apiVersion":"v1","kind":"Node","name":"node-a"}}"#
        let bound = try h.request("POST", "/api/v1/namespaces/default/pods/web-1/binding", body: binding)
        #expect(bound.status == 201)
        #expect(bound.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}"# + "\n")
        #expect(try h.request("POST", "/api/v1/namespaces/default/pods/web-1/binding", body: binding).status == 409)
        let fieldSel = try h.request("GET", "/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dnode-a")
        #expect(fieldSel.json?["items"]?.arrayValue?.count == 1)
        let table = try h.request("GET", "/api/v1/namespaces/default/pods?limit=500",
                                  accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.json?["kind"] == "Table")
        #expect(table.json?["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.prefix(3)
            == ["web-1", "0/1", "Pending"])
        // Bound pod: deletion is graceful (30 s) until a kubelet confirms with gracePeriodSeconds=0.
        let deleting = try h.request("DELETE", "/api/v1/namespaces/default/pods/web-1")
        #expect(deleting.status == 200)
        #expect(deleting.json?["metadata"]?["deletionGracePeriodSeconds"] == 30)
        #expect(try h.request("GET", "/api/v1/namespaces/default/pods/web-1").status == 200)
        #expect(try h.request("DELETE", "/api/v1/namespaces/default/pods/web-1?gracePeriodSeconds=0").status == 200)
        #expect(try h.request("GET", "/api/v1/namespaces/default/pods/web-1").status == 404)
    }

    @Test func deletingANamespaceRemovesItsContentAndThenTheNamespace() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        _ = try h.request("POST", "/api/v1/namespaces", body: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed"}}"#)
        _ = try h.request("POST", "/api/v1/namespaces/doomed/configmaps", body: Self.configMap("c", "x").serializedString())
        let d = try h.request("DELETE", "/api/v1/namespaces/doomed")
        #expect(d.json?["status"]?["phase"] == "Terminating")
        let refused = try h.request("POST", "/api/v1/namespaces/doomed/configmaps", body: Self.configMap("d", "x").serializedString())
        #expect(refused.status == 403 || refused.status == 404)
        var gone = false
        for _ in 0..<50 where !gone {
            try await Task.sleep(for: .milliseconds(200))
            gone = try h.request("GET", "/api/v1/namespaces/doomed").status == 404
        }
        #expect(gone)
    }

    @Test func ownerReferencesAreCollectedInBackground() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let owner = try h.request("POST", "/api/v1/namespaces/default/configmaps", body: Self.configMap("owner", "x").serializedString())
        let uid = owner.json?["metadata"]?["uid"]?.stringValue ?? ""
        let dependent: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": ["name": "dep", "ownerReferences": [[
                                        "apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": .string(uid)]]]]
        #expect(try h.request("POST", "/api/v1/namespaces/default/configmaps", body: dependent.serializedString()).status == 201)
        #expect(try h.request("DELETE", "/api/v1/namespaces/default/configmaps/owner").status == 200)
        #expect(try h.request("GET", "/api/v1/namespaces/default/configmaps/dep").status == 404)
    }

    @Test func tlsServerRejectsMissingTokenAndServesDiscovery() async throws {
        let h = try await APIServerTestHarness.start(tls: true)
        defer { Task { await h.stop() } }
        #expect(h.server.url.hasPrefix("https://127.0.0.1:"))
        let anonymous = try h.request("GET", "/api/v1/namespaces", token: .some(nil))
        #expect(anonymous.status == 401)
        #expect(anonymous.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"# + "\n")
        let agg = try h.request("GET", "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
        #expect(agg.status == 200)
        #expect(agg.header("Content-Type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let etag = agg.header("Etag") ?? ""
        let again = try h.request("GET", "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
                                  extraHeaders: ["If-None-Match: \(etag)"])
        #expect(again.status == 304)
        let version = try h.request("GET", "/version", token: .some(nil))
        #expect(version.json?["major"] == "1")
        let index = try h.request("GET", "/openapi/v3")
        #expect(index.json?["paths"]?["apis/apps/v1"]?["serverRelativeURL"]?.stringValue?.hasPrefix("/openapi/v3/apis/apps/v1?hash=") == true)
    }
}
