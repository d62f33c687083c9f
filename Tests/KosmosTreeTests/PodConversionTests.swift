import KosmosAPI
import Testing
@testable import KosmosTree

@Suite struct PodConversionTests {
    static let wholeCluster = LeafNodePlan(name: "kosmos-c1", cluster: "c1", mode: .wholeCluster)

    static func hostPod() throws -> Pod {
        Pod(json: try JSONValue.parse("""
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web-1","namespace":"app","uid":"u1","resourceVersion":"7","labels":{"app":"web"},
                         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"r"}]},
             "spec":{"nodeName":"kosmos-c1","schedulerName":"kosmos-scheduler",
                     "tolerations":[{"key":"kosmos.io/node","operator":"Equal","value":"true","effect":"NoSchedule"}],
                     "nodeSelector":{"disk":"ssd"},
                     "containers":[{"name":"main","image":"nginx","volumeMounts":[
                         {"name":"default-token-x","mountPath":"/var/run/secrets"},{"name":"data","mountPath":"/d"}]}],
                     "volumes":[{"name":"default-token-x","secret":{"secretName":"default-token-x"}},
                                {"name":"data","persistentVolumeClaim":{"claimName":"d1"}}]},
             "status":{"phase":"Pending"}}
            """))
    }

    /// The ALL-mode example of cases §3.11.
    @Test func statusPatchCarriesChangedSyncedFieldsAndRemovesMissingOnes() throws {
        let host = PodStatus(json: try JSONValue.parse(#"""
            {"phase":"Pending","message":"waiting","qosClass":"Burstable","nominatedNodeName":"n1"}
            """#))
        let member = Pod(json: try JSONValue.parse(#"""
            {"status":{"phase":"Running","qosClass":"Burstable","podIP":"10.0.0.5",
                       "conditions":[{"type":"Ready","status":"True"}]}}
            """#))
        let status = PodConversion.hostStatus(from: member, current: host)
        let patch = PodConversion.statusPatch(from: host, to: status)
        // Changed and new fields, `null` for the message the member no longer has; unchanged and unsynced
        // fields (qosClass, nominatedNodeName) are left out.
        #expect(patch == (try JSONValue.parse(#"""
            {"phase":"Running","message":null,"podIP":"10.0.0.5","conditions":[{"type":"Ready","status":"True"}]}
            """#)))
        let guarded = PodSyncController.changePatch(of: try Self.hostPod(), ["status": patch])
        #expect(guarded["metadata"] == ["resourceVersion": "7"])
        #expect(guarded["status"] == patch)
    }

    @Test func wholeClusterPodDropsHostSchedulingAndTokenVolumes() throws {
        let leaf = try PodConversion.memberPod(from: try Self.hostPod(), leaf: Self.wholeCluster)
        #expect(leaf.metadata.name == "web-1")
        #expect(leaf.metadata.namespace == "app")
        #expect(leaf.metadata.uid == nil)
        #expect(leaf.metadata.resourceVersion == nil)
        #expect(leaf.metadata.ownerReferences.isEmpty)
        #expect(leaf.metadata.labels == ["app": "web", "kosmos-io/pod": "true"])
        #expect(leaf.spec.nodeName == nil)
        #expect(leaf.spec.json["schedulerName"] == nil)
        #expect(leaf.spec.tolerations.isEmpty)
        #expect(leaf.spec.nodeSelector.isEmpty)
        #expect(leaf.spec.volumes.map(\.name) == ["data"])
        #expect(leaf.spec.containers.first?.volumeMounts.map(\.name) == ["data"])
        #expect(leaf.json["status"] == nil)
    }

    @Test func clusterSelectorAnnotationSetsMemberScheduling() throws {
        var pod = try Self.hostPod()
        pod.metadata.annotations[TreeKeys.clusterSelector] = #"{"nodeSelector":{"zone":"z1"}}"#
        let leaf = try PodConversion.memberPod(from: pod, leaf: Self.wholeCluster)
        #expect(leaf.spec.nodeSelector == ["zone": "z1"])
    }

    @Test func brokenClusterSelectorNamesThePodAndField() throws {
        var pod = try Self.hostPod()
        pod.metadata.annotations[TreeKeys.clusterSelector] = "{"
        #expect(throws: PodConversionError.self) { try PodConversion.memberPod(from: pod, leaf: Self.wholeCluster) }
        do { _ = try PodConversion.memberPod(from: pod, leaf: Self.wholeCluster) } catch {
            #expect("\(error)".contains("app/web-1"))
            #expect("\(error)".contains("kosmos.io/cluster-selector"))
        }
    }

    @Test func oneToOneKeepsTheMemberNodeAndPartyPinsItsNodes() throws {
        let one = LeafNodePlan(name: "m-node-1", cluster: "c1", mode: .oneToOne, memberNodeName: "m-node-1")
        #expect(try PodConversion.memberPod(from: try Self.hostPod(), leaf: one).spec.nodeName == "m-node-1")
        let party = LeafNodePlan(name: "kosmos-p-0", cluster: "c1", mode: .party,
                                 memberSelector: LabelSelector(matchLabels: ["gpu": "true"]))
        let leaf = try PodConversion.memberPod(from: try Self.hostPod(), leaf: party)
        let term = leaf.spec.json[path: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                                         "nodeSelectorTerms"]]
        #expect(term == [["matchExpressions": [["key": "gpu", "operator": "In", "values": ["true"]]]]])
    }

    @Test func updatesCarryImagesAndAddedTolerationsOnly() throws {
        var member = try PodConversion.memberPod(from: try Self.hostPod(), leaf: Self.wholeCluster)
        member.spec.tolerations = [Toleration(key: "node.kubernetes.io/not-ready", operator: .exists,
                                              effect: .noExecute)]
        #expect(PodSyncController.podUpdate(member, try PodConversion.memberPod(from: try Self.hostPod(),
                                                                                  leaf: Self.wholeCluster)) == nil)
        var host = try Self.hostPod()
        host.metadata.annotations[TreeKeys.clusterSelector] =
            #"{"tolerations":[{"key":"gpu","operator":"Exists","effect":"NoSchedule"}]}"#
        host.spec.containers[0].image = "nginx:2"
        let desired = try PodConversion.memberPod(from: host, leaf: Self.wholeCluster)
        let next = try #require(PodSyncController.podUpdate(member, desired))
        #expect(next.spec.tolerations.map(\.key) == ["node.kubernetes.io/not-ready", "gpu"])
        #expect(next.spec.containers.first?.image == "nginx:2")
        var converted = member
        converted.metadata.annotations[PodConvertPolicy.appliedAnnotation] = "p"
        let kept = PodSyncController.podUpdate(converted, desired)
        #expect(kept?.spec.tolerations.map(\.key) == ["node.kubernetes.io/not-ready"])
    }

    /// Cases §3.13.
    @Test func deleteGraceFollowsTheHostPod() {
        func pod(dgps: Int64?, tgps: Int64?, deletion: Time? = nil) -> Pod {
            var p = Pod(name: "p", namespace: "d")
            p.metadata.deletionGracePeriodSeconds = dgps
            if let tgps { p.spec.json["terminationGracePeriodSeconds"] = .int(tgps) }
            p.metadata.deletionTime = deletion
            return p
        }
        let now = Time.now()
        #expect(PodConversion.deleteGrace(for: pod(dgps: 30, tgps: nil, deletion: now.adding(seconds: -5)),
                                          now: now) == 0)
        #expect(PodConversion.deleteGrace(for: pod(dgps: 30, tgps: nil), now: now) == 30)
        #expect(PodConversion.deleteGrace(for: pod(dgps: nil, tgps: 20), now: now) == 20)
        #expect(PodConversion.deleteGrace(for: pod(dgps: 30, tgps: 20), now: now) == 50)
        #expect(PodConversion.deleteGrace(for: pod(dgps: nil, tgps: nil), now: now) == nil)
    }

    /// Cases §3.5.
    @Test func clusterOwnersList() {
        #expect(ClusterOwners.add(nil, "cluster1") == "cluster1")
        #expect(ClusterOwners.add("cluster1,cluster2", "cluster1") == "cluster1,cluster2")
        #expect(ClusterOwners.add("cluster1,cluster2", "cluster3") == "cluster1,cluster2,cluster3")
        #expect(ClusterOwners.add("cluster1,,cluster2,", "cluster3") == "cluster1,cluster2,cluster3")
        #expect(ClusterOwners.has("cluster1,cluster2", "cluster1"))
        #expect(!ClusterOwners.has("cluster1,cluster2", ""))
        #expect(ClusterOwners.list("cluster1,,cluster3,") == ["cluster1", "", "cluster3", ""])
    }

    @Test func dependenciesComeFromVolumesEnvAndPullSecrets() throws {
        let pod = Pod(json: try JSONValue.parse("""
            {"metadata":{"name":"p","namespace":"d"},"spec":{
              "imagePullSecrets":[{"name":"pull"}],
              "containers":[{"name":"c","env":[
                  {"name":"A","valueFrom":{"configMapKeyRef":{"name":"env-cm","key":"k"}}},
                  {"name":"B","valueFrom":{"secretKeyRef":{"name":"env-s","key":"k","optional":true}}}],
                             "envFrom":[{"configMapRef":{"name":"all-cm"}}]}],
              "volumes":[{"name":"v","configMap":{"name":"vol-cm"}},{"name":"kube-api-access-x","projected":{"sources":[
                         {"configMap":{"name":"kube-root-ca.crt"}}]}}]}}
            """))
        let deps = PodDependencies(of: pod)
        #expect(deps.configMaps == ["env-cm": false, "all-cm": false, "vol-cm": false])
        #expect(deps.secrets == ["env-s": true, "pull": false])
    }

    @Test func hostPodStatusChangesConcernNoDependency() {
        let leaves = ["kosmos-m1": LeafNodePlan.plans(for: Self.enabledCluster("m1"))[0]]
        var pod = Pod(name: "web", namespace: "app")
        var c = Container(name: "main", image: "nginx")
        c.envFrom = [EnvFromSource(json: ["configMapRef": ["name": "settings"]])]
        pod.spec.containers = [c]
        pod.spec.nodeName = "kosmos-m1"
        func calls(_ event: InformerEvent<Pod>) -> [String] {
            var seen: [String] = []
            PodDependencies.changes(event, leaves: leaves) { needs, ns in
                seen += needs.configMaps.keys.map { "\(ns)/\($0)" }
            }
            return seen
        }
        #expect(calls(.added(pod)) == ["app/settings"])
        var running = pod
        running.status.phase = .running
        #expect(calls(.updated(old: pod, new: running)).isEmpty)
        var other = running
        other.spec.containers[0].envFrom = [EnvFromSource(json: ["configMapRef": ["name": "other"]])]
        #expect(Set(calls(.updated(old: running, new: other))) == ["app/other", "app/settings"])
        var elsewhere = pod
        elsewhere.spec.nodeName = "node-1"
        #expect(calls(.updated(old: elsewhere, new: elsewhere)).isEmpty)
        #expect(calls(.deleted(pod)) == ["app/settings"])
    }

    static func enabledCluster(_ name: String) -> Cluster {
        var c = Cluster(name: name)
        c.spec.json["clusterTreeOptions"] = ["enable": true]
        return c
    }
}
