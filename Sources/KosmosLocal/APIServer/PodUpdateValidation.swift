import KosmosAPI

/// kube-apiserver 1.32's rule that a pod's spec is fixed once created, except for a few fields: container and
/// init container images, `activeDeadlineSeconds` (set or lowered), added tolerations, `terminationGracePeriodSeconds` going from
/// negative to 1, and removed scheduling gates (`ValidatePodUpdate`).
enum PodUpdateValidation {
    /// The fixed part of kube's message (fixture 206).
    static let forbidden = "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        + "previously negative)"

    /// Checks a pod update (main resource, after defaulting).
    /// - Throws: `APIError` 422 `Invalid` on `spec` (FieldValueForbidden) with a diff of what changed, or on
    ///   `spec.tolerations` / `spec.schedulingGates` when those change in a way kube refuses.
    static func check(old: JSONValue, new: JSONValue, name: String) throws {
        let oldSpec = old["spec"] ?? .object(JSONObject())
        try checkActiveDeadline(old: oldSpec["activeDeadlineSeconds"]?.intValue,
                                new: new["spec"]?["activeDeadlineSeconds"]?.intValue, name: name)
        var munged = new["spec"] ?? .object(JSONObject())
        var causes: [(reason: String, field: String, message: String)] = []

        // Images may change: take the old ones so they do not count as a difference.
        for key in ["containers", "initContainers"] {
            guard case .array(var items)? = munged[key], let before = oldSpec[key]?.arrayValue,
                  before.count == items.count else { continue }
            for i in items.indices { items[i]["image"] = before[i]["image"] }
            munged[key] = .array(items)
        }
        munged["activeDeadlineSeconds"] = oldSpec["activeDeadlineSeconds"]

        // Tolerations: existing ones stay (a NoExecute one may shorten its tolerationSeconds), new ones may be added.
        let oldTolerations = oldSpec["tolerations"]?.arrayValue ?? []
        let newTolerations = munged["tolerations"]?.arrayValue ?? []
        func sameIgnoringSeconds(_ a: JSONValue, _ b: JSONValue) -> Bool {
            var a = a, b = b
            a["tolerationSeconds"] = nil
            b["tolerationSeconds"] = nil
            return a == b
        }
        for (i, t) in oldTolerations.enumerated() {
            guard let match = newTolerations.first(where: { sameIgnoringSeconds($0, t) }) else {
                causes.append(("FieldValueForbidden", "spec.tolerations[\(i)]",
                               "Forbidden: existing toleration can not be modified except its tolerationSeconds"))
                continue
            }
            if let before = t["tolerationSeconds"]?.intValue,
               match["tolerationSeconds"]?.intValue.map({ $0 > before }) ?? true {
                causes.append(("FieldValueForbidden", "spec.tolerations[\(i)].tolerationSeconds",
                               "Forbidden: existing toleration can not be modified except its tolerationSeconds"))
            }
        }
        munged["tolerations"] = oldSpec["tolerations"]

        if let before = oldSpec["terminationGracePeriodSeconds"]?.intValue, before < 0,
           munged["terminationGracePeriodSeconds"]?.intValue == 1 {
            munged["terminationGracePeriodSeconds"] = oldSpec["terminationGracePeriodSeconds"]
        }

        // Scheduling gates can only be removed.
        let oldGates = (oldSpec["schedulingGates"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        for gate in (munged["schedulingGates"]?.arrayValue ?? []).compactMap({ $0["name"]?.stringValue })
        where !oldGates.contains(gate) {
            causes.append(("FieldValueForbidden", "spec.schedulingGates",
                           "Forbidden: only deletion is allowed, but found new scheduling gate '\(gate)'"))
        }
        munged["schedulingGates"] = oldSpec["schedulingGates"]

        if munged != oldSpec {
            causes.insert(("FieldValueForbidden", "spec", forbidden + "\n" + diff(oldSpec, munged)), at: 0)
        }
        if !causes.isEmpty { throw APIError.invalid(kind: "Pod", group: "", name: name, causes: causes) }
    }

    /// `activeDeadlineSeconds` may be set where there was none or lowered, never raised or cleared; kube reports
    /// such an update alone, before comparing the rest of the spec.
    private static func checkActiveDeadline(old: Int64?, new: Int64?, name: String) throws {
        func refuse(_ value: String, _ detail: String) throws -> Never {
            throw APIError.invalid(kind: "Pod", group: "", name: name, causes: [
                ("FieldValueInvalid", "spec.activeDeadlineSeconds", "Invalid value: \(value): \(detail)")])
        }
        if let new {
            if new < 0 || new > Int64(Int32.max) { try refuse("\(new)", "must be between 0 and 2147483647, inclusive") }
            if let old, old < new { try refuse("\(new)", "must be less than or equal to previous value") }
        } else if old != nil {
            try refuse("\"null\"", "must not update from a positive integer to nil value")
        }
    }

    /// A diff of two pod specs in the layout of kube's (go-cmp) message: two-character line prefixes (no-break
    /// spaces, or `-`/`+` and one), the spec's fields by their Go names, the changed ones with their old and new
    /// values (as JSON here), the unchanged ones counted.
    static func diff(_ old: JSONValue, _ new: JSONValue) -> String {
        let keep = "\u{00A0}\u{00A0}", minus = "-\u{00A0}", plus = "+\u{00A0}"
        var keys = old.objectValue?.fieldNames ?? []
        for k in new.objectValue?.fieldNames ?? [] where !keys.contains(k) { keys.append(k) }
        var lines = ["\(keep)core.PodSpec{"]
        var identical = 0
        func flushIdentical() {
            if identical > 0 { lines.append("\(keep)\t... // \(identical) identical field\(identical == 1 ? "" : "s")") }
            identical = 0
        }
        for k in keys {
            let a = old[k], b = new[k]
            if a == b {
                identical += 1
                continue
            }
            flushIdentical()
            let goName = k.prefix(1).uppercased() + k.dropFirst()
            if let a { lines.append("\(minus)\t\(goName): \(String(decoding: a.serialized(), as: UTF8.self)),") }
            if let b { lines.append("\(plus)\t\(goName): \(String(decoding: b.serialized(), as: UTF8.self)),") }
        }
        flushIdentical()
        lines.append("\(keep)}")
        return lines.joined(separator: "\n") + "\n"
    }
}
