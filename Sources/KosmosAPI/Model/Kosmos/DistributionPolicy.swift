/// kosmos.io/v1alpha1 DistributionPolicy (namespaced, short name `dp`): where the scheduler may place selected pods.
public struct DistributionPolicy: NamespacedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "DistributionPolicy"
    public static let plural = "distributionpolicies"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: DistributionSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            "DistributionPolicy represents the desired behavior of distribution.", spec: DistributionSpec.openAPISchema,
            status: nil)
    }
}

/// A list of distribution policies.
public typealias DistributionPolicyList = ResourceList<DistributionPolicy>

/// kosmos.io/v1alpha1 ClusterDistributionPolicy (cluster-scoped, short name `cdp`).
public struct ClusterDistributionPolicy: ClusterScopedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "ClusterDistributionPolicy"
    public static let plural = "clusterdistributionpolicies"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: DistributionSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            "ClusterDistributionPolicy represents the desired behavior of distribution for the whole cluster.",
            spec: DistributionSpec.openAPISchema, status: nil)
    }
}

/// A list of cluster distribution policies.
public typealias ClusterDistributionPolicyList = ResourceList<ClusterDistributionPolicy>

/// kosmos.io/v1alpha1 DistributionSpec.
public struct DistributionSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Which pods the policy applies to (at least one).
    public var resourceSelectors: [ResourceSelector] {
        get { self[list: "resourceSelectors"] }
        set { self[list: "resourceSelectors"] = newValue }
    }
    /// Named node-selection rules (at least one).
    public var policyTerms: [PolicyTerm] {
        get { self[list: "policyTerms"] }
        set { self[list: "policyTerms"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "DistributionSpec represents the desired behavior of DistributionPolicy.",
            [
                "policyTerms": OpenAPISchema.array(
                    PolicyTerm.openAPISchema, "PolicyTerms represents the rule for select nodes to distribute resources.",
                    minItems: 1),
                "resourceSelectors": OpenAPISchema.array(
                    ResourceSelector.openAPISchema, "ResourceSelectors used to select resources and is required.",
                    minItems: 1),
            ], required: ["policyTerms", "resourceSelectors"])
    }
}

/// kosmos.io/v1alpha1 ResourceSelector: pods by name, name prefix or labels, mapped to a policy term.
public struct ResourceSelector: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The `PolicyTerm` name to apply.
    public var policyName: String {
        get { self[field: "policyName"] ?? "" }
        set { self[field: "policyName"] = newValue }
    }
    /// The name.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// Selects objects whose name starts with this prefix.
    public var namePrefix: String? { get { self[field: "namePrefix"] } set { self[field: "namePrefix"] = newValue } }
    /// Ignored when `name` is set.
    public var labelSelector: LabelSelector? {
        get { self[field: "labelSelector"] }
        set { self[field: "labelSelector"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "ResourceSelector the resources will be selected.",
            [
                "labelSelector": LabelSelector.openAPISchema,
                "name": OpenAPISchema.string("Name of the target resource."),
                "namePrefix": OpenAPISchema.string("NamePrefix the prefix of the target resource name"),
                "policyName": OpenAPISchema.string("Name of the Policy."),
            ], required: ["policyName"])
    }
}

/// kosmos.io/v1alpha1 PolicyTerm.
public struct PolicyTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Where pods matched by the term go: `host`, `leaf`, `mix` or `adv`.
    public static let defaultNodeType: DistributionNodeType = .mix

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// `mix` when absent.
    public var nodeType: DistributionNodeType {
        get { self[field: "nodeType"] ?? Self.defaultNodeType }
        set { self[field: "nodeType"] = newValue }
    }
    /// Used when `nodeType` is `adv`.
    public var advancedTerm: AdvancedTerm {
        get { self[object: "advancedTerm"] }
        set { self[object: "advancedTerm"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "advancedTerm": AdvancedTerm.openAPISchema,
                "name": OpenAPISchema.string(),
                "nodeType": OpenAPISchema.string(
                    "NodeType declares the type for scheduling node. Valid options are \"host\", \"leaf\", \"mix\", \"adv\".",
                    default: defaultNodeType.rawValue, enum: ["host", "leaf", "mix", "adv"]),
            ], required: ["name"])
    }
}

/// Which nodes a policy term allows: `host` (real nodes), `leaf` (virtual nodes), `mix` (both), `adv`
/// (the advanced term). Open set.
public struct DistributionNodeType: OpenStringEnum {
    public var rawValue: String
    /// Wraps a node type string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Only nodes of the host cluster.
    public static let host: DistributionNodeType = "host"
    /// Only leaf nodes.
    public static let leaf: DistributionNodeType = "leaf"
    /// Host and leaf nodes.
    public static let mix: DistributionNodeType = "mix"
    /// Nodes chosen by the term's advanced rules.
    public static let adv: DistributionNodeType = "adv"
}

/// kosmos.io/v1alpha1 AdvancedTerm: node name, node selector and tolerations.
public struct AdvancedTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The node the pods go to.
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// Node labels the pod requires.
    public var nodeSelector: [String: String] {
        get { self[map: "nodeSelector"] }
        set { self[map: "nodeSelector"] = newValue }
    }
    /// Tolerations.
    public var tolerations: [Toleration] {
        get { self[list: "tolerations"] }
        set { self[list: "tolerations"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "AdvancedTerm represents scheduling restrictions to a certain set of nodes.",
            [
                "nodeName": OpenAPISchema.string(),
                "nodeSelector": OpenAPISchema.stringMap(),
                "tolerations": OpenAPISchema.array(Toleration.openAPISchema),
            ])
    }
}

/// kosmos.io/v1alpha1 WorkloadPolicy (namespaced, short name `wlp`; branch release-k8s1.21): spread pods over the
/// values of a topology key. Pods opt in with the label `workload-policy/kosmos.io: <policy name>`.
public struct WorkloadPolicy: NamespacedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "WorkloadPolicy"
    public static let plural = "workloadpolicies"

    /// The pod label naming the policy.
    public static let podLabel = "workload-policy/kosmos.io"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: WorkloadPolicySpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(spec: WorkloadPolicySpec.openAPISchema, status: nil)
    }
}

/// A list of workload policies.
public typealias WorkloadPolicyList = ResourceList<WorkloadPolicy>

/// kosmos.io/v1alpha1 WorkloadPolicySpec.
public struct WorkloadPolicySpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Whether the allocation is `Required` or `Preferred`.
    public static let defaultAllocationType: AllocationType = .preferred
    /// `Balance` or `Fill`.
    public static let defaultAllocationMethod: AllocationMethod = .balance

    /// The node label whose values define topology domains.
    public var topologyKey: String {
        get { self[field: "topologyKey"] ?? "" }
        set { self[field: "topologyKey"] = newValue }
    }
    /// Selects the pods that count.
    public var labelSelector: LabelSelector? {
        get { self[field: "labelSelector"] }
        set { self[field: "labelSelector"] = newValue }
    }
    /// Desired replicas per topology value.
    public var allocationPolicy: [AllocationPolicy] {
        get { self[list: "allocationPolicy"] }
        set { self[list: "allocationPolicy"] = newValue }
    }
    /// `Preferred` when absent.
    public var allocationType: AllocationType {
        get { self[field: "allocationType"] ?? Self.defaultAllocationType }
        set { self[field: "allocationType"] = newValue }
    }
    /// `Balance` when absent.
    public var allocationMethod: AllocationMethod {
        get { self[field: "allocationMethod"] ?? Self.defaultAllocationMethod }
        set { self[field: "allocationMethod"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "WorkloadPolicySpec represents the desired behavior of WorkloadPolicyPolicy.",
            [
                "allocationMethod": OpenAPISchema.string(
                    default: defaultAllocationMethod.rawValue, enum: ["Fill", "Balance"]),
                "allocationPolicy": OpenAPISchema.array(
                    OpenAPISchema.object(
                        "AllocationPolicy set the topologyValue required replicas",
                        ["name": OpenAPISchema.string(), "replicas": OpenAPISchema.integer()],
                        required: ["name", "replicas"])),
                "allocationType": OpenAPISchema.string(
                    default: defaultAllocationType.rawValue, enum: ["Preferred", "Required"]),
                "labelSelector": LabelSelector.openAPISchema,
                "topologyKey": OpenAPISchema.string(),
            ], required: ["allocationPolicy", "labelSelector", "topologyKey"])
    }
}

/// kosmos.io/v1alpha1 AllocationPolicy: replicas wanted for one topology value.
public struct AllocationPolicy: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Places `replicas` replicas in the domain `name`.
    public init(name: String, replicas: Int32) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.replicas = replicas
    }

    /// The topology value.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The replicas to place in this domain.
    public var replicas: Int32 { get { self[field: "replicas"] ?? 0 } set { self[field: "replicas"] = newValue } }
}

/// `Preferred` or `Required` (open set).
public struct AllocationType: OpenStringEnum {
    public var rawValue: String
    /// Wraps an allocation type string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The allocation is a preference.
    public static let preferred: AllocationType = "Preferred"
    /// The allocation must be met.
    public static let required: AllocationType = "Required"
}

/// `Balance` or `Fill` (open set).
public struct AllocationMethod: OpenStringEnum {
    public var rawValue: String
    /// Wraps an allocation method string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Spread replicas evenly.
    public static let balance: AllocationMethod = "Balance"
    /// Fill one domain before the next.
    public static let fill: AllocationMethod = "Fill"
}
