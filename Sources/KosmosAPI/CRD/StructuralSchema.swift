/// Checks an OpenAPI v3 schema against the rules apiextensions-apiserver applies to CRD schemas ("structural
/// schemas"), so a CRD we generate is never rejected.
public enum StructuralSchema {
    private static let types: Set<String> = ["object", "array", "string", "integer", "number", "boolean"]
    private static let junctors = ["allOf", "anyOf", "oneOf"]

    /// The violations, each as `<path>: <problem>`; empty when the schema is structural.
    ///
    /// Checked: the root is an object; every node has a known `type` unless it is marked
    /// `x-kubernetes-int-or-string` (which must have no type) or `x-kubernetes-preserve-unknown-fields`;
    /// preserve-unknown-fields and embedded resources are only used on objects; `properties` and
    /// `additionalProperties` are not combined; arrays have `items`; value-validation branches (`anyOf`, ...)
    /// carry no `type`, `default`, `description` or `additionalProperties`; `metadata` at the root declares nothing
    /// but `type: object` (and `name`/`generateName`).
    public static func violations(of schema: JSONValue) -> [String] {
        var out: [String] = []
        if schema["type"]?.stringValue != "object" { out.append("<root>: type must be object") }
        check(schema, path: "<root>", into: &out)
        if let meta = schema["properties"]?["metadata"]?.objectValue {
            for (k, v) in meta {
                switch k {
                case "type": if v.stringValue != "object" { out.append("metadata: type must be object") }
                case "properties":
                    for (p, _) in v.objectValue ?? JSONObject() where p != "name" && p != "generateName" {
                        out.append("metadata.\(p): only name and generateName may be specified")
                    }
                default: out.append("metadata: must only have type (found \(k))")
                }
            }
        }
        return out
    }

    private static func check(_ node: JSONValue, path: String, into out: inout [String]) {
        guard let o = node.objectValue else {
            out.append("\(path): schema must be an object")
            return
        }
        let type = o["type"]?.stringValue
        let intOrString = o["x-kubernetes-int-or-string"]?.boolValue == true
        let preserve = o["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        if intOrString {
            if type != nil { out.append("\(path): type must be empty with x-kubernetes-int-or-string") }
            for j in junctors {
                for (i, branch) in (o[j]?.arrayValue ?? []).enumerated() {
                    let t = branch["type"]?.stringValue
                    if t != "integer" && t != "string" || (branch.objectValue?.count ?? 0) != 1 {
                        out.append("\(path).\(j)[\(i)]: int-or-string branches may only be {type: integer|string}")
                    }
                }
            }
        } else if let type {
            if !types.contains(type) { out.append("\(path): unknown type \(type)") }
        } else if !preserve {
            out.append("\(path): type must not be empty")
        }
        if preserve, let type, type != "object" {
            out.append("\(path): x-kubernetes-preserve-unknown-fields used on type \(type)")
        }
        if o["x-kubernetes-embedded-resource"]?.boolValue == true, type != "object" {
            out.append("\(path): x-kubernetes-embedded-resource needs type object")
        }
        if o["properties"] != nil, o["additionalProperties"] != nil {
            out.append("\(path): properties and additionalProperties are mutually exclusive")
        }
        if type == "array", o["items"] == nil { out.append("\(path): arrays need items") }
        if type != nil, type != "object", o["properties"] != nil || o["additionalProperties"] != nil {
            out.append("\(path): properties on a non-object")
        }
        if let required = o["required"]?.arrayValue, let props = o["properties"]?.objectValue {
            for r in required where !props.contains(r.stringValue ?? "") {
                out.append("\(path): required \(r.stringValue ?? "?") is not a property")
            }
        }
        for (k, v) in o["properties"]?.objectValue ?? JSONObject() { check(v, path: "\(path).\(k)", into: &out) }
        if let items = o["items"] { check(items, path: "\(path)[*]", into: &out) }
        if let ap = o["additionalProperties"], ap.objectValue != nil { check(ap, path: "\(path){*}", into: &out) }
        for j in junctors + ["not"] where !intOrString {
            let branches = o[j]?.arrayValue ?? (o[j].map { [$0] } ?? [])
            for (i, b) in branches.enumerated() { checkValueValidation(b, path: "\(path).\(j)[\(i)]", into: &out) }
        }
    }

    private static func checkValueValidation(_ node: JSONValue, path: String, into out: inout [String]) {
        for k in ["type", "default", "description", "additionalProperties", "nullable", "title"] where node[k] != nil {
            out.append("\(path): \(k) is not allowed in value validation")
        }
        for (k, v) in node["properties"]?.objectValue ?? JSONObject() {
            checkValueValidation(v, path: "\(path).\(k)", into: &out)
        }
        if let items = node["items"] { checkValueValidation(items, path: "\(path)[*]", into: &out) }
    }
}
