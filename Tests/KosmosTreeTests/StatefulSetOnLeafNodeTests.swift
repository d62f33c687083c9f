import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
@testable import KosmosTree
import Testing

/// A StatefulSet with a claim template created in the host runs on the member's leaf node: the host's
/// KosmosSched places its pods on the leaf node, ClusterTree runs them in the member, the member's provisioner
/// makes their volumes, and the claims end Bound in the host to volumes pinned to the leaf node.
@Suite(.serialized) struct StatefulSetOnLeafNodeTests {
    static let statefulSet: JSONValue = [
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": ["name": "db", "namespace": "default"],
        "spec": [
            "replicas": 2,
            "serviceName": "db",
            "selector": ["matchLabels": ["app": "db"]],
            "template": [
                "metadata": ["labels": ["app": "db"]],
                "spec": ["containers": [["name": "main", "image": "postgres",
                                         "volumeMounts": [["name": "data", "mountPath": "/data"]]]]],
            ],
            "volumeClaimTemplates": [[
                "metadata": ["name": "data"],
                "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "2Gi"]]],
            ]],
        ],
    ]

    @Test func claimsAndVolumesShowUpBoundInTheHost() async throws {
        // The host schedules (KosmosSched) but has no nodes of its own: the leaf node is the only place to go.
        try await ClusterTreeEndToEndTests.withClusters(hostSchedules: true) { host, member, _ in
            _ = try await host.client.create(ClusterTreeEndToEndTests.cluster("member1", kubeconfig: member.kubeconfig))
            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
            _ = try await host.client.create(StatefulSet(json: Self.statefulSet))

            for name in ["db-0", "db-1"] {
                #expect(await eventually("host pod \(name) is Running on the leaf node", timeout: .seconds(90)) {
                    let pod = try await host.client.get(Pod.self, namespace: "default", name: name)
                    return pod.spec.nodeName == "kosmos-member1" && pod.status.phase == .running
                })
            }
            for claim in ["data-db-0", "data-db-1"] {
                var hostClaim: PersistentVolumeClaim?
                #expect(await eventually("host claim \(claim) is Bound", timeout: .seconds(60)) {
                    hostClaim = try await host.client.get(PersistentVolumeClaim.self, namespace: "default", name: claim)
                    return hostClaim?.json["status"]?["phase"]?.stringValue == "Bound"
                })
                let bound = try #require(hostClaim)
                let volumeName = try #require(bound.spec.volumeName)
                // The member holds the real claim and volume, made by its own provisioner on a member node.
                let memberClaim = try await member.client.get(PersistentVolumeClaim.self, namespace: "default",
                                                              name: claim)
                #expect(memberClaim.json["status"]?["phase"]?.stringValue == "Bound")
                #expect(memberClaim.spec.volumeName == volumeName)
                let memberVolume = try await member.client.get(PersistentVolume.self, name: volumeName)
                #expect(memberVolume.json.serializedString().contains("member1-node-"))
                // The host's twin of the volume is pinned to the leaf node and claimed by the host claim.
                let hostVolume = try await host.client.get(PersistentVolume.self, name: volumeName)
                let affinity = hostVolume.json["spec"]?["nodeAffinity"]?.serializedString() ?? ""
                #expect(affinity.contains("kosmos-member1"))
                #expect(!affinity.contains("member1-node-"))
                #expect(hostVolume.spec.claimRef?.name == claim)
                #expect(hostVolume.spec.claimRef?.uid == bound.metadata.uid)
                #expect(hostVolume.json["status"]?["phase"]?.stringValue == "Bound")
                #expect(hostVolume.json["spec"]?["capacity"]?["storage"]?.stringValue == "2Gi")
            }
            // The member runs exactly the set's pods, once each.
            let memberPods = try await member.client.list(Pod.self, namespace: "default").items.map(\.name).sorted()
            #expect(memberPods == ["db-0", "db-1"])
        }
    }
}
