import KosmosAPI

/// Known-field tables for the built-in kinds whose API groups have no protobuf schema here (storage.k8s.io,
/// networking.k8s.io, apiextensions.k8s.io, autoscaling, events.k8s.io, ...), derived from kube-apiserver v1.32's
/// OpenAPI by `scripts/gen-field-tables.py`. `FieldValidation` uses them to drop and name unknown fields the way
/// kube's strict JSON decoder does for those kinds.
struct FieldTables: Sendable {
    /// What a field holds, as far as unknown-field checks go.
    enum Shape: Sendable, Equatable {
        /// A scalar or a free-form value: nothing below it is checked.
        case free
        case object(String)
        case list(String)
        case map(String)
    }

    let definitions: [String: [String: Shape]]
    let kinds: [String: String]

    static let shared = FieldTables(kinds: generatedKinds, text: generatedText)

    /// The definition of `kind` in `apiVersion`, when the table covers it.
    func definition(apiVersion: String, kind: String) -> String? { kinds["\(apiVersion) \(kind)"] }

    init(kinds kindText: String, text: String) {
        var kinds: [String: String] = [:]
        for line in kindText.split(separator: "\n") {
            let p = line.split(separator: " ")
            guard p.count == 3 else { continue }
            kinds["\(p[0]) \(p[1])"] = String(p[2])
        }
        var definitions: [String: [String: Shape]] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.first == "@" {
                current = String(line.dropFirst())
                definitions[current!] = [:]
                continue
            }
            let p = line.split(separator: " ")
            guard let current, p.count == 2 else { continue }
            let kind = p[1]
            let target = String(kind.dropFirst())
            let shape: Shape
            switch kind.first {
            case "=": shape = .object(target)
            case "[": shape = .list(target)
            case "{": shape = .map(target)
            default: shape = .free
            }
            definitions[current]?[String(p[0])] = shape
        }
        self.kinds = kinds
        self.definitions = definitions
    }

    /// Drops the fields of `value` that `definition` does not declare, recording `unknown field "<path>"` for each.
    func prune(_ definition: String, _ value: inout JSONValue, path: String, top: Bool,
               into problems: inout [String]) {
        guard let fields = definitions[definition], case .object(var o) = value else { return }
        var changed = false
        for key in o.fieldNames {
            if top && (key == "kind" || key == "apiVersion") { continue }
            let childPath = path.isEmpty ? key : path + "." + key
            guard let shape = fields[key] else {
                problems.append("unknown field \(FieldValidation.quoted(childPath))")
                o[key] = nil
                changed = true
                continue
            }
            guard var child = o[key] else { continue }
            let before = problems.count
            switch (shape, child) {
            case (.object(let d), _):
                prune(d, &child, path: childPath, top: false, into: &problems)
            case (.list(let d), .array(var items)):
                for i in items.indices {
                    prune(d, &items[i], path: "\(childPath)[\(i)]", top: false, into: &problems)
                }
                child = .array(items)
            case (.map(let d), .object(var entries)):
                for k in entries.fieldNames {
                    guard var entry = entries[k] else { continue }
                    prune(d, &entry, path: childPath + "." + k, top: false, into: &problems)
                    entries[k] = entry
                }
                child = .object(entries)
            default:
                break
            }
            if problems.count != before {
                o[key] = child
                changed = true
            }
        }
        if changed { value = .object(o) }
    }
}
