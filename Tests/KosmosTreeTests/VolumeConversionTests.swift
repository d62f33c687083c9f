import KosmosAPI
import Testing
@testable import KosmosTree

/// Cases §3.14 and §3.15, plus the claim and owner rules of the dependency mirrors.
@Suite struct VolumeConversionTests {
    static func memberVolume(hostnameKey: String = "kubernetes.io/hostname") throws -> PersistentVolume {
        PersistentVolume(json: try JSONValue.parse("""
            {"apiVersion":"v1","kind":"PersistentVolume",
             "metadata":{"name":"pvc-1","uid":"member-uid","resourceVersion":"9","labels":{"tier":"fast"},
                         "annotations":{"pv.kubernetes.io/provisioned-by":"local"}},
             "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],
                     "claimRef":{"kind":"PersistentVolumeClaim","namespace":"app","name":"data","uid":"m-claim",
                                 "resourceVersion":"5"},
                     "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[
                         {"key":"\(hostnameKey)","operator":"In","values":["member1-node-2"]},
                         {"key":"topology.kubernetes.io/zone","operator":"In","values":["z1"]}]}]}}},
             "status":{"phase":"Bound"}}
            """))
    }

    static func hostClaim(volumeName: String? = nil) -> PersistentVolumeClaim {
        var c = PersistentVolumeClaim(name: "data", namespace: "app")
        c.metadata.uid = "host-claim-uid"
        c.spec.accessModes = ["ReadWriteOnce"]
        c.spec.json["resources"] = ["requests": ["storage": "1Gi"]]
        c.spec.volumeName = volumeName
        return c
    }

    @Test func memberVolumeComesUpPointingAtTheLeafNodeAndHostClaim() throws {
        let plans = [LeafNodePlan(name: "kosmos-member1", cluster: "member1", mode: .wholeCluster)]
        let up = VolumeConversion.hostVolume(from: try Self.memberVolume(), claim: Self.hostClaim(),
                                             clusterName: "member1", plans: plans)
        #expect(up.metadata.name == "pvc-1")
        #expect(up.metadata.uid == nil)
        #expect(up.metadata.resourceVersion == nil)
        #expect(up.metadata.labels == ["tier": "fast"])
        #expect(up.metadata.annotations[KosmosKeys.clusterOwners] == "member1")
        #expect(up.spec.claimRef?.uid == "host-claim-uid")
        #expect(up.spec.claimRef?.resourceVersion == nil)
        #expect(up.spec.claimRef?.name == "data")
        let expressions = up.spec.json[path: ["nodeAffinity", "required", "nodeSelectorTerms"]]?.arrayValue?.first?[
            "matchExpressions"]
        #expect(expressions == [["key": "kubernetes.io/hostname", "operator": "In", "values": ["kosmos-member1"]],
                                ["key": "topology.kubernetes.io/zone", "operator": "In", "values": ["z1"]]])
        #expect(up.json["status"] == nil)
    }

    @Test func oneToOneLeafOfTheVolumesNodeIsChosen() throws {
        let plans = [LeafNodePlan(name: "member1-node-1", cluster: "member1", mode: .oneToOne,
                                  memberNodeName: "member1-node-1"),
                     LeafNodePlan(name: "member1-node-2", cluster: "member1", mode: .oneToOne,
                                  memberNodeName: "member1-node-2")]
        for key in VolumeConversion.hostnameKeys {
            let up = VolumeConversion.hostVolume(from: try Self.memberVolume(hostnameKey: key),
                                                 claim: Self.hostClaim(), clusterName: "member1", plans: plans)
            let first = up.spec.json[path: ["nodeAffinity", "required", "nodeSelectorTerms"]]?.arrayValue?.first
            #expect(first?["matchExpressions"]?.arrayValue?.first?["values"] == ["member1-node-2"], "\(key)")
        }
        #expect(VolumeConversion.leafNodeName(forMemberNode: "x", clusterName: "c9", plans: []) == "kosmos-c9")
    }

    @Test func claimCopyDropsHostBindingAndResizeFollows() throws {
        var host = Self.hostClaim(volumeName: "pvc-1")
        host.metadata.annotations = [KosmosKeys.clusterOwners: "member1", TreeKeys.selectedNode: "kosmos-member1",
                                     "pv.kubernetes.io/bind-completed": "yes", "team": "a"]
        let copy = VolumeConversion.memberClaim(from: host)
        #expect(copy.spec.volumeName == nil)
        #expect(copy.metadata.annotations == ["team": "a"])
        #expect(copy.metadata.uid == nil)
        #expect(VolumeConversion.resized(copy, to: copy) == nil)
        var bigger = copy
        bigger.spec.json["resources"] = ["requests": ["storage": "2Gi"]]
        var member = copy
        member.spec.volumeName = "pvc-1"
        let next = try #require(VolumeConversion.resized(member, to: bigger))
        #expect(next.spec.resources.requests["storage"] == "2Gi")
        #expect(next.spec.volumeName == "pvc-1")
    }

    @Test func claimOfAOneToOneLeafNamesItsMemberNode() throws {
        let kind = DependencyKind<PersistentVolumeClaim>.persistentVolumeClaims(
            clusterName: "member1", member: try MirrorTests.unreachable())
        var copy = try kind.mirror.transform(Self.hostClaim())
        let one = LeafNodePlan(name: "n1", cluster: "member1", mode: .oneToOne, memberNodeName: "member1-node-1")
        let adjust = kind.adjust(one)
        adjust?(&copy)
        #expect(copy.metadata.annotations[TreeKeys.selectedNode] == "member1-node-1")
        let whole = kind.adjust(LeafNodePlan(name: "kosmos-member1", cluster: "member1", mode: .wholeCluster))
        #expect(whole == nil)
        #expect(!kind.removesUnneeded)
    }

    @Test func claimStatusComesUpOnlyOnceTheHostClaimNamesItsVolume() throws {
        var member = Self.hostClaim(volumeName: "pvc-1")
        member.status.phase = "Bound"
        member.status.capacity = ["storage": "1Gi"]
        member.status.accessModes = ["ReadWriteOnce"]
        #expect(VolumeConversion.hostClaim(Self.hostClaim(), reflecting: member) == nil)
        let bound = VolumeConversion.hostClaim(Self.hostClaim(volumeName: "pvc-1"), reflecting: member)
        #expect(bound?.status.phase == "Bound")
        #expect(bound?.status.capacity == ["storage": "1Gi"])
        #expect(bound?.status.accessModes == ["ReadWriteOnce"])
        let reflected = try #require(bound)
        #expect(VolumeConversion.hostClaim(reflected, reflecting: member) == nil)
        var pending = member
        pending.status.phase = "Pending"
        #expect(VolumeConversion.hostClaim(Self.hostClaim(), reflecting: pending)?.status.phase == "Pending")
    }

    @Test func ownersRemoveDropsTheClusterAndEmptyItems() {
        #expect(ClusterOwners.remove("cluster1,cluster2", "cluster1") == "cluster2")
        #expect(ClusterOwners.remove("cluster1,,cluster2,", "cluster2") == "cluster1")
        #expect(ClusterOwners.remove("cluster1", "cluster1") == nil)
        #expect(ClusterOwners.remove(nil, "cluster1") == nil)
    }

    @Test func dependenciesIncludeClaimsAndTheServiceAccount() throws {
        let pod = Pod(json: try JSONValue.parse("""
            {"metadata":{"name":"p","namespace":"d"},"spec":{"serviceAccountName":"robot","containers":[{"name":"c"}],
              "volumes":[{"name":"a","persistentVolumeClaim":{"claimName":"data"}},
                         {"name":"scratch","ephemeral":{"volumeClaimTemplate":{"spec":{}}}}]}}
            """))
        let deps = PodDependencies(of: pod)
        #expect(deps.persistentVolumeClaims == ["data", "p-scratch"])
        #expect(deps.serviceAccount == "robot")
        #expect(PodDependencies(of: Pod(name: "q", namespace: "d")).serviceAccount == "default")
    }

    /// A service-account token Secret never carries the host's token into the member.
    @Test func serviceAccountTokenSecretIsCopiedWithoutTheHostToken() throws {
        let kind = DependencyKind<Secret>.secrets(clusterName: "member1", member: try MirrorTests.unreachable())
        var token = Secret(name: "robot-token", namespace: "d")
        token.type = "kubernetes.io/service-account-token"
        token.metadata.annotations = [TreeKeys.serviceAccountName: "robot", TreeKeys.serviceAccountUID: "host-uid"]
        token.data = ["token": "aG9zdA=="]
        let copy = try kind.mirror.transform(token)
        #expect(copy.json["data"] == nil)
        #expect(copy.type == "kubernetes.io/service-account-token")
        #expect(copy.metadata.annotations == [TreeKeys.serviceAccountName: "robot"])
        var filled = copy
        filled.data = ["token": "bWVtYmVy"]
        #expect(kind.mirror.update(filled, copy) == nil)
    }
}
