import KosmosAPI

/// The rules that turn a host pod into its member copy and carry state between the two.
public enum PodConversion {
    /// Tolerations ClusterTree adds to every host pod it syncs, without `tolerationSeconds`, so that taint-based
    /// eviction never removes a host pod while its member cluster is unreachable: the pod keeps running there,
    /// and ClusterTree is the one that reports its status.
    public static let noEvictionTolerations: [Toleration] = [
        Toleration(key: "node.kubernetes.io/not-ready", operator: .exists, effect: .noExecute),
        Toleration(key: "node.kubernetes.io/unreachable", operator: .exists, effect: .noExecute),
    ]

    /// Converts a host pod into the member pod to create (the Go Kosmos `FitPod`, cases §3.11).
    ///
    /// Service-account token volumes (`default-token-*`, `kube-api-access-*`) are dropped with their mounts: the
    /// member's own admission gives the pod a token of the member's copy of its account, issued by the member's
    /// apiserver, with the member's CA, so no host credential reaches the member. A host pod that had no token
    /// volume gets `automountServiceAccountToken: false` unless it says otherwise. Scheduling constraints that
    /// name host nodes are dropped or replaced by the `kosmos.io/cluster-selector` annotation; a party leaf
    /// pins the pod to its member nodes; a one-to-one leaf binds it to its member node.
    /// - Parameters:
    ///   - pod: the host pod.
    ///   - plan: the leaf node it is bound to.
    /// - Returns: the member pod.
    /// - Throws: ``PodConversionError`` when the cluster-selector annotation is not valid JSON.
    public static func memberPod(from pod: Pod, leaf plan: LeafNodePlan) throws -> Pod {
        var out = Pod.new()
        var meta = ObjectMeta()
        meta.name = pod.metadata.name
        meta.namespace = pod.metadata.namespace
        meta.labels = pod.metadata.labels
        meta.annotations = pod.metadata.annotations
        meta.labels[TreeKeys.kosmosPod] = "true"
        out.metadata = meta

        var spec = pod.spec
        let hadToken = dropTokenVolumes(&spec)
        spec.volumes = spec.volumes.map(renamingRootCA)
        // The member mounts a token of its own (its admission adds the volume) exactly when the host did: a host
        // pod without a token volume and without an explicit choice had automounting turned off by its account.
        if !hadToken && spec.automountServiceAccountToken == nil { spec.automountServiceAccountToken = false }

        if let text = pod.metadata.annotations[TreeKeys.clusterSelector] {
            let selector: JSONValue
            do { selector = try JSONValue.parse(Array(text.utf8)) } catch {
                throw PodConversionError(pod: pod.key, field: "metadata.annotations[\(TreeKeys.clusterSelector)]",
                                         message: "not valid JSON: \(error)")
            }
            spec.json["nodeSelector"] = selector["nodeSelector"]
            spec.json["tolerations"] = selector["tolerations"]
            spec.json["topologySpreadConstraints"] = selector["topologySpreadConstraints"]
            if let wanted = selector["affinity"], wanted != .null {
                if var affinity = spec.json["affinity"], affinity != .null {
                    if let nodeAffinity = wanted["nodeAffinity"], nodeAffinity != .null {
                        var merged = affinity["nodeAffinity"] ?? .object(JSONObject())
                        if merged == .null { merged = .object(JSONObject()) }
                        merged["requiredDuringSchedulingIgnoredDuringExecution"] =
                            nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"]
                        affinity["nodeAffinity"] = merged
                    } else {
                        affinity["nodeAffinity"] = JSONValue?.none
                    }
                    spec.json["affinity"] = affinity
                } else {
                    spec.json["affinity"] = wanted
                }
            }
        } else {
            spec.json["nodeSelector"] = JSONValue?.none
            spec.json["tolerations"] = JSONValue?.none
            spec.json["topologySpreadConstraints"] = JSONValue?.none
            if var affinity = spec.json["affinity"], var nodeAffinity = affinity["nodeAffinity"] {
                nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = JSONValue?.none
                affinity["nodeAffinity"] = nodeAffinity
                spec.json["affinity"] = affinity
            }
        }
        if spec.schedulerName == TreeKeys.kosmosScheduler { spec.json["schedulerName"] = JSONValue?.none }
        spec.json["nodeName"] = JSONValue?.none
        switch plan.mode {
        case .oneToOne:
            spec.nodeName = plan.memberNodeName
        case .party:
            if let selector = plan.memberSelector {
                spec.json["affinity"] = pinned(spec.json["affinity"], to: selector)
            }
        case .wholeCluster:
            break
        }
        spec.json["affinity"] = pruned(spec.json["affinity"])
        out.spec = spec
        return out
    }

    /// The grace period for deleting the member pod of a deleted host pod (cases §3.13): 0 once the host pod's
    /// deletion time has passed, else `deletionGracePeriodSeconds` plus `terminationGracePeriodSeconds` (as
    /// upstream adds them), else `nil` (the server's default).
    /// - Parameters:
    ///   - pod: the host pod's last state.
    ///   - now: the current time.
    public static func deleteGrace(for pod: Pod?, now: Time = .now()) -> Int? {
        guard let pod else { return nil }
        if let deletion = pod.metadata.deletionTime, deletion < now { return 0 }
        let dgps = pod.metadata.deletionGracePeriodSeconds
        let tgps = pod.spec.json["terminationGracePeriodSeconds"]?.intValue
        switch (dgps, tgps) {
        case (nil, nil): return nil
        default: return Int((dgps ?? 0) + (tgps ?? 0))
        }
    }

    /// The host pod status that mirrors a member pod's: phase, conditions, pod IPs, host IPs, start time, QoS,
    /// message, reason and container statuses come from the member; anything else of the host status stays.
    /// - Parameters:
    ///   - member: the member pod.
    ///   - host: the host pod's current status.
    public static func hostStatus(from member: Pod, current host: PodStatus) -> PodStatus {
        var status = host
        for field in syncedStatusFields { status.json[field] = member.status.json[field] }
        return status
    }

    /// The fields of a pod's status that ``hostStatus(from:current:)`` takes from the member pod (every other
    /// field of the host pod's status stays as it is).
    static let syncedStatusFields = ["phase", "conditions", "podIP", "podIPs", "hostIP", "hostIPs", "startTime",
                                     "qosClass", "message", "reason", "containerStatuses", "initContainerStatuses",
                                     "ephemeralContainerStatuses"]

    /// A JSON merge patch taking `current` to `status`, where the two differ only in ``syncedStatusFields`` (as
    /// ``hostStatus(from:current:)`` makes them): the changed fields, `null` for those to remove. Each of them
    /// is a scalar or a list, which a merge patch replaces whole.
    static func statusPatch(from current: PodStatus, to status: PodStatus) -> JSONValue {
        var patch = JSONObject()
        for field in syncedStatusFields where current.json[field] != status.json[field] {
            patch[field] = status.json[field] ?? .null
        }
        return .object(patch)
    }

    /// Turns off the token mount of a member pod: `automountServiceAccountToken: false` and no token volume.
    /// - Parameter spec: the member pod's spec.
    public static func disableTokenMount(_ spec: inout PodSpec) {
        spec.automountServiceAccountToken = false
        dropTokenVolumes(&spec)
    }

    /// Removes the token volumes and their mounts; returns whether there were any.
    @discardableResult
    private static func dropTokenVolumes(_ spec: inout PodSpec) -> Bool {
        let dropped = Set(spec.volumes.map(\.name).filter(isTokenVolume))
        guard !dropped.isEmpty else { return false }
        spec.volumes = spec.volumes.filter { !dropped.contains($0.name) }
        spec.containers = spec.containers.map { dropMounts(dropped, from: $0) }
        spec.initContainers = spec.initContainers.map { dropMounts(dropped, from: $0) }
        return true
    }

    /// Whether a volume is a service-account token volume.
    static func isTokenVolume(_ name: String) -> Bool {
        name.hasPrefix("default-token") || name.hasPrefix("kube-api-access-")
    }

    private static func dropMounts(_ names: Set<String>, from container: Container) -> Container {
        guard !names.isEmpty else { return container }
        var c = container
        c.volumeMounts = c.volumeMounts.filter { !names.contains($0.name) }
        return c
    }

    /// Points a volume that uses the host's `kube-root-ca.crt` at the member copy `master-root-ca.crt`.
    private static func renamingRootCA(_ volume: Volume) -> Volume {
        var v = volume
        if var cm = v.configMap, cm.name == TreeKeys.kubeRootCA {
            cm.name = TreeKeys.masterRootCA
            v.configMap = cm
        }
        return v
    }

    /// Replaces the required node-affinity terms by one term built from a party's member node selector.
    private static func pinned(_ affinity: JSONValue?, to selector: LabelSelector) -> JSONValue {
        var expressions: [JSONValue] = []
        for (k, v) in selector.matchLabels.sorted(by: { $0.key < $1.key }) {
            expressions.append(["key": .string(k), "operator": "In", "values": [.string(v)]])
        }
        for e in selector.matchExpressions {
            var o = JSONObject()
            o.append("key", .string(e.key))
            o.append("operator", .string(e.operator.rawValue))
            o.append("values", .array(e.values.map { .string($0) }))
            expressions.append(.object(o))
        }
        var a = (affinity == nil || affinity == .null) ? JSONValue.object(JSONObject()) : affinity!
        var na = a["nodeAffinity"] ?? .object(JSONObject())
        if na == .null { na = .object(JSONObject()) }
        na["requiredDuringSchedulingIgnoredDuringExecution"] =
            ["nodeSelectorTerms": [["matchExpressions": .array(expressions)]]]
        a["nodeAffinity"] = na
        return a
    }

    /// An affinity whose parts are all empty becomes absent.
    private static func pruned(_ affinity: JSONValue?) -> JSONValue? {
        guard var a = affinity, let o = a.objectValue else { return nil }
        for (k, v) in o where v == .null || v.objectValue?.isEmpty == true { a[k] = JSONValue?.none }
        return a.objectValue?.isEmpty == false ? a : nil
    }
}

/// A host pod could not be converted.
public struct PodConversionError: Error, Sendable, CustomStringConvertible {
    /// `namespace/name` of the host pod.
    public var pod: String
    /// The offending field.
    public var field: String
    /// What is wrong.
    public var message: String

    public var description: String { "convert pod \(pod): \(field): \(message)" }
}
