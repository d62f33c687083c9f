import KosmosAPI

/// Checks the `x-kubernetes-validations` of a CustomResourceDefinition when it is written, like kube-apiserver
/// compiles them then: a rule or `messageExpression` this server's CEL subset cannot run, or an unknown `reason`,
/// refuses the CRD with 422 instead of letting objects through unchecked later.
enum CRDRuleValidation {
    typealias Cause = (reason: String, field: String, message: String)

    static let reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]

    /// The causes for every version's `openAPIV3Schema` of `crd`, with kube's field paths
    /// (`spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule`).
    static func causes(_ crd: JSONValue) -> [Cause] {
        var out: [Cause] = []
        for (i, version) in (crd["spec"]?["versions"]?.arrayValue ?? []).enumerated() {
            guard let schema = version["schema"]?["openAPIV3Schema"] else { continue }
            walk(schema, path: "spec.versions[\(i)].schema.openAPIV3Schema", into: &out)
        }
        return out
    }

    private static func walk(_ schema: JSONValue, path: String, into out: inout [Cause]) {
        for (i, r) in (schema["x-kubernetes-validations"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).x-kubernetes-validations[\(i)]"
            let rule = r["rule"]?.stringValue ?? ""
            if rule.isEmpty {
                out.append(("FieldValueRequired", "\(at).rule", "Required value: rule is not specified"))
            } else {
                do throws(CELSubset.Failure) { try CELSubset.compile(rule) } catch {
                    out.append(("FieldValueInvalid", "\(at).rule",
                                "Invalid value: \(goRule(r)): compilation failed: \(describe(error))"))
                }
            }
            if let expression = r["messageExpression"]?.stringValue, !expression.isEmpty {
                do throws(CELSubset.Failure) { try CELSubset.compile(expression) } catch {
                    out.append(("FieldValueInvalid", "\(at).messageExpression",
                                "Invalid value: \(goRule(r)): messageExpression compilation failed: "
                                    + describe(error)))
                }
            }
            if let reason = r["reason"]?.stringValue, !reasons.contains(reason) {
                out.append(("FieldValueNotSupported", "\(at).reason", "Unsupported value: "
                            + FieldValidation.quoted(reason) + ": supported values: "
                            + reasons.map(FieldValidation.quoted).joined(separator: ", ")))
            }
        }
        for (name, sub) in schema["properties"]?.objectValue ?? JSONObject() {
            walk(sub, path: "\(path).properties[\(name)]", into: &out)
        }
        if let items = schema["items"] { walk(items, path: "\(path).items", into: &out) }
        if case .object? = schema["additionalProperties"], let sub = schema["additionalProperties"] {
            walk(sub, path: "\(path).additionalProperties", into: &out)
        }
    }

    private static func describe(_ failure: CELSubset.Failure) -> String {
        switch failure {
        case .unsupported(let why), .runtime(let why):
            return "ERROR: <input>: not supported by the local API server's CEL subset: \(why)"
        }
    }

    /// The rule as Go's `%#v` prints kube's internal `ValidationRule` in this message.
    private static func goRule(_ r: JSONValue) -> String {
        func q(_ key: String) -> String { FieldValidation.quoted(r[key]?.stringValue ?? "") }
        let reason = r["reason"] == nil ? "(*apiextensions.FieldValueErrorReason)(nil)"
            : "(*apiextensions.FieldValueErrorReason)(\(q("reason")))"
        let optional = r["optionalOldSelf"]?.boolValue.map { "(*bool)(\($0))" } ?? "(*bool)(nil)"
        return "apiextensions.ValidationRule{Rule:\(q("rule")), Message:\(q("message")), MessageExpression:"
            + "\(q("messageExpression")), Reason:\(reason), FieldPath:\(q("fieldPath")), OptionalOldSelf:\(optional)}"
    }
}
