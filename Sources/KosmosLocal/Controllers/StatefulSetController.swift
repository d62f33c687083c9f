import KosmosAPI
import Logging

/// Runs StatefulSets (kube-controller-manager's statefulset controller): pods `<set>-<ordinal>` with a stable
/// identity (hostname, subdomain, the `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`
/// labels) and stable storage (one claim `<template>-<set>-<ordinal>` per `volumeClaimTemplates` entry, made before
/// the pod and kept when the pod goes).
///
/// - `OrderedReady` (default) creates pods one at a time in ordinal order, each once the previous one is Running
///   and Ready, and removes surplus pods one at a time from the highest ordinal; any unhealthy pod holds everything.
///   `Parallel` creates and removes without waiting.
/// - A pod that is deleted or has finished is made again under the same name, with the same claims.
/// - Each distinct pod template is a ControllerRevision `<set>-<hash>`; pods carry theirs in
///   `controller-revision-hash`. `RollingUpdate` replaces pods at ordinals `>= partition` that are not at the
///   update revision, highest ordinal first, one at a time, waiting for each to be Running and Ready; `OnDelete`
///   only gives pods that users delete the new template.
/// - `persistentVolumeClaimRetentionPolicy`: `Retain` (default) keeps claims; `whenDeleted: Delete` makes the set
///   own its claims so they go with it; `whenScaled: Delete` deletes a surplus ordinal's claims once its pod is gone.
/// - `status`: replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas, observedGeneration,
///   currentRevision and updateRevision, as `kubectl rollout status` reads them.
///
/// Pods and claims carry the set's controller reference, so deleting the set removes its pods. Pods that match the
/// selector but are not the set's are left alone (no adoption).
struct StatefulSetController: Reconciler {
    let client: KubeClient
    let statefulSets: SharedInformer<DynamicObject>
    let pods: SharedInformer<DynamicObject>
    let claims: SharedInformer<DynamicObject>
    let revisions: SharedInformer<DynamicObject>
    let logger: Logger

    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    static let podIndexLabel = "apps.kubernetes.io/pod-index"
    static let revisionLabel = "controller-revision-hash"
    static let revisionHashLabel = "controller.kubernetes.io/hash"

    var events: ControllerEvents { ControllerEvents(client: client, component: "statefulset-controller",
                                                    logger: logger) }

    func register(with controller: Controller) {
        controller.watch(statefulSets)
        let sets = statefulSets
        controller.watch(pods) { event in
            let pod = event.object
            if let ref = pod.controllerRef {
                return ref.kind == "StatefulSet" ? [ObjectKey(namespace: pod.namespace, name: ref.name)] : []
            }
            // Not a set's pod, but it may hold a set's pod name: its going frees that ordinal.
            guard let dash = pod.name.lastIndex(of: "-") else { return [] }
            let key = ObjectKey(namespace: pod.namespace, name: String(pod.name[..<dash]))
            return sets.store.get(key) != nil ? [key] : []
        }
        controller.watchOwned(revisions, ownerKind: "StatefulSet")
    }

    /// One reconcile's view of a set.
    private struct SetState {
        var set: DynamicObject
        var replicas: Int
        var ordered: Bool
        var currentRevision: DynamicObject
        var updateRevision: DynamicObject
        var pods: [Int: DynamicObject]
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let set = statefulSets.store.get(key), !set.isTerminating else { return .done }
        if let problem = Self.problem(with: set) {
            // What kube-apiserver's validation would refuse: nothing is made until the set is fixed.
            await events.record(set, ClusterResources.statefulSets, type: "Warning", reason: "FailedCreate",
                                message: "StatefulSet \(key): \(problem)")
            return .done
        }
        let (current, update) = try await syncRevisions(set)
        var byOrdinal: [Int: DynamicObject] = [:]
        for pod in pods.store.list(namespace: key.namespace) where pod.controllerRef?.uid == set.uid {
            if let ordinal = Self.ordinal(of: pod.name, set: set.name) { byOrdinal[ordinal] = pod }
        }
        var state = SetState(set: set, replicas: max(0, set.int("spec", "replicas") ?? 1),
                             ordered: set.string("spec", "podManagementPolicy") != "Parallel",
                             currentRevision: current, updateRevision: update, pods: byOrdinal)
        if try await scale(&state) {
            try await updatePods(state)
        }
        try await deleteScaledClaims(state)
        return try await writeStatus(set, current: current, update: update)
    }

    /// Why pods cannot be made for a set, in kube-apiserver's validation words; `nil` when they can.
    static func problem(with set: DynamicObject) -> String? {
        if let replicas = set.int("spec", "replicas"), replicas < 0 {
            return "spec.replicas: Invalid value: \(replicas): must be greater than or equal to 0"
        }
        let selector = ReplicaSetController.selector(of: set)
        if selector.isEmpty { return "spec.selector: Invalid value: empty selector is invalid for statefulset" }
        if !selector.matches(set.stringMap("spec", "template", "metadata", "labels")) {
            return "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"
        }
        var seen: Set<String> = []
        for (i, template) in set.array("spec", "volumeClaimTemplates").enumerated() {
            let field = "spec.volumeClaimTemplates[\(i)]"
            guard let name = template["metadata"]?["name"]?.stringValue, !name.isEmpty else {
                return "\(field).metadata.name: Required value: name or generateName is required"
            }
            if !seen.insert(name).inserted { return "\(field).metadata.name: Duplicate value: \"\(name)\"" }
            if template["spec"]?["resources"]?["requests"]?["storage"] == nil {
                return "\(field).spec.resources[storage]: Required value"
            }
        }
        return nil
    }

    // MARK: - Scaling

    /// Creates missing and replaces finished pods below `replicas`, then removes pods at or above it.
    /// - Returns: whether every wanted pod is there and healthy enough for an update step.
    private func scale(_ s: inout SetState) async throws -> Bool {
        var healthy = true
        for ordinal in 0..<s.replicas {
            if let pod = s.pods[ordinal] {
                if pod.podPhase == "Failed" || pod.podPhase == "Succeeded" {
                    if !pod.isTerminating { try await deletePod(pod, of: s.set, why: "it has finished") }
                    healthy = false
                    if s.ordered { return false }
                } else if pod.isTerminating || !Self.isRunningAndReady(pod) {
                    healthy = false
                    if s.ordered { return false }
                }
                continue
            }
            try await createPod(ordinal, s)
            healthy = false
            if s.ordered { return false }
        }
        let condemned = s.pods.filter { $0.key >= s.replicas }.sorted { $0.key > $1.key }
        for (_, pod) in condemned {
            if pod.isTerminating {
                if s.ordered { return false }
                continue
            }
            try await deletePod(pod, of: s.set, why: "scale down")
            if s.ordered { return false }
        }
        return healthy && condemned.isEmpty
    }

    /// `RollingUpdate`: replaces the highest-ordinal pod at or above the partition that is not at the update
    /// revision; waits while such a pod is unhealthy.
    private func updatePods(_ s: SetState) async throws {
        guard (s.set.string("spec", "updateStrategy", "type") ?? "RollingUpdate") == "RollingUpdate" else { return }
        let partition = max(0, s.set.int("spec", "updateStrategy", "rollingUpdate", "partition") ?? 0)
        var target = s.replicas - 1
        while target >= partition {
            guard let pod = s.pods[target] else { return }
            if pod.metadata.labels[Self.revisionLabel] != s.updateRevision.name {
                if !pod.isTerminating { try await deletePod(pod, of: s.set, why: "rolling update") }
                return
            }
            if !Self.isRunningAndReady(pod) { return }
            target -= 1
        }
    }

    // MARK: - Pods and claims

    private func createPod(_ ordinal: Int, _ s: SetState) async throws {
        let set = s.set
        let claimNames = try await ensureClaims(ordinal, set: set)
        // Below the partition pods keep the current revision; elsewhere (and with OnDelete) they get the update.
        let rolling = (set.string("spec", "updateStrategy", "type") ?? "RollingUpdate") == "RollingUpdate"
        let partition = set.int("spec", "updateStrategy", "rollingUpdate", "partition") ?? 0
        let revision = rolling && ordinal < partition ? s.currentRevision : s.updateRevision
        let pod = Self.pod(ordinal, set: set, template: Self.template(of: revision) ?? .object(JSONObject()),
                           revision: revision.name, claims: claimNames)
        let name = "\(set.name)-\(ordinal)"
        if try await create(pod, ClusterResources.pods, for: set,
                            succeeded: "create Pod \(name) in StatefulSet \(set.name) successful",
                            failed: "create Pod \(name) in StatefulSet \(set.name) failed",
                            operation: "create pod \(name)") {
            logger.debug("created pod \(set.namespace)/\(name)")
            let store = pods.store
            let ns = set.namespace
            _ = await waitUntil(timeout: ReplicaSetController.cacheWait) { store.get(namespace: ns, name: name) != nil }
        } else if let other = pods.store.get(namespace: set.namespace, name: name), !other.isTerminating,
                  other.controllerRef?.uid != set.uid {
            // Usually the previous pod of that name is still going away and its deletion brings us back; a pod
            // of that name that is not ours blocks the ordinal until someone removes it.
            await events.record(set, ClusterResources.statefulSets, type: "Warning", reason: "FailedCreate",
                                message: "create Pod \(name) in StatefulSet \(set.name) failed error: a pod "
                                    + "of that name exists and is not owned by the StatefulSet")
        }
    }

    /// Creates an object for `set` and records the outcome on the set as kube's StatefulSet controller does
    /// (`SuccessfulCreate`, or `FailedCreate` with the error appended to `failed`).
    /// - Returns: `true` when created, `false` when an object of that name already exists.
    /// - Throws: `ControllerError` naming `operation` for any other failure.
    private func create(_ object: DynamicObject, _ resource: GroupVersionResource, for set: DynamicObject,
                        succeeded: String, failed: String, operation: String) async throws -> Bool {
        do {
            _ = try await client.dynamic(resource).create(object)
            await events.record(set, ClusterResources.statefulSets, reason: "SuccessfulCreate", message: succeeded)
            return true
        } catch let e as KubeError where e.isAlreadyExists {
            return false
        } catch {
            await events.record(set, ClusterResources.statefulSets, type: "Warning", reason: "FailedCreate",
                                message: "\(failed) error: \(error)")
            throw ControllerError(controller: "statefulset", object: "\(set.namespace)/\(set.name)",
                                  operation: operation, cause: "\(error)")
        }
    }

    /// Makes the claims of one ordinal that do not exist yet.
    /// - Returns: the claim name of each template, by template name.
    /// - Throws: `ControllerError` when a claim cannot be made or is being deleted (the pod must wait for it).
    private func ensureClaims(_ ordinal: Int, set: DynamicObject) async throws -> [(volume: String, claim: String)] {
        var names: [(volume: String, claim: String)] = []
        let retention = set.json[path: ["spec", "persistentVolumeClaimRetentionPolicy"]]
        let ownedBySet = retention?["whenDeleted"]?.stringValue == "Delete"
        for template in set.array("spec", "volumeClaimTemplates") {
            let volume = template["metadata"]?["name"]?.stringValue ?? ""
            let name = "\(volume)-\(set.name)-\(ordinal)"
            names.append((volume, name))
            if let existing = claims.store.get(namespace: set.namespace, name: name) {
                if existing.isTerminating {
                    throw ControllerError(controller: "statefulset", object: "\(set.namespace)/\(set.name)",
                                          operation: "create pod \(set.name)-\(ordinal)",
                                          cause: "claim \(name) is being deleted; waiting until it is gone")
                }
                continue
            }
            let claim = Self.claim(template, name: name, set: set, ownedBySet: ownedBySet)
            _ = try await create(
                claim, ClusterResources.persistentVolumeClaims, for: set,
                succeeded: "create Claim \(name) Pod \(set.name)-\(ordinal) in StatefulSet \(set.name) success",
                failed: "create Claim \(name) for Pod \(set.name)-\(ordinal) in StatefulSet \(set.name) failed",
                operation: "create claim \(name)")
        }
        return names
    }

    private func deletePod(_ pod: DynamicObject, of set: DynamicObject, why: String) async throws {
        do {
            try await client.dynamic(ClusterResources.pods).delete(
                namespace: pod.namespace, name: pod.name, options: DeleteOptions(preconditionUID: pod.uid))
            logger.debug("deleting pod \(pod.namespace)/\(pod.name): \(why)")
            await events.record(set, ClusterResources.statefulSets, reason: "SuccessfulDelete",
                                message: "delete Pod \(pod.name) in StatefulSet \(set.name) successful")
        } catch let e as KubeError where e.isNotFound || e.isConflict {}
    }

    /// `whenScaled: Delete`: removes the claims of ordinals at or above `replicas` whose pod is gone.
    private func deleteScaledClaims(_ s: SetState) async throws {
        let retention = s.set.json[path: ["spec", "persistentVolumeClaimRetentionPolicy"]]
        guard retention?["whenScaled"]?.stringValue == "Delete" else { return }
        let prefixes = s.set.array("spec", "volumeClaimTemplates").compactMap {
            $0["metadata"]?["name"]?.stringValue.map { "\($0)-\(s.set.name)-" }
        }
        for claim in claims.store.list(namespace: s.set.namespace) where !claim.isTerminating {
            guard let prefix = prefixes.first(where: { claim.name.hasPrefix($0) }),
                  let ordinal = Int(claim.name.dropFirst(prefix.count)), ordinal >= s.replicas,
                  s.pods[ordinal] == nil else { continue }
            do {
                try await client.dynamic(ClusterResources.persistentVolumeClaims).delete(
                    namespace: claim.namespace, name: claim.name, options: DeleteOptions(preconditionUID: claim.uid))
                logger.debug("deleted claim \(claim.namespace)/\(claim.name): ordinal \(ordinal) scaled away")
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
    }

    /// The pod of one ordinal.
    static func pod(_ ordinal: Int, set: DynamicObject, template: JSONValue, revision: String,
                    claims: [(volume: String, claim: String)]) -> DynamicObject {
        let name = "\(set.name)-\(ordinal)"
        var labels = template["metadata"]?["labels"]?.objectValue ?? JSONObject()
        labels[podNameLabel] = .string(name)
        labels[podIndexLabel] = .string(String(ordinal))
        labels[revisionLabel] = .string(revision)
        var spec = template["spec"] ?? .object(JSONObject())
        spec["hostname"] = .string(name)
        if let service = set.string("spec", "serviceName"), !service.isEmpty { spec["subdomain"] = .string(service) }
        if !claims.isEmpty {
            let claimVolumes: [JSONValue] = claims.map {
                ["name": .string($0.volume), "persistentVolumeClaim": ["claimName": .string($0.claim)]]
            }
            let taken = Set(claims.map(\.volume))
            let others = (spec["volumes"]?.arrayValue ?? []).filter {
                !taken.contains($0["name"]?.stringValue ?? "")
            }
            spec["volumes"] = .array(claimVolumes + others)
        }
        return DynamicObject.fromTemplate(
            template, apiVersion: "v1", kind: "Pod", name: .fixed(name), namespace: set.namespace, labels: labels,
            owner: ReplicaSetController.ownerReference(set, kind: "StatefulSet"), copyFinalizers: true, spec: spec)
    }

    /// The claim of one template for one ordinal: the template's spec, its labels plus the set's `matchLabels`.
    static func claim(_ template: JSONValue, name: String, set: DynamicObject, ownedBySet: Bool) -> DynamicObject {
        var labels = template["metadata"]?["labels"]?.objectValue ?? JSONObject()
        for (k, v) in set.json[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? JSONObject() {
            labels[k] = v
        }
        return DynamicObject.fromTemplate(
            template, apiVersion: "v1", kind: "PersistentVolumeClaim", name: .fixed(name), namespace: set.namespace,
            labels: labels, owner: ownedBySet ? ReplicaSetController.ownerReference(set, kind: "StatefulSet") : nil,
            copyFinalizers: false)
    }

    /// The ordinal of a pod named `<set>-<ordinal>`.
    static func ordinal(of podName: String, set: String) -> Int? {
        guard podName.hasPrefix(set + "-") else { return nil }
        let digits = podName.dropFirst(set.count + 1)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 0,
              String(n) == digits else { return nil }
        return n
    }

    static func isRunningAndReady(_ pod: DynamicObject) -> Bool {
        pod.podPhase == "Running" && pod.isReadyPod && !pod.isTerminating
    }

    // MARK: - Revisions

    /// The pod template a ControllerRevision records.
    static func template(of revision: DynamicObject) -> JSONValue? {
        guard var t = revision.json[path: ["data", "spec", "template"]] else { return nil }
        if case .object(var o) = t {
            o["$patch"] = nil
            t = .object(o)
        }
        return t
    }

    static func revisionNumber(_ revision: DynamicObject) -> Int { revision.int("revision") ?? 0 }

    /// Makes sure the set's template has a ControllerRevision that is the newest, prunes history beyond
    /// `revisionHistoryLimit`, and returns the current and update revisions.
    private func syncRevisions(_ set: DynamicObject) async throws -> (current: DynamicObject, update: DynamicObject) {
        let owned = revisions.store.list(namespace: set.namespace).filter { $0.controllerRef?.uid == set.uid }
            .sorted { Self.revisionNumber($0) < Self.revisionNumber($1) }
        let template = set.json[path: ["spec", "template"]] ?? .object(JSONObject())
        let hash = DeploymentController.templateHash(template, collisionCount: set.int("status", "collisionCount") ?? 0)
        let name = "\(set.name)-\(hash)"
        let newest = owned.last.map(Self.revisionNumber) ?? 0
        let api = client.dynamic(ClusterResources.controllerRevisions)
        var update: DynamicObject
        if let existing = owned.first(where: { $0.name == name }) {
            update = existing
            if Self.revisionNumber(existing) < newest {
                // A rollback to an earlier template: that revision becomes the newest again.
                update = try await api.patch(namespace: set.namespace, name: name,
                                             patch: .merge(["revision": .int(Int64(newest + 1))]))
                    .withTypeMeta(ClusterResources.controllerRevisions)
            }
        } else {
            var t = template
            if case .object(var o) = t {
                o["$patch"] = "replace"
                t = .object(o)
            }
            var labels = set.json[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? JSONObject()
            labels[Self.revisionHashLabel] = .string(hash)
            let revision = DynamicObject(json: [
                "apiVersion": "apps/v1", "kind": "ControllerRevision",
                "metadata": ["name": .string(name), "namespace": .string(set.namespace), "labels": .object(labels),
                             "ownerReferences": [ReplicaSetController.ownerReference(set, kind: "StatefulSet").json]],
                "data": ["spec": ["template": t]],
                "revision": .int(Int64(newest + 1)),
            ])
            do {
                update = try await api.create(revision).withTypeMeta(ClusterResources.controllerRevisions)
            } catch let e as KubeError where e.isAlreadyExists {
                let other = try await api.get(namespace: set.namespace, name: name)
                guard other.controllerRef?.uid == set.uid else {
                    // Same name, someone else's: count a collision so the next hash differs.
                    let count = (set.int("status", "collisionCount") ?? 0) + 1
                    _ = try await client.dynamic(ClusterResources.statefulSets).patch(
                        namespace: set.namespace, name: set.name,
                        patch: .merge(["status": ["collisionCount": .int(Int64(count))]]), subresource: "status")
                    throw ControllerError(controller: "statefulset", object: "\(set.namespace)/\(set.name)",
                                          operation: "create revision \(name)",
                                          cause: "a ControllerRevision of that name belongs to another owner")
                }
                update = other.withTypeMeta(ClusterResources.controllerRevisions)
            }
        }
        let currentName = set.string("status", "currentRevision") ?? ""
        let current = owned.first { $0.name == currentName && !currentName.isEmpty } ?? update
        try await pruneRevisions(set, owned: owned, keep: [current.name, update.name])
        return (current, update)
    }

    /// Deletes the oldest revisions beyond `revisionHistoryLimit` that no pod and no status names.
    private func pruneRevisions(_ set: DynamicObject, owned: [DynamicObject], keep: Set<String>) async throws {
        let limit = max(0, set.int("spec", "revisionHistoryLimit") ?? 10)
        let inUse = Set(pods.store.list(namespace: set.namespace).filter { $0.controllerRef?.uid == set.uid }
            .compactMap { $0.metadata.labels[Self.revisionLabel] })
        let idle = owned.filter { !keep.contains($0.name) && !inUse.contains($0.name) }
        guard idle.count > limit else { return }
        for revision in idle.prefix(idle.count - limit) {
            do {
                try await client.dynamic(ClusterResources.controllerRevisions).delete(
                    namespace: revision.namespace, name: revision.name,
                    options: DeleteOptions(preconditionUID: revision.uid))
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
    }

    // MARK: - Status

    private func writeStatus(_ set: DynamicObject, current: DynamicObject, update: DynamicObject) async throws
        -> ReconcileResult
    {
        // Re-read: this reconcile may have created or deleted pods.
        let owned = pods.store.list(namespace: set.namespace).filter {
            $0.controllerRef?.uid == set.uid && Self.ordinal(of: $0.name, set: set.name) != nil
        }
        let live = owned.filter { !$0.isTerminating }
        let ready = owned.filter(Self.isRunningAndReady)
        let (available, nextIn) = ReplicaSetController.availability(
            of: ready, minReadySeconds: set.int("spec", "minReadySeconds") ?? 0)
        var currentName = current.name
        var currentCount = live.filter { $0.metadata.labels[Self.revisionLabel] == currentName }.count
        let updated = live.filter { $0.metadata.labels[Self.revisionLabel] == update.name }.count
        let rolling = (set.string("spec", "updateStrategy", "type") ?? "RollingUpdate") == "RollingUpdate"
        if rolling && updated == owned.count && ready.count == owned.count {
            // The rollout is complete: the update revision becomes the current one.
            currentName = update.name
            currentCount = updated
        }
        func count(_ n: Int) -> JSONValue { n > 0 ? .int(Int64(n)) : .null }
        var status = JSONObject()
        status.append("observedGeneration", .int(set.json[path: ["metadata", "generation"]]?.intValue ?? 1))
        status.append("replicas", .int(Int64(owned.count)))
        status.append("readyReplicas", count(ready.count))
        status.append("currentReplicas", count(currentCount))
        status.append("updatedReplicas", count(updated))
        status.append("currentRevision", .string(currentName))
        status.append("updateRevision", .string(update.name))
        status.append("collisionCount", .int(Int64(set.int("status", "collisionCount") ?? 0)))
        status.append("availableReplicas", .int(Int64(available)))
        if ReplicaSetController.statusDiffers(set, status) {
            do {
                _ = try await client.dynamic(ClusterResources.statefulSets).patch(
                    namespace: set.namespace, name: set.name, patch: .merge(["status": .object(status)]),
                    subresource: "status")
            } catch let e as KubeError where e.isNotFound {}
        }
        if let nextIn { return .requeueAfter(.milliseconds(Int64(nextIn * 1000) + 100)) }
        return .done
    }
}
