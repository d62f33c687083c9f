/// apps/v1 Deployment.
public struct Deployment: NamespacedResource {
    public static let apiVersion = "apps/v1"
    public static let kind = "Deployment"
    public static let plural = "deployments"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: DeploymentSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: WorkloadStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of deployments.
public typealias DeploymentList = ResourceList<Deployment>

/// apps/v1 DeploymentSpec.
public struct DeploymentSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// 1 when absent.
    public var replicas: Int32 { get { self[field: "replicas"] ?? 1 } set { self[field: "replicas"] = newValue } }
    /// Selects the pods (or volumes) this object manages.
    public var selector: LabelSelector { get { self[object: "selector"] } set { self[object: "selector"] = newValue } }
    /// The pods to create.
    public var template: PodTemplateSpec {
        get { self[object: "template"] }
        set { self[object: "template"] = newValue }
    }
    /// How old pods are replaced by new ones.
    public var strategy: DeploymentStrategy {
        get { self[object: "strategy"] }
        set { self[object: "strategy"] = newValue }
    }
    /// How long a new pod must be ready to count as available.
    public var minReadySeconds: Int32 {
        get { self[field: "minReadySeconds"] ?? 0 }
        set { self[field: "minReadySeconds"] = newValue }
    }
    /// 10 when absent.
    public var revisionHistoryLimit: Int32 {
        get { self[field: "revisionHistoryLimit"] ?? 10 }
        set { self[field: "revisionHistoryLimit"] = newValue }
    }
    /// 600 when absent.
    public var progressDeadlineSeconds: Int32 {
        get { self[field: "progressDeadlineSeconds"] ?? 600 }
        set { self[field: "progressDeadlineSeconds"] = newValue }
    }
    /// Whether rollouts are paused.
    public var paused: Bool {
        get { self[field: "paused"] ?? false }
        set { self[field: "paused"] = newValue ? true : nil }
    }
}

/// apps/v1 DeploymentStrategy.
public struct DeploymentStrategy: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `RollingUpdate` (default) or `Recreate`.
    public var type: String { get { self[field: "type"] ?? "RollingUpdate" } set { self[field: "type"] = newValue } }
    /// Parameters of a rolling update.
    public var rollingUpdate: RollingUpdate {
        get { self[object: "rollingUpdate"] }
        set { self[object: "rollingUpdate"] = newValue }
    }
}

/// apps/v1 RollingUpdateDeployment / RollingUpdateDaemonSet (maxUnavailable, maxSurge).
public struct RollingUpdate: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// How many pods may be unavailable during an update (number or percentage).
    public var maxUnavailable: IntOrString? {
        get { self[field: "maxUnavailable"] }
        set { self[field: "maxUnavailable"] = newValue }
    }
    /// How many pods may exist above the desired count during an update (number or percentage).
    public var maxSurge: IntOrString? { get { self[field: "maxSurge"] } set { self[field: "maxSurge"] = newValue } }
    /// StatefulSet only.
    public var partition: Int32? { get { self[field: "partition"] } set { self[field: "partition"] = newValue } }
}

/// The status shared by Deployment, ReplicaSet and StatefulSet.
public struct WorkloadStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The generation the controller last acted on.
    public var observedGeneration: Int64? {
        get { self[field: "observedGeneration"] }
        set { self[field: "observedGeneration"] = newValue }
    }
    /// The pods that exist.
    public var replicas: Int32 { get { self[field: "replicas"] ?? 0 } set { self[field: "replicas"] = newValue } }
    /// Pods matching the current template.
    public var updatedReplicas: Int32 {
        get { self[field: "updatedReplicas"] ?? 0 }
        set { self[field: "updatedReplicas"] = newValue }
    }
    /// Pods that are ready.
    public var readyReplicas: Int32 {
        get { self[field: "readyReplicas"] ?? 0 }
        set { self[field: "readyReplicas"] = newValue }
    }
    /// Pods ready for at least `minReadySeconds`.
    public var availableReplicas: Int32 {
        get { self[field: "availableReplicas"] ?? 0 }
        set { self[field: "availableReplicas"] = newValue }
    }
    /// Pods still missing to reach the desired count.
    public var unavailableReplicas: Int32 {
        get { self[field: "unavailableReplicas"] ?? 0 }
        set { self[field: "unavailableReplicas"] = newValue }
    }
    /// ReplicaSet only.
    public var fullyLabeledReplicas: Int32? {
        get { self[field: "fullyLabeledReplicas"] }
        set { self[field: "fullyLabeledReplicas"] = newValue }
    }
    /// StatefulSet only.
    public var currentReplicas: Int32? {
        get { self[field: "currentReplicas"] }
        set { self[field: "currentReplicas"] = newValue }
    }
    /// The revision of the current pods.
    public var currentRevision: String? {
        get { self[field: "currentRevision"] }
        set { self[field: "currentRevision"] = newValue }
    }
    /// The revision being rolled out.
    public var updateRevision: String? {
        get { self[field: "updateRevision"] }
        set { self[field: "updateRevision"] = newValue }
    }
    /// Hash collisions met while naming revisions.
    public var collisionCount: Int32? {
        get { self[field: "collisionCount"] }
        set { self[field: "collisionCount"] = newValue }
    }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}

/// apps/v1 ReplicaSet.
public struct ReplicaSet: NamespacedResource {
    public static let apiVersion = "apps/v1"
    public static let kind = "ReplicaSet"
    public static let plural = "replicasets"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: ReplicaSetSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: WorkloadStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of replica sets.
public typealias ReplicaSetList = ResourceList<ReplicaSet>

/// apps/v1 ReplicaSetSpec.
public struct ReplicaSetSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// 1 when absent.
    public var replicas: Int32 { get { self[field: "replicas"] ?? 1 } set { self[field: "replicas"] = newValue } }
    /// Selects the pods (or volumes) this object manages.
    public var selector: LabelSelector { get { self[object: "selector"] } set { self[object: "selector"] = newValue } }
    /// The pods to create.
    public var template: PodTemplateSpec {
        get { self[object: "template"] }
        set { self[object: "template"] = newValue }
    }
    /// How long a new pod must be ready to count as available.
    public var minReadySeconds: Int32 {
        get { self[field: "minReadySeconds"] ?? 0 }
        set { self[field: "minReadySeconds"] = newValue }
    }
}

/// apps/v1 DaemonSet.
public struct DaemonSet: NamespacedResource {
    public static let apiVersion = "apps/v1"
    public static let kind = "DaemonSet"
    public static let plural = "daemonsets"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: DaemonSetSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: DaemonSetStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of daemon sets.
public typealias DaemonSetList = ResourceList<DaemonSet>

/// apps/v1 DaemonSetSpec.
public struct DaemonSetSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Selects the pods (or volumes) this object manages.
    public var selector: LabelSelector { get { self[object: "selector"] } set { self[object: "selector"] = newValue } }
    /// The pods to create.
    public var template: PodTemplateSpec {
        get { self[object: "template"] }
        set { self[object: "template"] = newValue }
    }
    /// How pods are replaced on template changes.
    public var updateStrategy: DaemonSetUpdateStrategy {
        get { self[object: "updateStrategy"] }
        set { self[object: "updateStrategy"] = newValue }
    }
    /// How long a new pod must be ready to count as available.
    public var minReadySeconds: Int32 {
        get { self[field: "minReadySeconds"] ?? 0 }
        set { self[field: "minReadySeconds"] = newValue }
    }
    /// 10 when absent.
    public var revisionHistoryLimit: Int32 {
        get { self[field: "revisionHistoryLimit"] ?? 10 }
        set { self[field: "revisionHistoryLimit"] = newValue }
    }
}

/// apps/v1 DaemonSetUpdateStrategy.
public struct DaemonSetUpdateStrategy: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `RollingUpdate` (default) or `OnDelete`.
    public var type: String { get { self[field: "type"] ?? "RollingUpdate" } set { self[field: "type"] = newValue } }
    /// maxUnavailable defaults to 1, maxSurge to 0.
    public var rollingUpdate: RollingUpdate {
        get { self[object: "rollingUpdate"] }
        set { self[object: "rollingUpdate"] = newValue }
    }
}

/// apps/v1 DaemonSetStatus.
public struct DaemonSetStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Nodes running a daemon pod that should.
    public var currentNumberScheduled: Int32 {
        get { self[field: "currentNumberScheduled"] ?? 0 }
        set { self[field: "currentNumberScheduled"] = newValue }
    }
    /// Nodes running a daemon pod that should not.
    public var numberMisscheduled: Int32 {
        get { self[field: "numberMisscheduled"] ?? 0 }
        set { self[field: "numberMisscheduled"] = newValue }
    }
    /// Nodes that should run a daemon pod.
    public var desiredNumberScheduled: Int32 {
        get { self[field: "desiredNumberScheduled"] ?? 0 }
        set { self[field: "desiredNumberScheduled"] = newValue }
    }
    /// Nodes whose daemon pod is ready.
    public var numberReady: Int32 {
        get { self[field: "numberReady"] ?? 0 }
        set { self[field: "numberReady"] = newValue }
    }
    /// The generation the controller last acted on.
    public var observedGeneration: Int64? {
        get { self[field: "observedGeneration"] }
        set { self[field: "observedGeneration"] = newValue }
    }
    /// Nodes running the current daemon pod.
    public var updatedNumberScheduled: Int32? {
        get { self[field: "updatedNumberScheduled"] }
        set { self[field: "updatedNumberScheduled"] = newValue }
    }
    /// Nodes whose daemon pod is available.
    public var numberAvailable: Int32? {
        get { self[field: "numberAvailable"] }
        set { self[field: "numberAvailable"] = newValue }
    }
    /// Nodes whose daemon pod should run but is not available.
    public var numberUnavailable: Int32? {
        get { self[field: "numberUnavailable"] }
        set { self[field: "numberUnavailable"] = newValue }
    }
    /// Hash collisions met while naming revisions.
    public var collisionCount: Int32? {
        get { self[field: "collisionCount"] }
        set { self[field: "collisionCount"] = newValue }
    }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}

/// apps/v1 StatefulSet.
public struct StatefulSet: NamespacedResource {
    public static let apiVersion = "apps/v1"
    public static let kind = "StatefulSet"
    public static let plural = "statefulsets"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: StatefulSetSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: WorkloadStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of stateful sets.
public typealias StatefulSetList = ResourceList<StatefulSet>

/// apps/v1 StatefulSetSpec.
public struct StatefulSetSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// 1 when absent.
    public var replicas: Int32 { get { self[field: "replicas"] ?? 1 } set { self[field: "replicas"] = newValue } }
    /// Selects the pods (or volumes) this object manages.
    public var selector: LabelSelector { get { self[object: "selector"] } set { self[object: "selector"] = newValue } }
    /// The pods to create.
    public var template: PodTemplateSpec {
        get { self[object: "template"] }
        set { self[object: "template"] = newValue }
    }
    /// The headless Service that names the pods.
    public var serviceName: String? { get { self[field: "serviceName"] } set { self[field: "serviceName"] = newValue } }
    /// Claims created for each pod.
    public var volumeClaimTemplates: [PersistentVolumeClaim] {
        get { self[list: "volumeClaimTemplates"] }
        set { self[list: "volumeClaimTemplates"] = newValue }
    }
    /// `OrderedReady` (default) or `Parallel`.
    public var podManagementPolicy: String {
        get { self[field: "podManagementPolicy"] ?? "OrderedReady" }
        set { self[field: "podManagementPolicy"] = newValue }
    }
    /// `{type: RollingUpdate|OnDelete, rollingUpdate: {partition, maxUnavailable}}`.
    public var updateStrategy: DaemonSetUpdateStrategy {
        get { self[object: "updateStrategy"] }
        set { self[object: "updateStrategy"] = newValue }
    }
    /// 10 when absent.
    public var revisionHistoryLimit: Int32 {
        get { self[field: "revisionHistoryLimit"] ?? 10 }
        set { self[field: "revisionHistoryLimit"] = newValue }
    }
    /// How long a new pod must be ready to count as available.
    public var minReadySeconds: Int32 {
        get { self[field: "minReadySeconds"] ?? 0 }
        set { self[field: "minReadySeconds"] = newValue }
    }
    /// Whether claims are deleted when the set is deleted or scaled down.
    public var persistentVolumeClaimRetentionPolicy: JSONValue? {
        get { self[field: "persistentVolumeClaimRetentionPolicy"] }
        set { self[field: "persistentVolumeClaimRetentionPolicy"] = newValue }
    }
}
