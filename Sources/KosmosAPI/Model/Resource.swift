/// Whether a kind lives in a namespace or in the whole cluster.
public enum ResourceScope: String, Sendable, Hashable {
    case namespaced = "Namespaced"
    case cluster = "Cluster"
}

/// A Kubernetes API group and version, e.g. `apps/v1` (`group` empty for core).
public struct GroupVersion: Hashable, Sendable, CustomStringConvertible {
    /// The API group (empty for the core group).
    public var group: String
    /// The version.
    public var version: String

    /// Creates a group version; the core group is `""`.
    public init(group: String, version: String) {
        self.group = group
        self.version = version
    }

    /// Parses an `apiVersion` string: `v1` (core) or `group/version`.
    public init(apiVersion: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
    }

    /// The `apiVersion` string.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The URL path prefix: `/api/v1` or `/apis/<group>/<version>`.
    public var pathPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }
    public var description: String { apiVersion }
}

/// A kind's identity: group, version and kind.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    /// The `group/version`.
    public var groupVersion: GroupVersion
    /// The kind.
    public var kind: String

    /// Creates a kind from an `apiVersion` string (`apps/v1`, `v1`).
    public init(apiVersion: String, kind: String) {
        groupVersion = GroupVersion(apiVersion: apiVersion)
        self.kind = kind
    }

    /// Creates a kind from its group and version.
    public init(group: String, version: String, kind: String) {
        groupVersion = GroupVersion(group: group, version: version)
        self.kind = kind
    }

    /// The API group (empty for the core group).
    public var group: String { groupVersion.group }
    /// The version.
    public var version: String { groupVersion.version }
    /// The `group/version`.
    public var apiVersion: String { groupVersion.apiVersion }
    public var description: String { "\(apiVersion), Kind=\(kind)" }
}

/// A REST resource: where a kind is served (`plural`) and its scope.
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    /// The `group/version`.
    public var groupVersion: GroupVersion
    /// The lower-case plural resource name, e.g. `deployments`.
    public var resource: String
    /// Whether objects are namespaced or cluster-scoped.
    public var scope: ResourceScope

    /// Creates a resource of a group version.
    public init(groupVersion: GroupVersion, resource: String, scope: ResourceScope) {
        self.groupVersion = groupVersion
        self.resource = resource
        self.scope = scope
    }

    /// Creates a resource from an `apiVersion` string (`apps/v1`, `v1`).
    public init(apiVersion: String, resource: String, scope: ResourceScope) {
        self.init(groupVersion: GroupVersion(apiVersion: apiVersion), resource: resource, scope: scope)
    }

    /// The API group (empty for the core group).
    public var group: String { groupVersion.group }
    /// The version.
    public var version: String { groupVersion.version }

    /// The URL path of the collection (`namespace` ignored for cluster-scoped resources; `nil` lists across all
    /// namespaces).
    public func collectionPath(namespace: String?) -> String {
        if scope == .namespaced, let namespace {
            return "\(groupVersion.pathPrefix)/namespaces/\(namespace)/\(resource)"
        }
        return "\(groupVersion.pathPrefix)/\(resource)"
    }

    /// The URL path of one object.
    public func objectPath(namespace: String?, name: String) -> String {
        "\(collectionPath(namespace: namespace))/\(name)"
    }

    public var description: String { "\(resource).\(groupVersion.version).\(groupVersion.group)" }
}

/// A Kubernetes kind with its identity on the type.
///
/// Conforming types are views over the object's JSON (see `JSONBacked`), so nothing is lost on a round trip.
/// Adopt `NamespacedResource` or `ClusterScopedResource` (not this protocol alone) so the compiler knows the scope.
public protocol Resource: JSONBacked {
    /// The `apiVersion` string, e.g. `apps/v1`.
    static var apiVersion: String { get }
    /// The kind, e.g. `Deployment`.
    static var kind: String { get }
    /// The plural resource name, e.g. `deployments`.
    static var plural: String { get }
    /// Where the kind lives.
    static var scope: ResourceScope { get }
}

/// A kind that lives in a namespace.
public protocol NamespacedResource: Resource {}
/// A kind that lives in the whole cluster.
public protocol ClusterScopedResource: Resource {}

extension NamespacedResource {
    public static var scope: ResourceScope { .namespaced }
}

extension ClusterScopedResource {
    public static var scope: ResourceScope { .cluster }
}

extension Resource {
    /// The kind's group, version and kind.
    public static var groupVersionKind: GroupVersionKind { GroupVersionKind(apiVersion: apiVersion, kind: kind) }
    /// Where the kind is served.
    public static var groupVersionResource: GroupVersionResource {
        GroupVersionResource(apiVersion: apiVersion, resource: plural, scope: scope)
    }

    /// A new object of this kind with `apiVersion` and `kind` set.
    public static func new() -> Self {
        var o = JSONObject()
        o.append("apiVersion", .string(apiVersion))
        o.append("kind", .string(kind))
        return Self(json: .object(o))
    }

    /// A new object with a name (and namespace for namespaced kinds).
    public init(name: String, namespace: String? = nil) {
        self = Self.new()
        metadata.name = name
        if let namespace { metadata.namespace = namespace }
    }

    /// The object's metadata.
    public var metadata: ObjectMeta {
        get { self[object: "metadata"] }
        set { self[object: "metadata"] = newValue }
    }

    /// `metadata.name` (empty when unset).
    public var name: String { metadata.name ?? "" }
    /// `metadata.namespace` (`nil` when unset).
    public var namespace: String? { metadata.namespace }

    /// Sets `apiVersion` and `kind` to the type's when they are missing (list items come without them).
    public mutating func fillTypeMeta() {
        if json["apiVersion"] == nil || json["kind"] == nil {
            var o = JSONObject(minimumCapacity: (json.objectValue?.count ?? 0) + 2)
            o.append("kind", .string(Self.kind))
            o.append("apiVersion", .string(Self.apiVersion))
            for (k, v) in json.objectValue ?? JSONObject() where k != "kind" && k != "apiVersion" { o.append(k, v) }
            json = .object(o)
        }
    }
}

/// A list of objects of one kind (`PodList`, ...), with list metadata.
public struct ResourceList<Item: Resource>: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The list's metadata: resourceVersion, continue token, remainingItemCount.
    public var metadata: ListMeta {
        get { self[object: "metadata"] }
        set { self[object: "metadata"] = newValue }
    }

    /// The items, each with `apiVersion` and `kind` filled in.
    public var items: [Item] {
        get {
            guard let a = json["items"]?.arrayValue else { return [] }
            return a.map {
                var i = Item(json: $0)
                i.fillTypeMeta()
                return i
            }
        }
        set { json["items"] = .array(newValue.map(\.json)) }
    }
}

/// An object of any kind, for kinds without a Swift type (the dynamic client, CRDs).
public struct DynamicObject: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `apiVersion` of the object.
    public var apiVersion: String? {
        get { self[field: "apiVersion"] }
        set { self[field: "apiVersion"] = newValue }
    }

    /// `kind` of the object.
    public var kind: String? {
        get { self[field: "kind"] }
        set { self[field: "kind"] = newValue }
    }

    /// The object's metadata.
    public var metadata: ObjectMeta {
        get { self[object: "metadata"] }
        set { self[object: "metadata"] = newValue }
    }

    /// The object's group, version and kind, when both are set.
    public var groupVersionKind: GroupVersionKind? {
        guard let apiVersion, let kind else { return nil }
        return GroupVersionKind(apiVersion: apiVersion, kind: kind)
    }
}

extension Resource {
    /// This object as a dynamic object.
    public var dynamic: DynamicObject { DynamicObject(json: json) }

    /// A typed view of a dynamic object.
    public init(_ object: DynamicObject) { self.init(json: object.json) }
}
