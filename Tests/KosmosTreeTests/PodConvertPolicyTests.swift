import KosmosAPI
import Testing
@testable import KosmosTree

/// Cases §3.12: matching, selection and the converters of Pod/ClusterPodConvertPolicy.
@Suite struct PodConvertPolicyTests {
    static func spec(_ json: String) throws -> PodConvertPolicySpec {
        PodConvertPolicySpec(json: try JSONValue.parse(json))
    }

    static func clusterPolicy(_ name: String, _ spec: String) throws -> ClusterPodConvertPolicy {
        var p = ClusterPodConvertPolicy(name: name)
        p.spec = try Self.spec(spec)
        return p
    }

    static func policy(_ name: String, namespace: String = "app", _ spec: String) throws -> PodConvertPolicy {
        var p = PodConvertPolicy(name: name, namespace: namespace)
        p.spec = try Self.spec(spec)
        return p
    }

    static func pod(labels: [String: String] = ["app": "test"]) -> Pod {
        var p = Pod(name: "web", namespace: "app")
        p.metadata.labels = labels
        return p
    }

    static let converters = #""converters":{"schedulerNameConverter":{"convertType":"replace","schedulerName":"x"}}"#

    @Test func matchingNeedsThePodSelectorAndTheLeafNodeSelector() throws {
        let test = try Self.spec(#"{"labelSelector":{"matchLabels":{"app":"test"}}}"#)
        #expect(PodConvertPolicies.matches(test, podLabels: ["app": "test"], leafNodeLabels: ["node": "test"]))
        let other = try Self.spec(#"{"labelSelector":{"matchLabels":{"app":"not-test"}}}"#)
        #expect(!PodConvertPolicies.matches(other, podLabels: ["app": "test"], leafNodeLabels: [:]))
        let onNode = try Self.spec(#"""
            {"labelSelector":{"matchLabels":{"app":"test"}},"leafNodeSelector":{"matchLabels":{"zone":"z1"}}}
            """#)
        #expect(PodConvertPolicies.matches(onNode, podLabels: ["app": "test"], leafNodeLabels: ["zone": "z1"]))
        #expect(!PodConvertPolicies.matches(onNode, podLabels: ["app": "test"], leafNodeLabels: ["zone": "z2"]))
        let expressions = try Self.spec(#"""
            {"labelSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["test","web"]}]}}
            """#)
        #expect(PodConvertPolicies.matches(expressions, podLabels: ["app": "web"], leafNodeLabels: [:]))
        #expect(!PodConvertPolicies.matches(expressions, podLabels: ["app": "db"], leafNodeLabels: [:]))
    }

    @Test func noPoliciesChooseNothing() {
        #expect(PodConvertPolicies.choose(clusterPolicies: [], policies: [], for: Self.pod(), leafNodeLabels: [:])
            == nil)
    }

    /// The Go Kosmos ignored every namespaced policy as soon as any cluster policy existed.
    @Test func aClusterPolicyShadowsNamespacedOnesOnlyWhenItMatches() throws {
        let cluster = try Self.clusterPolicy(
            "c", #"{"labelSelector":{"matchLabels":{"app":"db"}},\#(Self.converters)}"#)
        let local = try Self.policy("n", #"{"labelSelector":{"matchLabels":{"app":"test"}},\#(Self.converters)}"#)
        let chosen = PodConvertPolicies.choose(clusterPolicies: [cluster], policies: [local], for: Self.pod(),
                                               leafNodeLabels: [:])
        #expect(chosen?.name == "n")
        let matching = try Self.clusterPolicy(
            "c", #"{"labelSelector":{"matchLabels":{"app":"test"}},\#(Self.converters)}"#)
        #expect(PodConvertPolicies.choose(clusterPolicies: [matching], policies: [local], for: Self.pod(),
                                          leafNodeLabels: [:])?.name == "c")
    }

    @Test func firstMatchingPolicyWithConvertersWinsAndOtherNamespacesAreIgnored() throws {
        let empty = try Self.policy("a", #"{"labelSelector":{"matchLabels":{"app":"test"}}}"#)
        let elsewhere = try Self.policy("b", namespace: "other",
                                        #"{"labelSelector":{"matchLabels":{"app":"test"}},\#(Self.converters)}"#)
        let second = try Self.policy("d", #"{"labelSelector":{},\#(Self.converters)}"#)
        let first = try Self.policy("c", #"{"labelSelector":{"matchLabels":{"app":"test"}},\#(Self.converters)}"#)
        let chosen = PodConvertPolicies.choose(clusterPolicies: [], policies: [second, elsewhere, empty, first],
                                               for: Self.pod(), leafNodeLabels: [:])
        #expect(chosen?.name == "c")
    }

    static func converter(_ field: String, _ type: String, _ value: String? = nil) throws -> Converters {
        let converterKey = PodConvertPolicies.fields.first { $0.field == field }!.converter
        let valuePart = value.map { #","\#(field)":\#($0)"# } ?? ""
        return Converters(json: try JSONValue.parse(#"{"\#(converterKey)":{"convertType":"\#(type)"\#(valuePart)}}"#))
    }

    static func converted(_ spec: String, _ converters: Converters) throws -> PodSpec {
        var s = PodSpec(json: try JSONValue.parse(spec))
        PodConvertPolicies.apply(converters, to: &s)
        return s
    }

    @Test func schedulerNameConverters() throws {
        #expect(try Self.converted("{}", Self.converter("schedulerName", "add", #""volcano""#)).schedulerName
            == "volcano")
        #expect(try Self.converted(#"{"schedulerName":"x"}"#, Self.converter("schedulerName", "add", #""volcano""#))
            .json["schedulerName"] == "x")
        #expect(try Self.converted(#"{"schedulerName":"x"}"#, Self.converter("schedulerName", "remove"))
            .json["schedulerName"] == nil)
        #expect(try Self.converted(#"{"schedulerName":"x"}"#, Self.converter("schedulerName", "replace", #""y""#))
            .json["schedulerName"] == "y")
        #expect(try Self.converted(#"{"schedulerName":"x"}"#, Self.converter("schedulerName", "bogus", #""y""#))
            .json["schedulerName"] == "x")
    }

    @Test func tolerationConvertersAddOnlyToEmpty() throws {
        let t1 = #"[{"key":"t1","operator":"Exists"}]"#
        let t2 = #"[{"key":"t2","operator":"Exists"}]"#
        let kept = try Self.converted(#"{"tolerations":\#(t1)}"#, Self.converter("tolerations", "add", t2))
        #expect(kept.tolerations.map(\.key) == ["t1"])
        let added = try Self.converted("{}", Self.converter("tolerations", "add", t2))
        #expect(added.tolerations.map(\.key) == ["t2"])
        let replaced = try Self.converted(#"{"tolerations":\#(t1)}"#, Self.converter("tolerations", "replace", t2))
        #expect(replaced.tolerations.map(\.key) == ["t2"])
    }

    @Test func everyFieldHasItsConverter() throws {
        let full = #"""
            {"nodeName":"n","nodeSelector":{"a":"b"},"affinity":{"nodeAffinity":{}},
             "topologySpreadConstraints":[{"maxSkew":1}],"hostAliases":[{"ip":"1.2.3.4","hostnames":["h"]}]}
            """#
        for field in ["nodeName", "nodeSelector", "affinity", "topologySpreadConstraints", "hostAliases"] {
            #expect(try Self.converted(full, Self.converter(field, "remove")).json[field] == nil, "\(field)")
        }
        let nodeSelector = try Self.converted("{}", Self.converter("nodeSelector", "add", #"{"zone":"z1"}"#))
        #expect(nodeSelector.nodeSelector == ["zone": "z1"])
        let nodeName = try Self.converted(#"{"nodeName":"a"}"#, Self.converter("nodeName", "replace", #""b""#))
        #expect(nodeName.nodeName == "b")
        let aliases = try Self.converted("{}", Self.converter("hostAliases", "add",
                                                              #"[{"ip":"10.0.0.1","hostnames":["db"]}]"#))
        #expect(aliases.hostAliases.first?.ip == "10.0.0.1")
    }

    /// The Go Kosmos's topology-spread `add` looked at `affinity`; here it looks at the field itself.
    @Test func topologySpreadAddLooksAtItsOwnField() throws {
        let tsc = #"[{"maxSkew":2,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]"#
        let withAffinity = try Self.converted(#"{"affinity":{"podAffinity":{}}}"#,
                                              Self.converter("topologySpreadConstraints", "add", tsc))
        #expect(withAffinity.topologySpreadConstraints.count == 1)
        let existing = try Self.converted(#"{"topologySpreadConstraints":[{"maxSkew":1}]}"#,
                                          Self.converter("topologySpreadConstraints", "add", tsc))
        #expect(existing.json["topologySpreadConstraints"] == [["maxSkew": 1]])
    }

    @Test func appliedPolicyIsRecordedOnThePod() throws {
        var pod = Self.pod()
        let choice = PodConvertPolicies.Choice(name: "p1", converters: try Self.converter("schedulerName", "replace",
                                                                                          #""volcano""#))
        PodConvertPolicies.apply(choice, to: &pod)
        #expect(pod.metadata.annotations["kosmos-io/convert-policy"] == "p1")
        #expect(pod.spec.schedulerName == "volcano")
    }
}
