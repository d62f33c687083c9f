import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// Unknown and duplicate fields (`fieldValidation`), the pod spec's immutability, and server-side apply of keyed
/// lists: replayed kube-apiserver fixtures, plain HTTP, and the real kubectl.
@Suite(.serialized)
struct APIServerFieldValidationTests {
    typealias Replay = APIServerFixtureReplayTests

    /// The `Warning` header values a fixture's answer carried, in order.
    static func recordedWarnings(_ id: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Replay.fixtures)) ?? []
        guard let file = names.first(where: { $0.hasPrefix(id + "-") && $0.hasSuffix(".response.headers.txt") }),
              let text = try? String(contentsOfFile: "\(Replay.fixtures)/\(file)", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("Warning: ") ? String(line.dropFirst("Warning: ".count)) : nil
        }
    }

    static func warnings(_ r: CurlResponse) -> [String] {
        r.headers.filter { $0.0.lowercased() == "warning" }.map(\.1)
    }

    @Test func unknownFieldsMatchRecordedWarningsAndStrictErrors() async throws {
        guard let h = try await APIServerTestHarness.startForFixtures() else { return }
        defer { Task { await h.stop() } }
        var mismatches: [String] = []
        for id in ["100", "308", "309", "600", "612", "613"] {
            guard let r = Replay.load(id) else {
                mismatches.append("\(id): fixture missing")
                continue
            }
            let (response, problem) = try Replay.replay(r, on: h)
            // 600 only sets up the CRD here (its own field order is another matter).
            if let problem, id != "600" { mismatches.append(problem) }
            if response.status != r.status { mismatches.append("\(id): status \(response.status)") }
            let want = Self.recordedWarnings(id)
            if Self.warnings(response) != want {
                mismatches.append("\(id): warnings \(Self.warnings(response)), recorded \(want)")
            }
        }
        for m in mismatches { print("MISMATCH \(m)") }
        #expect(mismatches.isEmpty)
        // Warn prunes: the stored objects no longer have the unknown fields.
        let cm = try h.request("GET", "/api/v1/namespaces/demo/configmaps/unknown-field").json
        #expect(cm?["bogus"] == nil && cm?["data"]?["a"] == "b")
        let widget = try h.request("GET", "/apis/demo.example.com/v1/namespaces/demo/widgets/w3").json
        #expect(widget?["extra_top"] == nil && widget?["spec"]?["bogus"] == nil)
        #expect(widget?["spec"]?["size"] == "medium")
    }

    static let deploymentJSON = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":1,"replicas":2,\
        "selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":\
        [{"name":"c","image":"nginx","imagee":"typo","resources":{"limits":{"cpu":"1"}}}]}}}}
        """

    @Test func fieldValidationModesTreatDuplicateAndNestedUnknownFieldsLikeKube() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        #expect(try h.request("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"demo"}}"#).status == 201)
        let path = "/apis/apps/v1/namespaces/demo/deployments"
        let problems = [#"duplicate field "spec.replicas""#,
                        #"unknown field "spec.template.spec.containers[0].imagee""#]

        let strict = try h.request("POST", path + "?fieldValidation=Strict",
                                   body: Self.deploymentJSON.replacingOccurrences(of: "NAME", with: "strict"))
        #expect(strict.status == 400)
        #expect(strict.json?["reason"] == "BadRequest")
        #expect(strict.json?["details"] == nil)
        #expect(strict.json?["message"]?.stringValue == "Deployment in version \"v1\" cannot be handled as a "
            + "Deployment: strict decoding error: " + problems.joined(separator: ", "))
        #expect(try h.request("GET", path + "/strict").status == 404, "a refused create stores nothing")

        let warn = try h.request("POST", path, body: Self.deploymentJSON.replacingOccurrences(of: "NAME", with: "warn"))
        #expect(warn.status == 201)
        #expect(Self.warnings(warn) == problems.map {
            "299 - \"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" })
        let stored = warn.json
        #expect(stored?["spec"]?["replicas"] == 2, "the last of two duplicate keys wins")
        #expect(stored?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["imagee"] == nil)
        #expect(stored?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["resources"]?["limits"]?["cpu"] == "1",
                "quantities in maps are declared fields")

        let ignore = try h.request("POST", path + "?fieldValidation=Ignore",
                                   body: Self.deploymentJSON.replacingOccurrences(of: "NAME", with: "ignore"))
        #expect(ignore.status == 201)
        #expect(Self.warnings(ignore).isEmpty)
        #expect(ignore.json?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["imagee"] == nil)

        // Patches are checked on the patched object.
        let patch = try h.request("PATCH", path + "/warn?fieldValidation=Strict", body: #"{"spec":{"paused2":true}}"#,
                                  contentType: "application/merge-patch+json")
        #expect(patch.status == 400)
        #expect(patch.json?["message"]?.stringValue?.hasSuffix(#"strict decoding error: unknown field "spec.paused2""#)
                == true)
        let bad = try h.request("POST", path + "?fieldValidation=Sloppy", body: "{}")
        #expect(bad.status == 400)
        #expect(bad.json?["message"]?.stringValue?.contains("fieldValidation") == true)
    }

    @Test func kubectlValidateStrictPrintsTheServersUnknownFieldError() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        try KubectlTests.ok(h, ["create", "namespace", "demo"])
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: typo, namespace: demo}
            spec:
              selector: {matchLabels: {app: typo}}
              template:
                metadata: {labels: {app: typo}}
                spec:
                  containers:
                  - name: c
                    image: nginx
                    imagePullPolicyy: Always
            """
        let strict = try KubectlTests.kubectl(h, ["apply", "--validate=strict", "-f", "-"], stdin: manifest)
        #expect(strict.status != 0)
        #expect(strict.err.contains("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding "
            + "error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""), "\(strict.err)")
        let warn = try KubectlTests.kubectl(h, ["apply", "--validate=warn", "-f", "-"], stdin: manifest)
        #expect(warn.status == 0, "\(warn.err)")
        #expect(warn.err.contains("Warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""),
                "\(warn.err)")
        let ignored = try KubectlTests.kubectl(h, ["apply", "--validate=ignore", "-f", "-"], stdin: manifest)
        #expect(ignored.status == 0 && !ignored.err.contains("Warning"), "\(ignored.err)")
    }

    // MARK: - Pod spec immutability

    @Test func podSpecUpdatesOutsideTheAllowedFieldsAreForbiddenLikeKube() async throws {
        guard let h = try await APIServerTestHarness.startForFixtures() else { return }
        defer { Task { await h.stop() } }
        // Create the pod, then change a label and the image (allowed): same status codes as recorded.
        for id in ["100", "200", "205"] {
            guard let r = Replay.load(id) else { Issue.record("fixture \(id) missing"); return }
            let (response, _) = try Replay.replay(r, on: h)
            #expect(response.status == r.status, "\(id): \(response.text.prefix(300))")
        }
        guard let recorded = Replay.load("206"), let theirs = try? JSONValue.parse(recorded.responseBody) else {
            Issue.record("fixture 206 missing")
            return
        }
        let pod = "/api/v1/namespaces/demo/pods/web-1"
        let before = try h.request("GET", pod).json
        let refused = try h.request(recorded.method, recorded.path, body: recorded.body,
                                    contentType: recorded.headers["Content-Type"] ?? "")
        #expect(refused.status == 422)
        let ours = refused.json
        for key in ["kind", "apiVersion", "status", "reason", "code"] { #expect(ours?[key] == theirs[key]) }
        #expect(ours?["details"]?["name"] == "web-1" && ours?["details"]?["kind"] == "Pod")
        #expect(ours?["details"]?["causes"]?.arrayValue?.first?["field"] == "spec")
        #expect(ours?["details"]?["causes"]?.arrayValue?.first?["reason"] == "FieldValueForbidden")
        // The fixed part of the message is kube's, word for word; the diff below it is ours.
        let head = theirs["message"]?.stringValue?.components(separatedBy: "\n").first ?? "?"
        let message = ours?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix(head + "\n\u{00A0}\u{00A0}core.PodSpec{\n"), "\(message)")
        #expect(message.contains("EXTRA"))
        #expect(try h.request("GET", pod).json == before, "a refused update leaves the pod as it was")

        // Allowed: images, activeDeadlineSeconds, added tolerations.
        let allowed = try h.request("PATCH", pod, body: """
            {"spec":{"activeDeadlineSeconds":600,"containers":[{"name":"web","image":"nginx:1.28"}],\
            "tolerations":[{"key":"extra","operator":"Exists"}]}}
            """, contentType: "application/strategic-merge-patch+json")
        #expect(allowed.status == 200, "\(allowed.text)")
        #expect(allowed.json?["spec"]?["tolerations"]?.arrayValue?.count == 3, "the added one and the two defaults")
        #expect(allowed.json?["spec"]?["containers"]?.arrayValue?.first?["image"] == "nginx:1.28")
        // activeDeadlineSeconds may be lowered, never raised or cleared.
        let lowered = try h.request("PATCH", pod, body: #"{"spec":{"activeDeadlineSeconds":300}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(lowered.status == 200, "\(lowered.text)")
        let raised = try h.request("PATCH", pod, body: #"{"spec":{"activeDeadlineSeconds":900}}"#,
                                   contentType: "application/merge-patch+json")
        #expect(raised.status == 422)
        #expect(raised.json?["message"]?.stringValue == "Pod \"web-1\" is invalid: spec.activeDeadlineSeconds: "
            + "Invalid value: 900: must be less than or equal to previous value", "\(raised.text)")
        let cleared = try h.request("PATCH", pod, body: #"{"spec":{"activeDeadlineSeconds":null}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(cleared.status == 422)
        #expect(cleared.json?["details"]?["causes"]?.arrayValue?.first?["message"]
            == "Invalid value: \"null\": must not update from a positive integer to nil value", "\(cleared.text)")
        // Removing an existing toleration (json patch) is refused.
        let removed = try h.request("PATCH", pod, body: #"[{"op":"remove","path":"/spec/tolerations/0"}]"#,
                                    contentType: "application/json-patch+json")
        #expect(removed.status == 422)
        #expect(removed.json?["message"]?.stringValue?.contains("existing toleration can not be modified") == true,
                "\(removed.text)")
        // The status subresource may change while the spec is fixed.
        var status = try #require(try h.request("GET", pod).json)
        status[path: ["status", "phase"]] = "Running"
        #expect(try h.request("PUT", pod + "/status", body: status.serializedString()).status == 200)
    }

    // MARK: - Server-side apply of keyed lists

    static func appliedDeployment(containers: [(name: String, env: [String])]) -> String {
        var yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ssa, namespace: demo}
            spec:
              selector: {matchLabels: {app: ssa}}
              template:
                metadata: {labels: {app: ssa}}
                spec:
                  containers:

            """
        for c in containers {
            yaml += "      - name: \(c.name)\n        image: nginx\n        ports: [{containerPort: 80}]\n"
            if !c.env.isEmpty {
                yaml += "        env:\n" + c.env.map { "        - {name: \($0), value: v}\n" }.joined()
            }
        }
        return yaml
    }

    @Test func serverSideApplyRemovesListElementsTheApplierNoLongerApplies() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        try KubectlTests.ok(h, ["create", "namespace", "demo"])
        let first = Self.appliedDeployment(containers: [("web", ["A", "B"]), ("sidecar", ["C"])])
        try KubectlTests.ok(h, ["apply", "--server-side", "-f", "-"], stdin: first)
        // Another manager sets a field inside the web container: that element must survive its removal by
        // the applier only in the fields the applier owned.
        try KubectlTests.ok(h, ["patch", "-n", "demo", "deployment", "ssa", "--type", "strategic", "--field-manager",
                            "editor", "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"web","#
                                + #""workingDir":"/srv"}]}}}}"#])
        let second = Self.appliedDeployment(containers: [("web", ["A"])])
        try KubectlTests.ok(h, ["apply", "--server-side", "-f", "-"], stdin: second)

        let out = try KubectlTests.ok(h, ["get", "-n", "demo", "deployment", "ssa", "-o", "json",
                                      "--show-managed-fields"])
        let obj = try JSONValue.parse(out)
        let containers = obj["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
        #expect(containers.compactMap { $0["name"]?.stringValue } == ["web"], "the dropped container is gone")
        #expect(containers.first?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A"],
                "the dropped env var is gone")
        #expect(containers.first?["workingDir"] == "/srv", "a field another manager owns stays")

        let entries = obj["metadata"]?["managedFields"]?.arrayValue ?? []
        let apply = try #require(entries.first { $0["manager"] == "kubectl" && $0["operation"] == "Apply" })
        let web = apply["fieldsV1"]?["f:spec"]?["f:template"]?["f:spec"]?["f:containers"]
        #expect(web?["k:{\"name\":\"web\"}"]?["f:env"]?["k:{\"name\":\"A\"}"] != nil)
        #expect(web?["k:{\"name\":\"web\"}"]?["f:env"]?["k:{\"name\":\"B\"}"] == nil)
        #expect(web?["k:{\"name\":\"sidecar\"}"] == nil)
        #expect(web?["k:{\"name\":\"web\"}"]?["f:ports"]?["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"] != nil,
                "container ports are keyed by containerPort and protocol")
        let editor = entries.first { $0["manager"] == "editor" }
        #expect(editor?["fieldsV1"]?["f:spec"]?["f:template"]?["f:spec"]?["f:containers"]?["k:{\"name\":\"web\"}"]?[
            "f:workingDir"] != nil)
    }
}
