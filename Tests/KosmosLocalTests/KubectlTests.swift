import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// The real `kubectl` (an independent client) against our server over HTTPS with certificate verification.
@Suite struct KubectlTests {
    static let kubectlPath = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs kubectl with the server's kubeconfig and a private cache directory.
    static func kubectl(_ h: APIServerTestHarness, _ args: [String], stdin: String? = nil, timeout: Double = 60)
        throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: kubectlPath!)
        p.arguments = ["--kubeconfig", h.server.kubeconfigPath, "--cache-dir", h.directory + "/kubectl-cache"] + args
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let killer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        killer.cancel()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                      err: String(decoding: e, as: UTF8.self))
    }

    @discardableResult
    static func ok(_ h: APIServerTestHarness, _ args: [String], stdin: String? = nil) throws -> String {
        let r = try kubectl(h, args, stdin: stdin)
        #expect(r.status == 0, "kubectl \(args.joined(separator: " ")) failed: \(r.err)")
        return r.out
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          labels: {app: api}
        spec:
          replicas: 1
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - name: api
                image: nginx:1.27
                env: [{name: MODE, value: prod}]
        """

    @Test func createApplyPatchLabelGetDeleteWithRealKubectl() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        try Self.ok(h, ["create", "namespace", "kdemo"])
        try Self.ok(h, ["create", "-n", "kdemo", "-f", "-"], stdin: """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, labels: {app: demo}}
            data: {mode: blue}
            """)
        // apply twice with a change between (client-side apply: POST, then strategic merge PATCH).
        try Self.ok(h, ["apply", "-n", "kdemo", "-f", "-"], stdin: Self.deployment)
        let changed = Self.deployment.replacingOccurrences(of: "replicas: 1", with: "replicas: 2")
            .replacingOccurrences(of: "value: prod", with: "value: staging")
        let applied = try Self.ok(h, ["apply", "-n", "kdemo", "-f", "-"], stdin: changed)
        #expect(applied.contains("configured"))
        let dep = try JSONValue.parse(try Self.ok(h, ["get", "deploy", "api", "-n", "kdemo", "-o", "json"]))
        #expect(dep["spec"]?["replicas"]?.intValue == 2)
        #expect(dep["metadata"]?["generation"]?.intValue == 2)
        #expect(dep[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["env"]
            == [["name": "MODE", "value": "staging"]])
        // server-side apply, twice.
        let ssa = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-settings}\ndata: {mode: green}\n"
        #expect(try Self.ok(h, ["apply", "--server-side", "-n", "kdemo", "-f", "-"], stdin: ssa)
            .contains("serverside-applied"))
        #expect(try Self.ok(h, ["apply", "--server-side", "-n", "kdemo", "-f", "-"], stdin: ssa)
            .contains("serverside-applied"))
        // patches of every type, label, annotate.
        try Self.ok(h, ["patch", "cm", "settings", "-n", "kdemo", "--type", "merge", "-p", #"{"data":{"mode":"red"}}"#])
        try Self.ok(h, ["patch", "cm", "settings", "-n", "kdemo", "--type", "json", "-p",
                        #"[{"op":"add","path":"/data/extra","value":"1"}]"#])
        try Self.ok(h, ["patch", "deploy", "api", "-n", "kdemo", "-p",
                        #"{"spec":{"template":{"spec":{"containers":[{"name":"api","env":[{"name":"EXTRA","value":"1"}]}]}}}}"#])
        let env = try Self.ok(h, ["get", "deploy", "api", "-n", "kdemo", "-o",
                                  "jsonpath={.spec.template.spec.containers[0].env[*].name}"])
        #expect(env == "MODE EXTRA")
        try Self.ok(h, ["label", "cm", "settings", "-n", "kdemo", "tier=frontend"])
        try Self.ok(h, ["annotate", "cm", "settings", "-n", "kdemo", "example.com/owner=team-a"])
        let cm = try JSONValue.parse(try Self.ok(h, ["get", "cm", "settings", "-n", "kdemo", "-o", "json"]))
        #expect(cm["data"] == ["extra": "1", "mode": "red"])
        #expect(cm["metadata"]?["labels"]?["tier"] == "frontend")
        #expect(cm["metadata"]?["annotations"]?["example.com/owner"] == "team-a")
        // get with selectors, -o yaml, tables.
        let byLabel = try Self.ok(h, ["get", "cm", "-n", "kdemo", "-l", "tier=frontend", "-o", "name"])
        #expect(byLabel.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/settings")
        let byField = try Self.ok(h, ["get", "cm", "-n", "kdemo", "--field-selector", "metadata.name=ssa-settings",
                                      "-o", "name"])
        #expect(byField.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/ssa-settings")
        #expect(try Self.ok(h, ["get", "cm", "settings", "-n", "kdemo", "-o", "yaml"]).contains("mode: red"))
        let table = try Self.ok(h, ["get", "deploy", "-n", "kdemo"])
        #expect(table.contains("READY") && table.contains("api"))
        // delete (waits for the object to be gone).
        try Self.ok(h, ["delete", "cm", "settings", "-n", "kdemo"])
        let gone = try Self.kubectl(h, ["get", "cm", "settings", "-n", "kdemo"])
        #expect(gone.status != 0 && gone.err.contains("NotFound"))
    }

    @Test func imperativeCreatesDiscoveryAndAuthWithRealKubectl() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        let resources = try Self.ok(h, ["api-resources"])
        #expect(resources.contains("deployments") && resources.contains("configmaps"))
        // Protobuf request bodies.
        try Self.ok(h, ["create", "configmap", "plain", "--from-literal=a=b"])
        try Self.ok(h, ["create", "secret", "generic", "s1", "--from-literal=a=b"])
        try Self.ok(h, ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=3"])
        #expect(try Self.ok(h, ["auth", "can-i", "create", "pods"]).trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        let replicas = try Self.ok(h, ["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])
        #expect(replicas == "3")
        try Self.ok(h, ["expose", "deployment", "web", "--port", "80"])
        let ip = try Self.ok(h, ["get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"])
        #expect(ip.hasPrefix("10.96."))
        // A CRD is served at once.
        try Self.ok(h, ["apply", "-f", "-"], stdin: """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.demo.example.com}
            spec:
              group: demo.example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
              versions:
              - name: v1
                served: true
                storage: true
                subresources: {status: {}}
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """)
        try Self.ok(h, ["apply", "-f", "-"], stdin: """
            apiVersion: demo.example.com/v1
            kind: Widget
            metadata: {name: w1}
            spec: {size: small}
            """)
        #expect(try Self.ok(h, ["get", "wdg", "-o", "name"]).contains("widget.demo.example.com/w1"))
        #expect(try Self.ok(h, ["api-resources", "--api-group=demo.example.com"]).contains("widgets"))
    }

    @Test func getWatchPrintsChangesUntilTimeout() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        try Self.ok(h, ["create", "configmap", "before", "--from-literal=a=1"])
        // Warm kubectl's discovery cache first so the watch starts quickly.
        try Self.ok(h, ["get", "cm"])
        let watcher = Task {
            try await onOwnThread { try Self.kubectl(h, ["get", "cm", "-w", "--request-timeout=20s"], timeout: 40) }
        }
        try await Task.sleep(for: .seconds(8))
        try Self.ok(h, ["create", "configmap", "during", "--from-literal=a=1"])
        try Self.ok(h, ["delete", "configmap", "during"])
        let r = try await watcher.value
        let lines = r.out.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(lines.first == "NAME")
        #expect(lines.contains("before"))
        #expect(lines.filter { $0 == "during" }.count >= 2, "created and deleted: \(r.out)")
    }

    @Test func serverSideApplyRecordsManagersReportsConflictsAndForceTakesOwnership() async throws {
        guard let h = try await APIServerTestHarness.startForKubectl() else { return }
        defer { Task { await h.stop() } }
        let applied = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owned}\ndata: {mode: green, size: small}\n"
        #expect(try Self.ok(h, ["apply", "--server-side", "-f", "-"], stdin: applied).contains("serverside-applied"))
        var cm = try JSONValue.parse(try Self.ok(h, ["get", "cm", "owned", "-o", "json", "--show-managed-fields"]))
        let first = try #require(cm["metadata"]?["managedFields"]?.arrayValue)
        #expect(first.count == 1)
        #expect(first.first?["manager"] == "kubectl")
        #expect(first.first?["operation"] == "Apply")
        #expect(first.first?["fieldsV1"] == ["f:data": ["f:mode": [:], "f:size": [:]]])

        // Another manager changes a field kubectl applied: kubectl's next apply of a different value conflicts.
        try Self.ok(h, ["patch", "cm", "owned", "--type", "merge", "-p", #"{"data":{"mode":"red"}}"#])
        let blue = applied.replacingOccurrences(of: "mode: green", with: "mode: blue")
        let conflict = try Self.kubectl(h, ["apply", "--server-side", "-f", "-"], stdin: blue)
        #expect(conflict.status != 0)
        #expect(conflict.err.contains(#"Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.mode"#),
                "kubectl said: \(conflict.err)")
        cm = try JSONValue.parse(try Self.ok(h, ["get", "cm", "owned", "-o", "json"]))
        #expect(cm["data"]?["mode"] == "red", "a conflicting apply changes nothing")

        // --force-conflicts takes the field over.
        try Self.ok(h, ["apply", "--server-side", "--force-conflicts", "-f", "-"], stdin: blue)
        cm = try JSONValue.parse(try Self.ok(h, ["get", "cm", "owned", "-o", "json", "--show-managed-fields"]))
        #expect(cm["data"]?["mode"] == "blue")
        let entries = try #require(cm["metadata"]?["managedFields"]?.arrayValue)
        let kubectlEntry = entries.first { $0["manager"] == "kubectl" }
        #expect(kubectlEntry?["fieldsV1"] == ["f:data": ["f:mode": [:], "f:size": [:]]])
        #expect(entries.first { $0["manager"] == "kubectl-patch" } == nil, "the patcher lost its only field")

        // Leaving a field out of the next apply removes it (nobody else owns it).
        try Self.ok(h, ["apply", "--server-side", "-f", "-"],
                    stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owned}\ndata: {mode: blue}\n")
        cm = try JSONValue.parse(try Self.ok(h, ["get", "cm", "owned", "-o", "json"]))
        #expect(cm["data"] == ["mode": "blue"])
    }
}
