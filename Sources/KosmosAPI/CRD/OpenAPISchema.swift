/// A tiny builder for structural OpenAPI v3 schemas, the one source the CRD manifests are generated from.
///
/// Every builder returns a schema node as `JSONValue` with a `type` (or the int-or-string / preserve-unknown
/// markers Kubernetes allows instead), object properties sorted by name as controller-gen writes them.
public enum OpenAPISchema {
    /// A string, optionally with a default, an enumeration and a format (`byte`, `date-time`, ...).
    public static func string(_ description: String? = nil, default value: String? = nil, enum values: [String] = [],
                              format: String? = nil) -> JSONValue {
        var o = JSONObject()
        if let value { o.append("default", .string(value)) }
        if let description { o.append("description", .string(description)) }
        if !values.isEmpty { o.append("enum", .array(values.map { .string($0) })) }
        if let format { o.append("format", .string(format)) }
        o.append("type", "string")
        return .object(o)
    }

    /// A boolean with an optional default.
    public static func boolean(_ description: String? = nil, default value: Bool? = nil) -> JSONValue {
        var o = JSONObject()
        if let value { o.append("default", .bool(value)) }
        if let description { o.append("description", .string(description)) }
        o.append("type", "boolean")
        return .object(o)
    }

    /// An integer (`int32` unless told) with an optional default and minimum.
    public static func integer(_ description: String? = nil, format: String = "int32", default value: Int64? = nil,
                               minimum: Int64? = nil) -> JSONValue {
        var o = JSONObject()
        if let value { o.append("default", .int(value)) }
        if let description { o.append("description", .string(description)) }
        o.append("format", .string(format))
        if let minimum { o.append("minimum", .int(minimum)) }
        o.append("type", "integer")
        return .object(o)
    }

    /// An object with known properties (sorted by name) and required ones.
    public static func object(_ description: String? = nil, _ properties: [String: JSONValue],
                              required: [String] = [], default value: JSONValue? = nil) -> JSONValue {
        var o = JSONObject()
        if let value { o.append("default", value) }
        if let description { o.append("description", .string(description)) }
        var props = JSONObject()
        for k in properties.keys.sorted() { props.append(k, properties[k]!) }
        o.append("properties", .object(props))
        if !required.isEmpty { o.append("required", .array(required.sorted().map { .string($0) })) }
        o.append("type", "object")
        return .object(o)
    }

    /// An array of `items`.
    public static func array(_ items: JSONValue, _ description: String? = nil, minItems: Int? = nil) -> JSONValue {
        var o = JSONObject()
        if let description { o.append("description", .string(description)) }
        o.append("items", items)
        if let minItems { o.append("minItems", .int(Int64(minItems))) }
        o.append("type", "array")
        return .object(o)
    }

    /// A map from strings to `values`.
    public static func map(_ values: JSONValue, _ description: String? = nil) -> JSONValue {
        var o = JSONObject()
        o.append("additionalProperties", values)
        if let description { o.append("description", .string(description)) }
        o.append("type", "object")
        return .object(o)
    }

    /// A map from strings to strings (labels, node selectors).
    public static func stringMap(_ description: String? = nil) -> JSONValue { map(string(), description) }

    /// An object whose fields are kept as they are (no pruning), e.g. an embedded core type we do not spell out.
    public static func preserved(_ description: String? = nil) -> JSONValue {
        var o = JSONObject()
        if let description { o.append("description", .string(description)) }
        o.append("type", "object")
        o.append("x-kubernetes-preserve-unknown-fields", true)
        return .object(o)
    }

    /// `IntOrString`.
    public static var intOrString: JSONValue {
        ["anyOf": [["type": "integer"], ["type": "string"]], "x-kubernetes-int-or-string": true]
    }

    /// A resource quantity, as apimachinery declares it.
    public static var quantity: JSONValue {
        [
            "anyOf": [["type": "integer"], ["type": "string"]],
            "pattern": #"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"#,
            "x-kubernetes-int-or-string": true,
        ]
    }

    /// A whole resource: `apiVersion`, `kind`, `metadata` and the given `spec` and `status`.
    public static func resource(_ description: String? = nil, spec: JSONValue?, status: JSONValue?,
                                specRequired: Bool = true) -> JSONValue {
        var props: [String: JSONValue] = [
            "apiVersion": string(
                "The API group and version of this object, e.g. kosmos.io/v1alpha1."),
            "kind": string(
                "The object's kind in CamelCase, e.g. Cluster; fixed once the object exists."),
            "metadata": ["type": "object"],
        ]
        if let spec { props["spec"] = spec }
        if let status { props["status"] = status }
        return object(description, props, required: spec != nil && specRequired ? ["spec"] : [])
    }
}

// MARK: - Embedded core types

extension LabelSelector {
    /// meta/v1 LabelSelector.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            "A label query over a set of resources. matchLabels and matchExpressions are ANDed.",
            [
                "matchExpressions": OpenAPISchema.array(
                    OpenAPISchema.object(
                        nil,
                        [
                            "key": OpenAPISchema.string("The label key that the selector applies to."),
                            "operator": OpenAPISchema.string("In, NotIn, Exists or DoesNotExist."),
                            "values": OpenAPISchema.array(OpenAPISchema.string()),
                        ], required: ["key", "operator"])),
                "matchLabels": OpenAPISchema.stringMap(),
            ])
    }
}

extension Taint {
    /// core/v1 Taint.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "effect": OpenAPISchema.string("NoSchedule, PreferNoSchedule or NoExecute."),
                "key": OpenAPISchema.string(),
                "timeAdded": OpenAPISchema.string(format: "date-time"),
                "value": OpenAPISchema.string(),
            ], required: ["effect", "key"])
    }
}

extension Toleration {
    /// core/v1 Toleration.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "effect": OpenAPISchema.string(),
                "key": OpenAPISchema.string(),
                "operator": OpenAPISchema.string("Exists or Equal (the default)."),
                "tolerationSeconds": OpenAPISchema.integer(format: "int64"),
                "value": OpenAPISchema.string(),
            ])
    }
}

extension HostAlias {
    /// core/v1 HostAlias.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil, ["hostnames": OpenAPISchema.array(OpenAPISchema.string()), "ip": OpenAPISchema.string()],
            required: ["ip"])
    }
}

extension Condition {
    /// meta/v1 Condition.
    public static var openAPISchema: JSONValue {
        OpenAPISchema.object(
            nil,
            [
                "lastTransitionTime": OpenAPISchema.string(format: "date-time"),
                "message": OpenAPISchema.string(),
                "observedGeneration": OpenAPISchema.integer(format: "int64", minimum: 0),
                "reason": OpenAPISchema.string(),
                "status": OpenAPISchema.string(enum: ["True", "False", "Unknown"]),
                "type": OpenAPISchema.string(),
            ], required: ["lastTransitionTime", "message", "reason", "status", "type"])
    }
}
