import KosmosAPI

/// What a write does with fields its kind's schema does not declare, and with fields written twice in one JSON
/// object: the `fieldValidation` query parameter (`kubectl --validate=strict|warn|ignore`).
///
/// Like kube-apiserver, unknown fields are dropped from the stored object in every mode; `Warn` (the default) adds
/// one `Warning: 299` header per problem, `Strict` refuses the request with 400, `Ignore` says nothing.
enum FieldValidationMode: Sendable {
    case ignore
    case warn
    case strict

    /// The mode a request asks for.
    /// - Throws: `APIError` 400 naming the parameter when the value is none of `Ignore`, `Warn`, `Strict`.
    init(query value: String?) throws {
        switch value {
        case nil, "", "Warn": self = .warn
        case "Strict": self = .strict
        case "Ignore": self = .ignore
        case let other?:
            throw APIError.badRequest("fieldValidation: Invalid value: \"\(other)\": fieldValidation must be one of "
                + "Ignore, Warn, Strict")
        }
    }
}

/// Finds and drops the fields of a request body that its kind's schema does not declare (the built-in kinds' field
/// lists from `KubeProtobufSchema` or, for groups without protobuf schemas, `FieldTables`; a CRD's structural
/// schema), and finds fields written twice in a JSON object.
///
/// Paths are written as kube-apiserver's strict decoder writes them: `spec.template.spec.containers[0].imagee`.
enum FieldValidation {
    /// The problems of one body, in kube's wording (`unknown field "spec.bogus"`, `duplicate field "a"`).
    struct Report: Sendable {
        var problems: [String] = []
    }

    /// Drops undeclared fields from `object` and reports them and any duplicate keys of `rawJSON`; throws in
    /// `Strict` mode when there is any problem.
    /// - Parameters:
    ///   - object: The decoded body, pruned in place.
    ///   - rawJSON: The body's bytes when it is JSON (duplicate keys are lost once decoded), else `nil`.
    ///   - info: The resource written.
    ///   - mode: The request's `fieldValidation`.
    /// - Returns: The warnings to send (empty for `Ignore`).
    /// - Throws: `APIError` 400 `BadRequest` ("<Kind> in version "v1" cannot be handled as a <Kind>: strict
    ///   decoding error: ...") in `Strict` mode.
    static func check(_ object: inout JSONValue, rawJSON: [UInt8]?, info: ResourceInfo,
                      mode: FieldValidationMode) throws -> [String] {
        var problems = rawJSON.map(duplicateFields) ?? []
        var unknown: [String] = []
        if let custom = info.custom {
            if let schema = custom.schema { pruneCustom(&object, schema: schema, into: &unknown) }
            // kube prunes custom objects by schema and reports those paths sorted, after the decoder's findings.
            problems += unknown.sorted().map { "unknown field \(quoted($0))" }
        } else if let message = builtinMessage(info) {
            pruneMessage(message, &object, path: { "" }, top: true, into: &problems)
        } else if let definition = FieldTables.shared.definition(apiVersion: info.apiVersion, kind: info.kind) {
            // Groups without a protobuf schema: the field table derived from kube's OpenAPI.
            FieldTables.shared.prune(definition, &object, path: "", top: true, into: &problems)
        }
        guard !problems.isEmpty else { return [] }
        switch mode {
        case .ignore:
            return []
        case .warn:
            return problems
        case .strict:
            throw APIError.badRequest("\(info.kind) in version \"\(info.version)\" cannot be handled as a "
                + "\(info.kind): strict decoding error: " + problems.joined(separator: ", "))
        }
    }

    /// A JSON string literal as Go's `%q` writes it for plain paths.
    static func quoted(_ s: String) -> String { JSONValue.string(s).serializedString() }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    // MARK: - Built-in kinds

    private static let schema = KubeProtobufSchema.kubernetes

    private static func builtinMessage(_ info: ResourceInfo) -> String? {
        guard let package = KubeProtobufSchema.packageByGroupVersion[info.apiVersion] else { return nil }
        let name = "\(package).\(info.kind)"
        return schema.messages[name] == nil ? nil : name
    }

    /// ``declaredFields(_:)`` of every message, by message name, worked out once: a pod alone names a few dozen
    /// messages, and building their tables on every request cost more than the pruning itself.
    private static let declaredFieldsByMessage: [String: [String: KubeProtobufSchema.Field]] = {
        var out: [String: [String: KubeProtobufSchema.Field]] = [:]
        for (name, message) in schema.messages { out[name] = declaredFields(message) }
        return out
    }()

    /// The fields of a message by JSON name, embedded (inline) structs' fields included.
    private static func declaredFields(_ message: KubeProtobufSchema.Message) -> [String: KubeProtobufSchema.Field] {
        var out: [String: KubeProtobufSchema.Field] = [:]
        for f in message.fields {
            if f.inline, case .message(let inner) = f.type, let m = schema.messages[inner] {
                out.merge(declaredFields(m)) { a, _ in a }
            } else {
                out[f.jsonName] = f
            }
        }
        return out
    }

    // The path of a field is only spelled out when something is wrong there: `path` makes it on demand.
    private static func pruneMessage(_ name: String, _ value: inout JSONValue, path: () -> String, top: Bool,
                                     into problems: inout [String]) {
        guard KubeProtobufSpecialType(rawValue: name) == nil, let fields = declaredFieldsByMessage[name],
              case .object(var o) = value else { return }
        var changed = false
        for key in o.fieldNames {
            if top && (key == "kind" || key == "apiVersion") { continue }
            guard let field = fields[key] else {
                problems.append("unknown field \(quoted(join(path(), key)))")
                o[key] = nil
                changed = true
                continue
            }
            guard var child = o[key] else { continue }
            if pruneField(field.type, repeated: field.repeated, &child, path: { join(path(), key) },
                          into: &problems) {
                o[key] = child
                changed = true
            }
        }
        if changed { value = .object(o) }
    }

    /// Prunes one field's value; returns whether it changed (a value with nothing to prune is not copied).
    private static func pruneField(_ type: KubeProtobufSchema.FieldType, repeated: Bool, _ value: inout JSONValue,
                                   path: () -> String, into problems: inout [String]) -> Bool {
        let before = problems.count
        switch type {
        case .message(let m):
            if repeated, case .array(var items) = value {
                var changed = false
                for i in items.indices {
                    var item = items[i]
                    let found = problems.count
                    pruneMessage(m, &item, path: { "\(path())[\(i)]" }, top: false, into: &problems)
                    if problems.count != found {
                        items[i] = item
                        changed = true
                    }
                }
                if changed { value = .array(items) }
            } else {
                pruneMessage(m, &value, path: path, top: false, into: &problems)
            }
        case .map(let valueType):
            guard case .message = valueType, case .object(var o) = value else { return false }
            var changed = false
            for key in o.fieldNames {
                guard var entry = o[key] else { continue }
                if pruneField(valueType, repeated: false, &entry, path: { join(path(), key) }, into: &problems) {
                    o[key] = entry
                    changed = true
                }
            }
            if changed { value = .object(o) }
        default:
            break
        }
        return problems.count != before
    }

    // MARK: - Custom resources

    private static let objectMeta = "\(KubeProtobufSchema.metaPackage).ObjectMeta"

    /// Prunes a custom object by its version's `openAPIV3Schema`: `apiVersion`, `kind` and `metadata` are always
    /// declared at the root, `x-kubernetes-preserve-unknown-fields` keeps what a level does not declare.
    static func pruneCustom(_ object: inout JSONValue, schema: JSONValue, into unknown: inout [String]) {
        guard case .object(var o) = object else { return }
        if var meta = o["metadata"] {
            var metaProblems: [String] = []
            pruneMessage(objectMeta, &meta, path: { "metadata" }, top: false, into: &metaProblems)
            if !metaProblems.isEmpty {
                o["metadata"] = meta
                // Already in kube's wording; strip it back to the path for sorting with the others.
                unknown += metaProblems.compactMap { p in
                    (try? JSONValue.parse(String(p.dropFirst("unknown field ".count))))?.stringValue
                }
            }
        }
        var rest = JSONValue.object(o)
        pruneSchema(schema, &rest, path: "", root: true, into: &unknown)
        object = rest
    }

    private static func pruneSchema(_ schema: JSONValue, _ value: inout JSONValue, path: String, root: Bool,
                                    into unknown: inout [String]) {
        switch value {
        case .object(var o):
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            let embedded = schema["x-kubernetes-embedded-resource"]?.boolValue == true
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            for key in o.fieldNames {
                if root && (key == "apiVersion" || key == "kind" || key == "metadata") { continue }
                if embedded && (key == "apiVersion" || key == "kind" || key == "metadata") { continue }
                guard var child = o[key] else { continue }
                let childPath = join(path, key)
                if let sub = properties?[key] {
                    pruneSchema(sub, &child, path: childPath, root: false, into: &unknown)
                    o[key] = child
                } else if case .object? = additional, let sub = additional {
                    pruneSchema(sub, &child, path: childPath, root: false, into: &unknown)
                    o[key] = child
                } else if additional?.boolValue == true || preserve {
                    continue
                } else {
                    unknown.append(childPath)
                    o[key] = nil
                }
            }
            value = .object(o)
        case .array(var items):
            guard let itemSchema = schema["items"] else { return }
            for i in items.indices {
                pruneSchema(itemSchema, &items[i], path: "\(path)[\(i)]", root: false, into: &unknown)
            }
            value = .array(items)
        default:
            return
        }
    }

    /// Fills the `default` values a custom resource's schema declares for properties an object leaves out, at
    /// every level the object has (kube's structural defaulting; a default is not pruned or validated further).
    static func applySchemaDefaults(_ value: inout JSONValue, schema: JSONValue) {
        switch value {
        case .object(var o):
            for (key, sub) in schema["properties"]?.objectValue ?? JSONObject() {
                if var child = o[key] {
                    applySchemaDefaults(&child, schema: sub)
                    o[key] = child
                } else if let d = sub["default"] {
                    o[key] = d
                }
            }
            if case .object? = schema["additionalProperties"], let sub = schema["additionalProperties"] {
                for key in o.fieldNames where schema["properties"]?[key] == nil {
                    guard var child = o[key] else { continue }
                    applySchemaDefaults(&child, schema: sub)
                    o[key] = child
                }
            }
            value = .object(o)
        case .array(var items):
            guard let sub = schema["items"] else { return }
            for i in items.indices { applySchemaDefaults(&items[i], schema: sub) }
            value = .array(items)
        default:
            return
        }
    }

    // MARK: - Duplicate keys

    /// The paths of keys that appear twice in one object of a JSON document, in document order (empty when the
    /// bytes are not JSON; the parser reports that).
    static func duplicateFields(_ bytes: [UInt8]) -> [String] {
        var scanner = DuplicateKeyScanner(bytes: bytes)
        scanner.skipSpace()
        scanner.value()
        return scanner.found
    }
}

/// A small JSON walker that only tracks object keys and the path to them.
///
/// It runs on every write's body, so the path is a stack spelled out only for a duplicate, string values are
/// skipped without decoding, and the keys of an object are compared in a list until there are many of them.
private struct DuplicateKeyScanner {
    /// One step of the path: an object key or a list index.
    enum Step {
        case key(String)
        case index(Int)
    }

    let bytes: [UInt8]
    var i = 0
    var found: [String] = []
    var failed = false
    var path: [Step] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The path as the messages write it: `spec.containers[0].name`.
    var pathString: String {
        var s = ""
        for step in path {
            switch step {
            case .key(let k): s = s.isEmpty ? k : s + "." + k
            case .index(let n): s += "[\(n)]"
            }
        }
        return s
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
            i += 1
        }
    }

    mutating func value() {
        guard !failed, i < bytes.count else { failed = true; return }
        switch bytes[i] {
        case UInt8(ascii: "{"): object()
        case UInt8(ascii: "["): array()
        case UInt8(ascii: "\""): skipString()
        default:
            // Numbers and literals: up to the next delimiter.
            while i < bytes.count, !",}] \n\r\t".utf8.contains(bytes[i]) { i += 1 }
        }
    }

    mutating func object() {
        i += 1
        var seen: [String] = []
        var seenSet: Set<String>?
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
        while !failed {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { failed = true; return }
            let duplicate: Bool
            if seenSet != nil {
                duplicate = !seenSet!.insert(key).inserted
            } else {
                duplicate = seen.contains(key)
                seen.append(key)
                if seen.count > 32 { seenSet = Set(seen) }
            }
            path.append(.key(key))
            if duplicate { found.append("duplicate field \(FieldValidation.quoted(pathString))") }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { failed = true; return }
            i += 1
            skipSpace()
            value()
            path.removeLast()
            skipSpace()
            guard i < bytes.count else { failed = true; return }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            failed = true
        }
    }

    mutating func array() {
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
        var index = 0
        while !failed {
            skipSpace()
            path.append(.index(index))
            value()
            path.removeLast()
            index += 1
            skipSpace()
            guard i < bytes.count else { failed = true; return }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return }
            failed = true
        }
    }

    /// Skips a string token (the cursor is on its opening quote) without decoding it.
    mutating func skipString() {
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\\") {
                i += 1
            } else if c == UInt8(ascii: "\"") {
                return
            }
        }
        failed = true
    }

    /// A string token (the cursor is on its opening quote), decoded.
    mutating func string() -> String? {
        let start = i
        i += 1
        var escaped = false
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\\") {
                escaped = true
                i += 1
            } else if c == UInt8(ascii: "\"") {
                let raw = bytes[start..<i]
                if !escaped { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
                return (try? JSONValue.parse(Array(raw)))?.stringValue
            }
        }
        failed = true
        return nil
    }
}
