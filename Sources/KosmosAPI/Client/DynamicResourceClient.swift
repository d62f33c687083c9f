/// A list of objects of any kind.
public struct DynamicList: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The list's metadata: resourceVersion, continue token, remainingItemCount.
    public var metadata: ListMeta {
        get { self[object: "metadata"] }
        set { self[object: "metadata"] = newValue }
    }

    /// The items as they came (built-in list items carry no `apiVersion`/`kind`).
    public var items: [DynamicObject] {
        get { (json["items"]?.arrayValue ?? []).map { DynamicObject(json: $0) } }
        set { json["items"] = .array(newValue.map(\.json)) }
    }
}

/// The verbs of `KubeClient` for one resource of any kind, on `DynamicObject`s (same engine, same errors).
///
/// ```swift
/// let widgets = client.dynamic(GroupVersionResource(apiVersion: "example.com/v1", resource: "widgets",
///                                                   scope: .namespaced))
/// let w = try await widgets.get(namespace: "demo", name: "w1")
/// ```
public struct DynamicResourceClient: Sendable {
    let client: KubeClient
    /// The resource this client addresses.
    public let resource: GroupVersionResource

    private var kind: String { resource.resource }

    /// Reads one object (`namespace` is ignored for cluster-scoped resources).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func get(namespace: String? = nil, name: String) async throws -> DynamicObject {
        DynamicObject(json: try await client.getRaw(resource, namespace: namespace, name: name, kind: kind))
    }

    /// Lists objects (`namespace` `nil`: all namespaces).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func list(namespace: String? = nil, options: ListOptions = .init()) async throws -> DynamicList {
        DynamicList(json: try await client.listRaw(resource, namespace: namespace, options: options, kind: kind))
    }

    /// Creates an object in its own namespace (or the client's default one).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func create(_ object: DynamicObject, options: WriteOptions = .init()) async throws -> DynamicObject {
        let ns = resource.scope == .namespaced ? (object.metadata.namespace ?? client.defaultNamespace) : nil
        return DynamicObject(json: try await client.createRaw(resource, namespace: ns, body: object.json,
                                                              options: options, kind: kind))
    }

    /// Replaces an object (PUT).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func update(_ object: DynamicObject, options: WriteOptions = .init()) async throws -> DynamicObject {
        DynamicObject(json: try await client.updateRaw(resource, namespace: namespace(of: object),
                                                       name: object.metadata.name ?? "", subresource: nil,
                                                       body: object.json, options: options, kind: kind))
    }

    /// Replaces an object's status.
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func updateStatus(_ object: DynamicObject, options: WriteOptions = .init()) async throws
        -> DynamicObject
    {
        DynamicObject(json: try await client.updateRaw(resource, namespace: namespace(of: object),
                                                       name: object.metadata.name ?? "", subresource: "status",
                                                       body: object.json, options: options, kind: kind))
    }

    /// Patches an object or one of its subresources.
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func patch(namespace: String? = nil, name: String, patch: Patch, subresource: String? = nil,
                      options: WriteOptions = .init()) async throws -> DynamicObject
    {
        DynamicObject(json: try await client.patchRaw(resource, namespace: namespace, name: name, patch: patch,
                                                      subresource: subresource, options: options, kind: kind))
    }

    /// Deletes an object.
    /// - Throws: `KubeError`, `TransportError`.
    public func delete(namespace: String? = nil, name: String, options: DeleteOptions = .init()) async throws {
        try await client.deleteRaw(resource, namespace: namespace, name: name, options: options, kind: kind)
    }

    /// Deletes every object matching the selectors.
    /// - Throws: `KubeError`, `TransportError`.
    public func deleteCollection(namespace: String? = nil, listOptions: ListOptions = .init(),
                                 options: DeleteOptions = .init()) async throws
    {
        try await client.deleteCollectionRaw(resource, namespace: namespace, listOptions: listOptions,
                                             options: options, kind: kind)
    }

    /// Watches the collection.
    /// - Throws: `KubeError`, `TransportError`.
    public func watch(namespace: String? = nil, options: ListOptions) async throws -> WatchStream<DynamicObject> {
        try await client.watchRaw(resource, namespace: namespace, options: options, kind: kind)
    }

    private func namespace(of object: DynamicObject) -> String? {
        resource.scope == .namespaced ? (object.metadata.namespace ?? client.defaultNamespace) : nil
    }
}
