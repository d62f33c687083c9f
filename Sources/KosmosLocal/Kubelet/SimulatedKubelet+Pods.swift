import KosmosAPI
import KosmosNet

/// Reconciles the pods bound to one simulated node.
struct PodSync: Reconciler {
    let kubelet: SimulatedKubelet
    let pods: SharedInformer<DynamicObject>
    /// Every claim of the cluster: pods wait here until theirs are bound.
    let claims: SharedInformer<DynamicObject>

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        try await kubelet.syncPod(key, cached: pods.store.get(key), claims: claims.store)
    }
}

extension SimulatedKubelet {
    /// Reserves the addresses of pods that were running here before this kubelet started.
    func reserveExistingAddresses(_ pods: [DynamicObject]) {
        state.withLock { s in
            for pod in pods where pod.isActivePod || pod.isTerminating {
                guard pod.json[path: ["spec", "hostNetwork"]]?.boolValue != true else { continue }
                var ips: [IPAddress] = []
                for ip in Self.podIPs(pod).compactMap({ IPAddress($0) }) {
                    for i in s.allocators.indices where s.allocators[i].reserve(ip) { ips.append(ip) }
                }
                if !ips.isEmpty { s.pods[ObjectKey(of: pod)] = PodRecord(uid: pod.uid, ips: ips) }
            }
        }
    }

    static func podIPs(_ pod: DynamicObject) -> [String] {
        let list = pod.array("status", "podIPs").compactMap { $0["ip"]?.stringValue }
        if !list.isEmpty { return list }
        return [pod.string("status", "podIP")].compactMap { $0 }.filter { !$0.isEmpty }
    }

    func syncPod(_ key: ObjectKey, cached: DynamicObject?, claims: ObjectStore<DynamicObject>) async throws
        -> ReconcileResult
    {
        let record = state.withLock { $0.pods[key] }
        guard let pod = cached, pod.nodeName == nodeName else {
            if let record { await stop(key, record: record, pod: cached) }
            return .done
        }
        if let record, record.uid != pod.uid {
            // Same name, new pod: the old one is gone.
            await stop(key, record: record, pod: nil)
        }
        if pod.isTerminating { return try await terminate(pod, key: key) }
        if pod.podPhase == "Succeeded" || pod.podPhase == "Failed" {
            if let record = state.withLock({ $0.pods[key] }) { await stop(key, record: record, pod: pod) }
            return .done
        }
        return try await start(pod, key: key, claims: claims)
    }

    // MARK: - Starting

    private func start(_ pod: DynamicObject, key: ObjectKey, claims: ObjectStore<DynamicObject>) async throws
        -> ReconcileResult
    {
        let hostNetwork = pod.json[path: ["spec", "hostNetwork"]]?.boolValue == true
        var record = state.withLock { $0.pods[key] }
        if record?.started != true {
            // Like a kubelet's volume manager: no container starts before every claim is bound.
            let waiting = unboundClaims(of: pod, claims: claims)
            if !waiting.isEmpty { return try await waitForVolumes(pod, key: key, claims: waiting) }
        }
        if record == nil {
            let ips: [IPAddress]? = hostNetwork ? [] : state.withLock { s in
                var got: [IPAddress] = []
                for i in s.allocators.indices {
                    guard let ip = s.allocators[i].allocate() else {
                        for (j, ip) in got.enumerated() { s.allocators[j].release(ip) }
                        return nil
                    }
                    got.append(ip)
                }
                s.pods[key] = PodRecord(uid: pod.uid, ips: got)
                return got
            }
            guard let ips else {
                logger.info("no free pod address for \(key); waiting")
                return .requeueAfter(.seconds(5))
            }
            record = PodRecord(uid: pod.uid, ips: ips)
        }
        guard var record else { return .done }
        if !record.started {
            if let hook, !hostNetwork {
                do {
                    try await hook.podStarted(pod, ips: record.ips)
                } catch {
                    throw KubeletError(node: nodeName, operation: "start network of pod \(key)", cause: "\(error)")
                }
            }
            record.started = true
            let done = record
            state.withLock { $0.pods[key] = done }
        }
        let ips = hostNetwork ? hostIPs : record.ips.map(\.description)
        let status = podStatus(pod, ips: ips)
        if Self.statusSummary(pod.json["status"] ?? .null) != Self.statusSummary(.object(status)) {
            do {
                _ = try await client.dynamic(ClusterResources.pods).patch(
                    namespace: key.namespace, name: key.name, patch: .merge(["status": .object(status)]),
                    subresource: "status")
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
        return .done
    }

    /// What the kubelet reports of a pod, ignoring times and fields the server may drop, to decide whether the
    /// status needs writing.
    static func statusSummary(_ status: JSONValue) -> [String] {
        var lines = [status["phase"]?.stringValue ?? "", status["podIP"]?.stringValue ?? "",
                     status["hostIP"]?.stringValue ?? ""]
        lines += (status["podIPs"]?.arrayValue ?? []).map { "ip \($0["ip"]?.stringValue ?? "")" }
        lines += (status["conditions"]?.arrayValue ?? []).map {
            "condition \($0["type"]?.stringValue ?? "")=\($0["status"]?.stringValue ?? "")"
        }.sorted()
        for field in ["initContainerStatuses", "containerStatuses"] {
            lines += (status[field]?.arrayValue ?? []).map { c in
                "\(field) \(c["name"]?.stringValue ?? "") \(c["image"]?.stringValue ?? "") "
                    + "\(c["ready"]?.boolValue ?? false) \(c["containerID"]?.stringValue ?? "")"
            }
        }
        return lines
    }

    var hostIPs: [String] { options.internalIPs.isEmpty ? ["127.0.0.1"] : options.internalIPs }

    /// The status of a started pod: Running, addresses, conditions and one running, ready container per spec
    /// container (init containers completed). Times already recorded are kept.
    func podStatus(_ pod: DynamicObject, ips: [String]) -> JSONObject {
        let now = kubeTimestamp()
        let started = pod.string("status", "startTime") ?? now
        let oldConditions = pod.array("status", "conditions")
        func condition(_ type: String) -> JSONValue {
            let old = oldConditions.first { $0["type"]?.stringValue == type }
            let since = old?["status"]?.stringValue == "True" ? (old?["lastTransitionTime"] ?? .string(now))
                : .string(now)
            return ["type": .string(type), "status": "True", "lastProbeTime": .null, "lastTransitionTime": since]
        }
        func statuses(_ field: String, running: Bool) -> [JSONValue] {
            let old = pod.array("status", field)
            return pod.array("spec", field == "containerStatuses" ? "containers" : "initContainers").map { c in
                let name = c["name"]?.stringValue ?? ""
                let image = c["image"]?.stringValue ?? ""
                let previous = old.first { $0["name"]?.stringValue == name }
                let sameImage = previous?["image"]?.stringValue == Self.normalizedImage(image)
                let containerID = sameImage ? (previous?["containerID"]?.stringValue
                    ?? "containerd://\(Self.stableHex("\(pod.uid)/\(name)/\(image)", length: 64))")
                    : "containerd://\(Self.stableHex("\(pod.uid)/\(name)/\(image)", length: 64))"
                let since = sameImage ? (previous?["state"]?["running"]?["startedAt"]?.stringValue
                    ?? previous?["state"]?["terminated"]?["startedAt"]?.stringValue ?? now) : now
                var o = JSONObject()
                o.append("name", .string(name))
                if running {
                    o.append("state", ["running": ["startedAt": .string(since)]])
                } else {
                    o.append("state", ["terminated": ["exitCode": 0, "reason": "Completed", "startedAt": .string(since),
                                                      "finishedAt": .string(since),
                                                      "containerID": .string(containerID)]])
                }
                o.append("lastState", .object(JSONObject()))
                o.append("ready", .bool(running))
                o.append("restartCount", 0)
                o.append("image", .string(Self.normalizedImage(image)))
                o.append("imageID", .string(Self.imageID(image)))
                o.append("containerID", .string(containerID))
                o.append("started", .bool(running))
                return .object(o)
            }
        }
        var status = JSONObject()
        status.append("phase", "Running")
        var conditions: [JSONValue] = [condition("PodReadyToStartContainers"), condition("Initialized"),
                                       condition("Ready"), condition("ContainersReady")]
        conditions.append(oldConditions.first { $0["type"]?.stringValue == "PodScheduled" }
            ?? ["type": "PodScheduled", "status": "True", "lastProbeTime": .null, "lastTransitionTime": .string(now)])
        status.append("conditions", .array(conditions))
        status.append("hostIP", .string(hostIPs[0]))
        status.append("hostIPs", .array(hostIPs.map { ["ip": .string($0)] }))
        status.append("podIP", ips.first.map { .string($0) } ?? .null)
        status.append("podIPs", ips.isEmpty ? .null : .array(ips.map { ["ip": .string($0)] }))
        status.append("startTime", .string(started))
        let inits = statuses("initContainerStatuses", running: false)
        if !inits.isEmpty { status.append("initContainerStatuses", .array(inits)) }
        status.append("containerStatuses", .array(statuses("containerStatuses", running: true)))
        return status
    }

    /// An image reference as containerd reports it: registry and tag made explicit (`nginx` becomes
    /// `docker.io/library/nginx:latest`).
    static func normalizedImage(_ image: String) -> String {
        var parts = image.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let first = parts.first ?? ""
        let hasRegistry = parts.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
        if !hasRegistry {
            if parts.count == 1 { parts.insert("library", at: 0) }
            parts.insert("docker.io", at: 0)
        }
        var result = parts.joined(separator: "/")
        let last = parts.last ?? ""
        if !last.contains(":") && !last.contains("@") { result += ":latest" }
        return result
    }

    /// A stable digest reference for an image (the simulated runtime pulls nothing).
    static func imageID(_ image: String) -> String {
        let name = normalizedImage(image)
        let repo = name.split(separator: "@").first.map(String.init) ?? name
        let withoutTag: String
        if let slash = repo.lastIndex(of: "/"), let colon = repo[slash...].lastIndex(of: ":") {
            withoutTag = String(repo[..<colon])
        } else {
            withoutTag = repo
        }
        return "\(withoutTag)@sha256:\(stableHex(name, length: 64))"
    }

    // MARK: - Stopping

    /// Waits out the grace period (capped by `maxGracePeriod`), stops the pod's network and deletes it for good.
    private func terminate(_ pod: DynamicObject, key: ObjectKey) async throws -> ReconcileResult {
        let now = ContinuousClock.now
        var record = state.withLock { $0.pods[key] } ?? PodRecord(uid: pod.uid, ips: [])
        let seen = record.deletionSeen ?? now
        if record.deletionSeen == nil {
            record.deletionSeen = seen
            let r = record
            state.withLock { $0.pods[key] = r }
        }
        if record.deleteSent { return .done }
        let grace = min(Duration.seconds(pod.json[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 30),
                        options.maxGracePeriod)
        let waited = now - seen
        if waited < grace { return .requeueAfter(grace - waited) }
        await stop(key, record: record, pod: pod, forget: false)
        do {
            try await client.dynamic(ClusterResources.pods).delete(
                namespace: key.namespace, name: key.name,
                options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: pod.uid))
        } catch let e as KubeError where e.isNotFound || e.isConflict {}
        state.withLock { s in
            if s.pods[key] != nil { s.pods[key]?.deleteSent = true } else {
                var r = record
                r.deleteSent = true
                r.ips = []
                s.pods[key] = r
            }
        }
        return .done
    }

    /// Stops a pod's network (once) and releases its addresses; `forget` also drops the record.
    func stop(_ key: ObjectKey, record: PodRecord, pod: DynamicObject?, forget: Bool = true) async {
        if record.started, let hook {
            let last = pod ?? DynamicObject(json: ["apiVersion": "v1", "kind": "Pod", "metadata": [
                "name": .string(key.name), "namespace": .string(key.namespace), "uid": .string(record.uid)]])
            do { try await hook.podStopped(last) } catch {
                logger.info("stopping network of pod \(key) failed", metadata: ["error": "\(error)"])
            }
        }
        state.withLock { s in
            for ip in record.ips {
                for i in s.allocators.indices where s.allocators[i].prefix.contains(ip) { s.allocators[i].release(ip) }
            }
            if forget {
                if s.pods[key]?.uid == record.uid { s.pods[key] = nil }
            } else if s.pods[key]?.uid == record.uid {
                s.pods[key]?.started = false
                s.pods[key]?.ips = []
            }
        }
    }
}
