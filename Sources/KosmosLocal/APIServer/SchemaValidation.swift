import Foundation
import KosmosAPI

/// Validates a custom object against its CRD version's `openAPIV3Schema` after defaulting, the way
/// kube-apiserver does: OpenAPI v3 keywords first, then `x-kubernetes-list-type` set/map uniqueness, then the CEL
/// `x-kubernetes-validations` rules (skipped when an earlier error is a blocking one). Produces kube's causes, in
/// kube's order.
enum SchemaValidation {
    typealias Cause = (reason: String, field: String, message: String)

    /// Errors after which kube does not run the CEL rules: the object does not have the shape they were written
    /// for (type, required, enum, too long, too many). Pattern or range errors do not block.
    static let blockingReasons: Set<String> = ["FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong",
                                               "FieldValueTooMany", "FieldValueTypeInvalid"]

    /// All causes for `object`; `old` is the stored object on updates (enables `oldSelf` transition rules).
    /// `only` limits the walk to one top-level property (`status` for the status subresource).
    static func validate(_ object: JSONValue, old: JSONValue?, schema: JSONValue, only: String? = nil) -> [Cause] {
        var causes: [Cause] = []
        walk(object, schema: schema, path: "", only: only, into: &causes)
        listTypes(object, schema: schema, path: "", only: only, into: &causes)
        guard containsRules(schema) else { return causes }
        if causes.contains(where: { blockingReasons.contains($0.reason) }) {
            causes.append(("FieldValueInvalid", "<nil>", "Invalid value: \"null\": some validation rules were not "
                           + "checked because the object was invalid; correct the existing errors to complete "
                           + "validation"))
            return causes
        }
        rules(object, old: old, schema: schema, path: "", only: only, into: &causes)
        return causes
    }

    // MARK: - List types

    /// `x-kubernetes-list-type: set` items and `map` keys must be unique; the second occurrence of a value is
    /// reported once as `Duplicate value: <value>` (for maps, the key fields as a Go map literal).
    private static func listTypes(_ v: JSONValue, schema: JSONValue, path: String, only: String?,
                                  into causes: inout [Cause]) {
        switch v {
        case .object(let o):
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for k in o.fieldNames.sorted() where only == nil || only == k {
                guard let child = o[k] else { continue }
                if path.isEmpty, k == "metadata" || k == "apiVersion" || k == "kind" { continue }
                if let sub = properties[k] {
                    listTypes(child, schema: sub, path: join(path, k), only: nil, into: &causes)
                } else if case .object? = schema["additionalProperties"], let sub = schema["additionalProperties"] {
                    listTypes(child, schema: sub, path: path + "[\(k)]", only: nil, into: &causes)
                }
            }
        case .array(let items):
            let kind = schema["x-kubernetes-list-type"]?.stringValue
            var seen: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                let shown: String
                switch kind {
                case "set":
                    shown = goSyntax(item)
                case "map":
                    let keys = (schema["x-kubernetes-list-map-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
                    var picked = JSONObject()
                    for k in keys { if let value = item[k] { picked[k] = value } }
                    shown = goSyntax(.object(picked))
                default:
                    continue
                }
                seen[shown, default: 0] += 1
                if seen[shown] == 2 {
                    causes.append(("FieldValueDuplicate", "\(path)[\(i)]", "Duplicate value: \(shown)"))
                }
            }
            if let sub = schema["items"] {
                for (i, item) in items.enumerated() {
                    listTypes(item, schema: sub, path: "\(path)[\(i)]", only: nil, into: &causes)
                }
            }
        default:
            break
        }
    }

    /// A JSON value as Go's `%#v` prints the decoded `interface{}`: `"a"`, `1`, `map[string]interface {}{"k":"v"}`.
    static func goSyntax(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return FieldValidation.quoted(s)
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return String(b)
        case .null: return "interface {}(nil)"
        case .array(let a): return "[]interface {}{" + a.map(goSyntax).joined(separator: ", ") + "}"
        case .object(let o):
            let entries = o.fieldNames.sorted().map { "\(FieldValidation.quoted($0)):\(goSyntax(o[$0] ?? .null))" }
            return "map[string]interface {}{" + entries.joined(separator: ", ") + "}"
        }
    }

    /// The text of a failed rule: its `messageExpression` when that yields a non-blank string, else `message`, else
    /// kube's default `failed rule: <rule>`.
    static func failureMessage(_ r: JSONValue, rule: String, self v: JSONValue, oldSelf: JSONValue?) -> String {
        if let expression = r["messageExpression"]?.stringValue,
           case .string(let text)? = try? CELSubset.value(of: expression, self: v, oldSelf: oldSelf),
           !text.trimmingCharacters(in: .whitespaces).isEmpty, !text.contains("\n") {
            return text
        }
        if let message = r["message"]?.stringValue, !message.isEmpty { return message }
        return "failed rule: \(rule.trimmingCharacters(in: .whitespaces))"
    }

    static func containsRules(_ schema: JSONValue) -> Bool {
        if let r = schema["x-kubernetes-validations"]?.arrayValue, !r.isEmpty { return true }
        for (_, sub) in schema["properties"]?.objectValue ?? JSONObject() where containsRules(sub) { return true }
        if let items = schema["items"], containsRules(items) { return true }
        if case .object? = schema["additionalProperties"], let a = schema["additionalProperties"], containsRules(a) {
            return true
        }
        return false
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Go's `%v`-like rendering of a value inside `Invalid value: ...`.
    static func render(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return FieldValidation.quoted(s)
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return String(b)
        case .null: return "\"null\""
        case .array, .object: return FieldValidation.quoted(v.serializedString())
        }
    }

    /// One allowed value in `supported values: ...`: strings quoted, anything else as quoted JSON.
    private static func enumText(_ v: JSONValue) -> String {
        if case .string(let s) = v { return FieldValidation.quoted(s) }
        return FieldValidation.quoted(v.serializedString())
    }

    private static func number(_ v: JSONValue?) -> String {
        guard let v else { return "" }
        if case .double(let d) = v, d != d.rounded() { return String(d) }
        return v.intValue.map(String.init) ?? ""
    }

    private static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    private static func typeMatches(_ type: String, _ v: JSONValue) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int),
             ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d == d.rounded()
        default: return false
        }
    }

    private static func walk(_ v: JSONValue, schema: JSONValue, path: String, only: String? = nil,
                             into causes: inout [Cause]) {
        let field = path.isEmpty ? "<nil>" : path
        let inBody = path.isEmpty ? "body" : path
        if case .null = v {
            if schema["nullable"]?.boolValue == true { return }
            if let t = schema["type"]?.stringValue {
                causes.append(("FieldValueTypeInvalid", field,
                               "Invalid value: \"null\": \(inBody) in body must be of type \(t): \"null\""))
            }
            return
        }
        // kube-openapi reports a type mismatch and still runs the checks that apply to the value's actual kind.
        if let t = schema["type"]?.stringValue, !typeMatches(t, v) {
            causes.append(("FieldValueTypeInvalid", field,
                           "Invalid value: \"\(typeName(v))\": \(inBody) in body must be of type \(t): "
                           + "\"\(typeName(v))\""))
        }
        func invalid(_ text: String, value: JSONValue? = nil) {
            causes.append(("FieldValueInvalid", field,
                           "Invalid value: \(render(value ?? v)): \(inBody) in body \(text)"))
        }
        switch v {
        case .string(let s):
            // Lengths count runes, and only the first failing string keyword is reported, as kube-openapi does.
            let length = s.unicodeScalars.count
            if let max = schema["maxLength"]?.intValue, length > max {
                causes.append(("FieldValueTooLong", field,
                               "Too long: may not be more than \(max) \(max == 1 ? "byte" : "bytes")"))
            } else if let min = schema["minLength"]?.intValue, length < min {
                invalid("should be at least \(min) chars long")
            } else if let p = schema["pattern"]?.stringValue, let re = try? NSRegularExpression(pattern: p),
                      re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
                invalid("should match '\(p)'")
            }
            if let format = schema["format"]?.stringValue, !SchemaFormats.accepts(s, format: format) {
                causes.append(("FieldValueTypeInvalid", field, "Invalid value: \(render(v)): \(inBody) in body must "
                               + "be of type \(format): \(render(v))"))
            }
        case .int, .double:
            let d = v.doubleValue ?? 0
            if let mult = schema["multipleOf"]?.doubleValue, mult > 0, (d / mult) != (d / mult).rounded() {
                invalid("should be a multiple of \(number(schema["multipleOf"]))")
            }
            if let min = schema["minimum"], let m = min.doubleValue {
                if schema["exclusiveMinimum"]?.boolValue == true {
                    if d <= m { invalid("should be greater than \(number(min))") }
                } else if d < m { invalid("should be greater than or equal to \(number(min))") }
            }
            if let max = schema["maximum"], let m = max.doubleValue {
                if schema["exclusiveMaximum"]?.boolValue == true {
                    if d >= m { invalid("should be less than \(number(max))") }
                } else if d > m { invalid("should be less than or equal to \(number(max))") }
            }
        default: break
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(v) {
            causes.append(("FieldValueNotSupported", field, "Unsupported value: \(render(v)): supported values: "
                           + allowed.map(enumText).joined(separator: ", ")))
        }
        switch v {
        case .object(let o):
            let count = o.fieldNames.count
            if let max = schema["maxProperties"]?.intValue, count > max {
                causes.append(("FieldValueTooMany", field,
                               "Too many: \(count): must have at most \(max) \(max == 1 ? "item" : "items")"))
            }
            if let min = schema["minProperties"]?.intValue, count < min {
                causes.append(("FieldValueInvalid", field,
                               "Invalid value: \(count): \(inBody) in body should have at least \(min) properties"))
            }
            for r in schema["required"]?.arrayValue ?? [] {
                if let k = r.stringValue, o[k] == nil, only == nil || only == k {
                    causes.append(("FieldValueRequired", join(path, k), "Required value"))
                }
            }
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for k in o.fieldNames.sorted() where only == nil || only == k {
                guard let child = o[k] else { continue }
                if path.isEmpty, k == "metadata" || k == "apiVersion" || k == "kind" { continue }
                if let sub = properties[k] {
                    walk(child, schema: sub, path: join(path, k), into: &causes)
                } else if case .object? = schema["additionalProperties"], let sub = schema["additionalProperties"] {
                    // kube-openapi names map entries with a dot here (CEL rules below use `[key]`).
                    walk(child, schema: sub, path: join(path, k), into: &causes)
                }
            }
        case .array(let items):
            if let sub = schema["items"] {
                for (i, item) in items.enumerated() { walk(item, schema: sub, path: path + "[\(i)]", into: &causes) }
            }
            if let min = schema["minItems"]?.intValue, items.count < min {
                invalid("should have at least \(min) items", value: .int(Int64(items.count)))
            }
            if let max = schema["maxItems"]?.intValue, items.count > max {
                causes.append(("FieldValueTooMany", field,
                               "Too many: \(items.count): must have at most \(max) \(max == 1 ? "item" : "items")"))
            }
        default: break
        }
    }

    /// Runs the CEL rules of a node, then of its children; every failure is collected as a cause.
    private static func rules(_ v: JSONValue, old: JSONValue?, schema: JSONValue, path: String, only: String?,
                              into causes: inout [Cause]) {
        let field = path.isEmpty ? "<nil>" : path
        // kube reports the schema's type (not the value) as the "invalid value" of a failed rule.
        let valueText = "\"\(schema["type"]?.stringValue ?? typeName(v))\""
        for r in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let rule = r["rule"]?.stringValue else { continue }
            // Rules outside the CEL subset are refused when the CRD is written; one stored before that is skipped.
            guard (try? CELSubset.compile(rule)) != nil else { continue }
            let transition = CELSubset.isTransitionRule(rule)
            if transition && old == nil { continue }
            let oldSelf = transition ? old : nil
            do {
                if try CELSubset.evaluate(rule, self: v, oldSelf: oldSelf) { continue }
                var shown = field
                if let fp = r["fieldPath"]?.stringValue, !fp.isEmpty {
                    shown = path.isEmpty ? String(fp.drop(while: { $0 == "." })) : path + fp
                }
                let detail = failureMessage(r, rule: rule, self: v, oldSelf: oldSelf)
                switch r["reason"]?.stringValue {
                case "FieldValueForbidden": causes.append(("FieldValueForbidden", shown, "Forbidden: \(detail)"))
                case "FieldValueRequired": causes.append(("FieldValueRequired", shown, "Required value: \(detail)"))
                case "FieldValueDuplicate":
                    causes.append(("FieldValueDuplicate", shown, "Duplicate value: \(valueText)"))
                default: causes.append(("FieldValueInvalid", shown, "Invalid value: \(valueText): \(detail)"))
                }
            } catch {
                // A runtime error (`no such key: x`), or a type combination the subset cannot evaluate: either way
                // the rule is reported as not passing rather than letting the object through.
                let text: String
                switch error {
                case .runtime(let t), .unsupported(let t): text = t
                }
                causes.append(("FieldValueInvalid", field,
                               "Invalid value: \(valueText): \(text) evaluating rule: \(rule)"))
            }
        }
        switch v {
        case .object(let o):
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for k in o.fieldNames.sorted() where only == nil || only == k {
                guard let child = o[k] else { continue }
                if let sub = properties[k] {
                    rules(child, old: old?[k], schema: sub, path: join(path, k), only: nil, into: &causes)
                } else if case .object? = schema["additionalProperties"], let sub = schema["additionalProperties"] {
                    rules(child, old: old?[k], schema: sub, path: path + "[\(k)]", only: nil, into: &causes)
                }
            }
        case .array(let items):
            // Old list items are not correlated here, so transition rules inside lists are skipped.
            if let sub = schema["items"] {
                for (i, item) in items.enumerated() {
                    rules(item, old: nil, schema: sub, path: path + "[\(i)]", only: nil, into: &causes)
                }
            }
        default: break
        }
    }
}
