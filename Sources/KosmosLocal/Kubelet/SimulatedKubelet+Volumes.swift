import KosmosAPI

extension SimulatedKubelet {
    /// The pod's claims that are missing or not `Bound` yet in `claims` (the kubelet's claim cache), as a kubelet's
    /// volume manager sees them.
    func unboundClaims(of pod: DynamicObject, claims: ObjectStore<DynamicObject>) -> [String] {
        pod.podClaimNames.filter { name in
            guard let claim = claims.get(namespace: pod.namespace, name: name) else { return true }
            return claim.string("status", "phase") != "Bound" || (claim.string("spec", "volumeName") ?? "").isEmpty
        }
    }

    /// The keys of this node's pods that mount the claim of `event`: a claim turning `Bound` wakes them up.
    static func podsMounting(_ event: InformerEvent<DynamicObject>, pods: ObjectStore<DynamicObject>) -> [ObjectKey] {
        let claim = event.object
        return pods.list(namespace: claim.namespace).filter { $0.podClaimNames.contains(claim.name) }
            .map { ObjectKey(of: $0) }
    }

    /// Keeps a pod whose claims are not bound `Pending` with its containers `ContainerCreating`, as a kubelet
    /// does while it waits to mount the volumes. The pod is looked at again when one of its claims changes.
    func waitForVolumes(_ pod: DynamicObject, key: ObjectKey, claims: [String]) async throws -> ReconcileResult {
        let status = pendingStatus(pod)
        if Self.statusSummary(pod.json["status"] ?? .null) != Self.statusSummary(.object(status)) {
            do {
                _ = try await client.dynamic(ClusterResources.pods).patch(
                    namespace: key.namespace, name: key.name, patch: .merge(["status": .object(status)]),
                    subresource: "status")
                logger.debug("pod \(key) waits for claims \(claims.joined(separator: ", ")) to be bound")
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
        return .done
    }

    /// The status of a pod that is not started yet: `Pending`, scheduled and initialized, containers waiting.
    func pendingStatus(_ pod: DynamicObject) -> JSONObject {
        let now = kubeTimestamp()
        let oldConditions = pod.array("status", "conditions")
        let names = pod.array("spec", "containers").compactMap { $0["name"]?.stringValue }
        func condition(_ type: String, _ status: String, reason: String? = nil, message: String? = nil) -> JSONValue {
            let old = oldConditions.first { $0["type"]?.stringValue == type }
            let since = old?["status"]?.stringValue == status ? (old?["lastTransitionTime"] ?? .string(now))
                : .string(now)
            var c = JSONObject()
            c.append("type", .string(type))
            c.append("status", .string(status))
            c.append("lastProbeTime", .null)
            c.append("lastTransitionTime", since)
            if let reason { c.append("reason", .string(reason)) }
            if let message { c.append("message", .string(message)) }
            return .object(c)
        }
        let unready = "containers with unready status: [\(names.joined(separator: " "))]"
        var conditions: [JSONValue] = [
            condition("PodReadyToStartContainers", "False"), condition("Initialized", "True"),
            condition("Ready", "False", reason: "ContainersNotReady", message: unready),
            condition("ContainersReady", "False", reason: "ContainersNotReady", message: unready),
        ]
        conditions.append(oldConditions.first { $0["type"]?.stringValue == "PodScheduled" }
            ?? ["type": "PodScheduled", "status": "True", "lastProbeTime": .null, "lastTransitionTime": .string(now)])
        var status = JSONObject()
        status.append("phase", "Pending")
        status.append("conditions", .array(conditions))
        status.append("hostIP", .string(hostIPs[0]))
        status.append("hostIPs", .array(hostIPs.map { ["ip": .string($0)] }))
        status.append("startTime", .string(pod.string("status", "startTime") ?? now))
        status.append("containerStatuses", .array(pod.array("spec", "containers").map { c in
            var o = JSONObject()
            o.append("name", c["name"] ?? "")
            o.append("state", ["waiting": ["reason": "ContainerCreating"]])
            o.append("lastState", .object(JSONObject()))
            o.append("ready", false)
            o.append("restartCount", 0)
            o.append("image", .string(Self.normalizedImage(c["image"]?.stringValue ?? "")))
            o.append("imageID", "")
            o.append("started", false)
            return .object(o)
        }))
        return status
    }
}
