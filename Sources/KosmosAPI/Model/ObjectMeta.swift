/// meta/v1 ObjectMeta: the metadata every persisted object has.
public struct ObjectMeta: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Unique name in its namespace (or cluster).
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// Prefix for a server-generated name, used when `name` is empty.
    public var generateName: String? {
        get { self[field: "generateName"] }
        set { self[field: "generateName"] = newValue }
    }
    /// Namespace of a namespaced object.
    public var namespace: String? { get { self[field: "namespace"] } set { self[field: "namespace"] = newValue } }
    /// Server-assigned unique id.
    public var uid: String? { get { self[field: "uid"] } set { self[field: "uid"] = newValue } }
    /// Opaque version for optimistic concurrency and watches.
    public var resourceVersion: String? {
        get { self[field: "resourceVersion"] }
        set { self[field: "resourceVersion"] = newValue }
    }
    /// Sequence number of the desired state (bumped on spec changes).
    public var generation: Int64? { get { self[field: "generation"] } set { self[field: "generation"] = newValue } }
    /// When the object was created (RFC 3339).
    public var creationTimestamp: String? {
        get { self[field: "creationTimestamp"] }
        set { self[field: "creationTimestamp"] = newValue }
    }
    /// When graceful deletion was requested (RFC 3339); set by the server.
    public var deletionTimestamp: String? {
        get { self[field: "deletionTimestamp"] }
        set { self[field: "deletionTimestamp"] = newValue }
    }
    /// Seconds allowed for graceful termination once deletion is requested.
    public var deletionGracePeriodSeconds: Int64? {
        get { self[field: "deletionGracePeriodSeconds"] }
        set { self[field: "deletionGracePeriodSeconds"] = newValue }
    }
    /// Labels (selectable key/value pairs).
    public var labels: [String: String] { get { self[map: "labels"] } set { self[map: "labels"] = newValue } }
    /// Annotations (non-identifying key/value pairs).
    public var annotations: [String: String] {
        get { self[map: "annotations"] }
        set { self[map: "annotations"] = newValue }
    }
    /// Finalizers that must be removed before the object is deleted.
    public var finalizers: [String] { get { self[list: "finalizers"] } set { self[list: "finalizers"] = newValue } }
    /// Owners of the object, for garbage collection.
    public var ownerReferences: [OwnerReference] {
        get { self[list: "ownerReferences"] }
        set { self[list: "ownerReferences"] = newValue }
    }
    /// Field ownership records of server-side apply, kept as JSON.
    public var managedFields: [JSONValue] {
        get { self[list: "managedFields"] }
        set { self[list: "managedFields"] = newValue }
    }
}

/// meta/v1 OwnerReference.
public struct OwnerReference: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a reference to an owner object.
    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
                blockOwnerDeletion: Bool? = nil) {
        self.init()
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// The `group/version`.
    public var apiVersion: String {
        get { self[field: "apiVersion"] ?? "" }
        set { self[field: "apiVersion"] = newValue }
    }
    /// The kind.
    public var kind: String { get { self[field: "kind"] ?? "" } set { self[field: "kind"] = newValue } }
    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The UID of the object.
    public var uid: String { get { self[field: "uid"] ?? "" } set { self[field: "uid"] = newValue } }
    /// Whether this owner is the managing controller.
    public var controller: Bool? { get { self[field: "controller"] } set { self[field: "controller"] = newValue } }
    /// Whether foreground deletion of the owner waits for this object.
    public var blockOwnerDeletion: Bool? {
        get { self[field: "blockOwnerDeletion"] }
        set { self[field: "blockOwnerDeletion"] = newValue }
    }
}

/// meta/v1 ListMeta.
public struct ListMeta: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The collection's resourceVersion at the time of the list.
    public var resourceVersion: String? {
        get { self[field: "resourceVersion"] }
        set { self[field: "resourceVersion"] = newValue }
    }
    /// Token for the next page, when there is one.
    public var `continue`: String? { get { self[field: "continue"] } set { self[field: "continue"] = newValue } }
    /// How many items remain after this page, when known.
    public var remainingItemCount: Int64? {
        get { self[field: "remainingItemCount"] }
        set { self[field: "remainingItemCount"] = newValue }
    }
}

// MARK: - Helpers

extension ObjectMeta {
    /// `creationTimestamp` as a time; `nil` when absent or malformed.
    public var creationTime: Time? {
        get { self[field: "creationTimestamp"] }
        set { self[field: "creationTimestamp"] = newValue }
    }

    /// `deletionTimestamp` as a time; `nil` unless deletion was requested.
    public var deletionTime: Time? {
        get { self[field: "deletionTimestamp"] }
        set { self[field: "deletionTimestamp"] = newValue }
    }

    /// Whether graceful deletion was requested (`deletionTimestamp` is set).
    public var isBeingDeleted: Bool { json["deletionTimestamp"].map { !$0.isNull } ?? false }

    /// The owner reference marked `controller: true`, if any.
    public var controllerReference: OwnerReference? { ownerReferences.first { $0.controller == true } }

    /// Whether an owner with this uid is listed.
    public func isOwned(byUID uid: String) -> Bool { ownerReferences.contains { $0.uid == uid } }

    /// Whether the finalizer is present.
    public func hasFinalizer(_ name: String) -> Bool { finalizers.contains(name) }

    /// Adds a finalizer unless present; returns whether it was added.
    @discardableResult
    public mutating func addFinalizer(_ name: String) -> Bool {
        guard !hasFinalizer(name) else { return false }
        finalizers.append(name)
        return true
    }

    /// Removes a finalizer; returns whether it was present.
    @discardableResult
    public mutating func removeFinalizer(_ name: String) -> Bool {
        guard hasFinalizer(name) else { return false }
        finalizers.removeAll { $0 == name }
        return true
    }
}
