import KosmosAPI

/// Why a patch could not be applied. `isTestFailure` marks a failed json-patch `test` op (kube answers 422).
struct PatchError: Error, Sendable, CustomStringConvertible {
    var message: String
    var isTestFailure = false
    var description: String { message }
}

/// The three patch formats kube-apiserver accepts besides server-side apply.
enum Patch {
    // MARK: - RFC 7386 merge patch

    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var t: JSONObject
        if case .object(let o) = target { t = o } else { t = JSONObject() }
        for (k, v) in p {
            if case .null = v {
                t[k] = nil
            } else {
                t[k] = merge(t[k] ?? .null, v)
            }
        }
        return .object(t)
    }

    // MARK: - RFC 6902 JSON patch

    static func jsonPatch(_ target: JSONValue, _ patch: JSONValue) throws -> JSONValue {
        guard case .array(let ops) = patch else { throw PatchError(message: "json patch must be an array") }
        var doc = target
        for op in ops {
            guard let name = op["op"]?.stringValue, let path = op["path"]?.stringValue else {
                throw PatchError(message: "invalid json patch operation: \(op)")
            }
            let tokens = try pointer(path)
            switch name {
            case "add": doc = try set(doc, tokens, op["value"] ?? .null, insert: true)
            case "replace":
                _ = try get(doc, tokens)
                doc = try set(doc, tokens, op["value"] ?? .null, insert: false)
            case "remove": doc = try remove(doc, tokens)
            case "test":
                let cur = try? get(doc, tokens)
                if cur != (op["value"] ?? .null) {
                    throw PatchError(message: "testing value \(path) failed: test failed", isTestFailure: true)
                }
            case "move", "copy":
                guard let from = op["from"]?.stringValue else { throw PatchError(message: "missing from") }
                let ft = try pointer(from)
                let v = try get(doc, ft)
                if name == "move" { doc = try remove(doc, ft) }
                doc = try set(doc, tokens, v, insert: true)
            default: throw PatchError(message: "unexpected json patch operation \(name)")
            }
        }
        return doc
    }

    private static func pointer(_ p: String) throws -> [String] {
        if p.isEmpty { return [] }
        guard p.hasPrefix("/") else { throw PatchError(message: "invalid path \(p)") }
        return p.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ doc: JSONValue, _ t: [String]) throws -> JSONValue {
        var cur = doc
        for k in t {
            switch cur {
            case .object(let o):
                guard let v = o[k] else { throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))") }
                cur = v
            case .array(let a):
                guard let i = Int(k), i >= 0, i < a.count else { throw PatchError(message: "invalid index \(k)") }
                cur = a[i]
            default: throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))")
            }
        }
        return cur
    }

    private static func set(_ doc: JSONValue, _ t: [String], _ value: JSONValue, insert: Bool) throws -> JSONValue {
        guard let k = t.first else { return value }
        let rest = Array(t.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty {
                o[k] = value
            } else {
                guard let child = o[k] else {
                    throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))")
                }
                o[k] = try set(child, rest, value, insert: insert)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if k == "-" { a.append(value); return .array(a) }
                guard let i = Int(k), i >= 0, i <= a.count else { throw PatchError(message: "invalid index \(k)") }
                if insert { a.insert(value, at: i) } else {
                    guard i < a.count else { throw PatchError(message: "invalid index \(k)") }
                    a[i] = value
                }
            } else {
                guard let i = Int(k), i >= 0, i < a.count else { throw PatchError(message: "invalid index \(k)") }
                a[i] = try set(a[i], rest, value, insert: insert)
            }
            return .array(a)
        default:
            throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))")
        }
    }

    private static func remove(_ doc: JSONValue, _ t: [String]) throws -> JSONValue {
        guard let k = t.first else { return .null }
        let rest = Array(t.dropFirst())
        switch doc {
        case .object(var o):
            guard let child = o[k] else { throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))") }
            o[k] = rest.isEmpty ? nil : try remove(child, rest)
            return .object(o)
        case .array(var a):
            guard let i = Int(k), i >= 0, i < a.count else { throw PatchError(message: "invalid index \(k)") }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(a[i], rest) }
            return .array(a)
        default:
            throw PatchError(message: "doc is missing path: /\(t.joined(separator: "/"))")
        }
    }

    // MARK: - Strategic merge patch

    /// The merge key of a list field of the built-in types, given the field name and its parent's field name.
    static func mergeKey(field: String, parent: String?) -> String? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets",
             "resourceClaims", "schedulingGates":
            return "name"
        case "volumeMounts": return "mountPath"
        case "volumeDevices": return "devicePath"
        case "ports":
            if parent == "containers" || parent == "initContainers" || parent == "ephemeralContainers" {
                return "containerPort"
            }
            return "port"
        case "conditions", "addresses": return "type"
        case "ownerReferences": return "uid"
        case "hostAliases": return "ip"
        case "topologySpreadConstraints": return "topologyKey"
        case "readinessGates": return "conditionType"
        default: return nil
        }
    }

    /// Lists of scalars whose patch strategy is merge (union).
    static func isMergedPrimitiveList(_ field: String) -> Bool { field == "finalizers" }

    /// Applies a strategic merge patch (directives `$patch`, `$setElementOrder/`, `$deleteFromPrimitiveList/`,
    /// `$retainKeys`) with the built-in merge keys.
    static func strategic(_ target: JSONValue, _ patch: JSONValue) throws -> JSONValue {
        try strategicMap(target, patch, parentField: nil)
    }

    private static func strategicMap(_ target: JSONValue, _ patch: JSONValue, parentField: String?) throws
        -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        if p["$patch"]?.stringValue == "replace" {
            var q = p
            q["$patch"] = nil
            return .object(q)
        }
        if p["$patch"]?.stringValue == "delete" { return .null }
        var t: JSONObject
        if case .object(let o) = target { t = o } else { t = JSONObject() }
        if case .array(let keep)? = p["$retainKeys"] {
            let names = Set(keep.compactMap(\.stringValue))
            for k in t.fieldNames where !names.contains(k) { t[k] = nil }
        }
        var orders: [String: [JSONValue]] = [:]
        for (k, v) in p {
            if k.hasPrefix("$setElementOrder/"), case .array(let a) = v {
                orders[String(k.dropFirst("$setElementOrder/".count))] = a
            }
        }
        for (k, v) in p {
            if k == "$retainKeys" || k == "$patch" || k.hasPrefix("$setElementOrder/") { continue }
            if k.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(k.dropFirst("$deleteFromPrimitiveList/".count))
                if case .array(let del) = v, case .array(let cur)? = t[field] {
                    t[field] = .array(cur.filter { !del.contains($0) })
                }
                continue
            }
            if case .null = v {
                t[k] = nil
                continue
            }
            switch v {
            case .object:
                t[k] = try strategicMap(t[k] ?? .null, v, parentField: k)
                if case .null? = t[k] { t[k] = nil }
            case .array(let items):
                if let key = mergeKey(field: k, parent: parentField), case .array(let cur)? = t[k] ?? .array([]) {
                    t[k] = .array(try mergeList(cur, items, key: key, field: k, order: orders[k]))
                } else if isMergedPrimitiveList(k), case .array(let cur)? = t[k] ?? .array([]) {
                    var merged = cur
                    for i in items where !merged.contains(i) { merged.append(i) }
                    t[k] = .array(merged)
                } else {
                    t[k] = v
                }
            default:
                t[k] = v
            }
        }
        for (field, order) in orders where t[field] != nil {
            if let key = mergeKey(field: field, parent: parentField), case .array(let cur)? = t[field] {
                t[field] = .array(reorder(cur, order: order, key: key))
            }
        }
        return .object(t)
    }

    private static func mergeList(_ current: [JSONValue], _ patch: [JSONValue], key: String, field: String,
                                  order: [JSONValue]?) throws -> [JSONValue] {
        var out = current
        for item in patch {
            if item["$patch"]?.stringValue == "replace" { return patch.filter { $0["$patch"] == nil } }
            guard let kv = item[key] else {
                out.append(item)
                continue
            }
            let idx = out.firstIndex { $0[key] == kv }
            if item["$patch"]?.stringValue == "delete" {
                if let idx { out.remove(at: idx) }
                continue
            }
            if let idx {
                out[idx] = try strategicMap(out[idx], item, parentField: field)
            } else {
                out.append(try strategicMap(.null, item, parentField: field))
            }
        }
        return out
    }

    private static func reorder(_ list: [JSONValue], order: [JSONValue], key: String) -> [JSONValue] {
        var remaining = list
        var out: [JSONValue] = []
        for o in order {
            if let i = remaining.firstIndex(where: { $0[key] == o[key] }) { out.append(remaining.remove(at: i)) }
        }
        return out + remaining
    }
}
