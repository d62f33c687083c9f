/// apiextensions.k8s.io/v1 CustomResourceDefinition.
public struct CustomResourceDefinition: ClusterScopedResource {
    public static let apiVersion = "apiextensions.k8s.io/v1"
    public static let kind = "CustomResourceDefinition"
    public static let plural = "customresourcedefinitions"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: CustomResourceDefinitionSpec {
        get { self[object: "spec"] }
        set { self[object: "spec"] = newValue }
    }
    /// The observed state.
    public var status: CustomResourceDefinitionStatus {
        get { self[object: "status"] }
        set { self[object: "status"] = newValue }
    }

    /// Whether the `Established` condition is `True`.
    public var isEstablished: Bool { status.conditions[type: "Established"]?.status == .true }
}

/// A list of CRDs.
public typealias CustomResourceDefinitionList = ResourceList<CustomResourceDefinition>

/// apiextensions.k8s.io/v1 CustomResourceDefinitionSpec.
public struct CustomResourceDefinitionSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The API group (empty for the core group).
    public var group: String { get { self[field: "group"] ?? "" } set { self[field: "group"] = newValue } }
    /// The names of the resource (plural, singular, kind, short names).
    public var names: CustomResourceDefinitionNames {
        get { self[object: "names"] }
        set { self[object: "names"] = newValue }
    }
    /// `Namespaced` or `Cluster`.
    public var scope: String { get { self[field: "scope"] ?? "" } set { self[field: "scope"] = newValue } }
    /// The versions served, each with its schema.
    public var versions: [CustomResourceDefinitionVersion] {
        get { self[list: "versions"] }
        set { self[list: "versions"] = newValue }
    }
    /// `{strategy: None|Webhook, webhook}`.
    public var conversion: JSONValue? { get { self[field: "conversion"] } set { self[field: "conversion"] = newValue } }
    /// Deprecated: whether fields missing from the schema are kept (must be false in apiextensions/v1).
    public var preserveUnknownFields: Bool? {
        get { self[field: "preserveUnknownFields"] }
        set { self[field: "preserveUnknownFields"] = newValue }
    }

    /// The version marked `storage: true`.
    public var storageVersion: CustomResourceDefinitionVersion? { versions.first { $0.storage } }
}

/// apiextensions.k8s.io/v1 CustomResourceDefinitionNames.
public struct CustomResourceDefinitionNames: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The plural resource name used in URLs, e.g. `clusters`.
    public var plural: String { get { self[field: "plural"] ?? "" } set { self[field: "plural"] = newValue } }
    /// Lower-case kind when absent.
    public var singular: String {
        get { self[field: "singular"] ?? kind.lowercased() }
        set { self[field: "singular"] = newValue }
    }
    /// The kind.
    public var kind: String { get { self[field: "kind"] ?? "" } set { self[field: "kind"] = newValue } }
    /// `<kind>List` when absent.
    public var listKind: String {
        get { self[field: "listKind"] ?? kind + "List" }
        set { self[field: "listKind"] = newValue }
    }
    /// Short names kubectl accepts.
    public var shortNames: [String] { get { self[list: "shortNames"] } set { self[list: "shortNames"] = newValue } }
    /// Groups the resource belongs to, e.g. `all`.
    public var categories: [String] { get { self[list: "categories"] } set { self[list: "categories"] = newValue } }
}

/// apiextensions.k8s.io/v1 CustomResourceDefinitionVersion.
public struct CustomResourceDefinitionVersion: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// Whether the version is served by the API.
    public var served: Bool { get { self[field: "served"] ?? false } set { self[field: "served"] = newValue } }
    /// Whether objects are stored in this version (exactly one is).
    public var storage: Bool { get { self[field: "storage"] ?? false } set { self[field: "storage"] = newValue } }
    /// Whether the version is deprecated.
    public var deprecated: Bool? { get { self[field: "deprecated"] } set { self[field: "deprecated"] = newValue } }
    /// The warning returned to clients using a deprecated version.
    public var deprecationWarning: String? {
        get { self[field: "deprecationWarning"] }
        set { self[field: "deprecationWarning"] = newValue }
    }
    /// The structural OpenAPI v3 schema (`schema.openAPIV3Schema`).
    public var openAPIV3Schema: JSONValue? {
        get { json["schema"]?["openAPIV3Schema"] }
        set {
            guard newValue != nil || json["schema"]?["openAPIV3Schema"] != nil else { return }
            var schema = json["schema"] ?? .object(JSONObject())
            schema["openAPIV3Schema"] = newValue
            json["schema"] = schema
        }
    }
    /// The status and scale subresources of the version.
    public var subresources: CustomResourceSubresources {
        get { self[object: "subresources"] }
        set { self[object: "subresources"] = newValue }
    }
    /// Extra columns `kubectl get` prints.
    public var additionalPrinterColumns: [CustomResourceColumnDefinition] {
        get { self[list: "additionalPrinterColumns"] }
        set { self[list: "additionalPrinterColumns"] = newValue }
    }
    /// `[{jsonPath}]`.
    public var selectableFields: [JSONValue] {
        get { self[list: "selectableFields"] }
        set { self[list: "selectableFields"] = newValue }
    }
}

/// apiextensions.k8s.io/v1 CustomResourceSubresources.
public struct CustomResourceSubresources: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Whether `/status` is served (the `status` key is present, as an empty object).
    public var hasStatus: Bool {
        get { json["status"] != nil }
        set { json["status"] = newValue ? .object(JSONObject()) : nil }
    }
    /// `{specReplicasPath, statusReplicasPath, labelSelectorPath}` when `/scale` is served.
    public var scale: JSONValue? { get { self[field: "scale"] } set { self[field: "scale"] = newValue } }
}

/// apiextensions.k8s.io/v1 CustomResourceColumnDefinition.
public struct CustomResourceColumnDefinition: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a printer column showing the value at `jsonPath`.
    public init(name: String, type: String, jsonPath: String, description: String? = nil, priority: Int32? = nil,
                format: String? = nil) {
        self.init(json: .object(JSONObject()))
        if let description { self[field: "description"] = description }
        self.format = format
        self.jsonPath = jsonPath
        self.name = name
        self.priority = priority
        self.type = type
    }

    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// `string`, `integer`, `number`, `boolean` or `date`.
    public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
    /// A format hint for the column (e.g. `date`).
    public var format: String? { get { self[field: "format"] } set { self[field: "format"] = newValue } }
    /// A human-readable description of the column.
    public var columnDescription: String? {
        get { self[field: "description"] }
        set { self[field: "description"] = newValue }
    }
    /// 0 shows the column always; higher only with `-o wide`.
    public var priority: Int32? { get { self[field: "priority"] } set { self[field: "priority"] = newValue } }
    /// The JSON path, relative to the object, of the column's value.
    public var jsonPath: String { get { self[field: "jsonPath"] ?? "" } set { self[field: "jsonPath"] = newValue } }
}

/// apiextensions.k8s.io/v1 CustomResourceDefinitionStatus.
public struct CustomResourceDefinitionStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
    /// The names the API server actually serves.
    public var acceptedNames: CustomResourceDefinitionNames {
        get { self[object: "acceptedNames"] }
        set { self[object: "acceptedNames"] = newValue }
    }
    /// Every version ever used to store objects.
    public var storedVersions: [String] {
        get { self[list: "storedVersions"] }
        set { self[list: "storedVersions"] = newValue }
    }
}
