/// core/v1 Affinity: node affinity, pod affinity and pod anti-affinity.
public struct Affinity: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Rules on the labels of the node the pod may run on.
    public var nodeAffinity: NodeAffinity? {
        get { self[field: "nodeAffinity"] }
        set { self[field: "nodeAffinity"] = newValue }
    }
    /// Rules that place the pod near pods with certain labels.
    public var podAffinity: PodAffinity? {
        get { self[field: "podAffinity"] }
        set { self[field: "podAffinity"] = newValue }
    }
    /// Same shape as `podAffinity`, with the opposite meaning.
    public var podAntiAffinity: PodAffinity? {
        get { self[field: "podAntiAffinity"] }
        set { self[field: "podAntiAffinity"] = newValue }
    }
}

/// core/v1 NodeAffinity.
public struct NodeAffinity: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Hard requirement: the node must match this selector.
    public var requiredDuringSchedulingIgnoredDuringExecution: NodeSelector? {
        get { self[field: "requiredDuringSchedulingIgnoredDuringExecution"] }
        set { self[field: "requiredDuringSchedulingIgnoredDuringExecution"] = newValue }
    }
    /// Soft preferences with weights.
    public var preferredDuringSchedulingIgnoredDuringExecution: [PreferredSchedulingTerm] {
        get { self[list: "preferredDuringSchedulingIgnoredDuringExecution"] }
        set { self[list: "preferredDuringSchedulingIgnoredDuringExecution"] = newValue }
    }
}

/// core/v1 PreferredSchedulingTerm.
public struct PreferredSchedulingTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// 1..100.
    public var weight: Int32 { get { self[field: "weight"] ?? 0 } set { self[field: "weight"] = newValue } }
    /// The node selector term the weight applies to.
    public var preference: NodeSelectorTerm {
        get { self[object: "preference"] }
        set { self[object: "preference"] = newValue }
    }
}

/// core/v1 PodAffinity / PodAntiAffinity.
public struct PodAffinity: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Terms a placement must satisfy; not re-checked once the pod runs.
    public var requiredDuringSchedulingIgnoredDuringExecution: [PodAffinityTerm] {
        get { self[list: "requiredDuringSchedulingIgnoredDuringExecution"] }
        set { self[list: "requiredDuringSchedulingIgnoredDuringExecution"] = newValue }
    }
    /// Weighted terms the scheduler tries to satisfy.
    public var preferredDuringSchedulingIgnoredDuringExecution: [WeightedPodAffinityTerm] {
        get { self[list: "preferredDuringSchedulingIgnoredDuringExecution"] }
        set { self[list: "preferredDuringSchedulingIgnoredDuringExecution"] = newValue }
    }
}

/// core/v1 PodAffinityTerm.
public struct PodAffinityTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Pods this term is about; absent selects no pod.
    public var labelSelector: LabelSelector? {
        get { self[field: "labelSelector"] }
        set { self[field: "labelSelector"] = newValue }
    }
    /// Namespaces to look in; empty with no namespaceSelector means the pod's own namespace.
    public var namespaces: [String] { get { self[list: "namespaces"] } set { self[list: "namespaces"] = newValue } }
    /// Selects the namespaces whose pods the term considers; empty selects all.
    public var namespaceSelector: LabelSelector? {
        get { self[field: "namespaceSelector"] }
        set { self[field: "namespaceSelector"] = newValue }
    }
    /// Node label whose value defines the topology domain.
    public var topologyKey: String {
        get { self[field: "topologyKey"] ?? "" }
        set { self[field: "topologyKey"] = newValue }
    }
    /// Label keys whose values, taken from the incoming pod, are added to the label selector.
    public var matchLabelKeys: [String] {
        get { self[list: "matchLabelKeys"] }
        set { self[list: "matchLabelKeys"] = newValue }
    }
    /// Label keys whose values, taken from the incoming pod, the selected pods must not have.
    public var mismatchLabelKeys: [String] {
        get { self[list: "mismatchLabelKeys"] }
        set { self[list: "mismatchLabelKeys"] = newValue }
    }
}

/// core/v1 WeightedPodAffinityTerm.
public struct WeightedPodAffinityTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The weight (1-100) added to a node's score when the term matches.
    public var weight: Int32 { get { self[field: "weight"] ?? 0 } set { self[field: "weight"] = newValue } }
    /// The term the weight applies to.
    public var podAffinityTerm: PodAffinityTerm {
        get { self[object: "podAffinityTerm"] }
        set { self[object: "podAffinityTerm"] = newValue }
    }
}

/// core/v1 TopologySpreadConstraint.
public struct TopologySpreadConstraint: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// How unevenly matching pods may be spread across topology domains.
    public var maxSkew: Int32 { get { self[field: "maxSkew"] ?? 0 } set { self[field: "maxSkew"] = newValue } }
    /// The node label whose values define topology domains.
    public var topologyKey: String {
        get { self[field: "topologyKey"] ?? "" }
        set { self[field: "topologyKey"] = newValue }
    }
    /// `DoNotSchedule` or `ScheduleAnyway`.
    public var whenUnsatisfiable: String {
        get { self[field: "whenUnsatisfiable"] ?? "" }
        set { self[field: "whenUnsatisfiable"] = newValue }
    }
    /// Selects the pods that count.
    public var labelSelector: LabelSelector? {
        get { self[field: "labelSelector"] }
        set { self[field: "labelSelector"] = newValue }
    }
    /// The minimum number of eligible domains; fewer count as skew.
    public var minDomains: Int32? { get { self[field: "minDomains"] } set { self[field: "minDomains"] = newValue } }
    /// `Honor` (default) or `Ignore`.
    public var nodeAffinityPolicy: String? {
        get { self[field: "nodeAffinityPolicy"] }
        set { self[field: "nodeAffinityPolicy"] = newValue }
    }
    /// `Honor` or `Ignore` (default).
    public var nodeTaintsPolicy: String? {
        get { self[field: "nodeTaintsPolicy"] }
        set { self[field: "nodeTaintsPolicy"] = newValue }
    }
    /// Label keys whose values, taken from the incoming pod, are added to the label selector.
    public var matchLabelKeys: [String] {
        get { self[list: "matchLabelKeys"] }
        set { self[list: "matchLabelKeys"] = newValue }
    }
}
