import KosmosAPI

/// The ConfigMaps and Secrets a pod needs before it can start (volumes, projected sources, env,
/// envFrom and imagePullSecrets), each with whether the pod marks it optional.
public struct PodDependencies: Sendable, Hashable {
    /// ConfigMap names → optional.
    public var configMaps: [String: Bool] = [:]
    /// Secret names → optional.
    public var secrets: [String: Bool] = [:]

    /// Collects the dependencies of a pod (service-account token volumes excluded).
    /// - Parameter pod: the host pod.
    public init(of pod: Pod) {
        func add(_ map: inout [String: Bool], _ name: String?, optional: Bool?) {
            guard let name, !name.isEmpty else { return }
            map[name] = (map[name] ?? true) && (optional ?? false)
        }
        for v in pod.spec.volumes where !PodConversion.isTokenVolume(v.name) {
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
}
