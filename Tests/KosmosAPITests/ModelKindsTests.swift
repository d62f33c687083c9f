import Testing
@testable import KosmosAPI

@Suite struct ModelKindsTests {
    // MARK: - Identity and registry

    @Test func kindsKnowTheirIdentityAndScope() {
        #expect(Pod.groupVersionResource.collectionPath(namespace: "demo") == "/api/v1/namespaces/demo/pods")
        #expect(Node.scope == .cluster)
        #expect(Deployment.groupVersionResource.objectPath(namespace: "a", name: "b") == "/apis/apps/v1/namespaces/a/deployments/b")
        #expect(Cluster.groupVersionResource.collectionPath(namespace: nil) == "/apis/kosmos.io/v1alpha1/clusters")
        #expect(ServiceImport.groupVersionKind.group == "multicluster.x-k8s.io")
        #expect(EndpointSlice.apiVersion == "discovery.k8s.io/v1")
        #expect(Lease.apiVersion == "coordination.k8s.io/v1")
        #expect(ClusterRoleBinding.scope == .cluster && RoleBinding.scope == .namespaced)
        let pod = Pod(name: "web", namespace: "demo")
        #expect(pod.json["apiVersion"] == "v1" && pod.json["kind"] == "Pod")
        #expect(pod.objectReference.name == "web")
    }

    @Test func registryListsEveryKindWithKubectlNames() throws {
        let all = BuiltinKinds.all
        #expect(all.count == 33)
        #expect(Set(all.map(\.groupVersionKind)).count == all.count)
        let shortNames = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0.shortNames) })
        #expect(shortNames["Pod"] == ["po"])
        #expect(shortNames["Node"] == ["no"])
        #expect(shortNames["Namespace"] == ["ns"])
        #expect(shortNames["Service"] == ["svc"])
        #expect(shortNames["Endpoints"] == ["ep"])
        #expect(shortNames["ConfigMap"] == ["cm"])
        #expect(shortNames["ServiceAccount"] == ["sa"])
        #expect(shortNames["PersistentVolume"] == ["pv"])
        #expect(shortNames["PersistentVolumeClaim"] == ["pvc"])
        #expect(shortNames["Deployment"] == ["deploy"])
        #expect(shortNames["ReplicaSet"] == ["rs"])
        #expect(shortNames["DaemonSet"] == ["ds"])
        #expect(shortNames["StatefulSet"] == ["sts"])
        #expect(shortNames["CustomResourceDefinition"] == ["crd", "crds"])
        #expect(BuiltinKinds.resolve("po").map(\.kind) == ["Pod"])
        #expect(BuiltinKinds.resolve("deploy.apps").map(\.kind) == ["Deployment"])
        #expect(BuiltinKinds.resolve("Pods").map(\.kind) == ["Pod"])
        #expect(BuiltinKinds.resolve("crd").map(\.kind) == ["CustomResourceDefinition"])
        #expect(BuiltinKinds.resolve("clusters.kosmos.io").map(\.kind) == ["Cluster"])
        #expect(BuiltinKinds.resolve("deployments.v1.apps").map(\.kind) == ["Deployment"])
        #expect(BuiltinKinds.resolve("pods.v1").map(\.kind) == ["Pod"])
        #expect(BuiltinKinds.resolve("deploy.batch").isEmpty)
        #expect(BuiltinKinds.resolve("svcim").map(\.kind) == ["ServiceImport"])
        let pod = try #require(BuiltinKinds.info(for: Pod.self))
        #expect(pod.categories == ["all"])
        #expect(pod.verbs == KindInfo.allVerbs)
        #expect(pod.subresources.map(\.name).contains("binding"))
        #expect(pod.subresources.first { $0.name == "status" }?.verbs == ["get", "patch", "update"])
        #expect(BuiltinKinds.info(for: Binding.self)?.verbs == ["create"])
        #expect(BuiltinKinds.info(for: Namespace.self)?.verbs.contains("deletecollection") == false)
        #expect(BuiltinKinds.info(for: Deployment.self)?.subresources.first { $0.name == "scale" }?.apiVersion == "autoscaling/v1")
    }

    /// The registry agrees with what kube-apiserver 1.32 advertised in the recorded discovery documents.
    @Test func registryMatchesRecordedDiscovery() throws {
        let dir = "/work/shared/fixtures/kube-apiserver-1.32/"
        var compared = 0
        for file in ["005-api-v1.response.json", "007-apis-apps-v1.response.json", "008-apis-apiextensions-v1.response.json"] {
            guard let bytes = ModelFixtureFiles.read(dir + file) else {
                print("skipping: \(dir + file) not found")
                continue
            }
            let list = try JSONValue.parse(bytes)
            let gv = GroupVersion(apiVersion: list["groupVersion"]?.stringValue ?? "")
            for r in list["resources"]?.arrayValue ?? [] {
                let name = r["name"]?.stringValue ?? ""
                let parts = name.split(separator: "/").map(String.init)
                guard let info = BuiltinKinds.all.first(where: { $0.groupVersion == gv && $0.plural == parts[0] })
                else { continue }
                let verbs = (r["verbs"]?.arrayValue ?? []).compactMap(\.stringValue)
                if parts.count == 1 {
                    #expect(info.kind == r["kind"]?.stringValue)
                    #expect(info.singular == r["singularName"]?.stringValue)
                    #expect(info.namespaced == r["namespaced"]?.boolValue)
                    #expect(info.verbs == verbs, "\(name)")
                    #expect(info.shortNames == (r["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue), "\(name)")
                    #expect(info.categories == (r["categories"]?.arrayValue ?? []).compactMap(\.stringValue), "\(name)")
                } else {
                    let sub = info.subresources.first { $0.name == parts[1] }
                    #expect(sub?.verbs == verbs, "\(name)")
                    #expect(sub?.kind == r["kind"]?.stringValue, "\(name)")
                }
                compared += 1
            }
        }
        print("discovery entries compared: \(compared)")
        if compared > 0 { #expect(compared >= 40) }
    }

    // MARK: - Typed access and defaults

    @Test func clusterReadsGoKosmosYAMLWithDefaults() throws {
        let c = Cluster(json: try JSONValue.parse(ModelKosmosExamples.all[0]))
        #expect(c.isRoot)
        #expect(c.isGateway && !c.isP2P)
        #expect(c.spec.kubeconfig.map { String(decoding: $0, as: UTF8.self) } == "apiVersion: v1\n")
        let link = try #require(c.spec.clusterLinkOptions)
        #expect(link.ipFamily == .ipv4)
        #expect(link.nicNodeNames.first?.nodeName == ["node1", "node2"])
        #expect(link.globalCIDRsMap["10.233.64.0/18"] == "10.100.0.0/18")
        let tree = try #require(c.spec.clusterTreeOptions)
        #expect(tree.leafModels.count == 2)
        #expect(tree.leafModels[0].nodeSelector.labelSelector?.matches(["zone": "az1", "gpu": "1"]) == true)
        #expect(tree.leafModels[1].nodeSelector.nodeName == "node3")
        #expect(tree.leafModels[0].taints.first?.effect == .noSchedule)
        #expect(c.status.clusterLinkStatus.podCIDRs == ["10.233.64.0/18"])
        #expect(c.status.clusterTreeStatus.leafNodeItems.map(\.leafNodeName) == ["kosmos-member1-az1"])

        // Absent fields read as the CRD defaults.
        let bare = Cluster(json: try JSONValue.parse(#"{"spec":{"clusterLinkOptions":{},"clusterTreeOptions":{}}}"#))
        let o = try #require(bare.spec.clusterLinkOptions)
        #expect(o.enable && o.cni == "calico" && o.networkType == .p2p && o.ipFamily == .all && !o.useIPPool)
        #expect(o.defaultNICName == "*")
        #expect(bare.spec.namespace == "kosmos-system")
        #expect(bare.spec.clusterTreeOptions?.enable == true)
        #expect(bare.spec.clusterTreeOptions?.leafType == "k8s")
        #expect(bare.isP2P)
        // No clusterLinkOptions: neither mode, as upstream.
        let none = Cluster(name: "x")
        #expect(!none.isP2P && !none.isGateway && none.spec.clusterLinkOptions == nil)
        // Reading defaults never writes them.
        #expect(bare.json == (try JSONValue.parse(#"{"spec":{"clusterLinkOptions":{},"clusterTreeOptions":{}}}"#)))
    }

    @Test func clusterNodeAndNodeConfigRoundTrip() throws {
        var cn = ClusterNode(json: try JSONValue.parse(ModelKosmosExamples.all[1]))
        #expect(cn.isGateway)
        cn.spec.roles = ["GateWay"]
        #expect(cn.isGateway)
        cn.spec.roles = []
        #expect(!cn.isGateway)
        #expect(cn.spec.ip6 == "fd00::11")

        let nc = NodeConfig(json: try JSONValue.parse(ModelKosmosExamples.all[2]))
        #expect(nc.spec.devices.first?.id == 55 && nc.spec.devices.first?.port == 4876)
        #expect(nc.spec.routes.first?.gw == "220.0.0.3")
        #expect(nc.spec.iptables.first?.table == "nat")
        #expect(nc.spec.xfrmStates.first?.psk == "secret")
        #expect(nc.status.lastSyncTime == (try Time.parse("2026-11-26T15:00:00Z")))
        var built = NodeConfig(name: "n")
        built.spec.devices = [NodeConfig.Device(name: "vx-bridge", addr: "220.0.0.2/8", mac: "aa", bindDev: "eth0", id: 55, port: 4876)]
        built.spec.fdbs = [NodeConfig.Fdb(ip: "1.1.1.1", mac: "aa", dev: "vx-bridge")]
        #expect(built.json["spec"]?["devices"] ==
            [["type": "vxlan", "name": "vx-bridge", "addr": "220.0.0.2/8", "mac": "aa", "bindDev": "eth0", "id": 55, "port": 4876]])
    }

    @Test func policiesReadAsDocumented() throws {
        let dp = DistributionPolicy(json: try JSONValue.parse(ModelKosmosExamples.all[3]))
        #expect(dp.spec.resourceSelectors.map(\.policyName) == ["leaf", "host", "adv"])
        #expect(dp.spec.policyTerms.map(\.nodeType) == [.leaf, .host, .adv])
        #expect(dp.spec.policyTerms[2].advancedTerm.tolerations.first?.tolerationSeconds == 30)
        #expect(PolicyTerm(json: ["name": "x"]).nodeType == .mix)

        let pcp = PodConvertPolicy(json: try JSONValue.parse(ModelKosmosExamples.all[5]))
        let conv = try #require(pcp.spec.converters)
        #expect(conv.schedulerNameConverter?.convertType == .replace)
        #expect(conv.schedulerNameConverter?.schedulerName == "leaf-scheduler")
        #expect(conv.nodeSelectorConverter?.nodeSelector == ["zone": "az1"])
        #expect(conv.tolerationConverter?.tolerations.first?.operator == .exists)
        #expect(conv.hostAliasesConverter?.hostAliases.first?.hostnames == ["db.local"])
        #expect(conv.topologySpreadConstraintsConverter?.topologySpreadConstraints.first?.maxSkew == 1)
        #expect(conv.affinityConverter?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?
            .nodeSelectorTerms.count == 1)
        #expect(pcp.spec.leafNodeSelector?.matches(["kosmos.io/node": "true"]) == true)
        #expect(pcp.spec.labelSelector.matches(["app": "web"]))

        let wp = WorkloadPolicy(json: try JSONValue.parse(ModelKosmosExamples.all[7]))
        #expect(wp.spec.allocationType == .required && wp.spec.allocationMethod == .fill)
        #expect(wp.spec.allocationPolicy.map(\.replicas) == [2, 3])
        let defaults = WorkloadPolicySpec()
        #expect(defaults.allocationType == .preferred && defaults.allocationMethod == .balance)

        var si = ServiceImport(json: try JSONValue.parse(ModelKosmosExamples.all[9]))
        #expect(si.spec.type == "ClusterSetIP" && si.spec.ports.first?.port == 80)
        #expect(si.status.clusters.map(\.cluster) == ["member1"])
        si.status.clusters.append(.init(cluster: "member2"))
        #expect(si.json["status"]?["clusters"] == [["cluster": "member1"], ["cluster": "member2"]])
        let se = ServiceExport(json: try JSONValue.parse(ModelKosmosExamples.all[8]))
        #expect(se.status.conditions[type: "Valid"]?.status == .true)
    }

    @Test func coreKindsExposeWhatControllersUse() throws {
        var node = Node(name: "n1")
        node.status.capacity = ["cpu": "8", "memory": "32Gi", "pods": 110]
        node.status.conditions.set(Condition(type: "Ready", status: .true, reason: "KubeletReady"))
        node.spec.taints = [Taint(key: "kosmos.io/node", value: "true", effect: .noSchedule)]
        node.status.daemonEndpoints.kubeletPort = 10250
        node.status.addresses = [NodeAddress(type: "InternalIP", address: "10.0.0.1")]
        #expect(node.isReady)
        #expect(node.status.capacity["memory"]?.value == 32 << 30)
        #expect(node.json["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"] == 10250)

        var svc = Service(name: "web", namespace: "demo")
        svc.spec.ports = [ServicePort(name: "http", port: 80, targetPort: "http")]
        svc.spec.clusterIP = "None"
        #expect(svc.spec.isHeadless && svc.spec.type == "ClusterIP")
        #expect(svc.json["spec"]?["ports"] == [["name": "http", "port": 80, "targetPort": "http"]])
        #expect(svc.spec.ports[0].protocol == "TCP")

        var secret = Secret(name: "s", namespace: "demo")
        secret.setDecoded("token", Array("hello, world".utf8))
        #expect(secret.data["token"] == "aGVsbG8sIHdvcmxk")
        #expect(secret.decoded("token").map { String(decoding: $0, as: UTF8.self) } == "hello, world")
        #expect(secret.type == "Opaque")
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 5) }
            #expect(Base64Coding.decode(Base64Coding.encode(bytes)) == bytes)
        }
        #expect(Base64Coding.decode("a===") == nil)

        let binding = Binding(podName: "web-0", namespace: "demo", nodeName: "n1")
        #expect(binding.target.kind == "Node" && binding.target.name == "n1")

        var d = Deployment(name: "web", namespace: "demo")
        #expect(d.spec.replicas == 1 && d.spec.revisionHistoryLimit == 10 && d.spec.strategy.type == "RollingUpdate")
        d.spec.strategy.rollingUpdate.maxSurge = "25%"
        #expect(try d.spec.strategy.rollingUpdate.maxSurge?.scaledValue(total: 3, roundUp: true) == 1)
        d.spec.template.spec.containers = [Container(name: "web", image: "nginx")]
        #expect(d.json["spec"]?["template"]?["spec"]?["containers"] == [["name": "web", "image": "nginx"]])

        var lease = Lease(name: "kosmos-scheduler", namespace: "kube-system")
        lease.spec.renewTime = MicroTime(Time(seconds: 0, nanoseconds: 1_000))
        #expect(lease.json["spec"]?["renewTime"] == "1970-01-01T00:00:00.000001Z")

        var rb = RoleBinding(name: "rb", namespace: "demo")
        rb.roleRef = RoleRef(kind: "ClusterRole", name: "edit")
        rb.subjects = [Subject(kind: "ServiceAccount", name: "default", namespace: "demo")]
        #expect(rb.json["roleRef"]?["apiGroup"] == "rbac.authorization.k8s.io")

        let slice = EndpointSlice(json: ["addressType": "IPv4", "endpoints": [["addresses": ["10.0.0.1"], "conditions": ["ready": true]]]])
        #expect(slice.endpoints.first?.conditions.ready == true)
    }

    @Test func podEffectiveRequestsFollowKubernetes() throws {
        var spec = PodSpec()
        var a = Container(name: "a", image: "x")
        a.resources.requests = ["cpu": "500m", "memory": "1Gi"]
        var b = Container(name: "b", image: "x")
        b.resources.requests = ["cpu": "250m"]
        var initBig = Container(name: "init", image: "x")
        initBig.resources.requests = ["cpu": "2", "memory": "512Mi"]
        spec.containers = [a, b]
        spec.initContainers = [initBig]
        spec.overhead = ["cpu": "100m"]
        let r = spec.effectiveRequests
        #expect(r["cpu"] == "2.1")
        #expect(r["memory"] == "1Gi")
        // A sidecar (restartPolicy Always) adds to the regular containers.
        var sidecar = Container(name: "side", image: "x")
        sidecar.restartPolicy = "Always"
        sidecar.resources.requests = ["cpu": "1"]
        spec.initContainers = [sidecar, initBig]
        #expect(spec.effectiveRequests["cpu"] == "3.1")  // max(0.75 + 1, 1 + 2) + 0.1
        #expect(spec.schedulerName == "default-scheduler")
        #expect(spec.terminationGracePeriodSeconds == 30)
    }

    @Test func objectMetaHelpers() throws {
        var cm = ConfigMap(name: "c", namespace: "demo")
        #expect(!cm.metadata.isBeingDeleted)
        var changed = cm.metadata.addFinalizer("kosmos.io/cluster-manager")
        #expect(changed)
        changed = cm.metadata.addFinalizer("kosmos.io/cluster-manager")
        #expect(!changed)
        #expect(cm.metadata.hasFinalizer("kosmos.io/cluster-manager"))
        changed = cm.metadata.removeFinalizer("kosmos.io/cluster-manager")
        #expect(changed)
        #expect(cm.json["metadata"]?["finalizers"] == nil)
        cm.metadata.creationTime = try Time.parse("2026-11-26T15:19:13Z")
        #expect(cm.metadata.creationTimestamp == "2026-11-26T15:19:13Z")
        cm.metadata.deletionTime = try Time.parse("2026-11-26T15:20:00Z")
        #expect(cm.metadata.isBeingDeleted)
        cm.metadata.ownerReferences = [
            OwnerReference(apiVersion: "v1", kind: "Pod", name: "a", uid: "u1"),
            OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "b", uid: "u2", controller: true),
        ]
        #expect(cm.metadata.controllerReference?.name == "b")
        #expect(cm.metadata.isOwned(byUID: "u1") && !cm.metadata.isOwned(byUID: "u3"))
    }
}
