import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// Unknown fields of built-in kinds whose groups have no protobuf schema (storage.k8s.io, networking.k8s.io,
/// apiextensions.k8s.io, autoscaling, events.k8s.io): named and dropped like kube-apiserver does, over HTTP and
/// through `kubectl apply --validate=strict`.
@Suite(.serialized)
struct APIServerStrictFieldTableTests {
    static func warnings(_ r: CurlResponse) -> [String] {
        r.headers.filter { $0.0.lowercased() == "warning" }.map(\.1)
    }

    @Test func theFieldTableCoversTheKindsOfGroupsWithoutProtobufSchemas() {
        let t = FieldTables.shared
        for (apiVersion, kind) in [("storage.k8s.io/v1", "StorageClass"), ("storage.k8s.io/v1", "CSIDriver"),
                                   ("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "NetworkPolicy"),
                                   ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
                                   ("autoscaling/v2", "HorizontalPodAutoscaler"), ("autoscaling/v1", "Scale"),
                                   ("events.k8s.io/v1", "Event"), ("scheduling.k8s.io/v1", "PriorityClass")] {
            #expect(t.definition(apiVersion: apiVersion, kind: kind) != nil, "\(apiVersion) \(kind)")
        }
        #expect(t.definition(apiVersion: "storage.k8s.io/v1", kind: "DeleteOptions") == nil)
    }

    /// One body per kind with an unknown field at the top, one nested in a struct, and one inside a list item.
    static let cases: [(path: String, kind: String, body: String, unknown: [String])] = [
        ("/apis/storage.k8s.io/v1/storageclasses", "StorageClass", #"""
            {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"NAME","labelz":{}},
             "provisioner":"example.com/p","reclaimPolicy":"Delete","allowedTopologies":[{"matchLabelExpressions":
             [{"key":"zone","values":["a"],"operator":"In"}]}],"bogus":1}
            """#, ["metadata.labelz", "allowedTopologies[0].matchLabelExpressions[0].operator", "bogus"]),
        ("/apis/networking.k8s.io/v1/namespaces/demo/ingresses", "Ingress", #"""
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"NAME"},
             "spec":{"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix",
             "backend":{"service":{"name":"web","port":{"number":80,"nme":"x"}}},"weight":2}]}}],"tls2":[]}}
            """#, ["spec.rules[0].http.paths[0].backend.service.port.nme", "spec.rules[0].http.paths[0].weight",
                   "spec.tls2"]),
        ("/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers", "HorizontalPodAutoscaler", #"""
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"NAME"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,
             "maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization",
             "averageUtilization":50,"averageUtilisation":50}}}],"targetCPU":50}}
            """#, ["spec.metrics[0].resource.target.averageUtilisation", "spec.targetCPU"]),
        ("/apis/events.k8s.io/v1/namespaces/demo/events", "Event", #"""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"NAME"},
             "eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"x/y","reportingInstance":"i",
             "action":"Do","reason":"Because","type":"Normal","regarding":{"kind":"Pod","name":"p","colour":"red"},
             "sevirity":"high"}
            """#, ["regarding.colour", "sevirity"]),
        ("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "CustomResourceDefinition", #"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"things.NAME.example.com"},
             "spec":{"group":"NAME.example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing",
              "shortname":"th"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":
              {"type":"object","properties":{"spec":{"type":"object","maxlength":3}}}}}]}}
            """#, ["spec.names.shortname",
                   "spec.versions[0].schema.openAPIV3Schema.properties.spec.maxlength"]),
    ]

    @Test func strictRefusesWarnPrunesAndIgnoreStoresWithoutUnknownFields() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        #expect(try h.request("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"demo"}}"#).status == 201)
        for c in Self.cases {
            let unknown = c.unknown.map { "unknown field \"\($0)\"" }
            let strict = try h.request("POST", c.path + "?fieldValidation=Strict",
                                       body: c.body.replacingOccurrences(of: "NAME", with: "strict"))
            #expect(strict.status == 400, "\(c.kind): \(strict.text)")
            let version = c.path.split(separator: "/")[2]
            #expect(strict.json?["message"]?.stringValue == "\(c.kind) in version \"\(version)\" cannot be handled as a "
                + "\(c.kind): strict decoding error: " + unknown.joined(separator: ", "), "\(c.kind): \(strict.text)")
            let warn = try h.request("POST", c.path, body: c.body.replacingOccurrences(of: "NAME", with: "warn"))
            #expect(warn.status == 201, "\(c.kind): \(warn.text)")
            #expect(Self.warnings(warn) == unknown.map { "299 - \(FieldValidation.quoted($0))" }, "\(c.kind)")
            for field in c.unknown {
                // Dropped from what was stored: the last path segment is gone from its parent.
                let text = warn.text
                let leaf = String(field.split(separator: ".").last ?? "")
                #expect(!text.contains("\"\(leaf)\":"), "\(c.kind) kept \(field)")
            }
            let ignore = try h.request("POST", c.path + "?fieldValidation=Ignore",
                                       body: c.body.replacingOccurrences(of: "NAME", with: "ignore"))
            #expect(ignore.status == 201 && Self.warnings(ignore).isEmpty, "\(c.kind): \(ignore.text)")
        }
    }

    @Test func kubectlApplyValidateStrictReportsUnknownFieldsOfTheseKinds() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        let manifest = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast}
            provisioner: example.com/fast
            volumeBindingMod: WaitForFirstConsumer
            """
        let strict = try KubectlTests.kubectl(h, ["apply", "--validate=strict", "-f", "-"], stdin: manifest)
        #expect(strict.status != 0)
        #expect(strict.err.contains("strict decoding error: unknown field \"volumeBindingMod\""), "\(strict.err)")
        let warn = try KubectlTests.kubectl(h, ["apply", "--validate=warn", "-f", "-"], stdin: manifest)
        #expect(warn.status == 0, "\(warn.err)")
        #expect(warn.err.contains("unknown field \"volumeBindingMod\""), "\(warn.err)")
    }
}
