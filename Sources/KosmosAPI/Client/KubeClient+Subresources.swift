/// autoscaling/v1 Scale: the `scale` subresource of Deployments, ReplicaSets, StatefulSets and custom resources.
public struct Scale: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The object's metadata (name, namespace, resourceVersion of the scaled object).
    public var metadata: ObjectMeta { get { self[object: "metadata"] } set { self[object: "metadata"] = newValue } }
    /// Desired replicas (`spec.replicas`).
    public var replicas: Int {
        get { json["spec"]?["replicas"]?.intValue.map { Int($0) } ?? 0 }
        set { json[path: ["spec", "replicas"]] = .int(Int64(newValue)) }
    }
    /// Observed replicas (`status.replicas`).
    public var statusReplicas: Int { json["status"]?["replicas"]?.intValue.map { Int($0) } ?? 0 }
    /// The label selector of the pods, as a string (`status.selector`).
    public var selector: String? { json["status"]?["selector"]?.stringValue }
}

extension KubeClient {
    private static let pods = GroupVersionResource(apiVersion: "v1", resource: "pods", scope: .namespaced)

    /// Reads the `scale` subresource of an object.
    /// - Throws: `KubeError` (`isNotFound` also when the kind has no scale subresource), `TransportError`.
    public func scale<R: Resource>(_: R.Type, namespace: String?, name: String) async throws -> Scale {
        Scale(json: try await getRaw(R.groupVersionResource, namespace: namespace, name: name, subresource: "scale",
                                     kind: "Scale"))
    }

    /// Sets the desired replicas through the `scale` subresource (a merge patch, as `kubectl scale` sends).
    /// - Returns: the new Scale.
    /// - Throws: `KubeError`, `TransportError`.
    @discardableResult
    public func setScale<R: Resource>(_: R.Type, namespace: String?, name: String, replicas: Int) async throws
        -> Scale
    {
        Scale(json: try await patchRaw(R.groupVersionResource, namespace: namespace, name: name,
                                       patch: .merge(["spec": ["replicas": .int(Int64(replicas))]]),
                                       subresource: "scale", options: .init(), kind: "Scale"))
    }

    /// Binds a pod to a node (POST `pods/<name>/binding`), as a scheduler does.
    /// - Parameters:
    ///   - pod: the pod's name.
    ///   - namespace: the pod's namespace.
    ///   - node: the node's name.
    ///   - uid: when given, the binding fails unless the pod still has this uid.
    /// - Throws: `KubeError` (`isConflict` when the pod is already bound), `TransportError`.
    public func bind(pod: String, namespace: String, toNode node: String, uid: String? = nil) async throws {
        var meta = JSONObject()
        meta.append("name", .string(pod))
        meta.append("namespace", .string(namespace))
        if let uid { meta.append("uid", .string(uid)) }
        let body: JSONValue = .object([
            "kind": "Binding", "apiVersion": "v1", "metadata": .object(meta),
            "target": ["kind": "Node", "apiVersion": "v1", "name": .string(node)],
        ])
        _ = try await createRaw(Self.pods, namespace: namespace, body: body, subresourceOf: pod,
                                subresource: "binding", options: .init(), kind: "Binding")
    }

    /// Evicts a pod (POST policy/v1 Eviction to `pods/<name>/eviction`), honouring PodDisruptionBudgets.
    /// - Throws: `KubeError` (`isTooManyRequests` when a disruption budget forbids it), `TransportError`.
    public func evict(pod: String, namespace: String, options: DeleteOptions = .init()) async throws {
        var o = JSONObject()
        o.append("apiVersion", "policy/v1")
        o.append("kind", "Eviction")
        o.append("metadata", ["name": .string(pod), "namespace": .string(namespace)])
        if let d = options.body { o.append("deleteOptions", d) }
        _ = try await createRaw(Self.pods, namespace: namespace, body: .object(o), subresourceOf: pod,
                                subresource: "eviction", options: .init(), kind: "Eviction")
    }

    /// Reads a container's log (GET `pods/<name>/log`).
    /// - Parameters:
    ///   - container: required when the pod has several containers.
    ///   - tailLines: only the last lines.
    ///   - previous: the log of the previous (crashed) instance.
    /// - Returns: the log text (empty for a pod not yet on a node, which the server answers with 204).
    /// - Throws: `KubeError`, `TransportError`.
    public func log(pod: String, namespace: String, container: String? = nil, tailLines: Int? = nil,
                    previous: Bool = false) async throws -> String
    {
        var q: [(String, String)] = []
        if let container { q.append(("container", container)) }
        if let tailLines { q.append(("tailLines", String(tailLines))) }
        if previous { q.append(("previous", "true")) }
        let r = KubeRequest(method: "GET", path: objectPath(Self.pods, namespace: namespace, name: pod,
                                                           subresource: "log"),
                           query: q, accept: "*/*",
                           operation: "get log of pod \(namespace)/\(pod)")
        return String(decoding: try await send(r).body, as: UTF8.self)
    }
}
