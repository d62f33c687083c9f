import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// The CEL macros and string functions of `x-kubernetes-validations`, `messageExpression`, `reason` and
/// `fieldPath`, and CRDs whose rules the subset cannot run being refused when they are written.
@Suite(.serialized)
struct APIServerCELMacroTests {
    static let object = #"""
        {"name":"web-frontend","replicas":3,"ports":[80,443,8080],"tags":["a","bb","ccc"],
         "labels":{"app":"web","tier":"front"},"rules":[{"host":"a.example.com","port":80},{"host":"b.test","port":443}]}
        """#

    @Test func macrosAndStringFunctionsEvaluateLikeCEL() throws {
        let obj = try JSONValue.parse(Array(Self.object.utf8))
        let truths = [
            "self.ports.all(p, p > 0 && p < 65536)",
            "self.ports.exists(p, p == 443) && !self.ports.exists(p, p == 22)",
            "self.ports.exists_one(p, p > 1000) && !self.tags.exists_one(t, size(t) > 1)",
            "self.tags.map(t, size(t)) == [1, 2, 3]",
            "self.ports.map(p, p > 100, p / 10) == [44, 808]",
            "self.tags.filter(t, t.startsWith('b') || t.endsWith('c')) == ['bb', 'ccc']",
            "self.labels.all(k, k.matches('^[a-z]+$')) && self.labels.exists(k, self.labels[k] == 'web')",
            "self.rules.all(r, r.host.contains('.') && (r.host.endsWith('.com') || r.port == 443))",
            "self.name.matches('^web-') && self.name.contains('front') && !self.name.startsWith('api')",
            "self.name.upperAscii() == 'WEB-FRONTEND' && 'MiXeD'.lowerAscii() == 'mixed'",
            "self.tags.all(t, self.tags.exists(u, u == t))",
            "self.ports.filter(p, p > 100).size() == 2 && size(self.labels) == 2",
            "int('42') == 42 && string(self.replicas) == '3'",
            "[].all(x, x > 0) && ![].exists(x, x > 0)",
            "'héllo'.size() == 5",
        ]
        for rule in truths {
            #expect(throws: Never.self, "\(rule)") { try CELSubset.compile(rule) }
            #expect((try? CELSubset.evaluate(rule, self: obj)) == true, "\(rule)")
        }
        // all() is false when one element decides, even if another element's predicate fails.
        #expect(try !CELSubset.evaluate("self.rules.all(r, r.port == 443 && r.missing == 1)", self: obj))
        #expect(throws: CELSubset.Failure.runtime("no such key: missing")) {
            try CELSubset.evaluate("self.rules.all(r, r.missing == 1)", self: obj)
        }
        // Macro variables are scoped to their macro; unknown names and functions do not compile.
        for bad in ["self.tags.all(t, t != '') && t == 'a'", "self.ports.all(p)", "self.name.frobnicate()",
                    "self.tags.all(self, true)", "undefined > 1", "self.name.matches()"] {
            #expect(throws: CELSubset.Failure.self, "\(bad)") { try CELSubset.compile(bad) }
        }
        #expect(try CELSubset.value(of: "'name is ' + self.name", self: obj) == "name is web-frontend")
    }

    static func crd(rules: String, name: String = "gadgets") -> String {
        #"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"NAME.demo.example.com"},
         "spec":{"group":"demo.example.com","scope":"Namespaced",
          "names":{"plural":"NAME","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
           "properties":{"spec":{"type":"object","x-kubernetes-validations":RULES,
            "properties":{"name":{"type":"string"},"ports":{"type":"array","items":{"type":"integer"}},
             "labels":{"type":"object","additionalProperties":{"type":"string"}}}}}}}}]}}
        """#.replacingOccurrences(of: "RULES", with: rules).replacingOccurrences(of: "NAME", with: name)
    }

    @Test func messageExpressionReasonAndFieldPathShapeTheCauses() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        #expect(try h.request("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"demo"}}"#).status == 201)
        let rules = #"""
            [{"rule":"self.ports.all(p, p >= 1024)","messageExpression":"'ports below 1024: ' + string(size(self.ports.filter(p, p < 1024)))","message":"unused"},
             {"rule":"self.name.startsWith('g-')","message":"name must start with g-","reason":"FieldValueForbidden","fieldPath":".name"},
             {"rule":"has(self.labels) && self.labels.exists(k, k == 'team')","reason":"FieldValueRequired","fieldPath":".labels"},
             {"rule":"self.ports.exists_one(p, p == 8080)","messageExpression":"self.nosuch + 'x'","message":"exactly one port 8080"}]
            """#
        let created = try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                    body: Self.crd(rules: rules))
        #expect(created.status == 201, "\(created.text)")
        let path = "/apis/demo.example.com/v1/namespaces/demo/gadgets"
        let bad = try h.request("POST", path, body: #"""
            {"apiVersion":"demo.example.com/v1","kind":"Gadget","metadata":{"name":"g1"},
             "spec":{"name":"x","ports":[80,8080,8080],"labels":{"app":"a"}}}
            """#)
        #expect(bad.status == 422)
        let causes = (bad.json?["details"]?["causes"]?.arrayValue ?? []).map {
            "\($0["reason"]?.stringValue ?? "") \($0["field"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
        }
        #expect(causes == [
            #"FieldValueInvalid spec: Invalid value: "object": ports below 1024: 1"#,
            "FieldValueForbidden spec.name: Forbidden: name must start with g-",
            "FieldValueRequired spec.labels: Required value: failed rule: has(self.labels) && "
                + "self.labels.exists(k, k == 'team')",
            #"FieldValueInvalid spec: Invalid value: "object": exactly one port 8080"#,
        ], "\(bad.text)")
        let good = try h.request("POST", path, body: #"""
            {"apiVersion":"demo.example.com/v1","kind":"Gadget","metadata":{"name":"g-2"},
             "spec":{"name":"g-2","ports":[8080,9090],"labels":{"team":"x"}}}
            """#)
        #expect(good.status == 201, "\(good.text)")
    }

    @Test func crdsWithRulesTheSubsetCannotRunAreRefusedAtCreate() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        let rules = #"""
            [{"rule":"self.name.frobnicate()"},{"rule":"self.ports.all(p, p > 0)","messageExpression":"self.name.nope()"},
             {"rule":"self.ports.size() > 0","reason":"Sideways"}]
            """#
        let r = try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                              body: Self.crd(rules: rules, name: "widgets"))
        #expect(r.status == 422, "\(r.text)")
        #expect(r.json?["reason"] == "Invalid")
        #expect(r.json?["details"]?["kind"] == "CustomResourceDefinition")
        let causes = r.json?["details"]?["causes"]?.arrayValue ?? []
        let prefix = "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations"
        #expect(causes.map { $0["field"]?.stringValue ?? "" }
                == ["\(prefix)[0].rule", "\(prefix)[1].messageExpression", "\(prefix)[2].reason"])
        let first = causes.first?["message"]?.stringValue ?? ""
        #expect(first.hasPrefix(#"Invalid value: apiextensions.ValidationRule{Rule:"self.name.frobnicate()", "#),
                "\(first)")
        #expect(first.contains("compilation failed: ") && first.contains("frobnicate"), "\(first)")
        #expect(causes.last?["message"]?.stringValue == #"Unsupported value: "Sideways": supported values: "#
                + #""FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired""#)
        // Nothing was registered.
        #expect(try h.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.demo.example.com")
                .status == 404)
        #expect(try h.request("GET", "/apis/demo.example.com/v1/namespaces/default/widgets").status == 404)
    }

    @Test func kubectlShowsRefusedRulesAndMessageExpressions() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        try KubectlTests.ok(h, ["create", "namespace", "demo"])
        let refused = try KubectlTests.kubectl(h, ["apply", "-f", "-"],
                                               stdin: Self.crd(rules: #"[{"rule":"self.name.frobnicate()"}]"#))
        #expect(refused.status != 0)
        #expect(refused.err.contains("The CustomResourceDefinition \"gadgets.demo.example.com\" is invalid"),
                "\(refused.err)")
        #expect(refused.err.contains("x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule"),
                "\(refused.err)")
        let rules = #"[{"rule":"self.ports.all(p, p >= 1024)","messageExpression":"'port ' + string(self.ports[0]) + ' is privileged'"}]"#
        let created = try KubectlTests.kubectl(h, ["apply", "-f", "-"], stdin: Self.crd(rules: rules))
        #expect(created.status == 0, "\(created.err)")
        // Discovery of the new group may lag a moment behind the CRD write.
        var result = KubectlTests.Result(status: 1, out: "", err: "")
        for _ in 0..<20 {
            result = try KubectlTests.kubectl(h, ["apply", "-f", "-"], stdin: """
                apiVersion: demo.example.com/v1
                kind: Gadget
                metadata: {name: g, namespace: demo}
                spec: {name: g, ports: [80]}
                """)
            if result.err.contains("is invalid") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(result.status != 0)
        #expect(result.err.contains("The Gadget \"g\" is invalid: spec: Invalid value: \"object\": port 80 is privileged"),
                "\(result.err)")
    }
}
