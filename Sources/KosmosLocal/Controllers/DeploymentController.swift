import KosmosAPI
import Logging

/// Rolls Deployments out through ReplicaSets (kube-controller-manager's deployment controller): one ReplicaSet per
/// pod template, named `<deployment>-<pod-template-hash>`; a template change scales the new ReplicaSet up and the
/// old ones down within `maxSurge`/`maxUnavailable` (RollingUpdate) or all old ones first (Recreate); replicas,
/// revisions, history cleanup and `status` with the Available and Progressing conditions.
struct DeploymentController: Reconciler {
    let client: KubeClient
    let deployments: SharedInformer<DynamicObject>
    let replicaSets: SharedInformer<DynamicObject>
    let logger: Logger

    static let hashLabel = "pod-template-hash"
    static let revisionAnnotation = "deployment.kubernetes.io/revision"
    static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"

    func register(with controller: Controller) {
        controller.watch(deployments)
        controller.watchOwned(replicaSets, ownerKind: "Deployment")
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let d = deployments.store.get(key), !d.isTerminating else { return .done }
        let owned = replicaSets.store.list(namespace: key.namespace).filter { $0.controllerRef?.uid == d.uid }
            .sorted { ($0.metadata.creationTimestamp ?? "", $0.name) < ($1.metadata.creationTimestamp ?? "", $1.name) }
        let hash = Self.templateHash(d.json[path: ["spec", "template"]] ?? .object(JSONObject()),
                                     collisionCount: d.int("status", "collisionCount") ?? 0)
        var newRS = owned.first { $0.metadata.labels[Self.hashLabel] == hash && !$0.isTerminating }
        let olds = owned.filter { $0.uid != newRS?.uid }
        let replicas = d.int("spec", "replicas") ?? 1
        let (maxSurge, maxUnavailable) = Self.rollingParameters(d, replicas: replicas)
        let paused = d.json[path: ["spec", "paused"]]?.boolValue == true
        var createdNew = false

        if !paused {
            let recreate = d.string("spec", "strategy", "type") == "Recreate"
            if recreate {
                let scaledDown = try await scaleDown(olds)
                let oldPodsRunning = olds.contains { ($0.int("status", "replicas") ?? 0) > 0 }
                if scaledDown || oldPodsRunning { return try await writeStatus(d, owned, newRS, false, maxUnavailable) }
                if newRS == nil {
                    newRS = try await createReplicaSet(for: d, hash: hash, replicas: replicas, olds: olds)
                    createdNew = true
                } else if let rs = newRS, spec(rs) != replicas {
                    try await scale(rs, to: replicas, deployment: d, maxSurge: 0)
                }
            } else {
                let total = owned.reduce(0) { $0 + spec($1) }
                if newRS == nil {
                    let n = max(0, min(replicas + maxSurge - total, replicas))
                    newRS = try await createReplicaSet(for: d, hash: hash, replicas: n, olds: olds)
                    createdNew = true
                } else if let rs = newRS {
                    let target = Self.newReplicaSetTarget(current: spec(rs), desired: replicas, total: total,
                                                          maxSurge: maxSurge)
                    if target != spec(rs) { try await scale(rs, to: target, deployment: d, maxSurge: maxSurge) }
                    else { try await scaleDownOld(olds, newRS: rs, replicas: replicas, maxUnavailable: maxUnavailable,
                                                   deployment: d) }
                }
            }
            if let rs = newRS { try await syncRevision(d, newRS: rs, olds: olds) }
            try await cleanUpHistory(d, olds: olds)
        }
        return try await writeStatus(d, owned, newRS, createdNew, maxUnavailable)
    }

    private func spec(_ rs: DynamicObject) -> Int { rs.int("spec", "replicas") ?? 0 }
    private func available(_ rs: DynamicObject) -> Int { min(rs.int("status", "availableReplicas") ?? 0, spec(rs)) }

    /// Whether a ReplicaSet's status describes its current spec (its controller has seen the last change).
    private func statusIsCurrent(_ rs: DynamicObject) -> Bool {
        (rs.int("status", "observedGeneration") ?? 0) >= (rs.int("metadata", "generation") ?? 0)
    }

    // MARK: - Rolling update arithmetic

    /// `maxSurge` and `maxUnavailable` as pod counts: percentages of `replicas`, surge rounded up and unavailable
    /// down; both zero becomes one unavailable so a rollout can progress. Recreate has neither.
    static func rollingParameters(_ d: DynamicObject, replicas: Int) -> (surge: Int, unavailable: Int) {
        if d.string("spec", "strategy", "type") == "Recreate" { return (0, replicas) }
        let ru = d.json[path: ["spec", "strategy", "rollingUpdate"]]
        let surge = scaled(ru?["maxSurge"] ?? "25%", of: replicas, roundUp: true)
        let unavailable = scaled(ru?["maxUnavailable"] ?? "25%", of: replicas, roundUp: false)
        if surge == 0 && unavailable == 0 { return (0, 1) }
        return (surge, unavailable)
    }

    /// An IntOrString against a total: an integer as is, `N%` as a share of `total`.
    static func scaled(_ value: JSONValue, of total: Int, roundUp: Bool) -> Int {
        if let i = value.intValue { return Int(i) }
        guard let s = value.stringValue else { return 0 }
        guard s.hasSuffix("%"), let pct = Int(s.dropLast()) else { return Int(s) ?? 0 }
        let exact = Double(pct) * Double(total) / 100
        return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
    }

    /// The new ReplicaSet's size this step: straight to `desired` when scaling down, else up by what the surge
    /// budget allows.
    static func newReplicaSetTarget(current: Int, desired: Int, total: Int, maxSurge: Int) -> Int {
        if current >= desired { return desired }
        let room = desired + maxSurge - total
        if room <= 0 { return current }
        return current + min(room, desired - current)
    }

    /// Scales old ReplicaSets down as far as `maxUnavailable` allows: unhealthy replicas first, then available
    /// ones, oldest ReplicaSet first.
    private func scaleDownOld(_ olds: [DynamicObject], newRS: DynamicObject, replicas: Int, maxUnavailable: Int,
                              deployment d: DynamicObject) async throws {
        let oldCount = olds.reduce(0) { $0 + spec($1) }
        guard oldCount > 0 else { return }
        let all = olds + [newRS]
        // Availability read from a status that lags its spec would let us take down too much at once.
        guard all.allSatisfy(statusIsCurrent) else { return }
        let allCount = all.reduce(0) { $0 + spec($1) }
        let minAvailable = replicas - maxUnavailable
        let newUnavailable = spec(newRS) - available(newRS)
        var budget = allCount - minAvailable - newUnavailable
        guard budget > 0 else { return }
        var targets: [String: Int] = [:]
        // Unhealthy old replicas go first: removing them costs no availability.
        for rs in olds where budget > 0 && spec(rs) > available(rs) {
            let cut = min(budget, spec(rs) - available(rs))
            targets[rs.uid] = spec(rs) - cut
            budget -= cut
        }
        let availableNow = all.reduce(0) { $0 + available($1) }
        var cutAvailable = max(0, availableNow - minAvailable)
        for rs in olds where cutAvailable > 0 {
            let current = targets[rs.uid] ?? spec(rs)
            let cut = min(cutAvailable, current)
            if cut > 0 {
                targets[rs.uid] = current - cut
                cutAvailable -= cut
            }
        }
        for rs in olds {
            if let t = targets[rs.uid], t != spec(rs) { try await scale(rs, to: t, deployment: d, maxSurge: 0) }
        }
    }

    /// Scales every old ReplicaSet to zero. Returns whether anything changed.
    private func scaleDown(_ olds: [DynamicObject]) async throws -> Bool {
        var changed = false
        for rs in olds where spec(rs) > 0 {
            try await scale(rs, to: 0, deployment: nil, maxSurge: 0)
            changed = true
        }
        return changed
    }

    private func scale(_ rs: DynamicObject, to replicas: Int, deployment d: DynamicObject?, maxSurge: Int)
        async throws
    {
        var meta: JSONObject = ["resourceVersion": .string(rs.metadata.resourceVersion ?? "")]
        if let d {
            let desired = d.int("spec", "replicas") ?? 1
            meta.append("annotations", [
                Self.desiredReplicasAnnotation: .string(String(desired)),
                Self.maxReplicasAnnotation: .string(String(desired + maxSurge)),
            ])
        }
        logger.debug("scaling replicaset \(rs.namespace)/\(rs.name) from \(spec(rs)) to \(replicas)")
        _ = try await client.dynamic(ClusterResources.replicaSets).patch(
            namespace: rs.namespace, name: rs.name,
            patch: .merge(["metadata": .object(meta), "spec": ["replicas": .int(Int64(replicas))]]))
        let store = replicaSets.store
        _ = await waitUntil(timeout: .seconds(5)) { store.get(ObjectKey(of: rs)).map(spec) == replicas }
    }

    // MARK: - ReplicaSets

    static func revision(_ rs: DynamicObject) -> Int { Int(rs.metadata.annotations[revisionAnnotation] ?? "") ?? 0 }

    private func createReplicaSet(for d: DynamicObject, hash: String, replicas: Int, olds: [DynamicObject])
        async throws -> DynamicObject?
    {
        var template = d.json[path: ["spec", "template"]] ?? .object(JSONObject())
        var labels = template[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()
        labels[Self.hashLabel] = .string(hash)
        template[path: ["metadata", "labels"]] = .object(labels)
        var selector = d.json[path: ["spec", "selector"]] ?? .object(JSONObject())
        var matchLabels = selector["matchLabels"]?.objectValue ?? JSONObject()
        matchLabels[Self.hashLabel] = .string(hash)
        selector["matchLabels"] = .object(matchLabels)
        var annotations = JSONObject()
        for (k, v) in d.metadata.annotations.sorted(by: { $0.key < $1.key })
        where k != "kubectl.kubernetes.io/last-applied-configuration" && k != Self.revisionAnnotation {
            annotations.append(k, .string(v))
        }
        let desired = d.int("spec", "replicas") ?? 1
        let (surge, _) = Self.rollingParameters(d, replicas: desired)
        annotations.append(Self.desiredReplicasAnnotation, .string(String(desired)))
        annotations.append(Self.maxReplicasAnnotation, .string(String(desired + surge)))
        annotations.append(Self.revisionAnnotation, .string(String((olds.map(Self.revision).max() ?? 0) + 1)))
        var meta = JSONObject()
        meta.append("name", .string("\(d.name)-\(hash)"))
        meta.append("namespace", .string(d.namespace))
        meta.append("labels", .object(labels))
        meta.append("annotations", .object(annotations))
        meta.append("ownerReferences", [ReplicaSetController.ownerReference(d, kind: "Deployment").json])
        var spec = JSONObject()
        spec.append("replicas", .int(Int64(replicas)))
        if let m = d.json[path: ["spec", "minReadySeconds"]] { spec.append("minReadySeconds", m) }
        spec.append("selector", selector)
        spec.append("template", template)
        let rs = DynamicObject(json: ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": .object(meta),
                                      "spec": .object(spec)])
        do {
            let created = try await client.dynamic(ClusterResources.replicaSets).create(rs)
                .withTypeMeta(ClusterResources.replicaSets)
            logger.debug("created replicaset \(created.namespace)/\(created.name) with \(replicas) replica(s)")
            let store = replicaSets.store
            _ = await waitUntil(timeout: .seconds(5)) { store.get(ObjectKey(of: created)) != nil }
            return created
        } catch let e as KubeError where e.isAlreadyExists {
            // Same name, not ours or not in the cache yet: count a collision so the next hash differs.
            let existing = try? await client.dynamic(ClusterResources.replicaSets).get(
                namespace: d.namespace, name: "\(d.name)-\(hash)")
            if let existing, existing.controllerRef?.uid == d.uid { return nil }
            let count = (d.int("status", "collisionCount") ?? 0) + 1
            _ = try await client.dynamic(ClusterResources.deployments).patch(
                namespace: d.namespace, name: d.name,
                patch: .merge(["status": ["collisionCount": .int(Int64(count))]]), subresource: "status")
            return nil
        }
    }

    /// Makes the new ReplicaSet the highest revision (after a rollback it is an old one) and mirrors the revision
    /// on the Deployment.
    private func syncRevision(_ d: DynamicObject, newRS: DynamicObject, olds: [DynamicObject]) async throws {
        var revision = Self.revision(newRS)
        let maxOld = olds.map(Self.revision).max() ?? 0
        if revision <= maxOld {
            revision = maxOld + 1
            _ = try await client.dynamic(ClusterResources.replicaSets).patch(
                namespace: newRS.namespace, name: newRS.name,
                patch: .merge(["metadata": ["annotations": [Self.revisionAnnotation: .string(String(revision))]]]))
        }
        if d.metadata.annotations[Self.revisionAnnotation] != String(revision) {
            _ = try await client.dynamic(ClusterResources.deployments).patch(
                namespace: d.namespace, name: d.name,
                patch: .merge(["metadata": ["annotations": [Self.revisionAnnotation: .string(String(revision))]]]))
        }
    }

    /// Deletes the oldest fully scaled-down old ReplicaSets beyond `revisionHistoryLimit` (default 10).
    private func cleanUpHistory(_ d: DynamicObject, olds: [DynamicObject]) async throws {
        let limit = d.int("spec", "revisionHistoryLimit") ?? 10
        let idle = olds.filter { spec($0) == 0 && ($0.int("status", "replicas") ?? 0) == 0 && !$0.isTerminating }
            .sorted { Self.revision($0) < Self.revision($1) }
        guard idle.count > limit else { return }
        for rs in idle.prefix(idle.count - limit) {
            do {
                try await client.dynamic(ClusterResources.replicaSets).delete(
                    namespace: rs.namespace, name: rs.name, options: DeleteOptions(preconditionUID: rs.uid))
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
    }

    // MARK: - Status

    private func writeStatus(_ d: DynamicObject, _ owned: [DynamicObject], _ newRS: DynamicObject?,
                             _ createdNew: Bool, _ maxUnavailable: Int) async throws -> ReconcileResult {
        // Re-read: this reconcile may have scaled some of them.
        let current = replicaSets.store.list(namespace: d.namespace).filter { $0.controllerRef?.uid == d.uid }
        let desired = d.int("spec", "replicas") ?? 1
        func sum(_ path: String...) -> Int {
            current.reduce(0) { $0 + ($1.json[path: path]?.intValue.map { Int($0) } ?? 0) }
        }
        let replicas = sum("status", "replicas")
        let updated = newRS.flatMap { rs in current.first { $0.uid == rs.uid } }?.int("status", "replicas") ?? 0
        let ready = sum("status", "readyReplicas")
        let availableCount = sum("status", "availableReplicas")
        let unavailable = max(0, sum("spec", "replicas") - availableCount)
        let now = kubeTimestamp()
        let oldConditions = d.array("status", "conditions")

        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            let old = oldConditions.first { $0["type"]?.stringValue == type }
            let same = old?["status"]?.stringValue == status
            let unchanged = same && old?["reason"]?.stringValue == reason && old?["message"]?.stringValue == message
            var c = JSONObject()
            c.append("type", .string(type))
            c.append("status", .string(status))
            c.append("lastUpdateTime", unchanged ? (old?["lastUpdateTime"] ?? .string(now)) : .string(now))
            c.append("lastTransitionTime", same ? (old?["lastTransitionTime"] ?? .string(now)) : .string(now))
            c.append("reason", .string(reason))
            c.append("message", .string(message))
            return .object(c)
        }
        let minAvailable = max(0, desired - maxUnavailable)
        let availableCondition = availableCount >= minAvailable
            ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : condition("Available", "False", "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.")
        let rsName = newRS?.name ?? ""
        let complete = newRS != nil && updated == desired && replicas == desired && availableCount == desired
            && (newRS.map(spec) ?? 0) == desired
        let progressing: JSONValue
        if d.json[path: ["spec", "paused"]]?.boolValue == true {
            progressing = condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused")
        } else if complete {
            progressing = condition("Progressing", "True", "NewReplicaSetAvailable",
                                    "ReplicaSet \"\(rsName)\" has successfully progressed.")
        } else if createdNew {
            progressing = condition("Progressing", "True", "NewReplicaSetCreated",
                                    "Created new replica set \"\(rsName)\"")
        } else {
            let keep = oldConditions.first { $0["type"]?.stringValue == "Progressing" }
            if keep?["reason"]?.stringValue == "NewReplicaSetCreated", keep?["message"]?.stringValue
                == "Created new replica set \"\(rsName)\"" {
                progressing = keep!
            } else {
                progressing = condition("Progressing", "True", "ReplicaSetUpdated",
                                        "ReplicaSet \"\(rsName)\" is progressing.")
            }
        }
        var status = JSONObject()
        status.append("observedGeneration", .int(d.json[path: ["metadata", "generation"]]?.intValue ?? 1))
        status.append("replicas", replicas > 0 ? .int(Int64(replicas)) : .null)
        status.append("updatedReplicas", updated > 0 ? .int(Int64(updated)) : .null)
        status.append("readyReplicas", ready > 0 ? .int(Int64(ready)) : .null)
        status.append("availableReplicas", availableCount > 0 ? .int(Int64(availableCount)) : .null)
        status.append("unavailableReplicas", unavailable > 0 ? .int(Int64(unavailable)) : .null)
        status.append("conditions", [availableCondition, progressing])
        if ReplicaSetController.statusDiffers(d, status) {
            do {
                _ = try await client.dynamic(ClusterResources.deployments).patch(
                    namespace: d.namespace, name: d.name, patch: .merge(["status": .object(status)]),
                    subresource: "status")
            } catch let e as KubeError where e.isNotFound {}
        }
        return .done
    }

    // MARK: - Template hash

    /// The `pod-template-hash` of a pod template: FNV-1a (32 bit) over the template's JSON with sorted keys and
    /// the collision count, written with kube's "safe" alphabet (no vowels, so it never spells words).
    static func templateHash(_ template: JSONValue, collisionCount: Int) -> String {
        var h: UInt32 = 2_166_136_261
        func feed(_ bytes: some Sequence<UInt8>) {
            for b in bytes {
                h ^= UInt32(b)
                h = h &* 16_777_619
            }
        }
        feed(canonical(template).serialized(.compact))
        if collisionCount > 0 {
            let c = UInt32(truncatingIfNeeded: collisionCount)
            feed([UInt8(c & 0xff), UInt8((c >> 8) & 0xff), UInt8((c >> 16) & 0xff), UInt8(c >> 24)])
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(h).utf8.map { alphabet[Int($0) % alphabet.count] })
    }

    /// The same JSON with every object's keys sorted, so equal templates hash equally whatever their key order.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var sorted = JSONObject()
            for (k, v) in o.sorted(by: { $0.key < $1.key }) { sorted.append(k, canonical(v)) }
            return .object(sorted)
        case .array(let a): return .array(a.map(canonical))
        default: return value
        }
    }
}
