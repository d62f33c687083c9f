import KosmosAPI

/// Pod/ClusterPodConvertPolicy selection and the converters they carry (cases §3.12), applied to a member pod
/// after ``PodConversion/memberPod(from:leaf:)``.
///
/// Selection differs from the Go Kosmos on one point: there, the mere existence of any ClusterPodConvertPolicy
/// hid every namespaced policy, matching or not. Here a cluster-scoped policy shadows the namespaced ones only
/// when it matches the pod (and carries converters).
public enum PodConvertPolicies {
    /// The policy chosen for a pod.
    public struct Choice: Sendable, Hashable {
        /// The policy's name (recorded in the member pod's `kosmos-io/convert-policy` annotation).
        public var name: String
        /// Its converters.
        public var converters: Converters
    }

    /// Whether a policy applies: its `labelSelector` matches the pod's labels and its `leafNodeSelector`, when
    /// present, matches the labels of the host's virtual node the pod is bound to.
    /// - Parameters:
    ///   - spec: the policy's spec.
    ///   - podLabels: the host pod's labels.
    ///   - leafNodeLabels: the labels of the host's virtual node.
    public static func matches(_ spec: PodConvertPolicySpec, podLabels: [String: String],
                               leafNodeLabels: [String: String]) -> Bool {
        guard spec.labelSelector.matches(podLabels) else { return false }
        guard let nodeSelector = spec.leafNodeSelector else { return true }
        return nodeSelector.matches(leafNodeLabels)
    }

    /// Picks the policy for a pod: the first matching cluster-scoped policy with converters, else the first
    /// matching policy with converters of the pod's namespace; each list is taken in name order.
    /// - Parameters:
    ///   - clusterPolicies: every ClusterPodConvertPolicy.
    ///   - policies: PodConvertPolicies (those of other namespaces are ignored).
    ///   - pod: the host pod.
    ///   - leafNodeLabels: the labels of the host's virtual node the pod is bound to.
    /// - Returns: the choice, or `nil` when no policy applies.
    public static func choose(clusterPolicies: [ClusterPodConvertPolicy], policies: [PodConvertPolicy], for pod: Pod,
                              leafNodeLabels: [String: String]) -> Choice? {
        let labels = pod.metadata.labels
        func first(_ items: [(String, PodConvertPolicySpec)]) -> Choice? {
            for (name, spec) in items.sorted(by: { $0.0 < $1.0 })
            where matches(spec, podLabels: labels, leafNodeLabels: leafNodeLabels) {
                if let converters = spec.converters { return Choice(name: name, converters: converters) }
            }
            return nil
        }
        if let choice = first(clusterPolicies.map { ($0.metadata.name ?? "", $0.spec) }) { return choice }
        let namespace = pod.metadata.namespace ?? "default"
        return first(policies.filter { ($0.metadata.namespace ?? "default") == namespace }
            .map { ($0.metadata.name ?? "", $0.spec) })
    }

    /// The converter fields and the pod spec fields they rewrite.
    static let fields: [(converter: String, field: String)] = [
        ("schedulerNameConverter", "schedulerName"),
        ("nodeNameConverter", "nodeName"),
        ("nodeSelectorConverter", "nodeSelector"),
        ("tolerationConverter", "tolerations"),
        ("affinityConverter", "affinity"),
        ("topologySpreadConstraintsConverter", "topologySpreadConstraints"),
        ("hostAliasesConverter", "hostAliases"),
    ]

    /// Applies converters to a member pod's spec: `add` sets a field only when it is empty, `remove` clears it,
    /// `replace` sets it unconditionally (clearing it when the converter gives no value); an unknown type does
    /// nothing. (The Go Kosmos's topology-spread `add` tested `affinity` instead of the field itself; here every
    /// `add` tests its own field.)
    /// - Parameters:
    ///   - converters: the chosen policy's converters.
    ///   - spec: the member pod's spec.
    public static func apply(_ converters: Converters, to spec: inout PodSpec) {
        for (converterKey, field) in fields {
            guard let converter = converters.json[converterKey], converter != .null else { continue }
            let value = converter[field].flatMap { isEmpty($0) ? nil : $0 }
            switch ConvertType(rawValue: converter["convertType"]?.stringValue ?? "") {
            case .add:
                if isEmpty(spec.json[field]) { spec.json[field] = value }
            case .remove:
                spec.json[field] = JSONValue?.none
            case .replace:
                spec.json[field] = value
            default:
                break
            }
        }
    }

    /// Applies a choice to a member pod and records it in the `kosmos-io/convert-policy` annotation.
    /// - Parameters:
    ///   - choice: the chosen policy.
    ///   - pod: the member pod.
    public static func apply(_ choice: Choice, to pod: inout Pod) {
        apply(choice.converters, to: &pod.spec)
        pod.metadata.annotations[PodConvertPolicy.appliedAnnotation] = choice.name
    }

    private static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return true
        case .string(let s)?: return s.isEmpty
        case .array(let a)?: return a.isEmpty
        case .object(let o)?: return o.isEmpty
        default: return false
        }
    }
}
