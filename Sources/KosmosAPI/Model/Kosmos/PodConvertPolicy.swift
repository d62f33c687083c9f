/// kosmos.io/v1alpha1 PodConvertPolicy (namespaced, short name `pcp`, status subresource): how a pod is rewritten
/// when it is copied from the host into a member cluster.
public struct PodConvertPolicy: NamespacedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "PodConvertPolicy"
    public static let plural = "podconvertpolicies"

    /// Annotation recording the policy applied to a leaf pod.
    public static let appliedAnnotation = "kosmos-io/convert-policy"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: PodConvertPolicySpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(spec: PodConvertPolicySpec.openAPISchema, status: nil)
    }
}

/// A list of pod convert policies.
public typealias PodConvertPolicyList = ResourceList<PodConvertPolicy>

/// kosmos.io/v1alpha1 ClusterPodConvertPolicy (cluster-scoped, status subresource).
public struct ClusterPodConvertPolicy: ClusterScopedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "ClusterPodConvertPolicy"
    public static let plural = "clusterpodconvertpolicies"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: PodConvertPolicySpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(spec: PodConvertPolicySpec.openAPISchema, status: nil)
    }
}

/// A list of cluster pod convert policies.
public typealias ClusterPodConvertPolicyList = ResourceList<ClusterPodConvertPolicy>

/// kosmos.io/v1alpha1 PodConvertPolicySpec (shared by both scopes).
public struct PodConvertPolicySpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Pods the policy applies to.
    public var labelSelector: LabelSelector {
        get { self[object: "labelSelector"] }
        set { self[object: "labelSelector"] = newValue }
    }
    /// Labels of the host's virtual node the pod is bound to; absent matches every node.
    public var leafNodeSelector: LabelSelector? {
        get { self[field: "leafNodeSelector"] }
        set { self[field: "leafNodeSelector"] = newValue }
    }
    /// The changes made to pods on their way to member clusters.
    public var converters: Converters? {
        get { self[field: "converters"] }
        set { self[field: "converters"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "Spec is the specification for the behaviour of the PodConvertPolicy.",
            [
                "converters": Converters.openAPISchema,
                "labelSelector": LabelSelector.openAPISchema,
                "leafNodeSelector": LabelSelector.openAPISchema,
            ], required: ["labelSelector"])
    }
}

/// kosmos.io/v1alpha1 Converters: one optional converter per pod field.
public struct Converters: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Changes the pod's scheduler name.
    public var schedulerNameConverter: PodFieldConverter? {
        get { self[field: "schedulerNameConverter"] }
        set { self[field: "schedulerNameConverter"] = newValue }
    }
    /// Changes the pod's node name.
    public var nodeNameConverter: PodFieldConverter? {
        get { self[field: "nodeNameConverter"] }
        set { self[field: "nodeNameConverter"] = newValue }
    }
    /// Changes the pod's node selector.
    public var nodeSelectorConverter: PodFieldConverter? {
        get { self[field: "nodeSelectorConverter"] }
        set { self[field: "nodeSelectorConverter"] = newValue }
    }
    /// Changes the pod's tolerations.
    public var tolerationConverter: PodFieldConverter? {
        get { self[field: "tolerationConverter"] }
        set { self[field: "tolerationConverter"] = newValue }
    }
    /// Changes the pod's affinity.
    public var affinityConverter: PodFieldConverter? {
        get { self[field: "affinityConverter"] }
        set { self[field: "affinityConverter"] = newValue }
    }
    /// Changes the pod's topology spread constraints.
    public var topologySpreadConstraintsConverter: PodFieldConverter? {
        get { self[field: "topologySpreadConstraintsConverter"] }
        set { self[field: "topologySpreadConstraintsConverter"] = newValue }
    }
    /// Changes the pod's host aliases.
    public var hostAliasesConverter: PodFieldConverter? {
        get { self[field: "hostAliasesConverter"] }
        set { self[field: "hostAliasesConverter"] = newValue }
    }

    static var openAPISchema: JSONValue {
        func converter(_ field: String, _ value: JSONValue) -> JSONValue {
            OpenAPISchema.object(
                nil,
                [
                    "convertType": OpenAPISchema.string(
                        enum: [ConvertType.add.rawValue, ConvertType.remove.rawValue, ConvertType.replace.rawValue]),
                    field: value,
                ], required: ["convertType"])
        }
        return OpenAPISchema.object(
            "Converters are some converter for convert pod when pod synced from root cluster to leaf cluster",
            [
                "affinityConverter": converter("affinity", OpenAPISchema.preserved("core/v1 Affinity")),
                "hostAliasesConverter": converter("hostAliases", OpenAPISchema.array(HostAlias.openAPISchema)),
                "nodeNameConverter": converter("nodeName", OpenAPISchema.string()),
                "nodeSelectorConverter": converter("nodeSelector", OpenAPISchema.stringMap()),
                "schedulerNameConverter": converter("schedulerName", OpenAPISchema.string()),
                "tolerationConverter": converter("tolerations", OpenAPISchema.array(Toleration.openAPISchema)),
                "topologySpreadConstraintsConverter": converter(
                    "topologySpreadConstraints",
                    OpenAPISchema.array(OpenAPISchema.preserved("core/v1 TopologySpreadConstraint"))),
            ])
    }
}

/// One converter: the operation and the value for its field (each converter uses one of the value fields).
public struct PodFieldConverter: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `add`, `remove` or `replace`.
    public var convertType: ConvertType {
        get { self[field: "convertType"] ?? "" }
        set { self[field: "convertType"] = newValue }
    }
    /// The scheduler name to set.
    public var schedulerName: String? {
        get { self[field: "schedulerName"] }
        set { self[field: "schedulerName"] = newValue }
    }
    /// The node name to set.
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// The node selector to set.
    public var nodeSelector: [String: String] {
        get { self[map: "nodeSelector"] }
        set { self[map: "nodeSelector"] = newValue }
    }
    /// The tolerations to set.
    public var tolerations: [Toleration] {
        get { self[list: "tolerations"] }
        set { self[list: "tolerations"] = newValue }
    }
    /// The affinity to set.
    public var affinity: Affinity? { get { self[field: "affinity"] } set { self[field: "affinity"] = newValue } }
    /// The topology spread constraints to set.
    public var topologySpreadConstraints: [TopologySpreadConstraint] {
        get { self[list: "topologySpreadConstraints"] }
        set { self[list: "topologySpreadConstraints"] = newValue }
    }
    /// The host aliases to set.
    public var hostAliases: [HostAlias] {
        get { self[list: "hostAliases"] }
        set { self[list: "hostAliases"] = newValue }
    }
}

/// A converter operation: `add`, `remove`, `replace` (open set).
public struct ConvertType: OpenStringEnum {
    public var rawValue: String
    /// Wraps a conversion type string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Add the converter's values.
    public static let add: ConvertType = "add"
    /// Remove the field.
    public static let remove: ConvertType = "remove"
    /// Replace the field with the converter's values.
    public static let replace: ConvertType = "replace"
}
