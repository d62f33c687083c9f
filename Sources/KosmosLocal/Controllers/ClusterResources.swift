import KosmosAPI

/// The resources the local controllers and kubelets read and write, addressed through the dynamic client so that
/// they depend only on the wire shape of each kind.
enum ClusterResources {
    static let pods = Pod.groupVersionResource
    static let nodes = Node.groupVersionResource
    static let namespaces = Namespace.groupVersionResource
    static let services = Service.groupVersionResource
    static let endpoints = Endpoints.groupVersionResource
    static let serviceAccounts = ServiceAccount.groupVersionResource
    static let endpointSlices = EndpointSlice.groupVersionResource
    static let leases = Lease.groupVersionResource
    static let deployments = Deployment.groupVersionResource
    static let replicaSets = ReplicaSet.groupVersionResource
    static let statefulSets = StatefulSet.groupVersionResource
    /// ControllerRevision has no Swift type: only the StatefulSet controller and `kubectl rollout` read it.
    static let controllerRevisions = GroupVersionResource(apiVersion: "apps/v1", resource: "controllerrevisions",
                                                          scope: .namespaced)
    static let persistentVolumeClaims = PersistentVolumeClaim.groupVersionResource
    static let persistentVolumes = PersistentVolume.groupVersionResource
    static let storageClasses = StorageClass.groupVersionResource
    static let events = Event.groupVersionResource

    /// Every resource above with its kind, taken from the Swift types.
    private static let kinds: [GroupVersionResource: String] = {
        func entry<R: Resource>(_ type: R.Type) -> (GroupVersionResource, String) { (R.groupVersionResource, R.kind) }
        var table = Dictionary(uniqueKeysWithValues: [
            entry(Pod.self), entry(Node.self), entry(Namespace.self), entry(Service.self), entry(Endpoints.self),
            entry(ServiceAccount.self), entry(EndpointSlice.self), entry(Lease.self), entry(Deployment.self),
            entry(ReplicaSet.self), entry(StatefulSet.self), entry(PersistentVolumeClaim.self),
            entry(PersistentVolume.self), entry(StorageClass.self), entry(Event.self),
        ])
        table[controllerRevisions] = "ControllerRevision"
        return table
    }()

    /// The kind served at a resource, for objects that come without `kind` (list items).
    static func kind(of gvr: GroupVersionResource) -> String {
        kinds[gvr] ?? gvr.resource
    }

    /// The resource of an owner kind, for the owner kinds the garbage collector can look up.
    static func resource(apiVersion: String, kind: String) -> GroupVersionResource? {
        let owners = [pods, nodes, namespaces, services, serviceAccounts, endpointSlices, leases, deployments,
                      replicaSets, statefulSets, persistentVolumeClaims, persistentVolumes]
        let gv = GroupVersion(apiVersion: apiVersion)
        return owners.first { $0.groupVersion.group == gv.group && Self.kind(of: $0) == kind }
    }

    /// The namespace in which kubelets keep their heartbeat Leases.
    static let nodeLeaseNamespace = "kube-node-lease"
}

// MARK: - Reading objects

extension DynamicObject {
    /// `metadata.name`, empty when unset.
    var name: String { metadata.name ?? "" }
    /// `metadata.namespace`, empty when unset.
    var namespace: String { metadata.namespace ?? "" }
    /// `metadata.uid`, empty when unset.
    var uid: String { metadata.uid ?? "" }
    /// Whether deletion was requested.
    var isTerminating: Bool { json["metadata"]?["deletionTimestamp"] != nil }
    /// The owner reference with `controller: true`.
    var controllerRef: OwnerReference? { metadata.ownerReferences.first { $0.controller == true } }

    /// A string field at a path of object keys.
    func string(_ path: String...) -> String? { json[path: path]?.stringValue }
    /// An integer field at a path of object keys.
    func int(_ path: String...) -> Int? { json[path: path]?.intValue.map { Int($0) } }
    /// An array field at a path of object keys (empty when absent).
    func array(_ path: String...) -> [JSONValue] { json[path: path]?.arrayValue ?? [] }
    /// A string map at a path of object keys (empty when absent).
    func stringMap(_ path: String...) -> [String: String] {
        var m: [String: String] = [:]
        for (k, v) in json[path: path]?.objectValue ?? JSONObject() { if let s = v.stringValue { m[k] = s } }
        return m
    }

    /// A `status.conditions` entry's status (`True`, `False`, `Unknown`) by type.
    func conditionStatus(_ type: String) -> String? {
        array("status", "conditions").first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }

    /// The same object with `kind` and `apiVersion` filled in when missing.
    func withTypeMeta(_ gvr: GroupVersionResource) -> DynamicObject {
        guard json["kind"] == nil || json["apiVersion"] == nil else { return self }
        var o = JSONObject()
        o.append("kind", .string(ClusterResources.kind(of: gvr)))
        o.append("apiVersion", .string(gvr.groupVersion.apiVersion))
        for (k, v) in json.objectValue ?? JSONObject() where k != "kind" && k != "apiVersion" { o.append(k, v) }
        return DynamicObject(json: .object(o))
    }
}

// MARK: - Objects from templates

/// How an object made from a template is named.
enum TemplateObjectName {
    /// Exactly this name.
    case fixed(String)
    /// A name the server generates from this prefix (`metadata.generateName`).
    case generated(prefix: String)
}

extension DynamicObject {
    /// An object a workload controller makes from a template (`{metadata: {labels, annotations, finalizers},
    /// spec}`): the template's annotations (and finalizers when asked), the given labels and owner, and the
    /// template's spec unless another is given.
    /// - Parameters:
    ///   - template: the pod or claim template.
    ///   - apiVersion: the new object's apiVersion, e.g. `v1`.
    ///   - kind: the new object's kind, e.g. `Pod`.
    ///   - name: a fixed name or a `generateName` prefix.
    ///   - namespace: the new object's namespace.
    ///   - labels: the new object's labels (left out when empty); the template's when `nil`.
    ///   - owner: the controller reference, if the object is owned.
    ///   - copyFinalizers: whether the template's finalizers carry over (pods: yes; claims: no).
    ///   - spec: the spec to use instead of the template's.
    static func fromTemplate(
        _ template: JSONValue, apiVersion: String, kind: String, name: TemplateObjectName, namespace: String,
        labels: JSONObject? = nil, owner: OwnerReference?, copyFinalizers: Bool, spec: JSONValue? = nil
    ) -> DynamicObject {
        let source = template["metadata"]
        var meta = JSONObject()
        switch name {
        case .fixed(let n): meta.append("name", .string(n))
        case .generated(let prefix): meta.append("generateName", .string(prefix))
        }
        meta.append("namespace", .string(namespace))
        if let labels = labels ?? source?["labels"]?.objectValue, !labels.isEmpty {
            meta.append("labels", .object(labels))
        }
        if let annotations = source?["annotations"] { meta.append("annotations", annotations) }
        if copyFinalizers, let finalizers = source?["finalizers"] { meta.append("finalizers", finalizers) }
        if let owner { meta.append("ownerReferences", [owner.json]) }
        var o = JSONObject()
        o.append("apiVersion", .string(apiVersion))
        o.append("kind", .string(kind))
        o.append("metadata", .object(meta))
        o.append("spec", spec ?? template["spec"] ?? .object(JSONObject()))
        return DynamicObject(json: .object(o))
    }
}

// MARK: - Pods

extension DynamicObject {
    /// `status.phase` of a pod (`Pending` when unset).
    var podPhase: String { string("status", "phase") ?? "Pending" }
    /// Whether a pod counts for its controller: not finished and not being deleted.
    var isActivePod: Bool { !isTerminating && podPhase != "Succeeded" && podPhase != "Failed" }
    /// Whether a pod's Ready condition is True.
    var isReadyPod: Bool { conditionStatus("Ready") == "True" }
    /// `spec.nodeName`, `nil` when unbound.
    var nodeName: String? {
        guard let n = string("spec", "nodeName"), !n.isEmpty else { return nil }
        return n
    }
}

// MARK: - Helpers

/// The current time as Kubernetes writes `metav1.Time` (RFC 3339, seconds, UTC).
func kubeTimestamp() -> String { Time.now().description }

/// The current time as Kubernetes writes `metav1.MicroTime` (RFC 3339, microseconds, UTC).
func kubeMicroTimestamp() -> String { MicroTime.now().description }

extension KubeError {
    /// Whether the error only says the object is already gone or already there, so retrying gains nothing.
    var isGoneOrExists: Bool { isNotFound || isAlreadyExists }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
/// - Returns: whether the condition held.
func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        do { try await Task.sleep(for: .milliseconds(20)) } catch { return false }
    }
    return true
}
