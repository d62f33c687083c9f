/// kosmos.io/v1alpha1 Cluster: a member cluster joined to Kosmos (cluster-scoped, no status subresource).
///
/// Field names, defaults and enums are the Go Kosmos' (pkg/apis/kosmos/v1alpha1/cluster_types.go), so its YAML
/// decodes unchanged. Getters return the CRD default when a defaulted field is absent.
public struct Cluster: ClusterScopedResource {
    public static let apiVersion = "kosmos.io/v1alpha1"
    public static let kind = "Cluster"
    public static let plural = "clusters"

    /// Annotation marking the host (root) cluster: `kosmos.io/cluster-role: root`.
    public static let clusterRoleAnnotation = "kosmos.io/cluster-role"
    /// Label overriding the client-cache key.
    public static let actualClusterNameLabel = "kosmos.io/actual-cluster-name"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: ClusterSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: ClusterStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }

    /// Whether the cluster is the host (annotated `kosmos.io/cluster-role: root`).
    public var isRoot: Bool { metadata.annotations[Cluster.clusterRoleAnnotation] == "root" }
    /// Whether ClusterLink runs in P2P mode (`false` when `clusterLinkOptions` is absent, as upstream).
    public var isP2P: Bool { spec.clusterLinkOptions?.networkType == .p2p }
    /// Whether ClusterLink runs in gateway mode (`false` when `clusterLinkOptions` is absent, as upstream).
    public var isGateway: Bool { spec.clusterLinkOptions?.networkType == .gateway }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            spec: ClusterSpec.openAPISchema,
            status: OpenAPISchema.object(
                "Status describes the current status of a cluster.",
                [
                    "clusterLinkStatus": OpenAPISchema.object(
                        "ClusterLinkStatus contain the cluster network information",
                        [
                            "podCIDRs": OpenAPISchema.array(OpenAPISchema.string()),
                            "serviceCIDRs": OpenAPISchema.array(OpenAPISchema.string()),
                        ]),
                    "clusterTreeStatus": OpenAPISchema.object(
                        "ClusterTreeStatus contain the member cluster leafNode end status",
                        [
                            "leafNodeItems": OpenAPISchema.array(
                                OpenAPISchema.object(
                                    nil, ["leafNodeName": OpenAPISchema.string()], required: ["leafNodeName"]))
                        ]),
                ]))
    }
}

/// A list of clusters.
public typealias ClusterList = ResourceList<Cluster>

/// kosmos.io/v1alpha1 ClusterSpec.
public struct ClusterSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The default of `namespace`.
    public static let defaultNamespace = "kosmos-system"

    /// How the control plane reaches the member: kubeconfig bytes (base64 on the wire).
    public var kubeconfig: [UInt8]? {
        get { self[field: "kubeconfig"].flatMap { (s: String) in Base64Coding.decode(s) } }
        set { self[field: "kubeconfig"] = newValue.map(Base64Coding.encode) }
    }
    /// The kubeconfig as written on the wire (base64).
    public var kubeconfigBase64: String? {
        get { self[field: "kubeconfig"] }
        set { self[field: "kubeconfig"] = newValue }
    }
    /// `kosmos-system` when absent.
    public var namespace: String {
        get { self[field: "namespace"] ?? Self.defaultNamespace }
        set { self[field: "namespace"] = newValue }
    }
    /// The registry ClusterLink and ClusterTree images are pulled from.
    public var imageRepository: String? {
        get { self[field: "imageRepository"] }
        set { self[field: "imageRepository"] = newValue }
    }
    /// ClusterLink settings; `nil` when absent (upstream then treats the cluster as neither P2P nor gateway).
    public var clusterLinkOptions: ClusterLinkOptions? {
        get { self[field: "clusterLinkOptions"] }
        set { self[field: "clusterLinkOptions"] = newValue }
    }
    /// ClusterTree settings; `nil` when absent.
    public var clusterTreeOptions: ClusterTreeOptions? {
        get { self[field: "clusterTreeOptions"] }
        set { self[field: "clusterTreeOptions"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "Spec is the specification for the behaviour of the cluster.",
            [
                "clusterLinkOptions": ClusterLinkOptions.openAPISchema,
                "clusterTreeOptions": ClusterTreeOptions.openAPISchema,
                "imageRepository": OpenAPISchema.string(),
                "kubeconfig": OpenAPISchema.string(format: "byte"),
                "namespace": OpenAPISchema.string(default: defaultNamespace),
            ])
    }
}

/// kosmos.io/v1alpha1 ClusterLinkOptions.
public struct ClusterLinkOptions: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The default CNI name (`calico`).
    public static let defaultCNI = "calico"
    /// The default network type (`gateway`).
    public static let defaultNetworkType: NetworkType = .p2p
    /// The default IP family (`all`).
    public static let defaultIPFamily: IPFamilyType = .all
    /// The default bridge CIDRs ClusterLink allocates from.
    public static let defaultLocalCIDRs = VxlanCIDRs(ip: "210.0.0.0/8", ip6: "9480::/16")
    /// The default bridge CIDRs for the vxlan devices.
    public static let defaultBridgeCIDRs = VxlanCIDRs(ip: "220.0.0.0/8", ip6: "9470::/16")
    /// The default NIC name (`*`: detect).
    public static let defaultNICName = "*"

    /// `true` when absent.
    public var enable: Bool { get { self[field: "enable"] ?? true } set { self[field: "enable"] = newValue } }
    /// `calico` when absent (also `flannel`, `cilium`).
    public var cni: String { get { self[field: "cni"] ?? Self.defaultCNI } set { self[field: "cni"] = newValue } }
    /// `p2p` when absent.
    public var networkType: NetworkType {
        get { self[field: "networkType"] ?? Self.defaultNetworkType }
        set { self[field: "networkType"] = newValue }
    }
    /// `all` when absent.
    public var ipFamily: IPFamilyType {
        get { self[field: "ipFamily"] ?? Self.defaultIPFamily }
        set { self[field: "ipFamily"] = newValue }
    }
    /// Unused upstream; `false` when absent.
    public var useIPPool: Bool { get { self[field: "useIPPool"] ?? false } set { self[field: "useIPPool"] = newValue } }
    /// Address space of vx-local devices; `{210.0.0.0/8, 9480::/16}` when absent.
    public var localCIDRs: VxlanCIDRs {
        get { self[field: "localCIDRs"] ?? Self.defaultLocalCIDRs }
        set { self[field: "localCIDRs"] = newValue }
    }
    /// Address space of vx-bridge devices; `{220.0.0.0/8, 9470::/16}` when absent.
    public var bridgeCIDRs: VxlanCIDRs {
        get { self[field: "bridgeCIDRs"] ?? Self.defaultBridgeCIDRs }
        set { self[field: "bridgeCIDRs"] = newValue }
    }
    /// Per-node NIC overrides.
    public var nicNodeNames: [NICNodeNames] {
        get { self[list: "nicNodeNames"] }
        set { self[list: "nicNodeNames"] = newValue }
    }
    /// `*` (auto-detect) when absent.
    public var defaultNICName: String {
        get { self[field: "defaultNICName"] ?? Self.defaultNICName }
        set { self[field: "defaultNICName"] = newValue }
    }
    /// Real CIDR → global CIDR.
    public var globalCIDRsMap: [String: String] {
        get { self[map: "globalCIDRsMap"] }
        set { self[map: "globalCIDRsMap"] = newValue }
    }
    /// e.g. `can-reach=8.8.8.8`.
    public var autodetectionMethod: String? {
        get { self[field: "autodetectionMethod"] }
        set { self[field: "autodetectionMethod"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "autodetectionMethod": OpenAPISchema.string(),
                "bridgeCIDRs": VxlanCIDRs.openAPISchema(default: defaultBridgeCIDRs),
                "cni": OpenAPISchema.string(default: defaultCNI),
                "defaultNICName": OpenAPISchema.string(default: defaultNICName),
                "enable": OpenAPISchema.boolean(default: true),
                "globalCIDRsMap": OpenAPISchema.stringMap(),
                "ipFamily": OpenAPISchema.string(default: defaultIPFamily.rawValue),
                "localCIDRs": VxlanCIDRs.openAPISchema(default: defaultLocalCIDRs),
                "networkType": OpenAPISchema.string(
                    default: defaultNetworkType.rawValue, enum: [NetworkType.p2p.rawValue, NetworkType.gateway.rawValue]),
                "nicNodeNames": OpenAPISchema.array(NICNodeNames.openAPISchema),
                "useIPPool": OpenAPISchema.boolean(default: false),
            ])
    }
}

/// The ClusterLink network type: `p2p` or `gateway` (open set).
public struct NetworkType: OpenStringEnum {
    public var rawValue: String
    /// Wraps a network type string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every node tunnels directly to every node of the other clusters.
    public static let p2p: NetworkType = "p2p"
    /// Cross-cluster traffic goes through one gateway node per cluster.
    public static let gateway: NetworkType = "gateway"
}

/// The ClusterLink IP family: `all`, `ipv4` or `ipv6` (open set).
public struct IPFamilyType: OpenStringEnum {
    public var rawValue: String
    /// Wraps an IP family string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// IPv4 and IPv6.
    public static let all: IPFamilyType = "all"
    /// IPv4 only.
    public static let ipv4: IPFamilyType = "ipv4"
    /// IPv6 only.
    public static let ipv6: IPFamilyType = "ipv6"
}

/// kosmos.io/v1alpha1 VxlanCIDRs: an IPv4 and an IPv6 prefix.
public struct VxlanCIDRs: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates the IPv4 and IPv6 CIDRs of the vxlan devices.
    public init(ip: String, ip6: String) {
        self.init(json: .object(JSONObject()))
        self.ip = ip
        self.ip6 = ip6
    }

    /// The IPv4 CIDR.
    public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
    /// The IPv6 CIDR.
    public var ip6: String { get { self[field: "ip6"] ?? "" } set { self[field: "ip6"] = newValue } }

    static func openAPISchema(default value: VxlanCIDRs) -> JSONValue {
        OpenAPISchema.object(
            nil, ["ip": OpenAPISchema.string(), "ip6": OpenAPISchema.string()], required: ["ip", "ip6"],
            default: value.json)
    }
}

/// kosmos.io/v1alpha1 NICNodeNames: the interface to use on some nodes.
public struct NICNodeNames: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Names the interface to use on some nodes.
    public init(interfaceName: String, nodeName: [String]) {
        self.init(json: .object(JSONObject()))
        self.interfaceName = interfaceName
        self.nodeName = nodeName
    }

    /// The network interface to use on the named nodes.
    public var interfaceName: String {
        get { self[field: "interfaceName"] ?? "" }
        set { self[field: "interfaceName"] = newValue }
    }
    /// The node names (a list, despite the singular JSON name).
    public var nodeName: [String] { get { self[list: "nodeName"] } set { self[list: "nodeName"] = newValue } }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            ["interfaceName": OpenAPISchema.string(), "nodeName": OpenAPISchema.array(OpenAPISchema.string())],
            required: ["interfaceName", "nodeName"])
    }
}

/// kosmos.io/v1alpha1 ClusterTreeOptions.
public struct ClusterTreeOptions: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// How leaf nodes map member nodes (`ALL`: one leaf for the whole cluster, `Node`: one per node).
    public static let defaultLeafType = "k8s"

    /// `true` when absent.
    public var enable: Bool { get { self[field: "enable"] ?? true } set { self[field: "enable"] = newValue } }
    /// How the member shows up as leaf nodes; the mode is decided by the first model.
    public var leafModels: [LeafModel] { get { self[list: "leafModels"] } set { self[list: "leafModels"] = newValue } }
    /// `k8s` when absent.
    public var leafType: String {
        get { self[field: "leafType"] ?? Self.defaultLeafType }
        set { self[field: "leafType"] = newValue }
    }
    /// Access key for clusters reached through a cloud provider.
    public var accessKey: String? { get { self[field: "accessKey"] } set { self[field: "accessKey"] = newValue } }
    /// Secret key for clusters reached through a cloud provider.
    public var secretKey: String? { get { self[field: "secretKey"] } set { self[field: "secretKey"] = newValue } }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "accessKey": OpenAPISchema.string(),
                "enable": OpenAPISchema.boolean(default: true),
                "leafModels": OpenAPISchema.array(
                    LeafModel.openAPISchema,
                    "LeafModels provide an api to arrange the member cluster with some rules to pretend one or more leaf node"),
                "leafType": OpenAPISchema.string(default: defaultLeafType),
                "secretKey": OpenAPISchema.string(),
            ])
    }
}

/// kosmos.io/v1alpha1 LeafModel: one virtual node made of some member nodes.
public struct LeafModel: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The name of the leaf node.
    public var leafNodeName: String? {
        get { self[field: "leafNodeName"] }
        set { self[field: "leafNodeName"] = newValue }
    }
    /// Labels for the virtual node (not applied upstream).
    public var labels: [String: String] { get { self[map: "labels"] } set { self[map: "labels"] = newValue } }
    /// Taints for the virtual node (not applied upstream).
    public var taints: [Taint] { get { self[list: "taints"] } set { self[list: "taints"] = newValue } }
    /// Which member nodes make up the virtual node.
    public var nodeSelector: LeafNodeSelector {
        get { self[object: "nodeSelector"] }
        set { self[object: "nodeSelector"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "labels": OpenAPISchema.stringMap("Labels that will be setting in the pretended Node labels"),
                "leafNodeName": OpenAPISchema.string("LeafNodeName defines leaf name"),
                "nodeSelector": LeafNodeSelector.openAPISchema,
                "taints": OpenAPISchema.array(Taint.openAPISchema, "Taints attached to the leaf pretended Node."),
            ])
    }
}

/// kosmos.io/v1alpha1 NodeSelector (of a leaf model): one member node by name, or nodes by labels.
public struct LeafNodeSelector: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A member node's name (one-to-one mode).
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// Member nodes by labels (party mode).
    public var labelSelector: LabelSelector? {
        get { self[field: "labelSelector"] }
        set { self[field: "labelSelector"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "NodeSelector is a selector to select member cluster nodes to pretend a leaf node in clusterTree.",
            ["labelSelector": LabelSelector.openAPISchema, "nodeName": OpenAPISchema.string()])
    }
}

/// kosmos.io/v1alpha1 ClusterStatus.
public struct ClusterStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// What ClusterLink found in the member cluster (pod and service CIDRs).
    public var clusterLinkStatus: ClusterLinkStatus {
        get { self[object: "clusterLinkStatus"] }
        set { self[object: "clusterLinkStatus"] = newValue }
    }
    /// Leaf node items (unused upstream).
    public var clusterTreeStatus: ClusterTreeStatus {
        get { self[object: "clusterTreeStatus"] }
        set { self[object: "clusterTreeStatus"] = newValue }
    }
}

/// kosmos.io/v1alpha1 ClusterTreeStatus.
public struct ClusterTreeStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The leaf nodes that represent the cluster.
    public var leafNodeItems: [LeafNodeItem] {
        get { self[list: "leafNodeItems"] }
        set { self[list: "leafNodeItems"] = newValue }
    }
}

/// kosmos.io/v1alpha1 LeafNodeItem.
public struct LeafNodeItem: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Names one leaf node.
    public init(leafNodeName: String) {
        self.init(json: .object(JSONObject()))
        self.leafNodeName = leafNodeName
    }

    /// The name of the leaf node.
    public var leafNodeName: String {
        get { self[field: "leafNodeName"] ?? "" }
        set { self[field: "leafNodeName"] = newValue }
    }
}

/// kosmos.io/v1alpha1 ClusterLinkStatus: the member's pod and service CIDRs.
public struct ClusterLinkStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Pod CIDRs found in the cluster.
    public var podCIDRs: [String] { get { self[list: "podCIDRs"] } set { self[list: "podCIDRs"] = newValue } }
    /// Service CIDRs found in the cluster.
    public var serviceCIDRs: [String] {
        get { self[list: "serviceCIDRs"] }
        set { self[list: "serviceCIDRs"] = newValue }
    }
}
