import KosmosAPI

/// A pod affinity term in evaluation form.
struct AffinityTerm: Sendable, Hashable {
    var selector: CompiledSelector
    /// Namespaces named by the term (the pod's own when none and no namespace selector).
    var namespaces: Set<String>
    /// Present when the term selects namespaces by label; empty selects every namespace.
    var namespaceSelector: CompiledSelector?
    var topologyKey: String
    var weight: Int64

    init(_ term: PodAffinityTerm, podNamespace: String, podLabels: [String: String], weight: Int64 = 0) {
        // matchLabelKeys / mismatchLabelKeys add `key in (value)` / `key notin (value)` with the pod's own value.
        selector = CompiledSelector(term.labelSelector)
            .adding(keys: term.matchLabelKeys, of: podLabels, op: .in)
            .adding(keys: term.mismatchLabelKeys, of: podLabels, op: .notIn)
        namespaceSelector = term.namespaceSelector.map { CompiledSelector($0) }
        var ns = Set(term.namespaces)
        if ns.isEmpty && namespaceSelector == nil { ns.insert(podNamespace) }
        namespaces = ns
        topologyKey = term.topologyKey
        self.weight = weight
    }

    /// Whether `pod` is one of the pods the term is about.
    func matches(_ pod: PodInfo, namespaceLabels: [String: [String: String]]) -> Bool {
        if !namespaces.contains(pod.namespace) {
            guard let nsSel = namespaceSelector else { return false }
            if !nsSel.isEverything && !nsSel.matches(namespaceLabels[pod.namespace] ?? [:]) { return false }
        }
        return selector.matches(pod.labels)
    }
}

/// A host port a container binds on its node.
struct HostPort: Sendable, Hashable {
    var ip: String
    var proto: String
    var port: Int32

    /// Whether two bindings clash: same protocol and port, and the same address or a wildcard on either side.
    func conflicts(with other: HostPort) -> Bool {
        port == other.port && proto == other.proto && (ip == other.ip || ip == "0.0.0.0" || other.ip == "0.0.0.0")
    }
}

/// A topology spread constraint in evaluation form.
struct SpreadConstraint: Sendable, Hashable {
    var maxSkew: Int64
    var topologyKey: String
    var hard: Bool
    var selector: CompiledSelector
    var minDomains: Int64
    var honorNodeAffinity: Bool
    var honorTaints: Bool
}

/// What the scheduler needs of a pod, converted once from the JSON-backed `Pod` so that filters and scores
/// never read JSON. Immutable and shared between the queue, the snapshot and plugins.
public final class PodInfo: Sendable {
    /// The pod as read from the API.
    public let pod: Pod
    /// `namespace/name`.
    public let key: String
    /// `metadata.uid` (`namespace/name` when absent).
    public let uid: String
    /// The namespace (`default` when absent).
    public let namespace: String
    /// The name.
    public let name: String
    /// The labels.
    public let labels: [String: String]
    /// `spec.schedulerName` (`default-scheduler` when absent).
    public let schedulerName: String
    /// The node the pod is bound (or nominated by `spec.nodeName`) to; empty when none.
    public let nodeName: String
    /// `spec.priority` (0 when absent).
    public let priority: Int32
    /// Creation time in seconds since 1970 (0 when unknown).
    public let creationTime: Double
    /// Requests the scheduler accounts for: per resource the larger of the containers' sum and the largest init
    /// container, plus overhead.
    public let requests: ResourceVector
    /// CPU (millicores) and memory (bytes) with kube-scheduler's defaults (100m, 200Mi) for containers without
    /// requests, used for scoring only.
    let nonZeroCPU: Int64
    let nonZeroMemory: Int64
    let nodeSelector: [String: String]
    let requiredNodeAffinity: CompiledNodeSelector?
    let preferredNodeAffinity: [(weight: Int64, term: CompiledNodeSelectorTerm)]
    let tolerations: [TolerationInfo]
    let spreadConstraints: [SpreadConstraint]
    let requiredAffinity: [AffinityTerm]
    let requiredAntiAffinity: [AffinityTerm]
    let preferredAffinity: [AffinityTerm]
    let preferredAntiAffinity: [AffinityTerm]
    /// Host ports the pod's containers ask for: (host IP, protocol, port); host IP `0.0.0.0` means every address.
    let hostPorts: [HostPort]
    /// Names of the PersistentVolumeClaims the pod mounts (ephemeral volumes as `<pod>-<volume>`).
    let claimNames: [String]
    /// Whether a DaemonSet controls the pod.
    public let isDaemonSetPod: Bool
    /// Whether the pod is being deleted.
    public let isTerminating: Bool
    /// Whether the pod has finished (Succeeded or Failed) and no longer holds resources.
    public let isFinished: Bool

    /// Converts a pod.
    /// - Parameter pod: the API object.
    public init(_ pod: Pod) {
        self.pod = pod
        let meta = pod.metadata
        let spec = pod.spec
        namespace = meta.namespace ?? "default"
        name = meta.name ?? ""
        key = namespace + "/" + name
        uid = meta.uid ?? key
        labels = meta.labels
        schedulerName = spec.schedulerName
        nodeName = spec.nodeName ?? ""
        priority = spec.priority ?? 0
        creationTime = meta.creationTime?.timeIntervalSince1970 ?? 0
        requests = ResourceVector(spec.effectiveRequests)
        var cpu: Int64 = 0
        var mem: Int64 = 0
        for c in spec.containers {
            let r = c.resources.requests
            cpu += r[ResourceName.cpu]?.milliValue ?? 100
            mem += r[ResourceName.memory]?.value ?? 200 * 1024 * 1024
        }
        nonZeroCPU = max(cpu, requests.milliCPU)
        nonZeroMemory = max(mem, requests.memory)
        nodeSelector = spec.nodeSelector
        let affinity = spec.affinity
        let nodeAffinity = affinity?.nodeAffinity
        requiredNodeAffinity = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.map {
            CompiledNodeSelector($0)
        }
        preferredNodeAffinity = (nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map {
            (Int64($0.weight), CompiledNodeSelectorTerm($0.preference))
        }
        tolerations = spec.tolerations.compactMap(TolerationInfo.init)
        let ns = namespace
        let podLabels = labels
        spreadConstraints = spec.topologySpreadConstraints.map { c in
            SpreadConstraint(
                maxSkew: Int64(max(c.maxSkew, 1)), topologyKey: c.topologyKey,
                hard: c.whenUnsatisfiable != "ScheduleAnyway",
                selector: CompiledSelector(c.labelSelector).adding(keys: c.matchLabelKeys, of: podLabels, op: .in),
                minDomains: Int64(c.minDomains ?? 1), honorNodeAffinity: c.nodeAffinityPolicy != "Ignore",
                honorTaints: c.nodeTaintsPolicy == "Honor")
        }
        let pa = affinity?.podAffinity
        let anti = affinity?.podAntiAffinity
        requiredAffinity = (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map {
            AffinityTerm($0, podNamespace: ns, podLabels: podLabels)
        }
        requiredAntiAffinity = (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map {
            AffinityTerm($0, podNamespace: ns, podLabels: podLabels)
        }
        preferredAffinity = (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map {
            AffinityTerm($0.podAffinityTerm, podNamespace: ns, podLabels: podLabels, weight: Int64($0.weight))
        }
        preferredAntiAffinity = (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map {
            AffinityTerm($0.podAffinityTerm, podNamespace: ns, podLabels: podLabels, weight: Int64($0.weight))
        }
        var ports: [HostPort] = []
        for c in spec.containers + spec.initContainers {
            for p in c.ports {
                guard let hp = p.hostPort, hp > 0 else { continue }
                let ip = p.hostIP ?? ""
                ports.append(HostPort(ip: ip.isEmpty ? "0.0.0.0" : ip, proto: p.protocol, port: hp))
            }
        }
        hostPorts = ports
        var claims: [String] = []
        for v in spec.volumes {
            if let c = v.persistentVolumeClaim {
                claims.append(c.claimName)
            } else if v.json["ephemeral"] != nil {
                claims.append(name + "-" + v.name)
            }
        }
        claimNames = claims
        isDaemonSetPod = meta.controllerReference?.kind == "DaemonSet"
        isTerminating = meta.isBeingDeleted
        let phase = pod.status.phase
        isFinished = phase == .succeeded || phase == .failed
    }

    /// Whether the pod has any pod affinity or anti-affinity term.
    var hasAffinity: Bool {
        !requiredAffinity.isEmpty || !requiredAntiAffinity.isEmpty || !preferredAffinity.isEmpty
            || !preferredAntiAffinity.isEmpty
    }

    /// Whether the pod has a term that other pods' scores depend on (preferred terms or required affinity).
    var affectsScoring: Bool {
        !requiredAffinity.isEmpty || !preferredAffinity.isEmpty || !preferredAntiAffinity.isEmpty
    }

    /// Whether the node passes the pod's `nodeSelector` and required node affinity.
    func matchesNodeSelectorAndAffinity(_ node: NodeInfo) -> Bool {
        for (k, v) in nodeSelector where node.labels[k] != v { return false }
        if let req = requiredNodeAffinity, !req.matches(labels: node.labels, name: node.name) { return false }
        return true
    }
}
