import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// Custom objects checked against their CRD's openAPIV3Schema and CEL rules: replayed kube-apiserver 422 answers,
/// the CEL subset on its own, transition rules and status updates, and the real kubectl.
@Suite(.serialized)
struct APIServerSchemaValidationTests {
    typealias Replay = APIServerFixtureReplayTests

    @Test func invalidCustomObjectsGetTheRecordedAnswers() async throws {
        guard let h = try await APIServerTestHarness.startForFixtures() else { return }
        defer { Task { await h.stop() } }
        var mismatches: [String] = []
        for id in ["100", "600", "609", "610", "611"] {
            guard let r = Replay.load(id) else {
                mismatches.append("\(id): fixture missing")
                continue
            }
            let (response, problem) = try Replay.replay(r, on: h)
            if let problem, id != "600" { mismatches.append(problem) }
            if response.status != r.status { mismatches.append("\(id): status \(response.status)") }
            // The Status bodies hold nothing volatile: they must be equal as JSON, message text included.
            if ["609", "610", "611"].contains(id), response.json != (try? JSONValue.parse(r.responseBody)) {
                mismatches.append("\(id): body \(response.text)")
            }
        }
        for m in mismatches { print("MISMATCH \(m)") }
        #expect(mismatches.isEmpty)
        for name in ["w-bad", "w-cel", "w-req"] {
            #expect(try h.request("GET", "/apis/demo.example.com/v1/namespaces/demo/widgets/\(name)").status == 404)
        }
    }

    @Test func updatesStatusWritesAndTransitionRulesAreValidated() async throws {
        guard let crd = Replay.load("600") else {
            skipBecause("fixtures not found at \(Replay.fixtures)")
            return
        }
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        #expect(try h.request("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"demo"}}"#).status == 201)
        #expect(try h.request("POST", crd.path, body: crd.body).status == 201)
        let path = "/apis/demo.example.com/v1/namespaces/demo/widgets"
        let created = try h.request("POST", path, body: #"""
            {"apiVersion":"demo.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"large"}}
            """#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json?["spec"]?["replicas"] == 1, "defaults apply before validation")

        let patch = try h.request("PATCH", path + "/w", body: #"{"spec":{"replicas":6}}"#,
                                  contentType: "application/merge-patch+json")
        #expect(patch.status == 422)
        #expect(patch.json?["message"]?.stringValue
                == "Widget.demo.example.com \"w\" is invalid: spec: Invalid value: \"object\": large widgets allow at most 5 replicas")

        let status = try h.request("PUT", path + "/w/status", body: #"""
            {"apiVersion":"demo.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"large"},
             "status":{"replicas":"many","conditions":[{"type":"Ready"}]}}
            """#)
        #expect(status.status == 422)
        let causes = status.json?["details"]?["causes"]?.arrayValue ?? []
        #expect(causes.compactMap { $0["field"]?.stringValue }
                == ["status.conditions[0].status", "status.replicas", "<nil>"], "\(status.text)")
        #expect(causes.first?["reason"] == "FieldValueRequired")
        #expect(causes.dropFirst().first?["message"]?.stringValue
                == "Invalid value: \"string\": status.replicas in body must be of type integer: \"string\"")
        let goodStatus = try h.request("PUT", path + "/w/status", body: #"""
            {"apiVersion":"demo.example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"replicas":2}}
            """#)
        #expect(goodStatus.status == 200, "\(goodStatus.text)")

        // A transition rule (oldSelf) applies on updates only; a rule without message gets kube's default text.
        let schema = try JSONValue.parse(Array(#"""
            {"type":"object","properties":{"spec":{"type":"object",
             "x-kubernetes-validations":[{"rule":"self.size == oldSelf.size"},{"rule":"self.frobnicate('x')"}],
             "properties":{"size":{"type":"string"}}}}}
            """#.utf8))
        let v1 = try JSONValue.parse(Array(#"{"spec":{"size":"a"}}"#.utf8))
        let v2 = try JSONValue.parse(Array(#"{"spec":{"size":"b"}}"#.utf8))
        #expect(SchemaValidation.validate(v2, old: nil, schema: schema).isEmpty, "create skips transition rules")
        let changed = SchemaValidation.validate(v2, old: v1, schema: schema)
        #expect(changed.map { $0.field } == ["spec"])
        #expect(changed.first?.message == "Invalid value: \"object\": failed rule: self.size == oldSelf.size")
        #expect(SchemaValidation.validate(v1, old: v1, schema: schema).isEmpty, "unsupported syntax is skipped")
    }

    @Test func celSubsetEvaluatesTheCommonForms() throws {
        let obj = try JSONValue.parse(Array(#"""
            {"size":"large","replicas":7,"ratio":0.5,"tags":["a","b"],"on":true,"nested":{"n":3},"none":null}
            """#.utf8))
        let truths = [
            "self.size != 'large' || self.replicas > 5",
            "has(self.size) && !has(self.missing)",
            "size(self.tags) == 2 && self.tags.size() == 2 && self.size.size() == 5",
            "'a' in self.tags && !('c' in self.tags)",
            "self.replicas % 4 == 3 && self.replicas / 2 == 3 && (self.replicas + 1) * 2 - 1 == 15",
            "self.ratio < 1.0 && self.ratio >= 0.5",
            "self.on == true && self.none == null",
            "self.nested.n == 3 ? \"yes\" == \"yes\" : false",
            "self.tags[1] == 'b' && self.size + '!' == 'large!'",
            "-self.replicas < 0 && [1, 2] == [1, 2]",
        ]
        for rule in truths { #expect(try CELSubset.evaluate(rule, self: obj), "\(rule)") }
        #expect(try !CELSubset.evaluate("self.size == 'small' && self.replicas <= 5", self: obj))
        #expect(try CELSubset.evaluate("self.replicas == oldSelf.replicas", self: obj, oldSelf: obj))
        #expect(CELSubset.isTransitionRule("self.x == oldSelf.x") && !CELSubset.isTransitionRule("self.x == 1"))
        #expect(throws: CELSubset.Failure.runtime("no such key: missing")) {
            try CELSubset.evaluate("self.missing == 1", self: obj)
        }
        // Absent fields don't matter when the other side of || decides.
        #expect(try CELSubset.evaluate("self.missing == 1 || true", self: obj))
        for rule in ["self.all(x, x > 0)", "self.size.frobnicate('^l')", "1u == 1u", "{'a': 1}.a == 1", "self.x ="] {
            #expect(throws: CELSubset.Failure.self, "\(rule)") { try CELSubset.evaluate(rule, self: obj) }
            do { _ = try CELSubset.evaluate(rule, self: obj) } catch {
                if case .runtime = error { Issue.record("\(rule) should be unsupported, not a runtime error") }
            }
        }
    }

    @Test func kubectlApplyOfAnInvalidCustomObjectPrintsKubesError() async throws {
        guard KubectlTests.kubectlPath != nil else {
            skipBecause("kubectl is not installed")
            return
        }
        guard let crd = Replay.load("600") else {
            skipBecause("fixtures not found at \(Replay.fixtures)")
            return
        }
        let h = try await APIServerTestHarness.start(tls: true)
        defer { Task { await h.stop() } }
        try KubectlTests.ok(h, ["create", "namespace", "demo"])
        #expect(try h.request("POST", crd.path, body: crd.body).status == 201)
        let manifest = """
            apiVersion: demo.example.com/v1
            kind: Widget
            metadata: {name: w-bad, namespace: demo}
            spec: {size: huge, replicas: 42}
            """
        let r = try KubectlTests.kubectl(h, ["apply", "-f", "-"], stdin: manifest)
        #expect(r.status != 0)
        #expect(r.err.contains("The Widget \"w-bad\" is invalid"), "\(r.err)")
        #expect(r.err.contains("spec.replicas: Invalid value: 42: spec.replicas in body should be less than or equal to 10"),
                "\(r.err)")
        #expect(r.err.contains("spec.size: Unsupported value: \"huge\": supported values: \"small\", \"medium\", \"large\""),
                "\(r.err)")
    }
}
