import Testing
@testable import KosmosAPI

@Suite struct CRDTests {
    @Test func everyKosmosAndMCSKindHasACRD() {
        let crds = KosmosCRDs.all()
        let names = Set(crds.map(\.name))
        #expect(names == [
            "clusters.kosmos.io", "clusternodes.kosmos.io", "nodeconfigs.kosmos.io", "distributionpolicies.kosmos.io",
            "clusterdistributionpolicies.kosmos.io", "podconvertpolicies.kosmos.io",
            "clusterpodconvertpolicies.kosmos.io", "workloadpolicies.kosmos.io",
            "serviceexports.multicluster.x-k8s.io", "serviceimports.multicluster.x-k8s.io",
        ])
        for crd in crds {
            #expect(crd.json["apiVersion"] == "apiextensions.k8s.io/v1")
            #expect(crd.json["kind"] == "CustomResourceDefinition")
            #expect(crd.spec.versions.count == 1)
            #expect(crd.spec.versions[0].served && crd.spec.versions[0].storage)
            #expect(crd.name == "\(crd.spec.names.plural).\(crd.spec.group)")
            #expect(crd.spec.names.listKind == crd.spec.names.kind + "List")
        }
    }

    @Test func namesScopesAndSubresourcesAreUpstreams() throws {
        func crd<R: Resource>(_ t: R.Type) throws -> CustomResourceDefinition { try #require(KosmosCRDs.crd(for: t)) }
        #expect(try crd(Cluster.self).spec.scope == "Cluster")
        #expect(try !crd(Cluster.self).spec.versions[0].subresources.hasStatus)
        #expect(try crd(ClusterNode.self).spec.versions[0].subresources.hasStatus)
        #expect(try crd(NodeConfig.self).spec.versions[0].subresources.hasStatus)
        #expect(try crd(DistributionPolicy.self).spec.scope == "Namespaced")
        #expect(try crd(DistributionPolicy.self).spec.names.shortNames == ["dp"])
        #expect(try crd(DistributionPolicy.self).spec.names.categories == ["kosmos-io"])
        #expect(try crd(ClusterDistributionPolicy.self).spec.names.shortNames == ["cdp"])
        #expect(try crd(PodConvertPolicy.self).spec.names.shortNames == ["pcp"])
        #expect(try crd(PodConvertPolicy.self).spec.versions[0].subresources.hasStatus)
        #expect(try crd(ClusterPodConvertPolicy.self).spec.names.shortNames == ["cpcp"])
        #expect(try crd(WorkloadPolicy.self).spec.names.shortNames == ["wlp"])
        #expect(try crd(ServiceExport.self).spec.names.shortNames == ["svcex"])
        #expect(try crd(ServiceImport.self).spec.names.shortNames == ["svcim"])
        #expect(try crd(ServiceImport.self).spec.scope == "Namespaced")
        #expect(try crd(Cluster.self).spec.versions[0].additionalPrinterColumns.map(\.name) == ["NETWORK_TYPE", "IP_FAMILY"])
        #expect(try crd(Cluster.self).spec.versions[0].additionalPrinterColumns.map(\.jsonPath)
            == [".spec.clusterLinkOptions.networkType", ".spec.clusterLinkOptions.ipFamily"])
        #expect(try crd(ClusterNode.self).spec.versions[0].additionalPrinterColumns.map(\.name) == ["ROLES", "INTERFACE", "IP"])
        #expect(try crd(ServiceImport.self).spec.versions[0].additionalPrinterColumns.map(\.name) == ["Type", "IP", "Age"])
        #expect(try crd(DistributionPolicy.self).spec.versions[0].additionalPrinterColumns.map(\.type) == ["date"])
    }

    @Test func everySchemaIsStructural() throws {
        for crd in KosmosCRDs.all() {
            let schema = try #require(crd.spec.versions.first?.openAPIV3Schema)
            let problems = StructuralSchema.violations(of: schema)
            #expect(problems.isEmpty, "\(crd.name): \(problems)")
        }
    }

    @Test func structuralCheckerCatchesMistakes() {
        let bad: JSONValue = [
            "type": "object",
            "properties": [
                "metadata": ["type": "object", "properties": ["labels": ["type": "object"]]],
                "untyped": ["description": "no type"],
                "weird": ["type": "string", "x-kubernetes-preserve-unknown-fields": true],
                "ios": ["type": "string", "x-kubernetes-int-or-string": true],
                "list": ["type": "array"],
                "both": ["type": "object", "properties": [:], "additionalProperties": ["type": "string"]],
                "branches": ["type": "string", "anyOf": [["type": "string", "default": "x"]]],
                "req": ["type": "object", "properties": ["a": ["type": "string"]], "required": ["b"]],
            ],
        ]
        let problems = StructuralSchema.violations(of: bad)
        for needle in ["metadata.labels", "untyped: type must not be empty", "weird: x-kubernetes-preserve",
                       "ios: type must be empty", "list: arrays need items", "both: properties and additionalProperties",
                       "branches.anyOf[0]: type", "branches.anyOf[0]: default", "req: required b"] {
            #expect(problems.contains { $0.contains(needle) }, "missing \(needle) in \(problems)")
        }
        #expect(StructuralSchema.violations(of: ["type": "string"]) == ["<root>: type must be object"])
    }

    /// The schema defaults are the getters' defaults: one source of truth.
    @Test func schemaDefaultsMatchGetterDefaults() throws {
        let schema = Cluster.openAPISchema
        let link = try #require(schema[path: ["properties", "spec", "properties", "clusterLinkOptions", "properties"]])
        let options = ClusterLinkOptions()
        #expect(link["networkType"]?["default"] == options.networkType.jsonValue)
        #expect(link["ipFamily"]?["default"] == options.ipFamily.jsonValue)
        #expect(link["cni"]?["default"] == .string(options.cni))
        #expect(link["enable"]?["default"] == .bool(options.enable))
        #expect(link["defaultNICName"]?["default"] == .string(options.defaultNICName))
        #expect(link["localCIDRs"]?["default"] == options.localCIDRs.json)
        #expect(link["bridgeCIDRs"]?["default"] == options.bridgeCIDRs.json)
        #expect(link["useIPPool"]?["default"] == .bool(options.useIPPool))
        #expect(options.localCIDRs.ip == "210.0.0.0/8" && options.localCIDRs.ip6 == "9480::/16")
        #expect(options.bridgeCIDRs.ip == "220.0.0.0/8" && options.bridgeCIDRs.ip6 == "9470::/16")
        #expect(schema[path: ["properties", "spec", "properties", "namespace", "default"]] == .string(ClusterSpec().namespace))
        let term = try #require(DistributionPolicy.openAPISchema[path: [
            "properties", "spec", "properties", "policyTerms", "items", "properties", "nodeType"]])
        #expect(term["default"] == PolicyTerm().nodeType.jsonValue)
        #expect(term["enum"] == ["host", "leaf", "mix", "adv"])
        let wl = try #require(WorkloadPolicy.openAPISchema[path: ["properties", "spec", "properties"]])
        #expect(wl["allocationType"]?["default"] == WorkloadPolicySpec().allocationType.jsonValue)
        #expect(wl["allocationMethod"]?["default"] == WorkloadPolicySpec().allocationMethod.jsonValue)
    }

    /// Objects written as the Go Kosmos documents them keep every field under their CRD's schema (nothing would be
    /// pruned by kube-apiserver).
    @Test(arguments: ModelKosmosExamples.all)
    func kosmosExampleFieldsAreCoveredBySchemas(example: String) throws {
        let object = try JSONValue.parse(example)
        let gvk = try #require(DynamicObject(json: object).groupVersionKind)
        let crd = try #require(KosmosCRDs.all().first {
            $0.spec.group == gvk.group && $0.spec.names.kind == gvk.kind
        })
        let schema = try #require(crd.spec.versions.first?.openAPIV3Schema)
        let pruned = ModelSchemaCoverage.unknownFields(object, schema: schema)
        #expect(pruned.isEmpty, "\(gvk.kind): fields not in the schema: \(pruned)")
    }

    @Test func crdsRoundTripAsJSON() throws {
        let text = KosmosCRDs.jsonLines()
        let lines = text.split(separator: "\n")
        #expect(lines.count == KosmosCRDs.all().count)
        for (line, crd) in zip(lines, KosmosCRDs.all()) {
            #expect(try JSONValue.parse(String(line)) == crd.json)
        }
    }
}

/// Walks an object along a schema and lists the field paths the schema does not declare (what kube-apiserver would
/// prune).
enum ModelSchemaCoverage {
    static func unknownFields(_ value: JSONValue, schema: JSONValue, path: String = "") -> [String] {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true { return [] }
        switch value {
        case .object(let o):
            if path == ".metadata" { return [] }
            if let ap = schema["additionalProperties"] {
                return o.flatMap { unknownFields($0.value, schema: ap, path: path + "." + $0.key) }
            }
            let props = schema["properties"]?.objectValue ?? JSONObject()
            var out: [String] = []
            for (k, v) in o {
                guard let s = props[k] else {
                    out.append(path + "." + k)
                    continue
                }
                out += unknownFields(v, schema: s, path: path + "." + k)
            }
            return out
        case .array(let a):
            guard let items = schema["items"] else { return a.isEmpty ? [] : [path + "[]"] }
            return a.enumerated().flatMap { unknownFields($0.element, schema: items, path: "\(path)[\($0.offset)]") }
        default:
            return []
        }
    }
}

/// Objects as the Go Kosmos' docs, kosmosctl and e2e tests write them (JSON form of their YAML).
enum ModelKosmosExamples {
    static let all: [String] = [
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"Cluster",
         "metadata":{"name":"cluster-member1","annotations":{"kosmos.io/cluster-role":"root"},"labels":{"kosmos.io/actual-cluster-name":"member1"}},
         "spec":{"imageRepository":"ghcr.io/kosmos-io","kubeconfig":"YXBpVmVyc2lvbjogdjEK","namespace":"kosmos-system",
           "clusterLinkOptions":{"enable":true,"cni":"calico","networkType":"gateway","ipFamily":"ipv4","useIPPool":false,
             "defaultNICName":"eth0","autodetectionMethod":"can-reach=8.8.8.8",
             "localCIDRs":{"ip":"210.0.0.0/8","ip6":"9480::/16"},"bridgeCIDRs":{"ip":"220.0.0.0/8","ip6":"9470::/16"},
             "nicNodeNames":[{"interfaceName":"eth1","nodeName":["node1","node2"]}],
             "globalCIDRsMap":{"10.233.64.0/18":"10.100.0.0/18"}},
           "clusterTreeOptions":{"enable":true,"leafType":"k8s","leafModels":[
             {"leafNodeName":"kosmos-member1-az1","labels":{"topology.kubernetes.io/zone":"az1"},
              "taints":[{"key":"kosmos.io/node","value":"true","effect":"NoSchedule"}],
              "nodeSelector":{"labelSelector":{"matchLabels":{"zone":"az1"},"matchExpressions":[{"key":"gpu","operator":"Exists"}]}}},
             {"nodeSelector":{"nodeName":"node3"}}]}},
         "status":{"clusterLinkStatus":{"podCIDRs":["10.233.64.0/18"],"serviceCIDRs":["10.233.0.0/18"]},
           "clusterTreeStatus":{"leafNodeItems":[{"leafNodeName":"kosmos-member1-az1"}]}}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"ClusterNode","metadata":{"name":"member1-node1","labels":{"kosmos.io/cluster":"member1"}},
         "spec":{"clusterName":"member1","nodeName":"node1","podCIDRs":["10.233.64.0/24"],"ip":"192.168.0.11","ip6":"fd00::11",
           "roles":["gateway"],"interfaceName":"eth0"},"status":{}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"NodeConfig","metadata":{"name":"member1-node1","annotations":{"prev":"{}"}},
         "spec":{"devices":[{"type":"vxlan","name":"vx-bridge","addr":"220.0.0.2/8","mac":"aa:bb:cc:dd:ee:ff","bindDev":"eth0","id":55,"port":4876}],
           "routes":[{"cidr":"10.234.0.0/18","gw":"220.0.0.3","dev":"vx-bridge"}],
           "iptables":[{"table":"nat","chain":"POSTROUTING","rule":"-s 10.233.64.0/18 -j MASQUERADE"}],
           "fdbs":[{"ip":"192.168.0.12","mac":"aa:bb:cc:dd:ee:00","dev":"vx-bridge"}],
           "arps":[{"ip":"220.0.0.3","mac":"aa:bb:cc:dd:ee:00","dev":"vx-bridge"}],
           "xfrmpolicies":[{"leftip":"1.1.1.1","leftnet":"10.0.0.0/8","rightip":"2.2.2.2","rightnet":"10.1.0.0/16","reqid":1,"dir":0}],
           "xfrmstates":[{"leftip":"1.1.1.1","rightip":"2.2.2.2","reqid":1,"spi":100,"PSK":"secret"}],
           "ipsetsavoidmasq":[{"cidr":"10.1.0.0/16","name":"kosmos-avoid"}]},
         "status":{"lastChangeTime":"2026-11-26T15:00:00Z","lastSyncTime":"2026-11-26T15:00:00Z"}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"DistributionPolicy","metadata":{"name":"dp","namespace":"default"},
         "spec":{"resourceSelectors":[{"policyName":"leaf","name":"web"},{"policyName":"host","namePrefix":"db-"},
             {"policyName":"adv","labelSelector":{"matchLabels":{"app":"x"}}}],
           "policyTerms":[{"name":"leaf","nodeType":"leaf"},{"name":"host","nodeType":"host"},
             {"name":"adv","nodeType":"adv","advancedTerm":{"nodeName":"kosmos-member1","nodeSelector":{"zone":"az1"},
               "tolerations":[{"key":"kosmos.io/node","operator":"Equal","value":"true","effect":"NoSchedule","tolerationSeconds":30}]}}]}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"ClusterDistributionPolicy","metadata":{"name":"cdp"},
         "spec":{"resourceSelectors":[{"policyName":"mix","namePrefix":"nginx"}],"policyTerms":[{"name":"mix","nodeType":"mix"}]}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"PodConvertPolicy","metadata":{"name":"pcp","namespace":"default"},
         "spec":{"labelSelector":{"matchLabels":{"app":"web"}},"leafNodeSelector":{"matchLabels":{"kosmos.io/node":"true"}},
           "converters":{"schedulerNameConverter":{"convertType":"replace","schedulerName":"leaf-scheduler"},
             "nodeNameConverter":{"convertType":"replace","nodeName":"node1"},
             "nodeSelectorConverter":{"convertType":"add","nodeSelector":{"zone":"az1"}},
             "tolerationConverter":{"convertType":"remove","tolerations":[{"key":"a","operator":"Exists"}]},
             "affinityConverter":{"convertType":"replace","affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"z","operator":"In","values":["a"]}]}]}}}},
             "topologySpreadConstraintsConverter":{"convertType":"add","topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"ScheduleAnyway","labelSelector":{"matchLabels":{"app":"web"}}}]},
             "hostAliasesConverter":{"convertType":"add","hostAliases":[{"ip":"10.0.0.1","hostnames":["db.local"]}]}}}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"ClusterPodConvertPolicy","metadata":{"name":"cpcp"},
         "spec":{"labelSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["a","b"]}]},
           "converters":{"schedulerNameConverter":{"convertType":"remove"}}}}
        """#,
        #"""
        {"apiVersion":"kosmos.io/v1alpha1","kind":"WorkloadPolicy","metadata":{"name":"wp","namespace":"default"},
         "spec":{"topologyKey":"topology.kubernetes.io/zone","labelSelector":{"matchLabels":{"workload-policy/kosmos.io":"wp"}},
           "allocationPolicy":[{"name":"az1","replicas":2},{"name":"az2","replicas":3}],"allocationType":"Required","allocationMethod":"Fill"}}
        """#,
        #"""
        {"apiVersion":"multicluster.x-k8s.io/v1alpha1","kind":"ServiceExport","metadata":{"name":"web","namespace":"default","finalizers":["kosmos.io/multi-cluster-service-finalizer"]},
         "status":{"conditions":[{"type":"Valid","status":"True","lastTransitionTime":"2026-11-26T15:00:00Z","reason":"OK","message":"ok"}]}}
        """#,
        #"""
        {"apiVersion":"multicluster.x-k8s.io/v1alpha1","kind":"ServiceImport","metadata":{"name":"web","namespace":"default","annotations":{"kosmos.io/address":"10.0.0.1"}},
         "spec":{"type":"ClusterSetIP","ips":["10.96.0.10"],"ports":[{"name":"http","protocol":"TCP","port":80,"appProtocol":"http"}],
           "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}}},
         "status":{"clusters":[{"cluster":"member1"}]}}
        """#,
    ]
}
