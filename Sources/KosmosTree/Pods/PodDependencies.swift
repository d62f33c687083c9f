import KosmosAPI

/// The objects of its namespace a pod needs before it can start: ConfigMaps and Secrets (volumes, projected
/// sources, env, envFrom and imagePullSecrets, each with whether the pod marks it optional), its
/// PersistentVolumeClaims (claims and generic ephemeral volumes) and its ServiceAccount.
public struct PodDependencies: Sendable, Hashable {
    /// ConfigMap names → optional.
    public var configMaps: [String: Bool] = [:]
    /// Secret names → optional.
    public var secrets: [String: Bool] = [:]
    /// PersistentVolumeClaim names.
    public var persistentVolumeClaims: Set<String> = []
    /// The ServiceAccount (`spec.serviceAccountName`, else `default`).
    public var serviceAccount: String = "default"

    /// Collects the dependencies of a pod (service-account token volumes excluded).
    /// - Parameter pod: the host pod.
    public init(of pod: Pod) {
        func add(_ map: inout [String: Bool], _ name: String?, optional: Bool?) {
            guard let name, !name.isEmpty else { return }
            map[name] = (map[name] ?? true) && (optional ?? false)
        }
        for v in pod.spec.volumes where !PodConversion.isTokenVolume(v.name) {
            if let claim = v.json["persistentVolumeClaim"]?["claimName"]?.stringValue, !claim.isEmpty {
                persistentVolumeClaims.insert(claim)
            }
            // A generic ephemeral volume's claim is named `<pod>-<volume>` (made by the host's ephemeral
            // volume controller).
            if let ephemeral = v.json["ephemeral"], ephemeral != .null, let pod = pod.metadata.name {
                persistentVolumeClaims.insert("\(pod)-\(v.name)")
            }
            if let cm = v.configMap { add(&configMaps, cm.name, optional: cm.json["optional"]?.boolValue) }
            if let s = v.secret { add(&secrets, s.secretName, optional: s.json["optional"]?.boolValue) }
            for source in v.projected?.sources ?? [] {
                if let cm = source.configMap { add(&configMaps, cm.name, optional: cm.json["optional"]?.boolValue) }
                if let s = source.secret { add(&secrets, s.name, optional: s.json["optional"]?.boolValue) }
            }
        }
        for c in pod.spec.containers + pod.spec.initContainers {
            for e in c.env {
                if let r = e.valueFrom?.configMapKeyRef {
                    add(&configMaps, r.name, optional: r.json["optional"]?.boolValue)
                }
                if let r = e.valueFrom?.secretKeyRef {
                    add(&secrets, r.name, optional: r.json["optional"]?.boolValue)
                }
            }
            for e in c.envFrom {
                if let r = e.configMapRef { add(&configMaps, r.name, optional: r.json["optional"]?.boolValue) }
                if let r = e.secretRef { add(&secrets, r.name, optional: r.json["optional"]?.boolValue) }
            }
        }
        for r in pod.spec.imagePullSecrets { add(&secrets, r.name, optional: false) }
        if let sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount, !sa.isEmpty { serviceAccount = sa }
    }
}

extension PodDependencies {
    /// Calls `body` with the dependencies, and namespace, of each state of a host pod change that is bound to one
    /// of `leaves`: the new state, and the old one when the change moved the pod or changed what it needs. Status
    /// changes, most of a pod's changes, call nothing.
    static func changes(_ event: InformerEvent<Pod>, leaves: [String: LeafNodePlan],
                        _ body: (PodDependencies, String) -> Void) {
        func onLeaf(_ pod: Pod) -> Bool { leaves[pod.spec.nodeName ?? ""] != nil }
        let ns = event.object.metadata.namespace ?? "default"
        guard case .updated(let old, let new) = event else {
            if onLeaf(event.object) { body(PodDependencies(of: event.object), ns) }
            return
        }
        let (oldOnLeaf, newOnLeaf) = (onLeaf(old), onLeaf(new))
        guard oldOnLeaf || newOnLeaf else { return }
        let before = oldOnLeaf ? PodDependencies(of: old) : nil
        let after = newOnLeaf ? PodDependencies(of: new) : nil
        if old.spec.nodeName == new.spec.nodeName, before == after { return }
        if let after { body(after, ns) }
        if let before, before != after { body(before, ns) }
    }

    /// The host pod store index of pods by what they depend on (``indexValue(kind:namespace:name:)``).
    static let indexName = "clustertree-dependencies"

    /// The index value of one dependency: `<Kind>/<namespace>/<name>`.
    static func indexValue(kind: String, namespace: String, name: String) -> String { "\(kind)/\(namespace)/\(name)" }

    /// Every index value of these dependencies.
    func indexValues(namespace ns: String) -> [String] {
        // Sorted, so that a pod update that keeps its dependencies keeps its index values as they were.
        (configMaps.keys.map { Self.indexValue(kind: ConfigMap.kind, namespace: ns, name: $0) }
            + secrets.keys.map { Self.indexValue(kind: Secret.kind, namespace: ns, name: $0) }
            + persistentVolumeClaims.map { Self.indexValue(kind: PersistentVolumeClaim.kind, namespace: ns, name: $0) }
            + [Self.indexValue(kind: ServiceAccount.kind, namespace: ns, name: serviceAccount)]).sorted()
    }
}

/// The comma list of member clusters holding a copy of a host object (annotation `kosmos-io/cluster-owners`,
/// cases §3.5).
public enum ClusterOwners {
    /// The raw items of the annotation value, empty items kept.
    public static func list(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// Whether `cluster` is listed.
    public static func has(_ value: String?, _ cluster: String) -> Bool {
        !cluster.isEmpty && list(value).contains(cluster)
    }

    /// The value with `cluster` added; empty items of a value being rewritten are dropped.
    public static func add(_ value: String?, _ cluster: String) -> String {
        let items = list(value)
        if items.contains(cluster) { return value ?? cluster }
        return (items.filter { !$0.isEmpty } + [cluster]).joined(separator: ",")
    }

    /// The value with `cluster` removed (and empty items dropped); `nil` when no cluster is left.
    public static func remove(_ value: String?, _ cluster: String) -> String? {
        let items = list(value).filter { !$0.isEmpty && $0 != cluster }
        return items.isEmpty ? nil : items.joined(separator: ",")
    }
}
