/// apiextensions.k8s.io/v1 CustomResourceDefinition.
public struct CustomResourceDefinition: ClusterScopedResource {
    public static let apiVersion = "apiextensions.k8s.io/v1"
    public static let kind = "CustomResourceDefinition"
    public static let plural = "customresourcedefinitions"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    public var spec: CustomResourceDefinitionSpec {
        get { self[object: "spec"] }
        set { self[object: "spec"] = newValue }
    }
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

    public var group: String { get { self[field: "group"] ?? "" } set { self[field: "group"] = newValue } }
    public var names: CustomResourceDefinitionNames {
        get { self[object: "names"] }
        set { self[object: "names"] = newValue }
    }
    /// `Namespaced` or `Cluster`.
    public var scope: String { get { self[field: "scope"] ?? "" } set { self[field: "scope"] = newValue } }
    public var versions: [CustomResourceDefinitionVersion] {
        get { self[list: "versions"] }
        set { self[list: "versions"] = newValue }
    }
    /// `{strategy: None|Webhook, webhook}`.
    public var conversion: JSONValue? { get { self[field: "conversion"] } set { self[field: "conversion"] = newValue } }
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

    public var plural: String { get { self[field: "plural"] ?? "" } set { self[field: "plural"] = newValue } }
    /// Lower-case kind when absent.
    public var singular: String {
        get { self[field: "singular"] ?? kind.lowercased() }
        set { self[field: "singular"] = newValue }
    }
    public var kind: String { get { self[field: "kind"] ?? "" } set { self[field: "kind"] = newValue } }
    /// `<kind>List` when absent.
    public var listKind: String {
        get { self[field: "listKind"] ?? kind + "List" }
        set { self[field: "listKind"] = newValue }
    }
    public var shortNames: [String] { get { self[list: "shortNames"] } set { self[list: "shortNames"] = newValue } }
    public var categories: [String] { get { self[list: "categories"] } set { self[list: "categories"] = newValue } }
}

/// apiextensions.k8s.io/v1 CustomResourceDefinitionVersion.
public struct CustomResourceDefinitionVersion: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    public var served: Bool { get { self[field: "served"] ?? false } set { self[field: "served"] = newValue } }
    public var storage: Bool { get { self[field: "storage"] ?? false } set { self[field: "storage"] = newValue } }
    public var deprecated: Bool? { get { self[field: "deprecated"] } set { self[field: "deprecated"] = newValue } }
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
    public var subresources: CustomResourceSubresources {
        get { self[object: "subresources"] }
        set { self[object: "subresources"] = newValue }
    }
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

    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// `string`, `integer`, `number`, `boolean` or `date`.
    public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
    public var format: String? { get { self[field: "format"] } set { self[field: "format"] = newValue } }
    public var columnDescription: String? {
        get { self[field: "description"] }
        set { self[field: "description"] = newValue }
    }
    public var priority: Int32? { get { self[field: "priority"] } set { self[field: "priority"] = newValue } }
    public var jsonPath: String { get { self[field: "jsonPath"] ?? "" } set { self[field: "jsonPath"] = newValue } }
}

/// apiextensions.k8s.io/v1 CustomResourceDefinitionStatus.
public struct CustomResourceDefinitionStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
    public var acceptedNames: CustomResourceDefinitionNames {
        get { self[object: "acceptedNames"] }
        set { self[object: "acceptedNames"] = newValue }
    }
    public var storedVersions: [String] {
        get { self[list: "storedVersions"] }
        set { self[list: "storedVersions"] = newValue }
    }
}
