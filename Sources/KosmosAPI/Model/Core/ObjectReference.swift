/// core/v1 ObjectReference: points at another object (events, bindings, endpoint targets, PV claims).
public struct ObjectReference: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A reference by kind, namespace and name.
    public init(apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String,
                uid: String? = nil) {
        self.init(json: .object(JSONObject()))
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
    }

    /// The kind.
    public var kind: String? { get { self[field: "kind"] } set { self[field: "kind"] = newValue } }
    /// The namespace.
    public var namespace: String? { get { self[field: "namespace"] } set { self[field: "namespace"] = newValue } }
    /// The name.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// The UID of the object.
    public var uid: String? { get { self[field: "uid"] } set { self[field: "uid"] = newValue } }
    /// The `group/version`.
    public var apiVersion: String? { get { self[field: "apiVersion"] } set { self[field: "apiVersion"] = newValue } }
    /// The referenced resourceVersion.
    public var resourceVersion: String? {
        get { self[field: "resourceVersion"] }
        set { self[field: "resourceVersion"] = newValue }
    }
    /// The part of the object referred to, e.g. `spec.containers{web}`.
    public var fieldPath: String? { get { self[field: "fieldPath"] } set { self[field: "fieldPath"] = newValue } }
}

/// core/v1 LocalObjectReference: a name in the same namespace (image pull secrets, config map sources).
public struct LocalObjectReference: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// References an object of the same namespace by name.
    public init(name: String) {
        self.init(json: .object(JSONObject()))
        self.name = name
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
}

extension Resource {
    /// A reference to this object (kind, apiVersion, namespace, name, uid, resourceVersion).
    public var objectReference: ObjectReference {
        var r = ObjectReference(apiVersion: Self.apiVersion, kind: Self.kind, namespace: namespace, name: name,
                                uid: metadata.uid)
        r.resourceVersion = metadata.resourceVersion
        return r
    }
}
