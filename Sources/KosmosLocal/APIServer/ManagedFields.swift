import KosmosAPI

/// Field ownership for server-side apply and updates: `fieldsV1` trees seen as sets of paths, the fields a
/// write changes, conflicts between managers, and kube's 409 for them.
///
/// A path is the list of `fieldsV1` keys from the root (`["f:data", "f:mode"]`,
/// `["f:spec", "f:containers", "k:{\"name\":\"web\"}"]`); the `"."` entry of a node is its own path.
enum ManagedFields {
    typealias Path = [String]

    // MARK: - Sets of paths

    /// Every path a `fieldsV1` tree names.
    static func paths(_ fields: JSONValue?) -> Set<Path> {
        var out = Set<Path>()
        func walk(_ v: JSONValue, _ prefix: Path) {
            guard case .object(let o) = v, !o.isEmpty else {
                if !prefix.isEmpty { out.insert(prefix) }
                return
            }
            for (k, child) in o {
                if k == "." { out.insert(prefix) } else { walk(child, prefix + [k]) }
            }
        }
        if let fields { walk(fields, []) }
        return out
    }

    /// Whether `paths(fields)` contains `path`, found by walking down the tree: the node there is a leaf (no
    /// children) or names itself with a `"."` entry.
    static func names(_ fields: JSONValue?, _ path: Path) -> Bool {
        guard var node = fields, !path.isEmpty else { return false }
        for k in path {
            guard k != ".", case .object(let o) = node, let child = o[k] else { return false }
            node = child
        }
        guard case .object(let o) = node, !o.isEmpty else { return true }
        return o["."] != nil
    }

    /// The `fieldsV1` tree of a set of paths, keys sorted at every level as kube writes them.
    static func tree(_ paths: Set<Path>) -> JSONValue {
        final class Node {
            var children: [String: Node] = [:]
            var isSelf = false
        }
        let root = Node()
        for p in paths {
            var n = root
            for k in p {
                if let c = n.children[k] { n = c } else {
                    let c = Node()
                    n.children[k] = c
                    n = c
                }
            }
            n.isSelf = true
        }
        func render(_ n: Node) -> JSONValue {
            var o = JSONObject()
            var keys = Array(n.children.keys)
            if n.isSelf && !n.children.isEmpty { keys.append(".") }
            for k in keys.sorted() {
                o.append(k, k == "." ? .object(JSONObject()) : render(n.children[k]!))
            }
            return .object(o)
        }
        return render(root)
    }

    /// The fields an applied configuration sets: like an update's, but a map is not owned by itself (only its
    /// entries are), while an element of a keyed list is.
    static func appliedPaths(_ applied: JSONValue, excludingStatus: Bool) -> Set<Path> {
        paths(ObjectFormat.fieldsV1(of: applied, excludingStatus: excludingStatus)).filter { p in
            guard let last = p.last else { return false }
            if last.hasPrefix("k:") || last.hasPrefix("v:") || last.hasPrefix("i:") { return true }
            // A path that has children in the applied object is a map or list: not owned by itself.
            return !isContainer(value(at: p, in: applied))
        }
    }

    private static func isContainer(_ v: JSONValue?) -> Bool {
        switch v {
        case .object(let o)?: return !o.isEmpty
        case .array(let a)?: return !a.isEmpty
        default: return false
        }
    }

    /// The value a path names in an object, or `nil` when it is absent.
    static func value(at path: Path, in object: JSONValue) -> JSONValue? {
        var v = object
        for k in path {
            if k.hasPrefix("f:") {
                guard let next = v[String(k.dropFirst(2))] else { return nil }
                v = next
            } else if k.hasPrefix("i:") {
                guard let i = Int(k.dropFirst(2)), let a = v.arrayValue, a.indices.contains(i) else { return nil }
                v = a[i]
            } else {
                guard let item = v.arrayValue?.first(where: { element($0, matches: k) }) else { return nil }
                v = item
            }
        }
        return v
    }

    // MARK: - Keyed lists

    /// The keys of a list field whose elements are merged one by one (`x-kubernetes-list-map-keys` of the built-in
    /// kinds), given the field and its parent field's name; `nil` for other lists.
    static func listKeys(field: String, parent: String?) -> [String]? {
        switch field {
        case "ports":
            if parent == "containers" || parent == "initContainers" || parent == "ephemeralContainers" {
                return ["containerPort", "protocol"]
            }
            return ["port", "protocol"]
        case "topologySpreadConstraints": return ["topologyKey", "whenUnsatisfiable"]
        default: return Patch.mergeKey(field: field, parent: parent).map { [$0] }
        }
    }

    /// The value kube defaults a list key to when an element leaves it out.
    private static func defaultKeyValue(_ key: String) -> JSONValue? {
        key == "protocol" ? "TCP" : nil
    }

    /// The `k:{...}` path segment of one element of a keyed list, or `nil` when the list is not keyed or the
    /// element lacks a key. Lists the model does not know are keyed by `name` when their elements have one.
    static func elementKey(_ element: JSONValue, field: String, parent: String?) -> String? {
        guard case .object = element else { return nil }
        guard let keys = listKeys(field: field, parent: parent) else {
            guard let name = element["name"]?.stringValue else { return nil }
            return "k:{\"name\":\(JSONValue.string(name).serializedString())}"
        }
        var o = JSONObject()
        for k in keys {
            guard let v = element[k] ?? defaultKeyValue(k) else { return nil }
            o.append(k, v)
        }
        return "k:" + JSONValue.object(o).serializedString()
    }

    /// Whether a list element is the one a `k:{...}` or `v:...` path segment names.
    static func element(_ e: JSONValue, matches segment: String) -> Bool {
        if segment.hasPrefix("k:") {
            guard let keys = try? JSONValue.parse(String(segment.dropFirst(2))), case .object(let ko) = keys else {
                return false
            }
            return ko.allSatisfy { (e[$0.0] ?? defaultKeyValue($0.0)) == $0.1 }
        }
        if segment.hasPrefix("v:") {
            return (try? JSONValue.parse(String(segment.dropFirst(2)))) == e
        }
        return false
    }

    /// The paths of `new` whose value differs from `old` (scalars changed or added; maps and list elements
    /// added), and the paths of `old` that `new` no longer has.
    ///
    /// The same sets as comparing the whole `fieldsV1` trees of both objects path by path
    /// (``changedPathsByTrees(old:new:excludingStatus:)``), but maps are walked side by side and a field whose
    /// value is equal on both sides is skipped whole: an update usually changes a few fields of a large object.
    static func changedPaths(old: JSONValue, new: JSONValue, excludingStatus: Bool) -> (changed: Set<Path>,
                                                                                       removed: Set<Path>) {
        guard case .object(let n) = new, case .object(let o) = old else {
            return changedPathsByTrees(old: old, new: new, excludingStatus: excludingStatus)
        }
        var diff = PathDiff()
        func skipped(_ k: String) -> Bool {
            k == "kind" || k == "apiVersion" || (k == "status" && excludingStatus)
        }
        for (k, nv) in n where !skipped(k) {
            if k == "metadata" {
                // Only these metadata fields are owned; `f:metadata` itself is no path.
                let om = o[k]
                for mk in ObjectFormat.managedMetadataFields {
                    if let mv = nv[mk] {
                        diff.node(["f:metadata", "f:" + mk], mv, om?[mk], field: mk, parent: "metadata")
                    } else if let ov = om?[mk] {
                        diff.removeAll(["f:metadata", "f:" + mk], ov, field: mk, parent: "metadata")
                    }
                }
            } else {
                diff.node(["f:" + k], nv, o[k], field: k, parent: nil)
            }
        }
        for (k, ov) in o where !skipped(k) && n[k] == nil {
            if k == "metadata" {
                for mk in ObjectFormat.managedMetadataFields {
                    if let mv = ov[mk] { diff.removeAll(["f:metadata", "f:" + mk], mv, field: mk, parent: "metadata") }
                }
            } else {
                diff.removeAll(["f:" + k], ov, field: k, parent: nil)
            }
        }
        return (diff.changed, diff.removed)
    }

    /// ``changedPaths(old:new:excludingStatus:)`` computed from the two whole `fieldsV1` trees (the definition;
    /// kept for objects that are not maps and to check the walk against).
    static func changedPathsByTrees(old: JSONValue, new: JSONValue, excludingStatus: Bool)
        -> (changed: Set<Path>, removed: Set<Path>) {
        let newPaths = paths(ObjectFormat.fieldsV1(of: new, excludingStatus: excludingStatus))
        let oldPaths = paths(ObjectFormat.fieldsV1(of: old, excludingStatus: excludingStatus))
        var changed = Set<Path>()
        for p in newPaths {
            let nv = value(at: p, in: new)
            let ov = value(at: p, in: old)
            if ov == nil || (!isContainer(nv) && nv != ov) { changed.insert(p) }
        }
        return (changed, oldPaths.subtracting(newPaths))
    }

    /// The walk behind ``changedPaths(old:new:excludingStatus:)``. Every field's own path is a path of its
    /// object's `fieldsV1` (a map or non-empty list has a `"."` entry, anything else is a leaf), and below a path
    /// made of `f:` segments the values are the fields' values, so a subtree can be compared on its own.
    private struct PathDiff {
        var changed = Set<Path>()
        var removed = Set<Path>()

        /// The field at `path` with value `new` (and `old`, when the old object has the field).
        mutating func node(_ path: Path, _ new: JSONValue, _ old: JSONValue?, field: String, parent: String?) {
            guard let old else {
                // Everything below a new field is new.
                for p in ManagedFields.subtreePaths(new, field: field, parent: parent) { changed.insert(path + p) }
                return
            }
            if new == old { return }
            guard case .object(let n) = new, case .object(let o) = old else {
                compareByTrees(path, new, old, field: field, parent: parent)
                return
            }
            // A map is changed itself only when it became empty.
            if n.isEmpty { changed.insert(path) }
            for (k, nv) in n { node(path + ["f:" + k], nv, o[k], field: k, parent: field) }
            for (k, ov) in o where n[k] == nil { removeAll(path + ["f:" + k], ov, field: k, parent: field) }
        }

        /// Every path of a field the new object no longer has.
        mutating func removeAll(_ path: Path, _ old: JSONValue, field: String, parent: String?) {
            for p in ManagedFields.subtreePaths(old, field: field, parent: parent) { removed.insert(path + p) }
        }

        /// Lists, scalars and changes of type: the paths of both subtrees compared one by one.
        mutating func compareByTrees(_ path: Path, _ new: JSONValue, _ old: JSONValue, field: String,
                                     parent: String?) {
            let newPaths = ManagedFields.subtreePaths(new, field: field, parent: parent)
            let oldPaths = ManagedFields.subtreePaths(old, field: field, parent: parent)
            // Finding a list element by its `k:{...}` segment parses the segment and scans the list: do it once
            // per segment and side, not once per path below it.
            var firstNew: [String: JSONValue?] = [:]
            var firstOld: [String: JSONValue?] = [:]
            for p in newPaths {
                let nv: JSONValue?, ov: JSONValue?
                if let first = p.first {
                    if firstNew[first] == nil { firstNew[first] = .some(ManagedFields.value(at: [first], in: new)) }
                    if firstOld[first] == nil { firstOld[first] = .some(ManagedFields.value(at: [first], in: old)) }
                    let rest = Array(p.dropFirst())
                    nv = firstNew[first]!.flatMap { ManagedFields.value(at: rest, in: $0) }
                    ov = firstOld[first]!.flatMap { ManagedFields.value(at: rest, in: $0) }
                } else {
                    (nv, ov) = (new, old)
                }
                if ov == nil || (!ManagedFields.isContainer(nv) && nv != ov) { changed.insert(path + p) }
            }
            for p in oldPaths.subtracting(newPaths) { removed.insert(path + p) }
        }
    }

    /// The paths of a field's value relative to the field, the field itself (`[]`) included.
    private static func subtreePaths(_ value: JSONValue, field: String, parent: String?) -> Set<Path> {
        var out = paths(ObjectFormat.fields(value, field: field, parent: parent))
        out.insert([])
        return out
    }

    // MARK: - Conflicts

    /// One field that another manager owns with a different value.
    struct Conflict {
        var manager: String
        var path: Path
    }

    /// How kube names a manager in conflict messages: `"name"`, `with subresource "status"`, and for updaters
    /// `using <apiVersion>`.
    static func managerLabel(_ entry: JSONValue) -> String {
        var s = JSONValue.string(entry["manager"]?.stringValue ?? "").serializedString()
        if let sub = entry["subresource"]?.stringValue, !sub.isEmpty {
            s += " with subresource " + JSONValue.string(sub).serializedString()
        }
        if entry["operation"]?.stringValue == "Update" {
            s += " using " + (entry["apiVersion"]?.stringValue ?? "")
        }
        return s
    }

    /// A path as kube prints it: `.data.mode`, `.spec.containers[name="web"].image`.
    static func display(_ path: Path) -> String {
        var s = ""
        for k in path {
            if k.hasPrefix("f:") {
                s += "." + k.dropFirst(2)
            } else if k.hasPrefix("k:"), let keys = try? JSONValue.parse(String(k.dropFirst(2))),
                      case .object(let o) = keys {
                s += "[" + o.map { "\($0.0)=\($0.1.serializedString())" }.joined(separator: ",") + "]"
            } else if k.hasPrefix("v:") {
                s += "[=" + k.dropFirst(2) + "]"
            } else if k.hasPrefix("i:") {
                s += "[" + k.dropFirst(2) + "]"
            }
        }
        return s
    }

    /// kube's 409 for apply conflicts: one cause per field, the message grouped by manager when there are several.
    static func conflictError(_ conflicts: [Conflict]) -> APIError {
        let sorted = conflicts.sorted { ($0.manager, display($0.path)) < ($1.manager, display($1.path)) }
        let causes = sorted.map {
            APIError.cause("FieldManagerConflict", "conflict with \($0.manager)", field: display($0.path))
        }
        let message: String
        if sorted.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \(sorted[0].manager): \(display(sorted[0].path))"
        } else {
            var lines: [String] = []
            var last: String?
            for c in sorted {
                if c.manager != last {
                    lines.append("conflicts with \(c.manager):")
                    last = c.manager
                }
                lines.append("- \(display(c.path))")
            }
            message = "Apply failed with \(sorted.count) conflicts: " + lines.joined(separator: "\n")
        }
        var details = JSONObject()
        details.append("causes", .array(causes))
        return APIError(code: 409, reason: "Conflict", message: message, details: details)
    }

    // MARK: - Entries

    /// Removes `paths` from every entry (except `keeping`), dropping entries left with no field.
    static func removing(_ paths: Set<Path>, from entries: [JSONValue], keeping: (JSONValue) -> Bool) -> [JSONValue] {
        guard !paths.isEmpty else { return entries }
        return entries.compactMap { e in
            if keeping(e) { return e }
            // Most writes touch none of another manager's fields: a few lookups in its tree say so, without
            // taking the whole tree apart.
            if !paths.contains(where: { names(e["fieldsV1"], $0) }) { return e }
            let owned = Self.paths(e["fieldsV1"])
            let left = owned.subtracting(paths)
            if left.count == owned.count { return e }
            if left.isEmpty { return nil }
            var e = e
            e["fieldsV1"] = tree(left)
            return e
        }
    }

    /// Deletes the field or list element a path names (no-op when it is absent). A list or map left empty goes
    /// too, as Go's `omitempty` would drop it.
    static func removeField(_ path: Path, from object: inout JSONValue) {
        guard let first = path.first else { return }
        let rest = Array(path.dropFirst())
        switch object {
        case .object(var o) where first.hasPrefix("f:"):
            let key = String(first.dropFirst(2))
            guard var child = o[key] else { return }
            if rest.isEmpty {
                o[key] = nil
            } else {
                removeField(rest, from: &child)
                o[key] = isEmptyContainer(child) ? nil : child
            }
            object = .object(o)
        case .array(var a) where first.hasPrefix("k:") || first.hasPrefix("v:"):
            guard let i = a.firstIndex(where: { element($0, matches: first) }) else { return }
            if rest.isEmpty { a.remove(at: i) } else { removeField(rest, from: &a[i]) }
            object = .array(a)
        default:
            return
        }
    }

    private static func isEmptyContainer(_ v: JSONValue) -> Bool {
        switch v {
        case .object(let o): return o.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }
}
