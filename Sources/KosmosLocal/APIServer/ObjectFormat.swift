import Foundation
import KosmosAPI
import Synchronization

/// How kube-apiserver lays out objects on the wire, and the small pieces of metadata the server fills in.
enum ObjectFormat {
    /// Go's `ObjectMeta` field order.
    static let metadataOrder = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    ]

    /// Lays out a built-in object like kube-apiserver: `kind`, `apiVersion`, `metadata` (Go field order, sorted
    /// label/annotation maps), the other fields in their order, `status` last.
    static func normalizeBuiltin(_ value: JSONValue) -> JSONValue {
        guard case .object(let o) = value else { return value }
        var out = JSONObject(minimumCapacity: o.count)
        if let k = o["kind"] { out.append("kind", k) }
        if let a = o["apiVersion"] { out.append("apiVersion", a) }
        if let m = o["metadata"] { out.append("metadata", normalizeMetadata(m)) }
        // Go struct order for the kinds whose top-level fields are commonly written in another order.
        let kind = o["kind"]?.stringValue ?? ""
        let leading = kind == "ConfigMap" ? ["immutable", "data", "binaryData"]
            : kind == "Secret" ? ["immutable", "data", "stringData", "type"] : []
        for k in leading { if let v = o[k] { out.append(k, k == "data" || k == "binaryData" ? sortedValue(v) : v) } }
        for (k, v) in o where k != "kind" && k != "apiVersion" && k != "metadata" && k != "status"
            && !leading.contains(k) {
            if k == "data" || k == "binaryData" || k == "stringData", case .object(let d) = v {
                out.append(k, .object(sortedObject(d)))
            } else {
                out.append(k, v)
            }
        }
        if let s = o["status"] { out.append("status", s) }
        return .object(out)
    }

    private static func sortedValue(_ v: JSONValue) -> JSONValue {
        if case .object(let o) = v { return .object(sortedObject(o)) }
        return v
    }

    static func normalizeMetadata(_ value: JSONValue) -> JSONValue {
        guard case .object(let m) = value else { return value }
        var out = JSONObject(minimumCapacity: m.count)
        for k in metadataOrder {
            // Go omits empty lists and maps: a patch that nulls finalizers or labels removes the key.
            guard let v = m[k], !(v.isNull && k != "creationTimestamp") else { continue }
            if (k == "labels" || k == "annotations"), case .object(let d) = v {
                out.append(k, .object(sortedObject(d)))
            } else {
                out.append(k, v)
            }
        }
        for (k, v) in m where !metadataOrder.contains(k) { out.append(k, v) }
        return .object(out)
    }

    static func sortedObject(_ o: JSONObject) -> JSONObject {
        let names = o.fieldNames
        if names == names.sorted() { return o }
        var out = JSONObject(minimumCapacity: o.count)
        for k in names.sorted() { out.append(k, o[k]!) }
        return out
    }

    /// Sorts keys at every level (how custom resources are written: they are stored as unstructured maps).
    static func sortedDeep(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out = JSONObject(minimumCapacity: o.count)
            for k in o.fieldNames.sorted() { out.append(k, sortedDeep(o[k]!)) }
            return .object(out)
        case .array(let a): return .array(a.map(sortedDeep))
        default: return value
        }
    }

    // MARK: - Time, names, uids

    /// `metav1.Time`: RFC 3339 in UTC with whole seconds.
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = time_t(date.timeIntervalSince1970)
        // Every write stamps a time, hundreds in one second under load: format each second once.
        if let cached = lastTimestamp.withLock({ $0.seconds == seconds ? $0.text : nil }) { return cached }
        var t = seconds
        let text = formatTimestamp(&t)
        lastTimestamp.withLock { $0 = (seconds, text) }
        return text
    }

    private static let lastTimestamp = Mutex<(seconds: time_t, text: String)>((-1, ""))

    private static func formatTimestamp(_ t: inout time_t) -> String {
        var tmv = tm()
        gmtime_r(&t, &tmv)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec))
    }

    /// Parses an RFC 3339 time (whole or fractional seconds, `Z` or an offset).
    static func parseTime(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    static func uid() -> String { UUID().uuidString.lowercased() }

    /// The 5 random characters kube appends to a `generateName` prefix.
    static func randomSuffix(_ n: Int = 5) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// Kubernetes' "age" column format (`0s`, `94s`, `5m16s`, `3h4m`, `2d3h`, `400d`).
    static func age(since created: String?, now: Date = Date()) -> String {
        guard let created, let d = parseTime(created) else { return "<unknown>" }
        return TablePrinter.age(now.timeIntervalSince(d))
    }

    // MARK: - managedFields

    /// The fields of `metadata` that managedFields track (kube tracks no other metadata field).
    static let managedMetadataFields = ["labels", "annotations", "finalizers", "ownerReferences"]

    /// A `FieldsV1` set of the fields an object sets: maps as `f:` keys with `"."`, elements of keyed lists as
    /// `k:{...}` with the list's keys (`ManagedFields.listKeys`), strings of sets as `v:"..."`.
    static func fieldsV1(of object: JSONValue, excludingStatus: Bool) -> JSONValue {
        guard case .object(let o) = object else { return .object(JSONObject()) }
        var out: [String: JSONValue] = [:]
        for (k, v) in o {
            switch k {
            case "kind", "apiVersion": continue
            case "status" where excludingStatus: continue
            case "metadata":
                var meta: [String: JSONValue] = [:]
                for mk in managedMetadataFields {
                    if let mv = v[mk] { meta["f:" + mk] = fields(mv, field: mk, parent: "metadata") }
                }
                if !meta.isEmpty { out["f:metadata"] = sortedMap(meta) }
            default:
                out["f:" + k] = fields(v, field: k, parent: nil)
            }
        }
        return sortedMap(out)
    }

    /// The fields of the value of `field` (whose parent field is `parent`).
    static func fields(_ v: JSONValue, field: String, parent: String?) -> JSONValue {
        switch v {
        case .object(let o):
            var m: [String: JSONValue] = [".": .object(JSONObject())]
            for (k, cv) in o { m["f:" + k] = fields(cv, field: k, parent: field) }
            return sortedMap(m)
        case .array(let a):
            var m: [String: JSONValue] = [:]
            for e in a {
                if let key = ManagedFields.elementKey(e, field: field, parent: parent) {
                    // An element's own fields sit under the list's field name, as in strategic merge.
                    m[key] = fields(e, field: field, parent: parent)
                } else if case .string(let s) = e {
                    m["v:" + JSONValue.string(s).serializedString()] = .object(JSONObject())
                }
            }
            if m.isEmpty { return .object(JSONObject()) }
            m["."] = .object(JSONObject())
            return sortedMap(m)
        default:
            return .object(JSONObject())
        }
    }

    private static func sortedMap(_ m: [String: JSONValue]) -> JSONValue {
        var o = JSONObject(minimumCapacity: m.count)
        for k in m.keys.sorted() { o.append(k, m[k]!) }
        return .object(o)
    }

    /// One `managedFields` entry.
    static func managedFieldsEntry(manager: String, operation: String, apiVersion: String, time: String,
                                   fields: JSONValue, subresource: String?) -> JSONValue {
        var e = JSONObject()
        e.append("manager", .string(manager))
        e.append("operation", .string(operation))
        e.append("apiVersion", .string(apiVersion))
        e.append("time", .string(time))
        e.append("fieldsType", "FieldsV1")
        e.append("fieldsV1", fields)
        if let subresource { e.append("subresource", .string(subresource)) }
        return .object(e)
    }

    /// Replaces the manager's entry (same operation and subresource) or appends one.
    static func updateManagedFields(_ existing: JSONValue?, entry: JSONValue) -> JSONValue {
        var list = existing?.arrayValue ?? []
        if let i = list.firstIndex(where: {
            $0["manager"] == entry["manager"] && $0["operation"] == entry["operation"]
                && $0["subresource"] == entry["subresource"]
        }) {
            list[i] = entry
        } else {
            list.append(entry)
        }
        return .array(list)
    }

    /// String map of an object field (labels, annotations).
    static func stringMap(_ v: JSONValue?) -> [String: String] {
        guard case .object(let o)? = v else { return [:] }
        var m: [String: String] = [:]
        for (k, v) in o { if let s = v.stringValue { m[k] = s } }
        return m
    }
}
