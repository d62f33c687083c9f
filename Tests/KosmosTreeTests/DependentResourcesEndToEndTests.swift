import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
@testable import KosmosTree
import Logging
import Testing

/// ConfigMaps, Secrets, ServiceAccounts, claims and volumes following pods between a host and a member
/// `LocalAPIServer`, and convert policies shaping the member pod (same clusters as ``ClusterTreeEndToEndTests``).
@Suite(.serialized) struct DependentResourcesEndToEndTests {
    typealias E2E = ClusterTreeEndToEndTests

    /// Starts the clusters, joins the member and waits for its leaf node.
    static func withJoinedMember(
        _ body: (_ host: TreeTestCluster, _ member: TreeTestCluster) async throws -> Void
    ) async throws {
        try await E2E.withClusters { host, member, _ in
            _ = try await host.client.create(E2E.cluster("member1", kubeconfig: member.kubeconfig))
            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
            try await body(host, member)
        }
    }

    static func pod(_ name: String, _ edit: (inout PodSpec) -> Void = { _ in }) -> Pod {
        var p = E2E.hostPod(name, node: "kosmos-member1")
        edit(&p.spec)
        return p
    }

    static func exists<R: NamespacedResource>(_: R.Type, _ client: KubeClient, _ name: String,
                                              namespace: String = "default") async throws -> Bool {
        do { _ = try await client.get(R.self, namespace: namespace, name: name) } catch let e as KubeError
            where e.isNotFound {
            return false
        }
        return true
    }

    static func configMap(_ name: String, _ data: [String: String]) -> ConfigMap {
        var cm = ConfigMap(name: name, namespace: "default")
        cm.data = data
        return cm
    }

    static func running(_ host: TreeTestCluster, _ name: String) async -> Bool {
        await eventually("host pod \(name) is Running") {
            try await host.client.get(Pod.self, namespace: "default", name: name).status.phase == .running
        }
    }

    @Test func configMapAndSecretFollowTheHostUntilTheLastPodGoes() async throws {
        try await Self.withJoinedMember { host, member in
            _ = try await host.client.create(Self.configMap("settings", ["MODE": "a"]))
            var secret = Secret(name: "creds", namespace: "default")
            secret.data = ["password": "YQ=="]
            _ = try await host.client.create(secret)
            // A member ConfigMap ClusterTree did not make, with the name of a host one a pod uses.
            _ = try await member.client.create(Self.configMap("theirs", ["owner": "member"]))
            _ = try await host.client.create(Self.configMap("theirs", ["owner": "host"]))

            func uses(_ spec: inout PodSpec) {
                spec.containers[0].envFrom = [EnvFromSource(json: ["configMapRef": ["name": "settings"]]),
                                              EnvFromSource(json: ["configMapRef": ["name": "theirs"]])]
                spec.volumes = [Volume(json: ["name": "creds", "secret": ["secretName": "creds"]])]
            }
            _ = try await host.client.create(Self.pod("first", uses))
            _ = try await host.client.create(Self.pod("second", uses))
            #expect(await Self.running(host, "first"))
            #expect(await Self.running(host, "second"))
            let copy = try await member.client.get(ConfigMap.self, namespace: "default", name: "settings")
            #expect(copy.metadata.annotations[TreeKeys.global] == "true")
            #expect(try await member.client.get(Secret.self, namespace: "default", name: "creds").data
                == ["password": "YQ=="])
            let theirs = try await member.client.get(ConfigMap.self, namespace: "default", name: "theirs")
            #expect(theirs.data == ["owner": "member"])

            // Data changes reach the copy.
            var changed = try await host.client.get(ConfigMap.self, namespace: "default", name: "settings")
            changed.data = ["MODE": "b"]
            _ = try await host.client.update(changed)
            #expect(await eventually("the member copy has the new data") {
                try await member.client.get(ConfigMap.self, namespace: "default", name: "settings").data
                    == ["MODE": "b"]
            })
            // Deleting the host object deletes the copy.
            try await host.client.delete(Secret.self, namespace: "default", name: "creds")
            #expect(await eventually("the member secret is deleted with the host one") {
                try await !Self.exists(Secret.self, member.client, "creds")
            })

            // One pod left still needs the ConfigMap; with none left its copy goes and the owner list forgets
            // the member.
            try await host.client.delete(Pod.self, namespace: "default", name: "first")
            #expect(await eventually("first pod is gone") { try await !Self.exists(Pod.self, host.client, "first") })
            #expect(try await Self.exists(ConfigMap.self, member.client, "settings"))
            try await host.client.delete(Pod.self, namespace: "default", name: "second")
            #expect(await eventually("the copy goes with the last pod") {
                try await !Self.exists(ConfigMap.self, member.client, "settings")
            })
            #expect(await eventually("the host ConfigMap no longer lists the member") {
                let source = try await host.client.get(ConfigMap.self, namespace: "default", name: "settings")
                return source.metadata.annotations[KosmosKeys.clusterOwners] == nil
            })
            // The member's own ConfigMap was never touched.
            let after = try await member.client.get(ConfigMap.self, namespace: "default", name: "theirs")
            #expect(after.data == ["owner": "member"])
            #expect(after.metadata.annotations[TreeKeys.global] == nil)
        }
    }

    @Test func ownerListTracksEveryMemberHoldingACopy() async throws {
        let second = try await TreeTestCluster.start(
            name: "member2", clusterCIDR: "10.249.0.0/16", kubelets: 1,
            kubeletOptions: .init(zone: "z2", heartbeatInterval: .seconds(2)))
        do {
            try await Self.withJoinedMember { host, member in
                _ = try await host.client.create(E2E.cluster("member2", kubeconfig: second.kubeconfig))
                #expect(await eventually("second leaf node is Ready") {
                    try await host.client.get(Node.self, name: "kosmos-member2").isReady
                })
                _ = try await host.client.create(Self.configMap("common", ["k": "v"]))
                _ = try await host.client.create(E2E.hostPod("one", node: "kosmos-member1", configMap: "common"))
                _ = try await host.client.create(E2E.hostPod("two", node: "kosmos-member2", configMap: "common"))
                #expect(await Self.running(host, "one"))
                #expect(await Self.running(host, "two"))
                let owners = try await host.client.get(ConfigMap.self, namespace: "default", name: "common")
                    .metadata.annotations[KosmosKeys.clusterOwners]
                #expect(Set(ClusterOwners.list(owners)) == ["member1", "member2"])

                try await host.client.delete(Pod.self, namespace: "default", name: "one")
                #expect(await eventually("member1's copy goes and the list keeps member2 only") {
                    let source = try await host.client.get(ConfigMap.self, namespace: "default", name: "common")
                    return try await !Self.exists(ConfigMap.self, member.client, "common")
                        && source.metadata.annotations[KosmosKeys.clusterOwners] == "member2"
                })
                #expect(try await Self.exists(ConfigMap.self, second.client, "common"))
            }
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }

    @Test func podWaitsForItsConfigMapAndStartsOnceItAppears() async throws {
        try await Self.withJoinedMember { host, member in
            _ = try await host.client.create(E2E.hostPod("early", node: "kosmos-member1", configMap: "late"))
            // A few reconciles fail meanwhile: the pod is not created in the member without its ConfigMap.
            try await Task.sleep(for: .seconds(2))
            #expect(try await !Self.exists(Pod.self, member.client, "early"))
            _ = try await host.client.create(Self.configMap("late", ["k": "v"]))
            #expect(await Self.running(host, "early"))
            #expect(try await member.client.get(ConfigMap.self, namespace: "default", name: "late").data == ["k": "v"])
        }
    }

    @Test func copiesLeftBehindGoAndCopiesStillNeededComeBack() async throws {
        try await E2E.withClusters { host, member, _ in
            // Left by an earlier run of the manager: a marked copy whose host object is gone, and a member
            // object of the member's own.
            var leftover = ConfigMap(name: "leftover", namespace: "default")
            leftover.metadata.annotations[TreeKeys.global] = "true"
            _ = try await member.client.create(leftover)
            _ = try await member.client.create(ConfigMap(name: "own", namespace: "default"))
            _ = try await host.client.create(Self.configMap("live", ["k": "v"]))
            // A host twin of a member volume that went while the manager was down, and a host volume of
            // another member.
            for (name, owner) in [("pvc-gone", "member1"), ("pvc-other", "member2")] {
                var volume = PersistentVolume(name: name)
                volume.metadata.annotations[KosmosKeys.clusterOwners] = owner
                volume.spec.capacity = ["storage": "1Gi"]
                volume.spec.accessModes = ["ReadWriteOnce"]
                volume.spec.json["hostPath"] = ["path": .string("/tmp/\(name)")]
                _ = try await host.client.create(volume)
            }
            _ = try await host.client.create(E2E.cluster("member1", kubeconfig: member.kubeconfig))
            #expect(await eventually("the leftover copy and twin are removed") {
                let twinGone: Bool
                do { _ = try await host.client.get(PersistentVolume.self, name: "pvc-gone"); twinGone = false }
                catch let e as KubeError where e.isNotFound { twinGone = true }
                return try await !Self.exists(ConfigMap.self, member.client, "leftover") && twinGone
            })
            #expect(try await Self.exists(ConfigMap.self, member.client, "own"))
            _ = try await host.client.get(PersistentVolume.self, name: "pvc-other")

            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
            _ = try await host.client.create(E2E.hostPod("reader", node: "kosmos-member1", configMap: "live"))
            #expect(await Self.running(host, "reader"))
            try await member.client.delete(ConfigMap.self, namespace: "default", name: "live")
            #expect(await eventually("a copy deleted in the member while its pod needs it comes back") {
                try await member.client.get(ConfigMap.self, namespace: "default", name: "live").data == ["k": "v"]
            })
        }
    }

    @Test func serviceAccountIsCopiedAndTheTokenIsTheMembersOwn() async throws {
        try await Self.withJoinedMember { host, member in
            _ = try await host.client.create(ServiceAccount(name: "robot", namespace: "default"))
            var quiet = ServiceAccount(name: "quiet", namespace: "default")
            quiet.automountServiceAccountToken = false
            _ = try await host.client.create(quiet)
            _ = try await host.client.create(Self.pod("robot") { $0.serviceAccountName = "robot" })
            _ = try await host.client.create(Self.pod("no-token") { $0.automountServiceAccountToken = false })
            _ = try await host.client.create(Self.pod("quiet") { $0.serviceAccountName = "quiet" })
            for name in ["robot", "no-token", "quiet"] { #expect(await Self.running(host, name)) }

            let hostPod = try await host.client.get(Pod.self, namespace: "default", name: "robot")
            let hostVolume = try #require(hostPod.spec.volumes.first { $0.name.hasPrefix("kube-api-access-") })
            let memberPod = try await member.client.get(Pod.self, namespace: "default", name: "robot")
            #expect(memberPod.spec.serviceAccountName == "robot")
            let sa = try await member.client.get(ServiceAccount.self, namespace: "default", name: "robot")
            #expect(sa.metadata.annotations[TreeKeys.global] == "true")
            #expect(sa.secrets.isEmpty)
            // The member's admission mounted a token of the member's account with the member's own CA; the
            // host's volume did not come along.
            #expect(!memberPod.spec.volumes.contains { $0.name == hostVolume.name })
            let tokenVolume = try #require(memberPod.spec.volumes.first { $0.name.hasPrefix("kube-api-access-") })
            let sources = tokenVolume.json["projected"]?["sources"]?.arrayValue ?? []
            #expect(sources.contains { $0["serviceAccountToken"] != nil })
            #expect(sources.contains { $0["configMap"]?["name"] == "kube-root-ca.crt" })
            #expect(memberPod.spec.containers[0].volumeMounts.contains {
                $0.name == tokenVolume.name && $0.mountPath == "/var/run/secrets/kubernetes.io/serviceaccount"
            })
            let memberSecrets = try await member.client.list(Secret.self, namespace: "default").items
            #expect(memberSecrets.isEmpty)

            for name in ["no-token", "quiet"] {
                let pod = try await member.client.get(Pod.self, namespace: "default", name: name)
                #expect(pod.spec.automountServiceAccountToken == false, "\(name)")
                #expect(!pod.spec.volumes.contains { $0.name.hasPrefix("kube-api-access-") }, "\(name)")
            }
            let quietCopy = try await member.client.get(ServiceAccount.self, namespace: "default", name: "quiet")
            #expect(quietCopy.automountServiceAccountToken == false)

            try await host.client.delete(Pod.self, namespace: "default", name: "robot")
            #expect(await eventually("the account copy goes with its last pod") {
                try await !Self.exists(ServiceAccount.self, member.client, "robot")
            })
            #expect(try await Self.exists(ServiceAccount.self, member.client, "default"))
        }
    }

    /// Creates host claim `data` (1Gi) and pod `db` using it on a leaf node; returns the claim. The claim's class
    /// `manual` has no provisioner in either cluster, so the test plays the member's provisioner (``provision``);
    /// the member's real provisioner is exercised by ``StatefulSetOnLeafNodeTests``.
    static func claimAndPod(_ host: TreeTestCluster, node: String) async throws -> PersistentVolumeClaim {
        var claim = PersistentVolumeClaim(name: "data", namespace: "default")
        claim.spec.json["storageClassName"] = "manual"
        claim.spec.accessModes = ["ReadWriteOnce"]
        claim.spec.json["resources"] = ["requests": ["storage": "1Gi"]]
        let created = try await host.client.create(claim)
        var pod = E2E.hostPod("db", node: node)
        pod.spec.volumes = [Volume(json: ["name": "data", "persistentVolumeClaim": ["claimName": "data"]])]
        _ = try await host.client.create(pod)
        return created
    }

    /// The member copy of claim `data`, once it is there.
    static func copiedClaim(_ member: TreeTestCluster) async throws -> PersistentVolumeClaim {
        var copy: PersistentVolumeClaim?
        #expect(await eventually("the claim is copied into the member") {
            copy = try await member.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            return true
        })
        return try #require(copy)
    }

    /// Plays the member's provisioner and volume binder: volume `pvc-0001` on a member node, bound to the claim.
    static func provision(_ claim: PersistentVolumeClaim, on node: String, in member: TreeTestCluster) async throws {
        var volume = PersistentVolume(name: "pvc-0001")
        volume.spec.capacity = ["storage": "1Gi"]
        volume.spec.accessModes = ["ReadWriteOnce"]
        volume.spec.persistentVolumeReclaimPolicy = "Delete"
        volume.spec.claimRef = ObjectReference(apiVersion: "v1", kind: "PersistentVolumeClaim",
                                               namespace: "default", name: "data", uid: claim.metadata.uid)
        volume.spec.json["hostPath"] = ["path": "/tmp/pvc-0001"]
        volume.spec.json["storageClassName"] = "manual"
        volume.spec.json["nodeAffinity"] = ["required": ["nodeSelectorTerms": [["matchExpressions": [
            ["key": "kubernetes.io/hostname", "operator": "In", "values": [.string(node)]]]]]]]
        _ = try await member.client.create(volume)
        // The member's volume binder may bind the pre-bound pair at the same time: each step re-reads the object,
        // skips what is already done and retries on a conflict.
        try await Self.settle { () async throws -> Void in
            var current = try await member.client.get(PersistentVolume.self, name: "pvc-0001")
            guard current.status.phase != "Bound" else { return }
            current.status.phase = "Bound"
            _ = try await member.client.updateStatus(current)
        }
        try await Self.settle { () async throws -> Void in
            var copy = try await member.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            guard copy.spec.volumeName != "pvc-0001" else { return }
            copy.spec.volumeName = "pvc-0001"
            _ = try await member.client.update(copy)
        }
        try await Self.settle { () async throws -> Void in
            var copy = try await member.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            guard copy.status.phase != "Bound" || copy.status.capacity["storage"] != "1Gi" else { return }
            copy.status.phase = "Bound"
            copy.status.capacity = ["storage": "1Gi"]
            copy.status.accessModes = ["ReadWriteOnce"]
            _ = try await member.client.updateStatus(copy)
        }
    }

    /// Runs `step` until it succeeds without a write conflict (at most 20 tries).
    static func settle(_ step: () async throws -> Void) async throws {
        for attempt in 1...20 {
            do {
                return try await step()
            } catch let error as KubeError where error.isConflict && attempt < 20 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The values of the first node-affinity requirement of host volume `pvc-0001` once it is Bound.
    static func hostVolumeNodes(_ host: TreeTestCluster) async -> JSONValue? {
        var values: JSONValue?
        _ = await eventually("the volume comes up into the host, Bound") {
            let v = try await host.client.get(PersistentVolume.self, name: "pvc-0001")
            values = v.spec.nodeAffinity?.required?.json["nodeSelectorTerms"]?.arrayValue?.first?[
                "matchExpressions"]?.arrayValue?.first?["values"]
            return v.status.phase == "Bound"
        }
        return values
    }

    @Test func oneToOneClaimNamesTheMemberNodeAndItsVolumeTheLeaf() async throws {
        let options: JSONValue = ["enable": true, "leafModels": [["nodeSelector": ["nodeName": "member1-node-2"]]]]
        try await E2E.withClusters { host, member, _ in
            _ = try await host.client.create(E2E.cluster("member1", kubeconfig: member.kubeconfig, options: options))
            #expect(await eventually("one-to-one leaf node is Ready") {
                try await host.client.get(Node.self, name: "member1-node-2").isReady
            })
            _ = try await Self.claimAndPod(host, node: "member1-node-2")
            let copy = try await Self.copiedClaim(member)
            #expect(copy.metadata.annotations[TreeKeys.selectedNode] == "member1-node-2")
            try await Self.provision(copy, on: "member1-node-2", in: member)
            #expect(await Self.hostVolumeNodes(host) == ["member1-node-2"])
            #expect(await Self.running(host, "db"))
            let memberPod = try await member.client.get(Pod.self, namespace: "default", name: "db")
            #expect(memberPod.spec.nodeName == "member1-node-2")
        }
    }

    @Test func claimGoesDownAndTheMembersVolumeComesUpBound() async throws {
        try await Self.withJoinedMember { host, member in
            let hostClaim = try await Self.claimAndPod(host, node: "kosmos-member1")
            let copy = try await Self.copiedClaim(member)
            #expect(copy.metadata.annotations[TreeKeys.global] == "true")
            #expect(copy.metadata.annotations[TreeKeys.selectedNode] == nil)
            try await Self.provision(copy, on: "member1-node-1", in: member)

            var up: PersistentVolume?
            #expect(await eventually("the volume comes up into the host") {
                up = try await host.client.get(PersistentVolume.self, name: "pvc-0001")
                return up?.status.phase == "Bound"
            })
            let twin = try #require(up)
            #expect(twin.metadata.annotations[KosmosKeys.clusterOwners] == "member1")
            #expect(twin.spec.claimRef?.uid == hostClaim.metadata.uid)
            #expect(twin.spec.nodeAffinity?.required?.json["nodeSelectorTerms"]
                == [["matchExpressions": [["key": "kubernetes.io/hostname", "operator": "In",
                                           "values": ["kosmos-member1"]]]]])
            #expect(await eventually("the host claim is Bound to it") {
                let c = try await host.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
                return c.spec.volumeName == "pvc-0001" && c.status.phase == "Bound"
                    && c.status.capacity["storage"] == "1Gi"
            })
            // The member schedules the pod once its claim is bound.
            #expect(await Self.running(host, "db"))

            // A resize on the host reaches the member claim.
            var bigger = try await host.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            bigger.spec.json["resources"] = ["requests": ["storage": "2Gi"]]
            _ = try await host.client.update(bigger)
            #expect(await eventually("the member claim asks for 2Gi") {
                try await member.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
                    .spec.resources.requests["storage"] == "2Gi"
            })

            // The claim outlives its pod; deleting it on the host deletes the copy, and once the member's
            // provisioner removes the volume its host twin goes too.
            try await host.client.delete(Pod.self, namespace: "default", name: "db")
            #expect(await eventually("the pod is gone") { try await !Self.exists(Pod.self, host.client, "db") })
            #expect(try await Self.exists(PersistentVolumeClaim.self, member.client, "data"))
            try await host.client.delete(PersistentVolumeClaim.self, namespace: "default", name: "data")
            #expect(await eventually("the member claim is deleted with the host claim") {
                try await !Self.exists(PersistentVolumeClaim.self, member.client, "data")
            })
            try await member.client.delete(PersistentVolume.self, namespace: nil, name: "pvc-0001")
            #expect(await eventually("the host volume goes with the member volume") {
                do { _ = try await host.client.get(PersistentVolume.self, name: "pvc-0001") } catch let e as KubeError
                    where e.isNotFound { return true }
                return false
            })
        }
    }

    @Test func convertPolicyRewritesTheMemberPod() async throws {
        try await Self.withJoinedMember { host, member in
            // A cluster policy that does not match must not hide the namespaced one.
            var other = ClusterPodConvertPolicy(name: "other")
            other.spec = PodConvertPolicySpec(json: [
                "labelSelector": ["matchLabels": ["app": "db"]],
                "converters": ["hostAliasesConverter": ["convertType": "replace",
                                                        "hostAliases": [["ip": "10.9.9.9", "hostnames": ["x"]]]]],
            ])
            _ = try await host.client.create(other)
            var policy = PodConvertPolicy(name: "web-policy", namespace: "default")
            policy.spec = PodConvertPolicySpec(json: [
                "labelSelector": ["matchLabels": ["app": "web"]],
                "leafNodeSelector": ["matchLabels": ["kosmos.io/cluster": "member1"]],
                "converters": [
                    "hostAliasesConverter": ["convertType": "add",
                                             "hostAliases": [["ip": "10.1.2.3", "hostnames": ["db.local"]]]],
                    "tolerationConverter": ["convertType": "replace",
                                            "tolerations": [["key": "dedicated", "operator": "Exists"]]],
                ],
            ])
            _ = try await host.client.create(policy)
            var pod = Self.pod("web")
            pod.metadata.labels = ["app": "web"]
            _ = try await host.client.create(pod)
            #expect(await Self.running(host, "web"))
            let memberPod = try await member.client.get(Pod.self, namespace: "default", name: "web")
            #expect(memberPod.metadata.annotations["kosmos-io/convert-policy"] == "web-policy")
            #expect(memberPod.spec.hostAliases.map(\.ip) == ["10.1.2.3"])
            #expect(memberPod.spec.tolerations.contains { $0.key == "dedicated" })
        }
    }
}
