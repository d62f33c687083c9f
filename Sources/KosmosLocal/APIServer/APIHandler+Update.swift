import Foundation
import KosmosAPI
import NIOHTTP1

extension APIHandler {
    // MARK: - PUT

    func update(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        var body = try decodeBody(request, info: t.info)
        guard case .object = body else {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(t.info.kind))")
        }
        try checkKind(body, t.info)
        let warnings = try validateFields(&body, request: request, info: t.info)
        if let bodyName = body["metadata"]?["name"]?.stringValue, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if let ns = body["metadata"]?["namespace"]?.stringValue, !ns.isEmpty, t.info.namespaced, ns != t.namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let (obj, status) = try updateObject(t, name: name, request: request, operation: "Update",
                                             subresource: t.subresource) { [body] _ in body }
        return try respond(obj, request, t.info, status: status, warnings: warnings)
    }

    // MARK: - PATCH

    func patch(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        let ct = (request.header("Content-Type") ?? "").lowercased()
        let type = ct.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch type {
        case "application/json-patch+json", "application/merge-patch+json":
            break
        case "application/strategic-merge-patch+json":
            if t.info.isCustom {
                throw APIError(code: 415, reason: "UnsupportedMediaType",
                               message: "the body of the request was in an unknown format - accepted media types "
                                   + "include: application/json-patch+json, application/merge-patch+json, "
                                   + "application/apply-patch+yaml", details: nil)
            }
        case "application/apply-patch+yaml", "application/apply-patch+cbor":
            return try apply(request, t)
        default:
            throw APIError.unsupportedPatch
        }
        let patchBody = try parseJSONBody(request.body, kind: t.info.kind)
        // Unknown fields are looked for in the patched object; duplicate keys in the patch itself.
        var warnings: [String] = []
        let (obj, status) = try updateObject(t, name: name, request: request, operation: "Update",
                                             subresource: t.subresource) { current in
            do {
                var patched: JSONValue
                switch type {
                case "application/json-patch+json": patched = try Patch.jsonPatch(current, patchBody)
                case "application/merge-patch+json": patched = Patch.merge(current, patchBody)
                default: patched = try Patch.strategic(current, patchBody)
                }
                warnings = try self.validateFields(&patched, request: request, info: t.info,
                                                   checkDuplicates: type != "application/json-patch+json")
                return patched
            } catch let e as PatchError {
                if e.isTestFailure {
                    throw APIError(code: 422, reason: "Invalid",
                                   message: "the server rejected our request due to an error in our request",
                                   details: JSONObject())
                }
                throw APIError(code: 422, reason: "Invalid", message: e.message, details: JSONObject())
            }
        }
        return try respond(obj, request, t.info, status: status, warnings: warnings)
    }

    /// Server-side apply: the applied configuration is merged into the live object (strategic merge for
    /// built-ins, merge patch for custom resources) and the manager's `Apply` entry in managedFields becomes
    /// exactly the fields it applied. A field another manager owns with a different value is a conflict (409
    /// `FieldManagerConflict`) unless `force=true`, which moves the field to this manager. Fields this manager
    /// applied before, omits now and nobody else owns are removed.
    func apply(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        guard let fm = request.query["fieldManager"], !fm.isEmpty else {
            throw APIError(code: 422, reason: "Invalid",
                           message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is "
                               + "required for apply patch",
                           details: APIError.details(group: "meta.k8s.io", kind: "PatchOptions", causes: [
                               APIError.cause("FieldValueRequired", "Required value: is required for apply patch",
                                              field: "fieldManager")]))
        }
        var applied = try decodeBody(request, info: t.info)
        guard case .object = applied else { throw APIError.badRequest("apply body must be an object") }
        try checkKind(applied, t.info)
        let warnings = try validateFields(&applied, request: request, info: t.info)
        applied["kind"] = .string(t.info.kind)
        applied["apiVersion"] = .string(t.info.apiVersion)
        if t.subresource == nil,
           store.get(t.info.storageKey, namespace: t.namespace, name: name) == nil {
            applied[path: ["metadata", "name"]] = .string(name)
            let (created, _) = try createObject(applied, info: t.info, namespace: t.namespace, request: request,
                                                operation: "Apply")
            return try respond(created, request, t.info, status: .created, warnings: warnings)
        }
        let isCustom = t.info.isCustom
        let force = request.query["force"] == "true"
        let subresource: String? = t.subresource == "status" ? "status" : nil
        let appliedPaths = ManagedFields.appliedPaths(applied, excludingStatus: t.subresource == nil
                                                      && t.info.hasStatus)
        let apiVersion = t.info.apiVersion
        let (obj, status) = try updateObject(t, name: name, request: request, operation: "Apply",
                                             subresource: t.subresource, ownsManagedFields: true) { current in
            var patch = applied
            patch["metadata"] = applied["metadata"].map { m -> JSONValue in
                var m = m
                m["resourceVersion"] = nil
                m["managedFields"] = nil
                return m
            }
            let isMine: (JSONValue) -> Bool = {
                $0["manager"]?.stringValue == fm && $0["operation"]?.stringValue == "Apply"
                    && $0["subresource"]?.stringValue == subresource
            }
            let entries = current["metadata"]?["managedFields"]?.arrayValue ?? []
            var conflicts: [ManagedFields.Conflict] = []
            for e in entries where !isMine(e) {
                for p in ManagedFields.paths(e["fieldsV1"]).intersection(appliedPaths) {
                    let want = ManagedFields.value(at: p, in: applied)
                    if case .object(let o)? = want, !o.isEmpty { continue }
                    if want != ManagedFields.value(at: p, in: current) {
                        conflicts.append(.init(manager: ManagedFields.managerLabel(e), path: p))
                    }
                }
            }
            if !conflicts.isEmpty && !force { throw ManagedFields.conflictError(conflicts) }
            var others = ManagedFields.removing(Set(conflicts.map(\.path)), from: entries.filter { !isMine($0) },
                                                keeping: { _ in false })
            var merged = isCustom ? Patch.merge(current, patch) : try Patch.strategic(current, patch)
            // What this manager applied before and now leaves out goes away, unless someone else owns it.
            let before = entries.first(where: isMine).map { ManagedFields.paths($0["fieldsV1"]) } ?? []
            let ownedByOthers = others.reduce(into: Set<ManagedFields.Path>()) {
                $0.formUnion(ManagedFields.paths($1["fieldsV1"]))
            }
            // Shortest paths first: a dropped list element goes whole (its fields with it), unless another
            // manager owns something inside it.
            for p in before.subtracting(appliedPaths).subtracting(ownedByOthers).sorted(by: { $0.count < $1.count })
            where ManagedFields.value(at: p, in: merged) != nil
                && !ownedByOthers.contains(where: { $0.count > p.count && Array($0.prefix(p.count)) == p }) {
                ManagedFields.removeField(p, from: &merged)
            }
            let entry = ObjectFormat.managedFieldsEntry(
                manager: fm, operation: "Apply", apiVersion: apiVersion, time: ObjectFormat.timestamp(),
                fields: ManagedFields.tree(appliedPaths), subresource: subresource)
            if let i = entries.firstIndex(where: isMine) {
                // Keep the entry's place in the list.
                let othersBefore = entries[..<i].filter { !isMine($0) }.count
                others.insert(entry, at: min(othersBefore, others.count))
            } else {
                others.append(entry)
            }
            merged[path: ["metadata", "managedFields"]] = .array(others)
            return merged
        }
        return try respond(obj, request, t.info, status: status, warnings: warnings)
    }

    // MARK: - The shared update path

    /// Reads the live object, computes the new one with `transform`, applies kube's update rules (system fields
    /// kept, status/spec split, generation, optimistic concurrency, finalizers, immutability) and stores it.
    ///
    /// The writing manager owns the fields it changed (taken from other managers) besides those it owned before;
    /// with `ownsManagedFields` the transform has set managedFields itself (server-side apply).
    func updateObject(_ t: ResourceTarget, name: String, request: APIRequest, operation: String,
                      subresource: String?, ownsManagedFields: Bool = false,
                      transform: @escaping (JSONValue) throws -> JSONValue) throws
        -> (JSONValue, HTTPResponseStatus) {
        let info = t.info
        let mgr = manager(request)
        let dryRun = isDryRun(request)
        let (stored, result): (JSONValue?, JSONValue) = try store.write(
            info.storageKey, namespace: info.namespaced ? t.namespace : "", name: name) { current in
            guard let current else { throw self.notFound(t, name) }
            let old = self.converted(current.object, to: info)
            var new = try transform(old)
            guard case .object = new else { throw APIError.badRequest("the patched object is not an object") }
            new = try self.mergeUpdate(old: old, new: new, info: info, subresource: subresource, name: name)
            // Optimistic concurrency: a resourceVersion in the request must be the live one.
            if let rv = new["metadata"]?["resourceVersion"]?.stringValue, !rv.isEmpty,
               rv != String(current.resourceVersion) {
                throw APIError.conflict(info.resource, group: info.group, name: name)
            }
            new[path: ["metadata", "resourceVersion"]] = .string(String(current.resourceVersion))
            var compareOld = old
            compareOld[path: ["metadata", "managedFields"]] = nil
            var compareNew = new
            compareNew[path: ["metadata", "managedFields"]] = nil
            if ownsManagedFields {
                if compareOld == compareNew && Self.sameOwnership(old["metadata"]?["managedFields"],
                                                                  new["metadata"]?["managedFields"]) {
                    return (.none, old)
                }
            } else {
                if compareOld == compareNew { return (.none, old) }
                new[path: ["metadata", "managedFields"]] = Self.managedFieldsAfterUpdate(
                    old: compareOld, new: compareNew, entries: old["metadata"]?["managedFields"]?.arrayValue ?? [],
                    manager: mgr, operation: operation, apiVersion: info.apiVersion,
                    excludingStatus: subresource == nil && info.hasStatus,
                    subresource: subresource == "status" ? "status" : nil)
            }
            new = self.normalize(new, info: info)
            if dryRun { return (.none, new) }
            // Removing the last finalizer of an object being deleted deletes it.
            let finalizers = new["metadata"]?["finalizers"]?.arrayValue ?? []
            if new["metadata"]?["deletionTimestamp"] != nil, finalizers.isEmpty,
               info.kind != "Pod" || new["metadata"]?["deletionGracePeriodSeconds"]?.intValue ?? 0 == 0 {
                return (.delete(new), new)
            }
            return (.put(new), new)
        }
        if let stored {
            if !dryRun { afterWrite(stored, info: info) }
            return (stored, .ok)
        }
        if result["metadata"]?["deletionTimestamp"] != nil {
            afterDelete(result, info: info)
        }
        return (result, .ok)
    }

    /// kube's update rules between the live object and the requested one.
    func mergeUpdate(old: JSONValue, new input: JSONValue, info: ResourceInfo, subresource: String?, name: String)
        throws -> JSONValue {
        var new = input
        new["kind"] = .string(info.kind)
        new["apiVersion"] = .string(info.apiVersion)
        if subresource == "status" {
            // Only status (and metadata labels/annotations) change through /status.
            var o = old
            o["status"] = input["status"]
            for k in ["labels", "annotations"] { o[path: ["metadata", k]] = input["metadata"]?[k] }
            o[path: ["metadata", "resourceVersion"]] = input["metadata"]?["resourceVersion"]
            new = o
        } else if info.hasStatus && subresource == nil {
            new["status"] = old["status"]
        }
        var meta = new["metadata"]?.objectValue ?? JSONObject()
        let oldMeta = old["metadata"]?.objectValue ?? JSONObject()
        for k in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "generateName"] {
            meta[k] = oldMeta[k]
        }
        if meta["managedFields"] == nil { meta["managedFields"] = oldMeta["managedFields"] }
        new["metadata"] = .object(meta)
        // Defaults that need no allocation.
        if let schema = info.custom?.schema { FieldValidation.applySchemaDefaults(&new, schema: schema) }
        if !info.isCustom {
            switch (info.group, info.kind) {
            case ("", "Pod"):
                new = Defaults.pod(new)
                if subresource == nil { try PodUpdateValidation.check(old: old, new: new, name: name) }
            case ("apps", "Deployment"): new = Defaults.deployment(new)
            case ("apps", let k) where k == "ReplicaSet" || k == "StatefulSet" || k == "DaemonSet":
                new = Defaults.replicaSetLike(new, kind: k)
            case ("", "Service"): new = try serviceUpdate(old: old, new: new, name: name)
            case ("", "Namespace"):
                var labels = new["metadata"]?["labels"]?.objectValue ?? JSONObject()
                labels["kubernetes.io/metadata.name"] = .string(name)
                new[path: ["metadata", "labels"]] = .object(ObjectFormat.sortedObject(labels))
                if new["spec"] == nil { new["spec"] = old["spec"] }
                if new["status"] == nil { new["status"] = old["status"] }
            case ("apiextensions.k8s.io", "CustomResourceDefinition"):
                new = Defaults.customResourceDefinition(new, now: ObjectFormat.timestamp())
                if let conds = old["status"]?["conditions"] { new[path: ["status", "conditions"]] = conds }
            case ("", "ConfigMap"), ("", "Secret"):
                if old["immutable"]?.boolValue == true {
                    for field in ["data", "binaryData"] where old[field] != new[field] {
                        throw APIError.invalid(kind: info.kind, group: "", name: name, causes: [
                            ("FieldValueForbidden", field, "Forbidden: field is immutable when `immutable` is set")])
                    }
                }
            default: break
            }
        }
        // Generation moves on spec changes only.
        if let gen = oldMeta["generation"]?.intValue {
            var a = old, b = new
            for k in ["metadata", "status", "kind", "apiVersion"] { a[k] = nil; b[k] = nil }
            new[path: ["metadata", "generation"]] = .int(a == b ? gen : gen + 1)
        }
        // No new finalizers once deletion started.
        if oldMeta["deletionTimestamp"] != nil {
            let before = Set((oldMeta["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue))
            let added = (new["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
                .filter { !before.contains($0) }
            if !added.isEmpty {
                let list = added.map { "\"\($0)\"" }.joined(separator: ", ")
                let msg = "Forbidden: no new finalizers can be added if the object is being deleted, found new "
                    + "finalizers []string{\(list)}"
                throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: [
                    ("FieldValueForbidden", "metadata.finalizers", msg),
                    ("FieldValueForbidden", "metadata.finalizers", msg)])
            }
        }
        try validateMeta(new["metadata"]?.objectValue ?? JSONObject(), info: info, name: name)
        try validateObject(new, info: info, name: name, old: old, subresource: subresource)
        return new
    }

    private func serviceUpdate(old: JSONValue, new: JSONValue, name: String) throws -> JSONValue {
        var n = new
        let oldIP = old["spec"]?["clusterIP"]?.stringValue ?? ""
        let newIP = n["spec"]?["clusterIP"]?.stringValue ?? ""
        if newIP.isEmpty {
            n[path: ["spec", "clusterIP"]] = old["spec"]?["clusterIP"]
            n[path: ["spec", "clusterIPs"]] = old["spec"]?["clusterIPs"]
        } else if newIP != oldIP && !oldIP.isEmpty {
            throw APIError.invalid(kind: "Service", group: "", name: name, causes: [
                ("FieldValueInvalid", "spec.clusterIPs[0]", "Invalid value: []string{\"\(newIP)\"}: may not change once set")])
        }
        if n["spec"]?["clusterIPs"] == nil { n[path: ["spec", "clusterIPs"]] = old["spec"]?["clusterIPs"] }
        let oldPorts = old["spec"]?["ports"]?.arrayValue ?? []
        if case .array(var ports)? = n["spec"]?["ports"] {
            for i in ports.indices where ports[i]["nodePort"] == nil {
                if let match = oldPorts.first(where: { $0["port"] == ports[i]["port"] }), let np = match["nodePort"] {
                    ports[i]["nodePort"] = np
                }
            }
            n[path: ["spec", "ports"]] = .array(ports)
        }
        return Defaults.service(n, allocateIP: { nil }, allocateNodePort: { Int64.random(in: 30000...32767) })
    }

    // MARK: - DELETE

    struct DeleteOptions {
        var propagationPolicy: String?
        var gracePeriodSeconds: Int64?
        var preconditionUID: String?
        var preconditionRV: String?
        var dryRun = false
    }

    func deleteOptions(_ request: APIRequest) throws -> DeleteOptions {
        var o = DeleteOptions()
        if !request.body.isEmpty, let body = try? JSONValue.parse(request.body) {
            o.propagationPolicy = body["propagationPolicy"]?.stringValue
            o.gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
            o.preconditionUID = body["preconditions"]?["uid"]?.stringValue
            o.preconditionRV = body["preconditions"]?["resourceVersion"]?.stringValue
            if case .array(let d)? = body["dryRun"], d.contains("All") { o.dryRun = true }
            if body["orphanDependents"]?.boolValue == true { o.propagationPolicy = "Orphan" }
        }
        if let p = request.query["propagationPolicy"] { o.propagationPolicy = p }
        if let g = request.query["gracePeriodSeconds"], let v = Int64(g) { o.gracePeriodSeconds = v }
        if isDryRun(request) { o.dryRun = true }
        return o
    }

    func delete(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        let options = try deleteOptions(request)
        let (obj, removed) = try deleteObject(t.info, namespace: t.namespace, name: name, options: options)
        if removed && !returnsDeletedObjectFor(t.info) {
            return .json(deleteStatus(obj, info: t.info), pretty: request.wantsPretty)
        }
        return try respond(converted(obj, to: t.info), request, t.info)
    }

    func returnsDeletedObjectFor(_ info: ResourceInfo) -> Bool {
        !info.isCustom && ["core/pods", "core/services", "core/namespaces", "core/persistentvolumes",
                           "core/persistentvolumeclaims"].contains(info.storageKey)
    }

    /// Deletes one object following kube's rules. Returns the last state and whether it is gone now.
    func deleteObject(_ info: ResourceInfo, namespace: String, name: String, options: DeleteOptions) throws
        -> (JSONValue, Bool) {
        let ns = info.namespaced ? namespace : ""
        let (stored, result): (JSONValue?, (JSONValue, Bool)) = try store.write(info.storageKey, namespace: ns,
                                                                                name: name) { current in
            guard let current else { throw APIError.notFound(info.resource, group: info.group, name: name) }
            var obj = current.object
            let uid = obj["metadata"]?["uid"]?.stringValue ?? ""
            if let pre = options.preconditionUID, pre != uid {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Operation cannot be fulfilled on \(info.kind) \"\(name)\": the UID in the "
                                   + "precondition (\(pre)) does not match the UID in record (\(uid)). The object "
                                   + "might have been deleted and then recreated",
                               details: APIError.details(name: name, group: info.group, kind: info.kind))
            }
            if let pre = options.preconditionRV, pre != String(current.resourceVersion) {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Operation cannot be fulfilled on \(info.kind) \"\(name)\": the "
                                   + "ResourceVersion in the precondition (\(pre)) does not match the ResourceVersion "
                                   + "in record (\(current.resourceVersion)). The object might have been modified",
                               details: APIError.details(name: name, group: info.group, kind: info.kind))
            }
            let now = ObjectFormat.timestamp()
            var finalizers = (obj["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
            let terminating = obj["metadata"]?["deletionTimestamp"] != nil
            // Namespaces: mark Terminating; the namespace finalizer empties and removes them.
            if info.storageKey == "core/namespaces" && !info.isCustom {
                if terminating { return (.none, (obj, false)) }
                obj[path: ["metadata", "deletionTimestamp"]] = .string(now)
                obj[path: ["status", "phase"]] = "Terminating"
                obj = ObjectFormat.normalizeBuiltin(obj)
                if options.dryRun { return (.none, (obj, false)) }
                return (.put(obj), (obj, false))
            }
            // Pods bound to a node wait for the kubelet (graceful deletion).
            if info.storageKey == "core/pods" && !info.isCustom,
               let node = obj["spec"]?["nodeName"]?.stringValue, !node.isEmpty {
                let phase = obj["status"]?["phase"]?.stringValue ?? ""
                let grace = phase == "Succeeded" || phase == "Failed" ? 0
                    : options.gracePeriodSeconds ?? obj["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
                if grace > 0 || !finalizers.isEmpty {
                    let currentGrace = obj["metadata"]?["deletionGracePeriodSeconds"]?.intValue
                    if terminating, let cg = currentGrace, cg <= grace { return (.none, (obj, false)) }
                    let at = Date().addingTimeInterval(TimeInterval(grace))
                    obj[path: ["metadata", "deletionTimestamp"]] = .string(ObjectFormat.timestamp(at))
                    obj[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(grace)
                    obj = ObjectFormat.normalizeBuiltin(obj)
                    if options.dryRun { return (.none, (obj, false)) }
                    if grace == 0 && finalizers.isEmpty { return (.delete(obj), (obj, true)) }
                    return (.put(obj), (obj, false))
                }
            }
            if options.propagationPolicy == "Foreground" && !finalizers.contains("foregroundDeletion") && !terminating {
                finalizers.append("foregroundDeletion")
            } else if options.propagationPolicy == "Orphan" && !finalizers.contains("orphan") && !terminating {
                finalizers.append("orphan")
            }
            if !finalizers.isEmpty {
                if terminating && obj["metadata"]?["finalizers"]?.arrayValue?.count == finalizers.count {
                    return (.none, (obj, false))
                }
                if !terminating {
                    obj[path: ["metadata", "deletionTimestamp"]] = .string(now)
                    obj[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
                }
                obj[path: ["metadata", "finalizers"]] = .array(finalizers.map { .string($0) })
                obj = self.normalize(obj, info: info)
                if options.dryRun { return (.none, (obj, false)) }
                return (.put(obj), (obj, false))
            }
            if options.dryRun { return (.none, (obj, true)) }
            return (.delete(obj), (obj, true))
        }
        if let stored {
            // Finalizers we own ourselves are handled at once.
            let finalizers = (stored["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
            if finalizers.contains("orphan") || finalizers.contains("foregroundDeletion") {
                runGarbageCollectorFinalizers(stored, info: info)
            }
            if info.storageKey == "core/namespaces" { scheduleNamespaceCleanup(name) }
            return (stored, false)
        }
        if result.1 && !options.dryRun { afterDelete(result.0, info: info) }
        return result
    }

    /// Side effects once an object is gone: allocations released, CRDs unserved, dependents collected.
    func afterDelete(_ object: JSONValue, info: ResourceInfo) {
        releaseAllocations(object, info: info)
        if info.kind == "CustomResourceDefinition" && info.group == "apiextensions.k8s.io" {
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            registry.unregister(crdName: name)
            // Custom objects of the CRD go with it.
            if let group = object["spec"]?["group"]?.stringValue,
               let plural = object["spec"]?["names"]?["plural"]?.stringValue {
                for (key, _) in store.list("\(group)/\(plural)", namespace: nil).items {
                    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                    let (ns, n) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
                    _ = try? store.write("\(group)/\(plural)", namespace: ns, name: n) { cur in
                        (cur.map { .delete($0.object) } ?? .none, ())
                    }
                }
            }
        }
        if let uid = object["metadata"]?["uid"]?.stringValue, info.kind != "Event" {
            collectDependents(ownerUID: uid, orphan: false)
        }
    }

    func deleteCollection(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let filter = try ObjectFilter(request: request, info: t.info)
        let options = try deleteOptions(request)
        let (items, revision) = store.list(t.info.storageKey, namespace: t.namespace.isEmpty ? nil : t.namespace)
        var deleted: [JSONValue] = []
        for (_, value) in items where filter.matches(value.object) {
            let name = value.object["metadata"]?["name"]?.stringValue ?? ""
            let ns = value.object["metadata"]?["namespace"]?.stringValue ?? ""
            if let (obj, _) = try? deleteObject(t.info, namespace: ns, name: name, options: options) {
                deleted.append(listItem(converted(obj, to: t.info), info: t.info))
            }
        }
        var o = JSONObject()
        o.append("kind", .string(t.info.listKind))
        o.append("apiVersion", .string(t.info.apiVersion))
        o.append("metadata", ["resourceVersion": .string(String(max(revision, store.currentRevision)))])
        o.append("items", .array(deleted))
        return .json(.object(o), pretty: request.wantsPretty)
    }

    // MARK: - Garbage collection (owner references) and namespace cleanup

    /// Deletes (background) or orphans the objects owned by `ownerUID`.
    func collectDependents(ownerUID: String, orphan: Bool) {
        for (bucket, object) in store.dependents(ofUID: ownerUID) {
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            let ns = object["metadata"]?["namespace"]?.stringValue ?? ""
            guard let info = infoForBucket(bucket, kind: object["kind"]?.stringValue ?? "") else { continue }
            if orphan {
                _ = try? store.write(bucket, namespace: ns, name: name) { cur -> (StoreWriteDecision, Void) in
                    guard var o = cur?.object else { return (.none, ()) }
                    let left = (o["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter {
                        $0["uid"]?.stringValue != ownerUID }
                    o[path: ["metadata", "ownerReferences"]] = left.isEmpty ? nil : .array(left)
                    return (.put(o), ())
                }
            } else {
                _ = try? deleteObject(info, namespace: ns, name: name,
                                      options: DeleteOptions(propagationPolicy: "Background"))
            }
        }
    }

    func infoForBucket(_ bucket: String, kind: String) -> ResourceInfo? {
        let parts = bucket.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let group = parts[0] == "core" ? "" : parts[0]
        return registry.lookup(group: group, kind: kind)
    }

    /// Orphan and foreground finalizers: done at once by this server (there is no separate garbage collector).
    func runGarbageCollectorFinalizers(_ object: JSONValue, info: ResourceInfo) {
        guard let uid = object["metadata"]?["uid"]?.stringValue,
              let name = object["metadata"]?["name"]?.stringValue else { return }
        let ns = object["metadata"]?["namespace"]?.stringValue ?? ""
        let finalizers = (object["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
        collectDependents(ownerUID: uid, orphan: finalizers.contains("orphan"))
        _ = try? store.write(info.storageKey, namespace: ns, name: name) { cur -> (StoreWriteDecision, Void) in
            guard var o = cur?.object else { return (.none, ()) }
            let left = (o["metadata"]?["finalizers"]?.arrayValue ?? []).filter {
                $0.stringValue != "orphan" && $0.stringValue != "foregroundDeletion" }
            o[path: ["metadata", "finalizers"]] = left.isEmpty ? nil : .array(left)
            return (left.isEmpty ? .delete(o) : .put(o), ())
        }
    }

    /// Deletes everything in a Terminating namespace, then the namespace once it is empty.
    func scheduleNamespaceCleanup(_ namespace: String, attempt: Int = 0) {
        DispatchQueue.global().asyncAfter(deadline: .now() + (attempt == 0 ? 0.05 : 1.0)) { [self] in
            guard let ns = store.get("core/namespaces", namespace: "", name: namespace),
                  ns.object["metadata"]?["deletionTimestamp"] != nil else { return }
            var remaining = 0
            for info in registry.allResources() where info.namespaced && info.verbs.contains("delete") {
                let items = store.list(info.storageKey, namespace: namespace).items
                for (_, value) in items {
                    // Only visit a bucket once per version-independent storage key.
                    guard value.object["apiVersion"]?.stringValue == info.apiVersion else { continue }
                    remaining += 1
                    let name = value.object["metadata"]?["name"]?.stringValue ?? ""
                    if value.object["metadata"]?["deletionTimestamp"] == nil {
                        _ = try? deleteObject(info, namespace: namespace, name: name,
                                              options: DeleteOptions(propagationPolicy: "Background"))
                    }
                }
            }
            if remaining == 0 {
                _ = try? store.write("core/namespaces", namespace: "", name: namespace) { cur in
                    (cur.map { .delete($0.object) } ?? .none, ())
                }
            } else if attempt < 600 {
                scheduleNamespaceCleanup(namespace, attempt: attempt + 1)
            }
        }
    }
}

extension APIHandler {
    /// managedFields after an update: the writer owns what it owned before (where still present) and every field
    /// it changed; the changed and removed fields leave the other managers, whose emptied entries go away.
    static func managedFieldsAfterUpdate(old: JSONValue, new: JSONValue, entries: [JSONValue], manager: String,
                                         operation: String, apiVersion: String, excludingStatus: Bool,
                                         subresource: String?) -> JSONValue {
        let (changed, removed) = ManagedFields.changedPaths(old: old, new: new, excludingStatus: excludingStatus)
        let isMine: (JSONValue) -> Bool = {
            $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == operation
                && $0["subresource"]?.stringValue == subresource
        }
        let mine = entries.first(where: isMine)
        let kept = ManagedFields.paths(mine?["fieldsV1"]).subtracting(removed)
        let owned = kept.union(changed)
        var list = ManagedFields.removing(changed.union(removed), from: entries, keeping: isMine)
        let entry: JSONValue? = owned.isEmpty ? nil : ObjectFormat.managedFieldsEntry(
            manager: manager, operation: operation, apiVersion: apiVersion, time: ObjectFormat.timestamp(),
            fields: ManagedFields.tree(owned), subresource: subresource)
        if let i = list.firstIndex(where: isMine) {
            if let entry { list[i] = entry } else { list.remove(at: i) }
        } else if let entry {
            list.append(entry)
        }
        return .array(list)
    }

    /// Whether two managedFields lists give the same managers the same fields (times aside).
    static func sameOwnership(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        func strip(_ v: JSONValue?) -> [JSONValue] {
            (v?.arrayValue ?? []).map { e in
                var e = e
                e["time"] = nil
                return e
            }
        }
        return strip(a) == strip(b)
    }
}
