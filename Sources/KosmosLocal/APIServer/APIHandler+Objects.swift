import Foundation
import KosmosAPI
import NIOHTTP1

/// Kinds whose `metadata.generation` kube-apiserver maintains (bumped on spec changes), besides custom resources.
private let generationKinds: Set<String> = [
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "CustomResourceDefinition",
    "Ingress", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ReplicationController",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "PriorityLevelConfiguration", "FlowSchema", "StorageClass", "IngressClass", "RuntimeClass",
]

/// Create-only review resources answered without storage.
private let reviewResources: Set<String> = [
    "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews",
    "selfsubjectreviews", "tokenreviews",
]

extension APIHandler {
    // MARK: - Request bodies

    func decodeBody(_ request: APIRequest, info: ResourceInfo) throws -> JSONValue {
        let ct = (request.header("Content-Type") ?? "application/json").lowercased()
        let mediaType = ct.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch mediaType {
        case "application/json", "":
            return try parseJSONBody(request.body, kind: info.kind)
        case "application/yaml", "application/apply-patch+yaml":
            do {
                return try YAML.parse(request.body)
            } catch {
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(info.kind)): "
                    + "couldn't get version/kind; yaml parse error: \(error)")
            }
        case "application/vnd.kubernetes.protobuf":
            do {
                return try KubeProtobuf.decode(request.body)
            } catch {
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(info.kind)): \(error)")
            }
        default:
            throw APIError.unsupportedBody
        }
    }

    func parseJSONBody(_ body: [UInt8], kind: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            let start = String(decoding: body.prefix(30), as: UTF8.self)
            let reason = body.isEmpty || (error as? JSONParseError)?.offset ?? 0 >= body.count
                ? "unexpected end of JSON input" : "\(error)"
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(kind)): couldn't get "
                + "version/kind; json parse error: \(reason) (\(start) ...)")
        }
    }

    // MARK: - Answers

    /// Answers with one object in the negotiated form (JSON, YAML, Table row, PartialObjectMetadata).
    func respond(_ object: JSONValue, _ request: APIRequest, _ info: ResourceInfo,
                 status: HTTPResponseStatus = .ok, warnings: [String] = []) throws -> APIResponse {
        let accept = request.header("Accept") ?? ""
        // Warning header values quote the text, escaping its own quotes and backslashes (RFC 7234 quoted-string).
        let extra = warnings.map { text in
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return ("Warning", "299 - \"\(escaped)\"")
        }
        if accept.contains("as=Table") && status == .ok {
            let table = try Tables.table(for: [object], info: info, request: request,
                                         resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "")
            return .json(table, pretty: request.wantsPretty)
        }
        if accept.contains("as=PartialObjectMetadata;") || accept.hasSuffix("as=PartialObjectMetadata") {
            return .json(Tables.partialMetadata(object), status: status, pretty: request.wantsPretty)
        }
        try checkAcceptable(accept)
        if accept.hasPrefix("application/yaml") {
            return APIResponse(status: status, headers: [("Content-Type", "application/yaml")] + extra,
                               body: .bytes(Array(YAML.serialize(object, options: .kubectl).utf8)))
        }
        if !request.wantsPretty, let encoded = storedEncoding(of: object, info: info) {
            return .json(encoded: encoded, status: status, extraHeaders: extra)
        }
        return .json(object, status: status, pretty: request.wantsPretty, extraHeaders: extra)
    }

    /// The compact JSON the store holds for `object` when `object` is the stored state of its object (as after a
    /// write or on a read): the answer then needs no second serialisation of the tree.
    private func storedEncoding(of object: JSONValue, info: ResourceInfo) -> [UInt8]? {
        guard case .object(let o) = object, let meta = o["metadata"], let name = meta["name"]?.stringValue,
              let rv = meta["resourceVersion"]?.stringValue.flatMap({ Int64($0) }) else { return nil }
        let namespace = info.namespaced ? meta["namespace"]?.stringValue ?? "" : ""
        // The same resourceVersion is the same write; the comparison (instant for the tree the store returned)
        // keeps out a dry run's answer, which carries the live resourceVersion with other content.
        guard let stored = store.get(info.storageKey, namespace: namespace, name: name),
              stored.resourceVersion == rv, !stored.encoded.isEmpty, stored.object == object else { return nil }
        return stored.encoded
    }

    func checkAcceptable(_ accept: String) throws {
        if accept.isEmpty { return }
        for part in accept.split(separator: ",") {
            let m = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if m == "application/json" || m == "*/*" || m == "application/*" || m == "application/yaml"
                || m == "application/vnd.kubernetes.protobuf" || m == "application/json-seq" { return }
        }
        var e = APIError(code: 406, reason: "NotAcceptable",
                         message: "406: Not Acceptable\n\nAvailable representations: application/json, "
                             + "application/yaml, application/vnd.kubernetes.protobuf", details: JSONObject())
        e.pretty = true
        throw e
    }

    func deleteStatus(_ object: JSONValue, info: ResourceInfo) -> JSONValue {
        var d = JSONObject()
        d.append("name", object["metadata"]?["name"] ?? "")
        if !info.group.isEmpty { d.append("group", .string(info.group)) }
        d.append("kind", .string(info.resource))
        d.append("uid", object["metadata"]?["uid"] ?? "")
        return ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": .object(d)]
    }

    func notFound(_ t: ResourceTarget, _ name: String) -> APIError {
        .notFound(t.info.resource, group: t.info.group, name: name)
    }

    /// A built-in list item carries no kind/apiVersion; custom resource items do.
    func listItem(_ object: JSONValue, info: ResourceInfo) -> JSONValue {
        guard !info.isCustom, case .object(var o) = object else { return object }
        o["kind"] = nil
        o["apiVersion"] = nil
        return .object(o)
    }

    /// Puts the object's fields in the order kube-apiserver writes them.
    func normalize(_ object: JSONValue, info: ResourceInfo) -> JSONValue {
        info.isCustom ? ObjectFormat.sortedDeep(object) : ObjectFormat.normalizeBuiltin(object)
    }

    func manager(_ request: APIRequest) -> String {
        if let m = request.query["fieldManager"], !m.isEmpty { return m }
        let ua = request.header("User-Agent") ?? "unknown"
        return String(ua.split(separator: "/").first ?? "unknown")
    }

    func isDryRun(_ request: APIRequest) -> Bool { request.query["dryRun"] == "All" }

    // MARK: - GET

    func get(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        try waitForResourceVersion(request)
        guard let stored = store.get(t.info.storageKey, namespace: t.namespace, name: name) else {
            throw notFound(t, name)
        }
        return try respond(converted(stored.object, to: t.info), request, t.info)
    }

    /// The object as seen through `info`'s version (apiVersion rewritten; built-in groups have one version).
    func converted(_ object: JSONValue, to info: ResourceInfo) -> JSONValue {
        guard object["apiVersion"]?.stringValue != info.apiVersion else { return object }
        var o = object
        o["apiVersion"] = .string(info.apiVersion)
        return normalize(o, info: info)
    }

    /// kube waits up to ~3 s for a resourceVersion from the future, then answers 504.
    func waitForResourceVersion(_ request: APIRequest) throws {
        guard let rvString = request.query["resourceVersion"], !rvString.isEmpty, rvString != "0" else { return }
        guard let rv = Int64(rvString) else {
            throw APIError.badRequest("invalid resource version: resourceVersion: Invalid value: \"\(rvString)\": "
                + "strconv.ParseUint: parsing \"\(rvString)\": invalid syntax")
        }
        var waited = 0
        while store.currentRevision < rv {
            if waited >= 30 {
                throw APIError(code: 504, reason: "Timeout",
                               message: "Too large resource version: \(rv), current: \(store.currentRevision)",
                               details: APIError.details(causes: [APIError.cause(
                                   "ResourceVersionTooLarge", "Too large resource version", field: nil)],
                                   retryAfter: 1))
            }
            usleep(100_000)
            waited += 1
        }
    }

    // MARK: - LIST

    func list(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let q = request.query
        if let m = q["resourceVersionMatch"], !m.isEmpty, (q["resourceVersion"] ?? "").isEmpty {
            var e = APIError(code: 422, reason: "Invalid",
                             message: "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
                                 + "resourceVersionMatch is forbidden unless resourceVersion is provided",
                             details: nil)
            e.details = APIError.details(group: "meta.k8s.io", kind: "ListOptions", causes: [APIError.cause(
                "FieldValueForbidden", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                field: "resourceVersionMatch")])
            throw e
        }
        let filter = try ObjectFilter(request: request, info: t.info)
        var startKey: String?
        var listRV: Int64?
        if let token = q["continue"], !token.isEmpty {
            let (rv, start) = try decodeContinue(token)
            if rv > 0 && rv < store.oldestWatchableRevision {
                var e = APIError.expired("The provided continue parameter is too old to display a consistent list "
                    + "result. You can start a new list without the continue parameter, or use the continue token in "
                    + "this response to retrieve the remainder of the results. Continuing with the provided token "
                    + "results in an inconsistent list - objects that were created, modified, or deleted between the "
                    + "time the first chunk was returned and now may show up in the list.")
                e.metadata.append("continue", .string(encodeContinue(rv: -1, start: start)))
                throw e
            }
            startKey = start
            if rv > 0 { listRV = rv }
        } else if let rvString = q["resourceVersion"], !rvString.isEmpty, rvString != "0" {
            guard let rv = Int64(rvString) else {
                throw APIError.badRequest("invalid resource version: resourceVersion: Invalid value: \"\(rvString)\": "
                    + "strconv.ParseUint: parsing \"\(rvString)\": invalid syntax")
            }
            if q["resourceVersionMatch"] == "Exact" {
                if rv < store.oldestWatchableRevision && rv != store.currentRevision {
                    throw APIError.expired("The resourceVersion for the provided list is too old.")
                }
                listRV = rv
            }
            try waitForResourceVersion(request)
        }
        let (all, revision) = store.list(t.info.storageKey, namespace: t.namespace.isEmpty ? nil : t.namespace)
        let prefixLength = t.namespace.isEmpty ? 0 : t.namespace.count + 1
        let limit = Int(q["limit"] ?? "") ?? 0
        var items: [JSONValue] = []
        var itemValues: [StoredObject] = []
        // The continue token's start is the last returned key plus NUL (as kube-apiserver does), so the next page
        // begins right after it whatever was created in between.
        var nextKey: String?
        var lastReturned = ""
        var remaining = 0
        for (key, value) in all {
            let relKey = String(key.dropFirst(prefixLength))
            if let startKey, relKey < startKey { continue }
            guard filter.matches(value.object) else { continue }
            if limit > 0 && items.count >= limit {
                if nextKey == nil { nextKey = lastReturned }
                remaining += 1
                continue
            }
            items.append(value.object)
            itemValues.append(value)
            lastReturned = relKey
        }
        let rv = listRV ?? revision
        let accept = request.header("Accept") ?? ""
        var meta = JSONObject()
        meta.append("resourceVersion", .string(String(rv)))
        if let nextKey {
            meta.append("continue", .string(encodeContinue(rv: rv, start: nextKey + "\u{0}")))
            meta.append("remainingItemCount", .int(Int64(remaining)))
        }
        if accept.contains("as=Table") {
            var table = try Tables.table(for: items.map { converted($0, to: t.info) }, info: t.info,
                                         request: request, resourceVersion: String(rv))
            table["metadata"] = .object(meta)
            return .json(table, pretty: request.wantsPretty)
        }
        if accept.contains("as=PartialObjectMetadataList") {
            return .json(["kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                          "metadata": .object(meta), "items": .array(items.map(Tables.partialMetadata))],
                         pretty: request.wantsPretty)
        }
        try checkAcceptable(accept)
        if !accept.hasPrefix("application/yaml") && !request.wantsPretty && !t.info.isCustom {
            return .init(status: .ok,
                         headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")],
                         body: .bytes(encodedList(itemValues, meta: meta, info: t.info)))
        }
        var o = JSONObject()
        o.append("kind", .string(t.info.listKind))
        o.append("apiVersion", .string(t.info.apiVersion))
        o.append("metadata", .object(meta))
        o.append("items", .array(items.map { listItem(converted($0, to: t.info), info: t.info) }))
        if accept.hasPrefix("application/yaml") {
            return APIResponse(status: .ok, headers: [("Content-Type", "application/yaml")],
                               body: .bytes(Array(YAML.serialize(.object(o), options: .kubectl).utf8)))
        }
        return .json(.object(o), pretty: request.wantsPretty)
    }

    /// The JSON of a list of built-in objects: each item is the object's stored JSON without its leading
    /// `kind` and `apiVersion` (list items carry neither), spliced in as bytes; an item stored in another
    /// version or shape is serialised the usual way.
    func encodedList(_ items: [StoredObject], meta: JSONObject, info: ResourceInfo) -> [UInt8] {
        var head = JSONObject()
        head.append("kind", .string(info.listKind))
        head.append("apiVersion", .string(info.apiVersion))
        head.append("metadata", .object(meta))
        var out = JSONValue.object(head).serialized()
        out.removeLast()  // the closing brace; items follow
        out.reserveCapacity(items.reduce(out.count + 16) { $0 + $1.encoded.count })
        out.append(contentsOf: Array(#","items":["#.utf8))
        var prefix: [UInt8] = [0x7B]
        JSONValue.string("kind").write(into: &prefix)
        prefix.append(0x3A)
        JSONValue.string(info.kind).write(into: &prefix)
        prefix.append(0x2C)
        JSONValue.string("apiVersion").write(into: &prefix)
        prefix.append(0x3A)
        JSONValue.string(info.apiVersion).write(into: &prefix)
        prefix.append(0x2C)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(0x2C) }
            let e = item.encoded
            if e.count > prefix.count, e[0..<prefix.count].elementsEqual(prefix) {
                out.append(0x7B)
                out.append(contentsOf: e[prefix.count...])
            } else {
                listItem(converted(item.object, to: info), info: info).write(into: &out)
            }
        }
        out.append(contentsOf: [0x5D, 0x7D, 0x0A])
        return out
    }

    func encodeContinue(rv: Int64, start: String) -> String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .int(rv), "start": .string(start)]
        var s = Data(json.serialized()).base64EncodedString()
        s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    func decodeContinue(_ token: String) throws -> (Int64, String) {
        var s = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s), let v = try? JSONValue.parse(Array(data)),
              v["v"]?.stringValue == "meta.k8s.io/v1", let start = v["start"]?.stringValue else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: invalid character "
                + "looking for beginning of value")
        }
        return (v["rv"]?.intValue ?? 0, start)
    }

    // MARK: - CREATE

    func create(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        if reviewResources.contains(t.info.resource) { return try review(request, t) }
        var object = try decodeBody(request, info: t.info)
        guard case .object = object else {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(t.info.kind))")
        }
        try checkKind(object, t.info)
        if let ns = object["metadata"]?["namespace"]?.stringValue, !ns.isEmpty, t.info.namespaced, ns != t.namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let warnings = try validateFields(&object, request: request, info: t.info)
        object["kind"] = .string(t.info.kind)
        object["apiVersion"] = .string(t.info.apiVersion)
        let (created, _) = try createObject(object, info: t.info, namespace: t.namespace, request: request,
                                            operation: "Update")
        return try respond(created, request, t.info, status: .created, warnings: warnings)
    }

    /// Prunes the fields of a request body its schema does not declare and reports them (and duplicate keys of a
    /// JSON body) as the request's `fieldValidation` asks.
    /// - Returns: The `Warning` texts for the answer.
    /// - Throws: `APIError` 400 in `Strict` mode, or for a bad `fieldValidation` value.
    func validateFields(_ object: inout JSONValue, request: APIRequest, info: ResourceInfo,
                        checkDuplicates: Bool = true) throws -> [String] {
        let mode = try FieldValidationMode(query: request.query["fieldValidation"])
        let ct = (request.header("Content-Type") ?? "application/json").lowercased()
        let isJSON = ct.hasPrefix("application/json") || ct.hasPrefix("application/merge-patch+json")
            || ct.hasPrefix("application/strategic-merge-patch+json")
        return try FieldValidation.check(&object, rawJSON: checkDuplicates && isJSON ? request.body : nil, info: info,
                                         mode: mode)
    }

    func checkKind(_ object: JSONValue, _ info: ResourceInfo) throws {
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != info.kind {
            let av = object["apiVersion"]?.stringValue ?? ""
            let version = av.split(separator: "/").last.map(String.init) ?? av
            let internalGroup = info.group.isEmpty ? "core" : info.group.split(separator: ".").first.map(String.init)!
            throw APIError.badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(info.kind): "
                + "converting (\(version).\(kind)) to (\(internalGroup).\(info.kind)): unknown conversion")
        }
    }

    /// Validates, defaults and stores a new object. Returns the stored (or dry-run) object.
    func createObject(_ input: JSONValue, info: ResourceInfo, namespace: String, request: APIRequest,
                      operation: String) throws -> (JSONValue, Bool) {
        var object = input
        let now = ObjectFormat.timestamp()
        var meta = object["metadata"]?.objectValue ?? JSONObject()
        if info.namespaced {
            meta["namespace"] = .string(namespace)
            try checkNamespace(namespace)
        } else {
            meta["namespace"] = nil
        }
        let generateName = meta["generateName"]?.stringValue ?? ""
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty && generateName.isEmpty {
            throw APIError.invalid(kind: info.kind, group: info.group, name: "", causes: [
                ("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")])
        }
        if name.isEmpty { name = generateName + ObjectFormat.randomSuffix() }
        meta["name"] = .string(name)
        try validateMeta(meta, info: info, name: name)
        meta["uid"] = .string(ObjectFormat.uid())
        meta["resourceVersion"] = nil
        meta["creationTimestamp"] = .string(now)
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["selfLink"] = nil
        if info.isCustom || generationKinds.contains(info.kind) { meta["generation"] = 1 } else { meta["generation"] = nil }
        object["metadata"] = .object(meta)
        object = try applyDefaults(object, info: info, now: now)
        try validateObject(object, info: info, name: name)
        if info.isCustom, info.custom?.hasStatus == true { object["status"] = nil }
        let entry = ObjectFormat.managedFieldsEntry(
            manager: manager(request), operation: operation, apiVersion: info.apiVersion, time: now,
            fields: operation == "Apply"
                ? ManagedFields.tree(ManagedFields.appliedPaths(input, excludingStatus: info.hasStatus))
                : ObjectFormat.fieldsV1(of: input, excludingStatus: info.hasStatus), subresource: nil)
        object[path: ["metadata", "managedFields"]] = .array([entry])
        if isDryRun(request) { return (normalize(object, info: info), false) }
        // Placeholder so the store's resourceVersion lands where kube-apiserver writes it.
        object[path: ["metadata", "resourceVersion"]] = ""
        object = normalize(object, info: info)
        let key = info.storageKey
        let (stored, existed): (JSONValue?, Bool) = try store.write(key, namespace: info.namespaced ? namespace : "",
                                                                    name: name) { current in
            if current != nil { return (.none, true) }
            return (.put(object), false)
        }
        if existed {
            releaseAllocations(object, info: info)
            throw APIError.alreadyExists(info.resource, group: info.group, name: name)
        }
        guard let stored else { throw APIError.internalError("create \(info.resource) \(name): not stored") }
        afterWrite(stored, info: info)
        return (stored, true)
    }

    func checkNamespace(_ namespace: String) throws {
        guard let ns = store.get("core/namespaces", namespace: "", name: namespace) else {
            throw APIError.notFound("namespaces", group: "", name: namespace)
        }
        if ns.object["metadata"]?["deletionTimestamp"] != nil || ns.object["status"]?["phase"]?.stringValue == "Terminating" {
            throw APIError(code: 403, reason: "Forbidden",
                           message: "unable to create new content in namespace \(namespace) because it is being terminated",
                           details: APIError.details(name: namespace, kind: "namespaces", causes: [APIError.cause(
                               "NamespaceTerminating",
                               "namespace \(namespace) is being terminated", field: "metadata.namespace")]))
        }
    }

    func validateMeta(_ meta: JSONObject, info: ResourceInfo, name: String) throws {
        var causes: [(reason: String, field: String, message: String)] = []
        let labelName = info.kind == "Namespace" || info.kind == "Service"
        let nameErrors = labelName ? LabelValidation.dns1123LabelErrors(name)
            : (info.kind == "Event" || info.kind == "Role" || info.kind == "ClusterRole" || info.kind == "RoleBinding"
               || info.kind == "ClusterRoleBinding" || info.isCustom ? (name.contains("/") || name.isEmpty
                   ? ["may not contain '/'"] : []) : LabelValidation.dns1123SubdomainErrors(name))
        for e in nameErrors {
            causes.append(("FieldValueInvalid", "metadata.name", "Invalid value: \"\(name)\": \(e)"))
        }
        if case .object(let labels)? = meta["labels"] {
            for (k, v) in labels {
                for e in LabelValidation.qualifiedNameErrors(k) {
                    causes.append(("FieldValueInvalid", "metadata.labels", "Invalid value: \"\(k)\": \(e)"))
                }
                let s = v.stringValue ?? ""
                for e in LabelValidation.labelValueErrors(s) {
                    causes.append(("FieldValueInvalid", "metadata.labels", "Invalid value: \"\(s)\": \(e)"))
                }
            }
        }
        if !causes.isEmpty { throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: causes) }
    }

    /// Kind-specific validation after defaulting; a custom object is checked against its CRD's schema (`old` and
    /// `subresource` select transition rules and the status-only walk on updates).
    func validateObject(_ object: JSONValue, info: ResourceInfo, name: String, old: JSONValue? = nil,
                        subresource: String? = nil) throws {
        var causes: [(reason: String, field: String, message: String)] = []
        if let schema = info.custom?.schema {
            causes = SchemaValidation.validate(object, old: old, schema: schema,
                                               only: subresource == "status" ? "status" : nil)
            if !causes.isEmpty { throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: causes) }
            return
        }
        switch info.kind {
        case "Pod":
            let cs = object["spec"]?["containers"]?.arrayValue ?? []
            if cs.isEmpty { causes.append(("FieldValueRequired", "spec.containers", "Required value")) }
            for (i, c) in cs.enumerated() {
                if (c["name"]?.stringValue ?? "").isEmpty {
                    causes.append(("FieldValueRequired", "spec.containers[\(i)].name", "Required value"))
                }
                if (c["image"]?.stringValue ?? "").isEmpty {
                    causes.append(("FieldValueRequired", "spec.containers[\(i)].image", "Required value"))
                }
            }
        case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet":
            if object["spec"]?["selector"] == nil {
                causes.append(("FieldValueRequired", "spec.selector", "Required value"))
            }
        case "CustomResourceDefinition" where info.group == "apiextensions.k8s.io":
            causes += CRDRuleValidation.causes(object)
        default: break
        }
        if !causes.isEmpty { throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: causes) }
    }

    func applyDefaults(_ object: JSONValue, info: ResourceInfo, now: String) throws -> JSONValue {
        if let custom = info.custom {
            guard let schema = custom.schema else { return object }
            var o = object
            FieldValidation.applySchemaDefaults(&o, schema: schema)
            return o
        }
        switch (info.group, info.kind) {
        case ("", "Pod"): return Defaults.pod(object)
        case ("", "Namespace"): return Defaults.namespace(object)
        case ("", "Node"): return Defaults.node(object, podCIDR: object["spec"]?["podCIDR"] == nil ? podCIDRs.allocate() : nil)
        case ("", "Service"):
            var o = object
            if let ip = o["spec"]?["clusterIP"]?.stringValue, !ip.isEmpty, ip != "None" {
                if !serviceIPs.reserve(ip) {
                    let name = o["metadata"]?["name"]?.stringValue ?? ""
                    // kube-apiserver's wording; its out-of-range form is how clients discover the service CIDR.
                    let why = serviceIPs.contains(ip)
                        ? "provided IP is already allocated"
                        : "the provided IP (\(ip)) is not in the valid range. The range of valid IPs is "
                            + serviceIPs.cidrText
                    throw APIError.invalid(kind: "Service", group: "", name: name, causes: [
                        ("FieldValueInvalid", "spec.clusterIPs", "Invalid value: []string{\"\(ip)\"}: failed to "
                            + "allocate IP \(ip): \(why)")])
                }
                o[path: ["spec", "clusterIPs"]] = o["spec"]?["clusterIPs"] ?? [.string(ip)]
            }
            return Defaults.service(o, allocateIP: { self.serviceIPs.allocate() },
                                    allocateNodePort: { self.allocateNodePort() })
        case ("apps", "Deployment"): return Defaults.deployment(object)
        case ("apps", let k) where k == "ReplicaSet" || k == "StatefulSet" || k == "DaemonSet":
            return Defaults.replicaSetLike(object, kind: k)
        case ("batch", "Job"): return Defaults.replicaSetLike(object, kind: "Job")
        case ("", "PersistentVolumeClaim"):
            let classes = store.list("storage.k8s.io/storageclasses", namespace: nil).items.map(\.value.object)
            return Defaults.persistentVolumeClaim(object, defaultClass: VolumeProvisioner.defaultClass(classes))
        case ("", "PersistentVolume"): return Defaults.persistentVolume(object)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            return Defaults.customResourceDefinition(object, now: now)
        case ("", "ServiceAccount"), ("", "ConfigMap"), ("", "Secret"):
            var o = object
            if info.kind == "Secret", o["type"] == nil { o["type"] = "Opaque" }
            if info.kind == "Secret", case .object(let sd)? = o["stringData"] {
                var data = o["data"]?.objectValue ?? JSONObject()
                for (k, v) in sd { data[k] = .string(Data((v.stringValue ?? "").utf8).base64EncodedString()) }
                o["data"] = .object(data)
                o["stringData"] = nil
            }
            return o
        default: return object
        }
    }

    func allocateNodePort() -> Int64 {
        var used = Set<Int64>()
        for (_, s) in store.list("core/services", namespace: nil).items {
            for p in s.object["spec"]?["ports"]?.arrayValue ?? [] { if let n = p["nodePort"]?.intValue { used.insert(n) } }
        }
        for _ in 0..<100 {
            let n = Int64.random(in: 30000...32767)
            if !used.contains(n) { return n }
        }
        return (30000...32767).first { !used.contains($0) } ?? 30000
    }

    func releaseAllocations(_ object: JSONValue, info: ResourceInfo) {
        if info.kind == "Service", !info.isCustom, let ip = object["spec"]?["clusterIP"]?.stringValue {
            serviceIPs.release(ip)
        }
        if info.kind == "Node", !info.isCustom, let c = object["spec"]?["podCIDR"]?.stringValue { podCIDRs.release(c) }
    }

    /// Side effects of a stored write: CRDs change what is served.
    func afterWrite(_ object: JSONValue, info: ResourceInfo) {
        if info.kind == "CustomResourceDefinition" && info.group == "apiextensions.k8s.io" {
            registry.register(crd: object)
        }
    }

    // MARK: - Review resources

    func review(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        var object = try decodeBody(request, info: t.info)
        object["kind"] = .string(t.info.kind)
        object["apiVersion"] = .string(t.info.apiVersion)
        if object["metadata"] == nil || object["metadata"]?["creationTimestamp"] == nil {
            object[path: ["metadata", "creationTimestamp"]] = .null
        }
        let user: JSONValue = ["username": "kosmos-admin", "groups": ["system:masters", "system:authenticated"]]
        switch t.info.resource {
        case "selfsubjectaccessreviews", "subjectaccessreviews", "localsubjectaccessreviews":
            object["status"] = ["allowed": true, "reason": "kosmos local API server allows every request"]
        case "selfsubjectrulesreviews":
            object["status"] = [
                "resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
                "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]],
                "incomplete": false,
            ]
        case "selfsubjectreviews":
            object["status"] = ["userInfo": user]
        case "tokenreviews":
            let ok = object["spec"]?["token"]?.stringValue == token
            object["status"] = ok ? ["authenticated": true, "user": user] : ["user": [:]]
        default: break
        }
        return try respond(ObjectFormat.normalizeBuiltin(object), request, t.info, status: .created)
    }
}
