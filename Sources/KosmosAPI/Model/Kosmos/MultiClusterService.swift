/// multicluster.x-k8s.io/v1alpha1 ServiceExport (namespaced, short name `svcex`): exports the same-named Service to
/// the cluster set.
public struct ServiceExport: NamespacedResource {
    public static let apiVersion = "multicluster.x-k8s.io/v1alpha1"
    public static let kind = "ServiceExport"
    public static let plural = "serviceexports"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The observed state.
    public var status: ServiceExportStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            "ServiceExport declares that the Service with the same name and namespace as this export should be consumable from other clusters.",
            spec: nil,
            status: OpenAPISchema.object(
                "status describes the current state of an exported service.",
                ["conditions": OpenAPISchema.array(Condition.openAPISchema)]))
    }
}

/// A list of service exports.
public typealias ServiceExportList = ResourceList<ServiceExport>

/// multicluster.x-k8s.io/v1alpha1 ServiceImport (namespaced, short name `svcim`): a service imported from the
/// cluster set.
public struct ServiceImport: NamespacedResource {
    public static let apiVersion = "multicluster.x-k8s.io/v1alpha1"
    public static let kind = "ServiceImport"
    public static let plural = "serviceimports"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: ServiceImportSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: ServiceImportStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }

    /// The CRD schema.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.resource(
            "ServiceImport describes a service imported from clusters in a ClusterSet.",
            spec: ServiceImportSpec.openAPISchema,
            status: OpenAPISchema.object(
                "status contains information about the exported services that form the multi-cluster service referenced by this ServiceImport.",
                [
                    "clusters": OpenAPISchema.array(
                        OpenAPISchema.object(nil, ["cluster": OpenAPISchema.string()], required: ["cluster"]))
                ]),
            specRequired: false)
    }
}

/// A list of service imports.
public typealias ServiceImportList = ResourceList<ServiceImport>

/// multicluster.x-k8s.io/v1alpha1 ServiceImportSpec.
public struct ServiceImportSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `{name, protocol, appProtocol, port}`.
    public var ports: [ServicePort] { get { self[list: "ports"] } set { self[list: "ports"] = newValue } }
    /// The VIPs of a `ClusterSetIP` import.
    public var ips: [String] { get { self[list: "ips"] } set { self[list: "ips"] = newValue } }
    /// `ClusterSetIP` or `Headless`.
    public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
    /// `ClientIP` or `None`.
    public var sessionAffinity: String? {
        get { self[field: "sessionAffinity"] }
        set { self[field: "sessionAffinity"] = newValue }
    }
    /// Settings of client-IP session affinity.
    public var sessionAffinityConfig: JSONValue? {
        get { self[field: "sessionAffinityConfig"] }
        set { self[field: "sessionAffinityConfig"] = newValue }
    }

    static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "spec defines the behavior of a ServiceImport.",
            [
                "ips": OpenAPISchema.array(OpenAPISchema.string(), "ip will be used as the VIP for this service when type is ClusterSetIP."),
                "ports": OpenAPISchema.array(
                    OpenAPISchema.object(
                        "ServicePort represents the port on which the service is exposed",
                        [
                            "appProtocol": OpenAPISchema.string(),
                            "name": OpenAPISchema.string(),
                            "port": OpenAPISchema.integer(),
                            "protocol": OpenAPISchema.string(),
                        ], required: ["port"])),
                "sessionAffinity": OpenAPISchema.string(),
                "sessionAffinityConfig": OpenAPISchema.object(
                    nil,
                    [
                        "clientIP": OpenAPISchema.object(
                            nil, ["timeoutSeconds": OpenAPISchema.integer()])
                    ]),
                "type": OpenAPISchema.string(enum: ["ClusterSetIP", "Headless"]),
            ], required: ["ports", "type"])
    }
}

/// multicluster.x-k8s.io/v1alpha1 ServiceExportStatus.
public struct ServiceExportStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `Valid`, `Conflict`, ... conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}

/// multicluster.x-k8s.io/v1alpha1 ServiceImportStatus.
public struct ServiceImportStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The clusters exporting the service (`[{cluster}]`).
    public var clusters: [ClusterStatus] { get { self[list: "clusters"] } set { self[list: "clusters"] = newValue } }

    /// `{cluster}`: one exporting cluster.
    public struct ClusterStatus: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Creates the status of one exporting cluster.
        public init(cluster: String) {
            self.init(json: .object(JSONObject()))
            self.cluster = cluster
        }

        /// The cluster that exported the service.
        public var cluster: String { get { self[field: "cluster"] ?? "" } set { self[field: "cluster"] = newValue } }
    }
}
