import Foundation
import KosmosAPI
@testable import KosmosLocal
import Synchronization
import Testing

/// StatefulSets with volume claim templates on a local cluster: the StatefulSet controller, the volume provisioner,
/// the kubelet's wait for bound claims and KosmosSched's volume filter working together.
@Suite struct StatefulSetTests {
    typealias Cluster = ControllerTestCluster

    static func statefulSet(_ name: String, replicas: Int, image: String = "nginx", policy: String = "OrderedReady",
                            storage: String = "1Gi", retention: JSONValue? = nil) -> JSONValue {
        var spec: JSONObject = [
            "replicas": .int(Int64(replicas)),
            "serviceName": .string(name),
            "podManagementPolicy": .string(policy),
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": [
                "metadata": ["labels": ["app": .string(name)]],
                "spec": ["containers": [["name": "main", "image": .string(image),
                                         "volumeMounts": [["name": "data", "mountPath": "/data"]]]]],
            ],
            "volumeClaimTemplates": [[
                "metadata": ["name": "data"],
                "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": .string(storage)]]],
            ]],
        ]
        if let retention { spec["persistentVolumeClaimRetentionPolicy"] = retention }
        return ["apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": ["name": .string(name), "namespace": "default"], "spec": .object(spec)]
    }

    /// Pod watch events in the order the server sent them, reduced to what ordering assertions need.
    final class PodLog: Sendable {
        struct Entry: Sendable {
            var type: WatchEventType
            var name: String
            var uid: String
            var runningAndReady: Bool
            var terminating: Bool
        }
        let entries = Mutex<[Entry]>([])
        private let task = Mutex<Task<Void, Never>?>(nil)

        /// Starts recording the events of the pods `selector` matches in `default`.
        static func start(_ c: Cluster, selector: String) async throws -> PodLog {
            let log = PodLog()
            let stream = try await c.client.dynamic(ClusterResources.pods).watch(
                namespace: "default", options: ListOptions(labelSelector: selector, timeoutSeconds: 600))
            let task = Task {
                do {
                    for try await e in stream { log.append(e) }
                } catch {}
            }
            log.task.withLock { $0 = task }
            return log
        }

        private func append(_ e: WatchEvent<DynamicObject>) {
            let p = e.object
            entries.withLock {
                $0.append(Entry(type: e.type, name: p.name, uid: p.uid, runningAndReady: p.isRunningAndReady,
                                terminating: p.isTerminating))
            }
        }

        func stop() {
            task.withLock { $0?.cancel() }
        }

        /// The index of the first entry that satisfies `match`.
        func first(_ match: (Entry) -> Bool) -> Int? { entries.withLock { $0.firstIndex(where: match) } }
    }

    func readyNodes(_ c: Cluster, _ count: Int) async -> Bool {
        await c.eventually("\(count) nodes are Ready") {
            try await c.client.dynamic(ClusterResources.nodes).list().items
                .filter { $0.conditionStatus("Ready") == "True" }.count == count
        }
    }

    func claim(_ c: Cluster, _ name: String) async throws -> DynamicObject? {
        try await c.get(ClusterResources.persistentVolumeClaims, "default", name)
    }

    /// The hostname value a volume's node affinity requires.
    func affinityHost(_ pv: DynamicObject) -> String? {
        pv.array("spec", "nodeAffinity", "required", "nodeSelectorTerms").first?["matchExpressions"]?
            .arrayValue?.first { $0["key"] == "kubernetes.io/hostname" }?["values"]?.arrayValue?.first?.stringValue
    }

    // MARK: - Tests

    @Test func orderedPodsGetBoundVolumesKeepThemWhenRecreatedAndScaleDownInReverse() async throws {
        let volumes = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-sts-volumes-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: volumes) }
        try await Cluster.run(nodes: 2, managerOptions: .init(volumeDirectory: volumes)) { c in
            #expect(await readyNodes(c, 2))
            let log = try await PodLog.start(c, selector: "app=web")
            defer { log.stop() }
            _ = try await c.create(ClusterResources.statefulSets, Self.statefulSet("web", replicas: 3))
            #expect(await c.eventually("3 web pods run", timeout: .seconds(40)) {
                try await c.pods("default", selector: "app=web").filter(\.isRunningAndReady).count == 3
            })

            // OrderedReady: each pod appears only after the previous one was seen Running and Ready.
            for k in 1..<3 {
                let created = try #require(log.first { $0.type == .added && $0.name == "web-\(k)" })
                let previousReady = try #require(log.first { $0.name == "web-\(k - 1)" && $0.runningAndReady })
                #expect(previousReady < created, "web-\(k) was created before web-\(k - 1) was ready")
            }

            // Identity, claims and volumes.
            var nodeOf: [String: String] = [:]
            var claimUIDs: [String: String] = [:]
            for k in 0..<3 {
                let pod = try #require(try await c.get(ClusterResources.pods, "default", "web-\(k)"))
                #expect(pod.metadata.labels["statefulset.kubernetes.io/pod-name"] == "web-\(k)")
                #expect(pod.metadata.labels["apps.kubernetes.io/pod-index"] == "\(k)")
                #expect(pod.metadata.labels["controller-revision-hash"]?.hasPrefix("web-") == true)
                #expect(pod.string("spec", "hostname") == "web-\(k)")
                #expect(pod.string("spec", "subdomain") == "web")
                #expect(pod.controllerRef?.kind == "StatefulSet" && pod.controllerRef?.name == "web")
                let volume = pod.array("spec", "volumes").first { $0["name"] == "data" }
                #expect(volume?["persistentVolumeClaim"]?["claimName"] == .string("data-web-\(k)"))
                let node = try #require(pod.nodeName)
                nodeOf["web-\(k)"] = node

                let pvc = try #require(try await claim(c, "data-web-\(k)"))
                claimUIDs["data-web-\(k)"] = pvc.uid
                #expect(pvc.string("status", "phase") == "Bound")
                #expect(pvc.string("spec", "storageClassName") == "standard", "the default class is filled in")
                #expect(pvc.metadata.labels["app"] == "web")
                #expect(pvc.json[path: ["status", "capacity", "storage"]] == "1Gi")
                #expect(pvc.metadata.annotations["pv.kubernetes.io/bind-completed"] == "yes")
                #expect(pvc.metadata.annotations["volume.kubernetes.io/selected-node"] == .some(node))
                let pvName = try #require(pvc.string("spec", "volumeName"))
                let pv = try #require(try await c.get(ClusterResources.persistentVolumes, nil, pvName))
                #expect(pvName == "pvc-\(pvc.uid)")
                #expect(pv.string("status", "phase") == "Bound")
                #expect(affinityHost(pv) == node, "the volume is pinned to its pod's node")
                #expect(pv.string("spec", "claimRef", "name") == "data-web-\(k)")
                #expect(pv.string("spec", "claimRef", "uid") == pvc.uid)
                #expect(pv.string("spec", "persistentVolumeReclaimPolicy") == "Delete")
                #expect(pv.json[path: ["spec", "capacity", "storage"]] == "1Gi")
                #expect(pv.metadata.annotations["pv.kubernetes.io/provisioned-by"] == "local.kosmos.io/hostpath")
                let path = try #require(pv.string("spec", "hostPath", "path"))
                #expect(path == "\(volumes)/\(pvName)")
                #expect(FileManager.default.fileExists(atPath: path))
            }
            #expect(await c.eventually("the set reports 3 ready replicas") {
                let s = try await c.get(ClusterResources.statefulSets, "default", "web")
                return s?.int("status", "readyReplicas") == 3 && s?.int("status", "currentReplicas") == 3
                    && s?.int("status", "updatedReplicas") == 3 && s?.int("status", "availableReplicas") == 3
                    && s?.int("status", "observedGeneration") == s?.int("metadata", "generation")
                    && s?.string("status", "currentRevision") == s?.string("status", "updateRevision")
            })

            // A deleted pod comes back under its name, with its claim, on the node its volume is pinned to.
            let old = try #require(try await c.get(ClusterResources.pods, "default", "web-1"))
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "web-1")
            #expect(await c.eventually("web-1 is back and running", timeout: .seconds(30)) {
                let p = try await c.get(ClusterResources.pods, "default", "web-1")
                return p.map { $0.uid != old.uid && $0.isRunningAndReady } ?? false
            })
            let again = try #require(try await c.get(ClusterResources.pods, "default", "web-1"))
            #expect(again.array("spec", "volumes").first { $0["name"] == "data" }?["persistentVolumeClaim"]?[
                "claimName"] == "data-web-1")
            #expect(again.nodeName == nodeOf["web-1"], "the scheduler honours the volume's node affinity")
            #expect(try await claim(c, "data-web-1")?.uid == claimUIDs["data-web-1"], "the same claim")

            // Scale to 1: web-2 goes first, web-1 only once web-2 is gone; the claims stay.
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "web", patch: .merge(["spec": ["replicas": 1]]), subresource: "scale")
            #expect(await c.eventually("only web-0 is left", timeout: .seconds(30)) {
                try await c.pods("default", selector: "app=web").map(\.name) == ["web-0"]
            })
            let twoMarked = try #require(log.first { $0.name == "web-2" && ($0.terminating || $0.type == .deleted) })
            let twoGone = try #require(log.first { $0.name == "web-2" && $0.type == .deleted })
            let oneMarked = try #require(log.first {
                $0.name == "web-1" && $0.uid == again.uid && ($0.terminating || $0.type == .deleted)
            })
            #expect(twoMarked < oneMarked && twoGone < oneMarked, "web-1 went before web-2 was gone")
            for k in 0..<3 {
                let pvc = try await claim(c, "data-web-\(k)")
                #expect(pvc?.uid == claimUIDs["data-web-\(k)"], "claim data-web-\(k) is kept")
                #expect(pvc?.string("status", "phase") == "Bound")
            }
            #expect(await c.eventually("the set reports 1 replica") {
                let s = try await c.get(ClusterResources.statefulSets, "default", "web")
                return s?.int("status", "replicas") == 1 && s?.int("status", "readyReplicas") == 1
            })
        }
    }

    @Test func rollingUpdateGoesFromTheHighestOrdinalAndRespectsThePartition() async throws {
        try await Cluster.run(nodes: 2) { c in
            let log = try await PodLog.start(c, selector: "app=db")
            defer { log.stop() }
            _ = try await c.create(ClusterResources.statefulSets, Self.statefulSet("db", replicas: 3))
            #expect(await c.eventually("3 db pods run", timeout: .seconds(40)) {
                try await c.pods("default", selector: "app=db").filter(\.isRunningAndReady).count == 3
            })
            let first = try #require(try await c.get(ClusterResources.statefulSets, "default", "db"))
            let firstRevision = try #require(first.string("status", "updateRevision"))

            // Partition 1: only db-2 and db-1 move to the new template, db-2 first.
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "db", patch: .strategicMerge(["spec": [
                    "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["partition": 1]],
                    "template": ["spec": ["containers": [["name": "main", "image": "nginx:1.27"]]]],
                ]]))
            var updateRevision = ""
            #expect(await c.eventually("db-1 and db-2 run the new template", timeout: .seconds(40)) {
                let s = try await c.get(ClusterResources.statefulSets, "default", "db")
                updateRevision = s?.string("status", "updateRevision") ?? ""
                let pods = try await c.pods("default", selector: "app=db").filter(\.isRunningAndReady)
                let updated = pods.filter { $0.metadata.labels["controller-revision-hash"] == updateRevision }
                return updateRevision != firstRevision && Set(updated.map(\.name)) == ["db-1", "db-2"]
                    && pods.count == 3 && s?.int("status", "updatedReplicas") == 2
            })
            let db0 = try #require(try await c.get(ClusterResources.pods, "default", "db-0"))
            #expect(db0.metadata.labels["controller-revision-hash"] == firstRevision, "below the partition")
            #expect(db0.array("spec", "containers").first?["image"] == "nginx")
            let twoGone = try #require(log.first { $0.name == "db-2" && $0.type == .deleted })
            let oneMarked = try #require(log.first { $0.name == "db-1" && $0.terminating })
            #expect(twoGone < oneMarked, "db-1 was replaced before db-2 was gone")

            // Partition 0 completes the rollout; the update revision becomes the current one.
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "db",
                patch: .merge(["spec": ["updateStrategy": ["rollingUpdate": ["partition": 0]]]]))
            #expect(await c.eventually("the rollout completes", timeout: .seconds(40)) {
                let s = try await c.get(ClusterResources.statefulSets, "default", "db")
                return s?.string("status", "currentRevision") == updateRevision
                    && s?.int("status", "updatedReplicas") == 3 && s?.int("status", "currentReplicas") == 3
                    && s?.int("status", "readyReplicas") == 3
            })
            let pods = try await c.pods("default", selector: "app=db")
            #expect(pods.allSatisfy { $0.array("spec", "containers").first?["image"] == "nginx:1.27" })
            let revisions = try await c.client.dynamic(ClusterResources.controllerRevisions).list(
                namespace: "default").items
            #expect(Set(revisions.map(\.name)) == [firstRevision, updateRevision])
            #expect(revisions.first { $0.name == updateRevision }?.int("revision") == 2)
        }
    }

    @Test func retentionDeleteRemovesClaimsAndVolumesAndClaimsGrow() async throws {
        let volumes = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-sts-volumes-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: volumes) }
        try await Cluster.run(nodes: 1, managerOptions: .init(volumeDirectory: volumes)) { c in
            _ = try await c.create(ClusterResources.statefulSets, Self.statefulSet(
                "cache", replicas: 2, policy: "Parallel",
                retention: ["whenDeleted": "Delete", "whenScaled": "Delete"]))
            #expect(await c.eventually("2 cache pods run", timeout: .seconds(40)) {
                try await c.pods("default", selector: "app=cache").filter(\.isRunningAndReady).count == 2
            })
            let pvc1 = try #require(try await claim(c, "data-cache-1"))
            let pv1 = try #require(pvc1.string("spec", "volumeName"))
            let path1 = "\(volumes)/\(pv1)"
            #expect(FileManager.default.fileExists(atPath: path1))
            #expect(pvc1.controllerRef?.kind == "StatefulSet", "whenDeleted: Delete makes the set own its claims")

            // whenScaled: Delete — the surplus ordinal's claim goes, and its volume (reclaim Delete) with it.
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "cache", patch: .merge(["spec": ["replicas": 1]]))
            #expect(await c.eventually("claim data-cache-1 and its volume are gone", timeout: .seconds(30)) {
                let pvc = try await claim(c, "data-cache-1")
                let pv = try await c.get(ClusterResources.persistentVolumes, nil, pv1)
                return pvc == nil && pv == nil
            })
            #expect(!FileManager.default.fileExists(atPath: path1), "the volume's directory is removed")

            // The class allows expansion: the volume and the claim's reported capacity follow the request.
            _ = try await c.client.dynamic(ClusterResources.persistentVolumeClaims).patch(
                namespace: "default", name: "data-cache-0",
                patch: .merge(["spec": ["resources": ["requests": ["storage": "2Gi"]]]]))
            let pv0 = try #require(try await claim(c, "data-cache-0")?.string("spec", "volumeName"))
            #expect(await c.eventually("data-cache-0 grows to 2Gi") {
                let pvc = try await claim(c, "data-cache-0")
                let pv = try await c.get(ClusterResources.persistentVolumes, nil, pv0)
                return pvc?.json[path: ["status", "capacity", "storage"]] == "2Gi"
                    && pv?.json[path: ["spec", "capacity", "storage"]] == "2Gi"
            })

            // whenDeleted: Delete — deleting the set takes its pods, claims and volumes.
            try await c.client.dynamic(ClusterResources.statefulSets).delete(namespace: "default", name: "cache")
            #expect(await c.eventually("pods, claims and volumes are gone", timeout: .seconds(30)) {
                let pods = try await c.pods("default", selector: "app=cache")
                let claims = try await c.client.dynamic(ClusterResources.persistentVolumeClaims).list(
                    namespace: "default").items
                let pvs = try await c.client.dynamic(ClusterResources.persistentVolumes).list().items
                return pods.isEmpty && claims.isEmpty && pvs.isEmpty
            })
        }
    }

    @Test func podWaitsForItsClaimAndIsNeverProvisionedOnALeafNode() async throws {
        try await Cluster.run(nodes: 0) { c in
            c.startKubelet("leaf", options: .init(labels: ["kosmos.io/node": "true"], heartbeatInterval: .seconds(2)))
            c.startKubelet("real", options: .init(heartbeatInterval: .seconds(2)))
            #expect(await readyNodes(c, 2))
            for (name, node) in [("on-leaf", "leaf"), ("on-real", "real")] {
                _ = try await c.create(ClusterResources.persistentVolumeClaims, [
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": ["name": .string(name), "namespace": "default"],
                    "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]]],
                ])
                var pod = Cluster.pod(name, node: node)
                pod[path: ["spec", "volumes"]] = [
                    ["name": "data", "persistentVolumeClaim": ["claimName": .string(name)]],
                ]
                _ = try await c.create(ClusterResources.pods, pod)
            }
            #expect(await c.eventually("the claim used on the real node is bound and its pod runs") {
                let pod = try await c.get(ClusterResources.pods, "default", "on-real")
                return try await claim(c, "on-real")?.string("status", "phase") == "Bound"
                    && pod?.isRunningAndReady == true
            })
            // The leaf pod's claim was seen by the same provisioner pass yet stays unbound, and its pod waits.
            #expect(await c.eventually("the leaf pod shows it is waiting for its volume") {
                let pod = try await c.get(ClusterResources.pods, "default", "on-leaf")
                return pod?.podPhase == "Pending"
                    && pod?.array("status", "containerStatuses").first?["state"]?["waiting"]?["reason"]
                        == "ContainerCreating"
            })
            let leafClaim = try #require(try await claim(c, "on-leaf"))
            #expect(leafClaim.string("status", "phase") == "Pending")
            #expect(leafClaim.string("spec", "volumeName") == nil)
            let pvs = try await c.client.dynamic(ClusterResources.persistentVolumes).list().items
            #expect(pvs.count == 1 && pvs.first?.string("spec", "claimRef", "name") == "on-real")

            // A volume brought up for the leaf claim (as ClusterTree mirrors one) is bound, and the pod starts.
            _ = try await c.create(ClusterResources.persistentVolumes, [
                "apiVersion": "v1", "kind": "PersistentVolume", "metadata": ["name": "mirrored"],
                "spec": ["capacity": ["storage": "1Gi"], "accessModes": ["ReadWriteOnce"],
                         "hostPath": ["path": "/tmp/mirrored"], "storageClassName": "standard",
                         "claimRef": ["namespace": "default", "name": "on-leaf"]],
            ])
            #expect(await c.eventually("the mirrored volume binds the leaf claim and the pod runs") {
                let pvc = try await claim(c, "on-leaf")
                let pod = try await c.get(ClusterResources.pods, "default", "on-leaf")
                return pvc?.string("status", "phase") == "Bound" && pvc?.string("spec", "volumeName") == "mirrored"
                    && pod?.isRunningAndReady == true
            })
            let mirrored = try #require(try await c.get(ClusterResources.persistentVolumes, nil, "mirrored"))
            #expect(mirrored.string("status", "phase") == "Bound")
            #expect(mirrored.string("spec", "claimRef", "uid") == leafClaim.uid)
        }
    }

    @Test func onDeleteGivesTheNewTemplateOnlyToPodsUsersDelete() async throws {
        try await Cluster.run(nodes: 1) { c in
            var set = Self.statefulSet("od", replicas: 2, policy: "Parallel")
            set[path: ["spec", "updateStrategy"]] = ["type": "OnDelete"]
            _ = try await c.create(ClusterResources.statefulSets, set)
            #expect(await c.eventually("2 od pods run", timeout: .seconds(30)) {
                try await c.pods("default", selector: "app=od").filter(\.isRunningAndReady).count == 2
            })
            let before = try #require(try await c.get(ClusterResources.statefulSets, "default", "od"))
            let oldRevision = try #require(before.string("status", "currentRevision"))
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "od", patch: .strategicMerge(["spec": ["template": ["spec": [
                    "containers": [["name": "main", "image": "nginx:1.27"]]]]]]))
            var newRevision = ""
            #expect(await c.eventually("the set sees the new template") {
                let s = try await c.get(ClusterResources.statefulSets, "default", "od")
                newRevision = s?.string("status", "updateRevision") ?? ""
                return s?.int("status", "observedGeneration") == s?.int("metadata", "generation")
                    && newRevision != oldRevision
            })
            // The reconcile that recorded the new revision replaced nothing.
            let untouched = try await c.pods("default", selector: "app=od")
            #expect(untouched.count == 2 && untouched.allSatisfy {
                !$0.isTerminating && $0.metadata.labels["controller-revision-hash"] == oldRevision
            })
            let old1 = try #require(untouched.first { $0.name == "od-1" })
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "od-1")
            #expect(await c.eventually("od-1 comes back with the new template", timeout: .seconds(30)) {
                let p = try await c.get(ClusterResources.pods, "default", "od-1")
                return p.map {
                    $0.uid != old1.uid && $0.isRunningAndReady
                        && $0.metadata.labels["controller-revision-hash"] == newRevision
                        && $0.array("spec", "containers").first?["image"] == "nginx:1.27"
                } ?? false
            })
            let od0 = try #require(try await c.get(ClusterResources.pods, "default", "od-0"))
            #expect(od0.metadata.labels["controller-revision-hash"] == oldRevision)
        }
    }

    @Test func podsFollowTheNodeAffinityOfTheirBoundVolumes() async throws {
        try await Cluster.run(nodes: 2) { c in
            #expect(await readyNodes(c, 2))
            for i in 1...3 {
                _ = try await c.create(ClusterResources.persistentVolumes, [
                    "apiVersion": "v1", "kind": "PersistentVolume", "metadata": ["name": .string("pinned-\(i)")],
                    "spec": ["capacity": ["storage": "1Gi"], "accessModes": ["ReadWriteOnce"],
                             "hostPath": ["path": .string("/tmp/pinned-\(i)")], "storageClassName": "",
                             "claimRef": ["namespace": "default", "name": .string("pinned-\(i)")],
                             "nodeAffinity": ["required": ["nodeSelectorTerms": [["matchExpressions": [
                                 ["key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]],
                             ]]]]]],
                ])
                _ = try await c.create(ClusterResources.persistentVolumeClaims, [
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": ["name": .string("pinned-\(i)"), "namespace": "default"],
                    "spec": ["accessModes": ["ReadWriteOnce"], "storageClassName": "",
                             "resources": ["requests": ["storage": "1Gi"]]],
                ])
                var pod = Cluster.pod("pinned-\(i)", labels: ["app": "pinned"])
                pod[path: ["spec", "volumes"]] = [
                    ["name": "data", "persistentVolumeClaim": ["claimName": .string("pinned-\(i)")]],
                ]
                _ = try await c.create(ClusterResources.pods, pod)
            }
            #expect(await c.eventually("3 pinned pods run", timeout: .seconds(30)) {
                try await c.pods("default", selector: "app=pinned").filter(\.isRunningAndReady).count == 3
            })
            let pods = try await c.pods("default", selector: "app=pinned")
            #expect(pods.allSatisfy { $0.nodeName == "node-2" }, "\(pods.map { $0.nodeName ?? "-" })")
            for i in 1...3 {
                let pvc = try #require(try await claim(c, "pinned-\(i)"))
                #expect(pvc.string("spec", "volumeName") == "pinned-\(i)")
                #expect(pvc.string("status", "phase") == "Bound")
                #expect(pvc.string("spec", "storageClassName") == "", "an explicit empty class stays empty")
            }
        }
    }

    @Test func aSetWithABadClaimTemplateSaysWhyAndMakesNothingUntilFixed() async throws {
        try await Cluster.run(nodes: 1) { c in
            var set = Self.statefulSet("bad", replicas: 1)
            set[path: ["spec", "volumeClaimTemplates"]] = [["metadata": ["name": "data"],
                                                            "spec": ["accessModes": ["ReadWriteOnce"]]]]
            _ = try await c.create(ClusterResources.statefulSets, set)
            let why = "StatefulSet default/bad: spec.volumeClaimTemplates[0].spec.resources[storage]: Required value"
            #expect(await c.eventually("a warning names the missing field") {
                let events = try await c.client.dynamic(ClusterResources.events).list(namespace: "default").items
                return events.contains {
                    $0.string("reason") == "FailedCreate" && $0.string("type") == "Warning"
                        && $0.string("message") == why && $0.string("involvedObject", "name") == "bad"
                }
            })
            #expect(try await c.pods("default", selector: "app=bad").isEmpty)
            #expect(try await c.client.dynamic(ClusterResources.persistentVolumeClaims).list(
                namespace: "default").items.isEmpty)
            _ = try await c.client.dynamic(ClusterResources.statefulSets).patch(
                namespace: "default", name: "bad", patch: .json([
                    ["op": "add", "path": "/spec/volumeClaimTemplates/0/spec/resources",
                     "value": ["requests": ["storage": "1Gi"]]],
                ]))
            #expect(await c.eventually("the fixed set runs its pod", timeout: .seconds(30)) {
                try await c.pods("default", selector: "app=bad").filter(\.isRunningAndReady).count == 1
            })
        }
    }

    @Test func aForeignPodHoldingAnOrdinalIsReportedAndReplacedOnceGone() async throws {
        try await Cluster.run(nodes: 1) { c in
            _ = try await c.create(ClusterResources.pods, Cluster.pod("clash-0", node: "node-1",
                                                                     labels: ["app": "other"]))
            _ = try await c.create(ClusterResources.statefulSets, Self.statefulSet("clash", replicas: 1))
            #expect(await c.eventually("a warning says the pod is not the set's") {
                let events = try await c.client.dynamic(ClusterResources.events).list(namespace: "default").items
                return events.contains {
                    $0.string("reason") == "FailedCreate" && $0.string("involvedObject", "name") == "clash"
                        && $0.string("message")?.contains("clash-0 in StatefulSet clash failed error: a pod of that "
                                                            + "name exists and is not owned by the StatefulSet") == true
                }
            })
            let foreign = try #require(try await c.get(ClusterResources.pods, "default", "clash-0"))
            #expect(foreign.controllerRef == nil, "the set does not take over a pod it did not make")
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "clash-0")
            #expect(await c.eventually("the set's own clash-0 runs", timeout: .seconds(30)) {
                let p = try await c.get(ClusterResources.pods, "default", "clash-0")
                return p?.controllerRef?.name == "clash" && p?.isRunningAndReady == true
            })
        }
    }

    @Test func kubectlShowsSetsClaimsAndVolumesAndWaitsForTheRollout() async throws {
        guard let kubectl = LocalControllerManagerTests.which("kubectl") else {
            skipBecause("kubectl is not on the PATH")
            return
        }
        try await Cluster.run(nodes: 2, tls: true) { c in
            let kubeconfig = c.server.kubeconfigPath
            let manifest = try Self.statefulSet("kv", replicas: 2).serialized(.compact)
            let file = c.directory + "/kv.json"
            try Data(manifest).write(to: URL(fileURLWithPath: file))
            let create = try LocalControllerManagerTests.run(
                kubectl, ["--kubeconfig", kubeconfig, "apply", "-f", file])
            #expect(create.status == 0, "kubectl apply: \(create.output)")
            let rollout = try LocalControllerManagerTests.run(
                kubectl, ["--kubeconfig", kubeconfig, "rollout", "status", "sts/kv", "--timeout=60s"])
            #expect(rollout.status == 0, "kubectl rollout status: \(rollout.output)")
            #expect(rollout.output.contains("partitioned roll out complete: 2 new pods have been updated"),
                    "\(rollout.output)")
            let get = try LocalControllerManagerTests.run(
                kubectl, ["--kubeconfig", kubeconfig, "get", "sts,pvc,pv", "-o", "name"])
            #expect(get.status == 0, "kubectl get: \(get.output)")
            let names = Set(get.output.split(separator: "\n").map(String.init))
            #expect(names.contains("statefulset.apps/kv"))
            #expect(names.contains("persistentvolumeclaim/data-kv-0"))
            #expect(names.contains("persistentvolumeclaim/data-kv-1"))
            #expect(names.filter { $0.hasPrefix("persistentvolume/pvc-") }.count == 2, "\(get.output)")
            // The printed columns kube-apiserver gives claims, volumes and classes.
            let claims = try LocalControllerManagerTests.run(kubectl, ["--kubeconfig", kubeconfig, "get", "pvc"])
            let claimRows = claims.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(claimRows.first == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS",
                                        "VOLUMEATTRIBUTESCLASS", "AGE"], "\(claims.output)")
            let row1 = claimRows.first { $0.first == "data-kv-1" } ?? []
            #expect(row1.count == 8 && row1[1] == "Bound" && row1[2].hasPrefix("pvc-") && row1[3] == "1Gi"
                        && row1[4] == "RWO" && row1[5] == "standard" && row1[6] == "<unset>", "\(claims.output)")
            let volumes = try LocalControllerManagerTests.run(kubectl, ["--kubeconfig", kubeconfig, "get", "pv"])
            #expect(volumes.output.contains("default/data-kv-0") && volumes.output.contains("Delete"),
                    "\(volumes.output)")
            let classes = try LocalControllerManagerTests.run(kubectl, ["--kubeconfig", kubeconfig, "get", "sc"])
            let classRow = classes.output.split(separator: "\n").dropFirst().first?.split(separator: " ")
                .map(String.init) ?? []
            #expect(classRow.prefix(6) == ["standard", "(default)", "local.kosmos.io/hostpath", "Delete",
                                           "WaitForFirstConsumer", "true"], "\(classes.output)")

            // A new image through kubectl, and rollout status follows it to the end.
            let set = try LocalControllerManagerTests.run(
                kubectl, ["--kubeconfig", kubeconfig, "set", "image", "sts/kv", "main=nginx:1.27"])
            #expect(set.status == 0, "kubectl set image: \(set.output)")
            let second = try LocalControllerManagerTests.run(
                kubectl, ["--kubeconfig", kubeconfig, "rollout", "status", "sts/kv", "--timeout=60s"])
            #expect(second.status == 0, "kubectl rollout status: \(second.output)")
            let pods = try await c.pods("default", selector: "app=kv")
            #expect(pods.count == 2 && pods.allSatisfy {
                $0.isRunningAndReady && $0.array("spec", "containers").first?["image"] == "nginx:1.27"
            })
        }
    }
}
