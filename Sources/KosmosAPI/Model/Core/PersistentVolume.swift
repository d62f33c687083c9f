/// core/v1 PersistentVolume.
public struct PersistentVolume: ClusterScopedResource {
    public static let apiVersion = "v1"
    public static let kind = "PersistentVolume"
    public static let plural = "persistentvolumes"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: PersistentVolumeSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: PersistentVolumeStatus {
        get { self[object: "status"] }
        set { self[object: "status"] = newValue }
    }
}

/// A list of persistent volumes.
public typealias PersistentVolumeList = ResourceList<PersistentVolume>

/// core/v1 PersistentVolumeSpec.
public struct PersistentVolumeSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The volume's size.
    public var capacity: [String: Quantity] {
        get { self[quantities: "capacity"] }
        set { self[quantities: "capacity"] = newValue }
    }
    /// How the volume can be mounted (`ReadWriteOnce`, ...).
    public var accessModes: [String] { get { self[list: "accessModes"] } set { self[list: "accessModes"] = newValue } }
    /// `Retain` (default for manual volumes), `Delete`, `Recycle`.
    public var persistentVolumeReclaimPolicy: String? {
        get { self[field: "persistentVolumeReclaimPolicy"] }
        set { self[field: "persistentVolumeReclaimPolicy"] = newValue }
    }
    /// The storage class.
    public var storageClassName: String? {
        get { self[field: "storageClassName"] }
        set { self[field: "storageClassName"] = newValue }
    }
    /// The claim bound to this volume.
    public var claimRef: ObjectReference? { get { self[field: "claimRef"] } set { self[field: "claimRef"] = newValue } }
    /// The nodes that can reach the volume (`{required: NodeSelector}`).
    public var nodeAffinity: VolumeNodeAffinity? {
        get { self[field: "nodeAffinity"] }
        set { self[field: "nodeAffinity"] = newValue }
    }
    /// `Filesystem` (default) or `Block`.
    public var volumeMode: String? { get { self[field: "volumeMode"] } set { self[field: "volumeMode"] = newValue } }
    /// Mount options.
    public var mountOptions: [String] {
        get { self[list: "mountOptions"] }
        set { self[list: "mountOptions"] = newValue }
    }
}

/// core/v1 VolumeNodeAffinity.
public struct VolumeNodeAffinity: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The nodes the volume can be reached from.
    public var required: NodeSelector? { get { self[field: "required"] } set { self[field: "required"] = newValue } }
}

/// core/v1 PersistentVolumeStatus.
public struct PersistentVolumeStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `Pending`, `Available`, `Bound`, `Released`, `Failed`.
    public var phase: String? { get { self[field: "phase"] } set { self[field: "phase"] = newValue } }
    /// A human-readable message.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// A machine-readable reason.
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
}

/// core/v1 PersistentVolumeClaim.
public struct PersistentVolumeClaim: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "PersistentVolumeClaim"
    public static let plural = "persistentvolumeclaims"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: PersistentVolumeClaimSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: PersistentVolumeClaimStatus {
        get { self[object: "status"] }
        set { self[object: "status"] = newValue }
    }
}

/// A list of persistent volume claims.
public typealias PersistentVolumeClaimList = ResourceList<PersistentVolumeClaim>

/// core/v1 PersistentVolumeClaimSpec.
public struct PersistentVolumeClaimSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// How the volume can be mounted (`ReadWriteOnce`, ...).
    public var accessModes: [String] { get { self[list: "accessModes"] } set { self[list: "accessModes"] = newValue } }
    /// Requested storage (`requests.storage`) and limits.
    public var resources: ResourceRequirements {
        get { self[object: "resources"] }
        set { self[object: "resources"] = newValue }
    }
    /// The bound volume's name.
    public var volumeName: String? { get { self[field: "volumeName"] } set { self[field: "volumeName"] = newValue } }
    /// The storage class.
    public var storageClassName: String? {
        get { self[field: "storageClassName"] }
        set { self[field: "storageClassName"] = newValue }
    }
    /// `Filesystem` or `Block`.
    public var volumeMode: String? { get { self[field: "volumeMode"] } set { self[field: "volumeMode"] = newValue } }
    /// Selects the pods (or volumes) this object manages.
    public var selector: LabelSelector? { get { self[field: "selector"] } set { self[field: "selector"] = newValue } }
    /// An object to populate the volume from.
    public var dataSource: JSONValue? { get { self[field: "dataSource"] } set { self[field: "dataSource"] = newValue } }
    /// An object, possibly of another group, to populate the volume from.
    public var dataSourceRef: JSONValue? {
        get { self[field: "dataSourceRef"] }
        set { self[field: "dataSourceRef"] = newValue }
    }
}

/// core/v1 PersistentVolumeClaimStatus.
public struct PersistentVolumeClaimStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `Pending`, `Bound`, `Lost`.
    public var phase: String? { get { self[field: "phase"] } set { self[field: "phase"] = newValue } }
    /// How the volume can be mounted (`ReadWriteOnce`, ...).
    public var accessModes: [String] { get { self[list: "accessModes"] } set { self[list: "accessModes"] = newValue } }
    /// The size of the bound volume.
    public var capacity: [String: Quantity] {
        get { self[quantities: "capacity"] }
        set { self[quantities: "capacity"] = newValue }
    }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}
