/// core/v1 Pod.
public struct Pod: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Pod"
    public static let plural = "pods"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: PodSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: PodStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of pods.
public typealias PodList = ResourceList<Pod>

/// core/v1 PodSpec (the fields controllers use; everything else stays in `json`).
public struct PodSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The scheduler name kube-apiserver defaults an absent `schedulerName` to.
    public static let defaultSchedulerName = "default-scheduler"

    /// The containers.
    public var containers: [Container] { get { self[list: "containers"] } set { self[list: "containers"] = newValue } }
    /// Containers run to completion, in order, before the others.
    public var initContainers: [Container] {
        get { self[list: "initContainers"] }
        set { self[list: "initContainers"] = newValue }
    }
    /// Containers added to a running pod for debugging.
    public var ephemeralContainers: [JSONValue] {
        get { self[list: "ephemeralContainers"] }
        set { self[list: "ephemeralContainers"] = newValue }
    }
    /// The volumes containers may mount.
    public var volumes: [Volume] { get { self[list: "volumes"] } set { self[list: "volumes"] = newValue } }
    /// The node the pod is bound to; empty until scheduled.
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// Node labels the pod requires.
    public var nodeSelector: [String: String] {
        get { self[map: "nodeSelector"] }
        set { self[map: "nodeSelector"] = newValue }
    }
    /// Affinity rules.
    public var affinity: Affinity? { get { self[field: "affinity"] } set { self[field: "affinity"] = newValue } }
    /// Tolerations.
    public var tolerations: [Toleration] {
        get { self[list: "tolerations"] }
        set { self[list: "tolerations"] = newValue }
    }
    /// `default-scheduler` when absent.
    public var schedulerName: String {
        get { self[field: "schedulerName"] ?? Self.defaultSchedulerName }
        set { self[field: "schedulerName"] = newValue }
    }
    /// The pod's priority (from its priority class).
    public var priority: Int32? { get { self[field: "priority"] } set { self[field: "priority"] = newValue } }
    /// The priority class.
    public var priorityClassName: String? {
        get { self[field: "priorityClassName"] }
        set { self[field: "priorityClassName"] = newValue }
    }
    /// `PreemptLowerPriority` (default) or `Never`.
    public var preemptionPolicy: String? {
        get { self[field: "preemptionPolicy"] }
        set { self[field: "preemptionPolicy"] = newValue }
    }
    /// Resources the runtime adds on top of the containers'.
    public var overhead: [String: Quantity] {
        get { self[quantities: "overhead"] }
        set { self[quantities: "overhead"] = newValue }
    }
    /// How pods spread over topology domains.
    public var topologySpreadConstraints: [TopologySpreadConstraint] {
        get { self[list: "topologySpreadConstraints"] }
        set { self[list: "topologySpreadConstraints"] = newValue }
    }
    /// The service account the pod runs as.
    public var serviceAccountName: String? {
        get { self[field: "serviceAccountName"] }
        set { self[field: "serviceAccountName"] = newValue }
    }
    /// Deprecated alias of `serviceAccountName`.
    public var serviceAccount: String? {
        get { self[field: "serviceAccount"] }
        set { self[field: "serviceAccount"] = newValue }
    }
    /// Whether a service account token is mounted into pods.
    public var automountServiceAccountToken: Bool? {
        get { self[field: "automountServiceAccountToken"] }
        set { self[field: "automountServiceAccountToken"] = newValue }
    }
    /// Secrets used to pull images.
    public var imagePullSecrets: [LocalObjectReference] {
        get { self[list: "imagePullSecrets"] }
        set { self[list: "imagePullSecrets"] = newValue }
    }
    /// `Always` (default), `OnFailure` or `Never`.
    public var restartPolicy: String {
        get { self[field: "restartPolicy"] ?? "Always" }
        set { self[field: "restartPolicy"] = newValue }
    }
    /// 30 seconds when absent.
    public var terminationGracePeriodSeconds: Int64 {
        get { self[field: "terminationGracePeriodSeconds"] ?? 30 }
        set { self[field: "terminationGracePeriodSeconds"] = newValue }
    }
    /// How long the pod may run before it is failed.
    public var activeDeadlineSeconds: Int64? {
        get { self[field: "activeDeadlineSeconds"] }
        set { self[field: "activeDeadlineSeconds"] = newValue }
    }
    /// `ClusterFirst` when absent.
    public var dnsPolicy: String {
        get { self[field: "dnsPolicy"] ?? "ClusterFirst" }
        set { self[field: "dnsPolicy"] = newValue }
    }
    /// Extra DNS settings.
    public var dnsConfig: JSONValue? { get { self[field: "dnsConfig"] } set { self[field: "dnsConfig"] = newValue } }
    /// Whether the pod uses the node's network namespace.
    public var hostNetwork: Bool {
        get { self[field: "hostNetwork"] ?? false }
        set { self[field: "hostNetwork"] = newValue ? true : nil }
    }
    /// Extra `/etc/hosts` entries.
    public var hostAliases: [HostAlias] {
        get { self[list: "hostAliases"] }
        set { self[list: "hostAliases"] = newValue }
    }
    /// The host name.
    public var hostname: String? { get { self[field: "hostname"] } set { self[field: "hostname"] = newValue } }
    /// The subdomain for the pod's DNS name.
    public var subdomain: String? { get { self[field: "subdomain"] } set { self[field: "subdomain"] = newValue } }
    /// The runtime class.
    public var runtimeClassName: String? {
        get { self[field: "runtimeClassName"] }
        set { self[field: "runtimeClassName"] = newValue }
    }
    /// Security settings.
    public var securityContext: JSONValue? {
        get { self[field: "securityContext"] }
        set { self[field: "securityContext"] = newValue }
    }

    /// What the scheduler accounts for the pod: per resource, the larger of the sum over regular (and sidecar)
    /// containers and the largest init container, plus `overhead` (k8s.io/component-helpers resource.PodRequests
    /// for pods without pod-level resources).
    public var effectiveRequests: [String: Quantity] {
        var sum: [String: Quantity] = [:]
        for c in containers { sum = sum + c.resources.requests }
        var initMax: [String: Quantity] = [:]
        var sidecars: [String: Quantity] = [:]
        for c in initContainers {
            let r = c.resources.requests
            if c.restartPolicy == "Always" {
                sidecars = sidecars + r
                initMax = initMax.max(sidecars)
            } else {
                initMax = initMax.max(r + sidecars)
            }
        }
        var total = (sum + sidecars).max(initMax)
        if !overhead.isEmpty { total = total + overhead }
        return total
    }
}

/// core/v1 HostAlias.
public struct HostAlias: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates an `/etc/hosts` entry.
    public init(ip: String, hostnames: [String]) {
        self.init(json: .object(JSONObject()))
        self.ip = ip
        self.hostnames = hostnames
    }

    /// The IP address.
    public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
    /// The host names for the IP.
    public var hostnames: [String] { get { self[list: "hostnames"] } set { self[list: "hostnames"] = newValue } }
}

/// core/v1 PodTemplateSpec: metadata and spec of the pods a workload creates.
public struct PodTemplateSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The pods' metadata (labels, annotations).
    public var metadata: ObjectMeta { get { self[object: "metadata"] } set { self[object: "metadata"] = newValue } }
    /// The desired state.
    public var spec: PodSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
}

// MARK: - Containers

/// core/v1 Container.
public struct Container: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a container running `image`.
    public init(name: String, image: String) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.image = image
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The container image.
    public var image: String? { get { self[field: "image"] } set { self[field: "image"] = newValue } }
    /// The entrypoint (overrides the image's).
    public var command: [String] { get { self[list: "command"] } set { self[list: "command"] = newValue } }
    /// Arguments to the entrypoint.
    public var args: [String] { get { self[list: "args"] } set { self[list: "args"] = newValue } }
    /// The working directory.
    public var workingDir: String? { get { self[field: "workingDir"] } set { self[field: "workingDir"] = newValue } }
    /// Ports the container listens on.
    public var ports: [ContainerPort] { get { self[list: "ports"] } set { self[list: "ports"] = newValue } }
    /// Environment variables.
    public var env: [EnvVar] { get { self[list: "env"] } set { self[list: "env"] = newValue } }
    /// Sources of environment variables.
    public var envFrom: [EnvFromSource] { get { self[list: "envFrom"] } set { self[list: "envFrom"] = newValue } }
    /// The container's resource requests and limits.
    public var resources: ResourceRequirements {
        get { self[object: "resources"] }
        set { self[object: "resources"] = newValue }
    }
    /// Volumes mounted into the container.
    public var volumeMounts: [VolumeMount] {
        get { self[list: "volumeMounts"] }
        set { self[list: "volumeMounts"] = newValue }
    }
    /// `Always`, `IfNotPresent` or `Never` (kube-apiserver defaults it from the image tag).
    public var imagePullPolicy: String? {
        get { self[field: "imagePullPolicy"] }
        set { self[field: "imagePullPolicy"] = newValue }
    }
    /// `Always` on an init container makes it a sidecar.
    public var restartPolicy: String? {
        get { self[field: "restartPolicy"] }
        set { self[field: "restartPolicy"] = newValue }
    }
    /// Security settings.
    public var securityContext: JSONValue? {
        get { self[field: "securityContext"] }
        set { self[field: "securityContext"] = newValue }
    }
    /// Restarts the container when it fails.
    public var livenessProbe: JSONValue? {
        get { self[field: "livenessProbe"] }
        set { self[field: "livenessProbe"] = newValue }
    }
    /// Takes the pod out of service endpoints when it fails.
    public var readinessProbe: JSONValue? {
        get { self[field: "readinessProbe"] }
        set { self[field: "readinessProbe"] = newValue }
    }
    /// Must pass before the other probes run.
    public var startupProbe: JSONValue? {
        get { self[field: "startupProbe"] }
        set { self[field: "startupProbe"] = newValue }
    }
}

/// core/v1 ContainerPort.
public struct ContainerPort: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a container port.
    public init(name: String? = nil, containerPort: Int32, protocol proto: String? = nil) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.containerPort = containerPort
        self[field: "protocol"] = proto
    }

    /// The name.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// The port the container listens on.
    public var containerPort: Int32 {
        get { self[field: "containerPort"] ?? 0 }
        set { self[field: "containerPort"] = newValue }
    }
    /// The node port the container port is exposed on.
    public var hostPort: Int32? { get { self[field: "hostPort"] } set { self[field: "hostPort"] = newValue } }
    /// The node IP the host port binds to.
    public var hostIP: String? { get { self[field: "hostIP"] } set { self[field: "hostIP"] = newValue } }
    /// `TCP` when absent.
    public var `protocol`: String {
        get { self[field: "protocol"] ?? "TCP" }
        set { self[field: "protocol"] = newValue }
    }
}

/// core/v1 EnvVar.
public struct EnvVar: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a variable with a literal value.
    public init(name: String, value: String) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.value = value
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The value.
    public var value: String? { get { self[field: "value"] } set { self[field: "value"] = newValue } }
    /// Where the value comes from.
    public var valueFrom: EnvVarSource? { get { self[field: "valueFrom"] } set { self[field: "valueFrom"] = newValue } }
}

/// core/v1 EnvVarSource.
public struct EnvVarSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A key of a ConfigMap.
    public var configMapKeyRef: KeySelector? {
        get { self[field: "configMapKeyRef"] }
        set { self[field: "configMapKeyRef"] = newValue }
    }
    /// A key of a Secret.
    public var secretKeyRef: KeySelector? {
        get { self[field: "secretKeyRef"] }
        set { self[field: "secretKeyRef"] = newValue }
    }
    /// `{fieldPath, apiVersion}`.
    public var fieldRef: JSONValue? { get { self[field: "fieldRef"] } set { self[field: "fieldRef"] = newValue } }
    /// A resource limit or request of a container.
    public var resourceFieldRef: JSONValue? {
        get { self[field: "resourceFieldRef"] }
        set { self[field: "resourceFieldRef"] = newValue }
    }
}

/// core/v1 ConfigMapKeySelector / SecretKeySelector.
public struct KeySelector: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The key in the ConfigMap or Secret.
    public var key: String { get { self[field: "key"] ?? "" } set { self[field: "key"] = newValue } }
    /// Whether the source may be missing.
    public var optional: Bool? { get { self[field: "optional"] } set { self[field: "optional"] = newValue } }
}

/// core/v1 EnvFromSource.
public struct EnvFromSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A prefix added to every variable name.
    public var prefix: String? { get { self[field: "prefix"] } set { self[field: "prefix"] = newValue } }
    /// `{name, optional}`.
    public var configMapRef: KeySelector? {
        get { self[field: "configMapRef"] }
        set { self[field: "configMapRef"] = newValue }
    }
    /// `{name, optional}`.
    public var secretRef: KeySelector? { get { self[field: "secretRef"] } set { self[field: "secretRef"] = newValue } }
}

/// core/v1 VolumeMount.
public struct VolumeMount: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Mounts the volume `name` at `mountPath`.
    public init(name: String, mountPath: String, readOnly: Bool? = nil) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// Where the volume appears in the container.
    public var mountPath: String { get { self[field: "mountPath"] ?? "" } set { self[field: "mountPath"] = newValue } }
    /// Whether the mount is read-only.
    public var readOnly: Bool? { get { self[field: "readOnly"] } set { self[field: "readOnly"] = newValue } }
    /// A path inside the volume to mount instead of its root.
    public var subPath: String? { get { self[field: "subPath"] } set { self[field: "subPath"] = newValue } }
}

// MARK: - Volumes

/// core/v1 Volume: a name and one volume source.
public struct Volume: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a volume; set its source.
    public init(name: String) {
        self.init(json: .object(JSONObject()))
        self.name = name
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// A ConfigMap.
    public var configMap: ConfigMapVolumeSource? {
        get { self[field: "configMap"] }
        set { self[field: "configMap"] = newValue }
    }
    /// A Secret.
    public var secret: SecretVolumeSource? { get { self[field: "secret"] } set { self[field: "secret"] = newValue } }
    /// A PersistentVolumeClaim.
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource? {
        get { self[field: "persistentVolumeClaim"] }
        set { self[field: "persistentVolumeClaim"] = newValue }
    }
    /// Several sources in one directory.
    public var projected: ProjectedVolumeSource? {
        get { self[field: "projected"] }
        set { self[field: "projected"] = newValue }
    }
    /// An empty directory that lives as long as the pod.
    public var emptyDir: JSONValue? { get { self[field: "emptyDir"] } set { self[field: "emptyDir"] = newValue } }
    /// `{path, type}`.
    public var hostPath: JSONValue? { get { self[field: "hostPath"] } set { self[field: "hostPath"] = newValue } }
    /// Fields of the pod.
    public var downwardAPI: JSONValue? {
        get { self[field: "downwardAPI"] }
        set { self[field: "downwardAPI"] = newValue }
    }
}

/// core/v1 ConfigMapVolumeSource (also the shape of a projected config map).
public struct ConfigMapVolumeSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// `[{key, path, mode}]`.
    public var items: [JSONValue] { get { self[list: "items"] } set { self[list: "items"] = newValue } }
    /// The default file mode.
    public var defaultMode: Int32? { get { self[field: "defaultMode"] } set { self[field: "defaultMode"] = newValue } }
    /// Whether the source may be missing.
    public var optional: Bool? { get { self[field: "optional"] } set { self[field: "optional"] = newValue } }
}

/// core/v1 SecretVolumeSource.
public struct SecretVolumeSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The Secret.
    public var secretName: String? { get { self[field: "secretName"] } set { self[field: "secretName"] = newValue } }
    /// The keys to project, with their paths; empty projects all.
    public var items: [JSONValue] { get { self[list: "items"] } set { self[list: "items"] = newValue } }
    /// The default file mode.
    public var defaultMode: Int32? { get { self[field: "defaultMode"] } set { self[field: "defaultMode"] = newValue } }
    /// Whether the source may be missing.
    public var optional: Bool? { get { self[field: "optional"] } set { self[field: "optional"] = newValue } }
}

/// core/v1 PersistentVolumeClaimVolumeSource.
public struct PersistentVolumeClaimVolumeSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The claim.
    public var claimName: String { get { self[field: "claimName"] ?? "" } set { self[field: "claimName"] = newValue } }
    /// Whether the mount is read-only.
    public var readOnly: Bool? { get { self[field: "readOnly"] } set { self[field: "readOnly"] = newValue } }
}

/// core/v1 ProjectedVolumeSource.
public struct ProjectedVolumeSource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The sources.
    public var sources: [VolumeProjection] { get { self[list: "sources"] } set { self[list: "sources"] = newValue } }
    /// The default file mode.
    public var defaultMode: Int32? { get { self[field: "defaultMode"] } set { self[field: "defaultMode"] = newValue } }
}

/// core/v1 VolumeProjection: one of configMap, secret, serviceAccountToken, downwardAPI.
public struct VolumeProjection: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A ConfigMap.
    public var configMap: ConfigMapVolumeSource? {
        get { self[field: "configMap"] }
        set { self[field: "configMap"] = newValue }
    }
    /// `{name, items, optional}` (same shape as a config map projection).
    public var secret: ConfigMapVolumeSource? { get { self[field: "secret"] } set { self[field: "secret"] = newValue } }
    /// `{audience, expirationSeconds, path}`.
    public var serviceAccountToken: JSONValue? {
        get { self[field: "serviceAccountToken"] }
        set { self[field: "serviceAccountToken"] = newValue }
    }
    /// Fields of the pod.
    public var downwardAPI: JSONValue? {
        get { self[field: "downwardAPI"] }
        set { self[field: "downwardAPI"] = newValue }
    }
}

// MARK: - Status

/// core/v1 PodStatus.
public struct PodStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `Pending` when absent.
    public var phase: PodPhase { get { self[field: "phase"] ?? .pending } set { self[field: "phase"] = newValue } }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
    /// A human-readable message.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// A machine-readable reason.
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    /// The IP of the pod's node.
    public var hostIP: String? { get { self[field: "hostIP"] } set { self[field: "hostIP"] = newValue } }
    /// `[{ip}]`.
    public var hostIPs: [PodIP] { get { self[list: "hostIPs"] } set { self[list: "hostIPs"] = newValue } }
    /// The pod's primary IP.
    public var podIP: String? { get { self[field: "podIP"] } set { self[field: "podIP"] = newValue } }
    /// The pod's IPs (one per family).
    public var podIPs: [PodIP] { get { self[list: "podIPs"] } set { self[list: "podIPs"] = newValue } }
    /// When the kubelet accepted the pod.
    public var startTime: Time? { get { self[field: "startTime"] } set { self[field: "startTime"] = newValue } }
    /// The node preemption made room on.
    public var nominatedNodeName: String? {
        get { self[field: "nominatedNodeName"] }
        set { self[field: "nominatedNodeName"] = newValue }
    }
    /// The QoS class (`Guaranteed`, `Burstable`, `BestEffort`).
    public var qosClass: String? { get { self[field: "qosClass"] } set { self[field: "qosClass"] = newValue } }
    /// The containers' states.
    public var containerStatuses: [ContainerStatus] {
        get { self[list: "containerStatuses"] }
        set { self[list: "containerStatuses"] = newValue }
    }
    /// The init containers' states.
    public var initContainerStatuses: [ContainerStatus] {
        get { self[list: "initContainerStatuses"] }
        set { self[list: "initContainerStatuses"] = newValue }
    }
}

/// core/v1 PodIP / HostIP.
public struct PodIP: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Wraps one pod IP.
    public init(ip: String) {
        self.init(json: .object(JSONObject()))
        self.ip = ip
    }

    /// The IP address.
    public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
}

/// The lifecycle phase of a pod (open set).
public struct PodPhase: OpenStringEnum {
    public var rawValue: String
    /// Wraps a phase string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Accepted, not all containers running yet.
    public static let pending: PodPhase = "Pending"
    /// Bound to a node, containers created, at least one running.
    public static let running: PodPhase = "Running"
    /// All containers ended successfully and will not restart.
    public static let succeeded: PodPhase = "Succeeded"
    /// All containers ended, at least one in failure.
    public static let failed: PodPhase = "Failed"
    /// The pod's state could not be obtained.
    public static let unknown: PodPhase = "Unknown"
}

/// core/v1 ContainerStatus.
public struct ContainerStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// Whether the container passes its readiness probe.
    public var ready: Bool { get { self[field: "ready"] ?? false } set { self[field: "ready"] = newValue } }
    /// Whether the startup probe passed.
    public var started: Bool? { get { self[field: "started"] } set { self[field: "started"] = newValue } }
    /// How many times the container restarted.
    public var restartCount: Int32 {
        get { self[field: "restartCount"] ?? 0 }
        set { self[field: "restartCount"] = newValue }
    }
    /// The image the container runs.
    public var image: String? { get { self[field: "image"] } set { self[field: "image"] = newValue } }
    /// The image's digest.
    public var imageID: String? { get { self[field: "imageID"] } set { self[field: "imageID"] = newValue } }
    /// The container's ID as `<runtime>://<id>`.
    public var containerID: String? { get { self[field: "containerID"] } set { self[field: "containerID"] = newValue } }
    /// One of `waiting {reason, message}`, `running {startedAt}`, `terminated {exitCode, reason, ...}`.
    public var state: JSONValue? { get { self[field: "state"] } set { self[field: "state"] = newValue } }
    /// The state of the previous run.
    public var lastState: JSONValue? { get { self[field: "lastState"] } set { self[field: "lastState"] = newValue } }
}
