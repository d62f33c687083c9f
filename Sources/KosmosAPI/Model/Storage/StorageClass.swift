/// storage.k8s.io/v1 StorageClass: how claims of a class get volumes.
public struct StorageClass: ClusterScopedResource {
    public static let apiVersion = "storage.k8s.io/v1"
    public static let kind = "StorageClass"
    public static let plural = "storageclasses"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The provisioner that makes volumes of this class, e.g. `local.kosmos.io/hostpath`.
    public var provisioner: String {
        get { self[field: "provisioner"] ?? "" }
        set { self[field: "provisioner"] = newValue }
    }
    /// `Immediate` (default): claims are bound as soon as they exist; `WaitForFirstConsumer`: once a pod using the
    /// claim is scheduled, on that pod's node.
    public var volumeBindingMode: String {
        get { self[field: "volumeBindingMode"] ?? "Immediate" }
        set { self[field: "volumeBindingMode"] = newValue }
    }
    /// Whether claims of this class bind only once a consumer is scheduled.
    public var waitsForFirstConsumer: Bool { volumeBindingMode == "WaitForFirstConsumer" }
    /// `Delete` (default) or `Retain`, given to provisioned volumes.
    public var reclaimPolicy: String {
        get { self[field: "reclaimPolicy"] ?? "Delete" }
        set { self[field: "reclaimPolicy"] = newValue }
    }
    /// Whether a bound claim of this class may ask for more storage.
    public var allowVolumeExpansion: Bool {
        get { self[field: "allowVolumeExpansion"] ?? false }
        set { self[field: "allowVolumeExpansion"] = newValue }
    }
    /// Where volumes of this class can be provisioned: ORed terms of ANDed `{key, values}` label requirements;
    /// empty means anywhere.
    public var allowedTopologies: [JSONValue] {
        get { self[list: "allowedTopologies"] }
        set { self[list: "allowedTopologies"] = newValue }
    }

    /// Whether a node with these labels is in `allowedTopologies` (always, when the class has none).
    /// - Parameter labels: the node's labels.
    /// - Returns: whether some term's every requirement has the node's label value among its values.
    public func allowsTopology(_ labels: [String: String]) -> Bool {
        let terms = allowedTopologies
        if terms.isEmpty { return true }
        return terms.contains { term in
            (term["matchLabelExpressions"]?.arrayValue ?? []).allSatisfy { e in
                guard let key = e["key"]?.stringValue, let value = labels[key] else { return false }
                return (e["values"]?.arrayValue ?? []).contains { $0.stringValue == value }
            }
        }
    }
}

/// A list of storage classes.
public typealias StorageClassList = ResourceList<StorageClass>
