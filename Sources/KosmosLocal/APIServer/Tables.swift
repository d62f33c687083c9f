import Foundation
import KosmosAPI

/// `meta.k8s.io/v1` Table answers (what `kubectl get` prints): columns per kind, cells already formatted.
enum Tables {
    static let nameDescription = "Name must be unique within a namespace. Is required when creating resources, "
        + "although some resources may allow a client to request the generation of an appropriate name "
        + "automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot "
        + "be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    static let ageDescription = "CreationTimestamp is a timestamp representing the server time when this object "
        + "was created. It is not guaranteed to be set in happens-before order across separate operations. Clients "
        + "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
        + "Read-only. Null for lists. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

    static func column(_ name: String, _ type: String = "string", format: String = "", description: String = "",
                       priority: Int = 0) -> JSONValue {
        var o = JSONObject()
        o.append("name", .string(name))
        o.append("type", .string(type))
        o.append("format", .string(format))
        o.append("description", .string(description))
        o.append("priority", .int(Int64(priority)))
        return .object(o)
    }

    static let parsedColumns: [String: [JSONValue]] = {
        var m: [String: [JSONValue]] = [:]
        for (k, v) in tableColumnsJSON { m[k] = (try? JSONValue.parse(v))?.arrayValue ?? [] }
        return m
    }()

    static func columns(for info: ResourceInfo) -> [JSONValue] {
        if let c = parsedColumns[info.storageKey], !info.isCustom { return c }
        let name = column("Name", format: "name", description: nameDescription)
        let age = column("Age", description: ageDescription)
        if let custom = info.custom {
            var cols = [name]
            var hasAge = false
            for c in custom.printerColumns {
                let path = c["jsonPath"]?.stringValue ?? ""
                if path == ".metadata.creationTimestamp" { hasAge = true }
                cols.append(column(c["name"]?.stringValue ?? "", c["type"]?.stringValue ?? "string",
                                   format: c["format"]?.stringValue ?? "",
                                   description: c["description"]?.stringValue
                                       ?? "Custom resource definition column (in JSONPath format): \(path)",
                                   priority: Int(c["priority"]?.intValue ?? 0)))
            }
            if !hasAge {
                cols.append(column("Age", "date", description:
                    "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp"))
            }
            return cols
        }
        switch info.storageKey {
        case "apps/deployments":
            return [name, column("Ready", description: "Number of the pod with ready state"),
                    column("Up-to-date", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                    column("Available", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                    age, column("Containers", description: "Names of each container in the template.", priority: 1),
                    column("Images", description: "Images referenced by each container in the template.", priority: 1),
                    column("Selector", description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", priority: 1)]
        case "apps/replicasets":
            return [name, column("Desired", "integer", description: "Number of desired pods."),
                    column("Current", "integer", description: "Number of actual replicas."),
                    column("Ready", "integer", description: "The number of ready replicas for this replica set."),
                    age, column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        case "apps/statefulsets":
            return [name, column("Ready", description: "Number of the pod with ready state"), age,
                    column("Containers", priority: 1), column("Images", priority: 1)]
        case "apps/daemonsets":
            return [name, column("Desired", "integer"), column("Current", "integer"), column("Ready", "integer"),
                    column("Up-to-date", "integer"), column("Available", "integer"), column("Node Selector"), age,
                    column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        case "core/services":
            return [name, column("Type", description: "The type of the service."),
                    column("Cluster-IP", description: "The IP address of the service."),
                    column("External-IP", description: "The external IP of the service."),
                    column("Port(s)", description: "The ports of the service."), age,
                    column("Selector", description: "Route service traffic to pods with label keys and values matching this selector.", priority: 1)]
        case "batch/jobs":
            return [name, column("Status"), column("Completions"), column("Duration"), age,
                    column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        case "core/events":
            return [column("Last Seen"), column("Type"), column("Reason"), column("Object"),
                    column("Subobject", priority: 1), column("Source", priority: 1), column("Message"),
                    column("First Seen", priority: 1), column("Count", priority: 1), name]
        case "core/secrets":
            return [name, column("Type"), column("Data", "string"), age]
        case "core/serviceaccounts":
            return [name, column("Secrets", "string"), age]
        case "core/endpoints":
            return [name, column("Endpoints"), age]
        case "coordination.k8s.io/leases":
            return [name, column("Holder"), age]
        case "apiextensions.k8s.io/customresourcedefinitions":
            return [name, column("Created At", "date")]
        default:
            return storageColumns(info.storageKey, name: name, age: age) ?? [name, age]
        }
    }

    static func partialMetadata(_ object: JSONValue) -> JSONValue {
        ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
         "metadata": object["metadata"] ?? [:]]
    }

    /// A Table of `objects`; `includeObject` chooses what `rows[].object` holds (Metadata by default).
    static func table(for objects: [JSONValue], info: ResourceInfo, request: APIRequest,
                      resourceVersion: String) throws -> JSONValue {
        let entries = (request.header("Accept") ?? "").split(separator: ",").map {
            $0.replacingOccurrences(of: " ", with: "") }
        let tableOK = entries.contains { $0.contains("as=Table") && ($0.contains("v=v1;") || $0.hasSuffix("v=v1")
            || $0.contains("v=v1beta1")) }
        if !tableOK && !entries.contains(where: { $0 == "application/json" || $0 == "*/*" }) {
            var e = APIError(code: 406, reason: "NotAcceptable",
                             message: "only the following media types are accepted: application/json, "
                                 + "application/yaml, application/vnd.kubernetes.protobuf", details: nil)
            e.pretty = true
            throw e
        }
        let include = request.query["includeObject"] ?? "Metadata"
        let now = Date()
        let rows: [JSONValue] = objects.map { o in
            var r = JSONObject()
            r.append("cells", .array(cells(o, info: info, now: now)))
            switch include {
            case "None": break
            case "Object": r.append("object", o)
            default: r.append("object", partialMetadata(o))
            }
            return .object(r)
        }
        var t = JSONObject()
        t.append("kind", "Table")
        t.append("apiVersion", "meta.k8s.io/v1")
        t.append("metadata", ["resourceVersion": .string(resourceVersion)])
        t.append("columnDefinitions", .array(columns(for: info)))
        t.append("rows", .array(rows))
        return .object(t)
    }

    static func cells(_ o: JSONValue, info: ResourceInfo, now: Date) -> [JSONValue] {
        let name = JSONValue.string(o["metadata"]?["name"]?.stringValue ?? "")
        let created = o["metadata"]?["creationTimestamp"]?.stringValue
        let age = JSONValue.string(ObjectFormat.age(since: created, now: now))
        if let custom = info.custom {
            var cells = [name]
            var hasAge = false
            for c in custom.printerColumns {
                let path = c["jsonPath"]?.stringValue ?? ""
                if path == ".metadata.creationTimestamp" {
                    hasAge = true
                    cells.append(age)
                    continue
                }
                let v = o[path: path.split(separator: ".").map(String.init)]
                switch (c["type"]?.stringValue, v) {
                case (_, nil): cells.append(.null)
                case ("integer", let x?), ("number", let x?), ("boolean", let x?): cells.append(x)
                case ("date", .string(let s)?): cells.append(.string(ObjectFormat.age(since: s, now: now)))
                case (_, .string(let s)?): cells.append(.string(s))
                case (_, let x?): cells.append(.string(x.serializedString()))
                }
            }
            if !hasAge { cells.append(age) }
            return cells
        }
        let spec = o["spec"], status = o["status"]
        func s(_ v: JSONValue?) -> String { v?.stringValue ?? "" }
        func i(_ v: JSONValue?) -> Int64 { v?.intValue ?? 0 }
        func orNone(_ x: String) -> JSONValue { .string(x.isEmpty ? "<none>" : x) }
        func containers(_ podSpec: JSONValue?) -> (String, String) {
            let cs = podSpec?["containers"]?.arrayValue ?? []
            return (cs.map { s($0["name"]) }.joined(separator: ","), cs.map { s($0["image"]) }.joined(separator: ","))
        }
        func selectorString(_ sel: JSONValue?) -> String {
            guard let ml = sel?["matchLabels"]?.objectValue else { return "" }
            return ml.fieldNames.sorted().map { "\($0)=\(ml[$0]?.stringValue ?? "")" }.joined(separator: ",")
        }
        switch info.storageKey {
        case "core/pods":
            let cs = spec?["containers"]?.arrayValue ?? []
            let statuses = status?["containerStatuses"]?.arrayValue ?? []
            let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
            let restarts = statuses.reduce(0) { $0 + i($1["restartCount"]) }
            var phase = s(status?["reason"]).isEmpty ? s(status?["phase"]) : s(status?["reason"])
            for c in statuses {
                if let w = c["state"]?["waiting"]?["reason"]?.stringValue, !w.isEmpty { phase = w }
                if let t = c["state"]?["terminated"]?["reason"]?.stringValue, !t.isEmpty { phase = t }
            }
            if o["metadata"]?["deletionTimestamp"] != nil { phase = "Terminating" }
            let gates = spec?["readinessGates"]?.arrayValue ?? []
            return [name, .string("\(ready)/\(cs.count)"), .string(phase), .string(String(restarts)), age,
                    orNone(s(status?["podIP"])), orNone(s(spec?["nodeName"])), orNone(s(status?["nominatedNodeName"])),
                    gates.isEmpty ? "<none>" : .string("0/\(gates.count)")]
        case "core/configmaps":
            return [name, .int(Int64((o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0))), age]
        case "core/namespaces":
            return [name, .string(s(status?["phase"]).isEmpty ? "Active" : s(status?["phase"])), age]
        case "core/nodes":
            let ready = (status?["conditions"]?.arrayValue ?? []).first { s($0["type"]) == "Ready" }
            var st = ready.map { s($0["status"]) == "True" ? "Ready" : "NotReady" } ?? "Unknown"
            if spec?["unschedulable"]?.boolValue == true { st += ",SchedulingDisabled" }
            let labels = o["metadata"]?["labels"]?.objectValue ?? JSONObject()
            let roles = labels.fieldNames.filter { $0.hasPrefix("node-role.kubernetes.io/") }
                .map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
            let addrs = status?["addresses"]?.arrayValue ?? []
            func addr(_ t: String) -> String { addrs.first { s($0["type"]) == t }.map { s($0["address"]) } ?? "" }
            let ni = status?["nodeInfo"]
            return [name, .string(st), orNone(roles.joined(separator: ",")), age,
                    .string(s(ni?["kubeletVersion"])), orNone(addr("InternalIP")), orNone(addr("ExternalIP")),
                    .string(s(ni?["osImage"]).isEmpty ? "<unknown>" : s(ni?["osImage"])),
                    .string(s(ni?["kernelVersion"]).isEmpty ? "<unknown>" : s(ni?["kernelVersion"])),
                    .string(s(ni?["containerRuntimeVersion"]).isEmpty ? "<unknown>" : s(ni?["containerRuntimeVersion"]))]
        case "apps/deployments":
            let (cn, im) = containers(spec?["template"]?["spec"])
            return [name, .string("\(i(status?["readyReplicas"]))/\(i(spec?["replicas"]))"),
                    .int(i(status?["updatedReplicas"])), .int(i(status?["availableReplicas"])), age,
                    .string(cn), .string(im), .string(selectorString(spec?["selector"]))]
        case "apps/replicasets":
            let (cn, im) = containers(spec?["template"]?["spec"])
            return [name, .int(i(spec?["replicas"])), .int(i(status?["replicas"])), .int(i(status?["readyReplicas"])),
                    age, .string(cn), .string(im), .string(selectorString(spec?["selector"]))]
        case "apps/statefulsets":
            let (cn, im) = containers(spec?["template"]?["spec"])
            return [name, .string("\(i(status?["readyReplicas"]))/\(i(spec?["replicas"]))"), age, .string(cn), .string(im)]
        case "apps/daemonsets":
            let (cn, im) = containers(spec?["template"]?["spec"])
            let ns = spec?["template"]?["spec"]?["nodeSelector"]?.objectValue
            let nsText = ns.map { n in n.fieldNames.sorted().map { "\($0)=\(n[$0]?.stringValue ?? "")" }.joined(separator: ",") } ?? ""
            return [name, .int(i(status?["desiredNumberScheduled"])), .int(i(status?["currentNumberScheduled"])),
                    .int(i(status?["numberReady"])), .int(i(status?["updatedNumberScheduled"])),
                    .int(i(status?["numberAvailable"])), orNone(nsText), age, .string(cn), .string(im),
                    .string(selectorString(spec?["selector"]))]
        case "core/services":
            let type = s(spec?["type"])
            let ports = (spec?["ports"]?.arrayValue ?? []).map { p -> String in
                let np = p["nodePort"]?.intValue.map { ":\($0)" } ?? ""
                return "\(i(p["port"]))\(np)/\(s(p["protocol"]).isEmpty ? "TCP" : s(p["protocol"]))"
            }.joined(separator: ",")
            var ext = (spec?["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
            ext += (status?["loadBalancer"]?["ingress"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
            let extText = ext.isEmpty ? (type == "LoadBalancer" ? "<pending>" : type == "ExternalName" ? s(spec?["externalName"]) : "<none>") : ext.joined(separator: ",")
            let sel = spec?["selector"]?.objectValue
            let selText = sel.map { m in m.fieldNames.sorted().map { "\($0)=\(m[$0]?.stringValue ?? "")" }.joined(separator: ",") } ?? ""
            return [name, .string(type), orNone(s(spec?["clusterIP"])), .string(extText), orNone(ports), age, orNone(selText)]
        case "batch/jobs":
            let (cn, im) = containers(spec?["template"]?["spec"])
            let conds = status?["conditions"]?.arrayValue ?? []
            let complete = conds.contains { s($0["type"]) == "Complete" && s($0["status"]) == "True" }
            let failed = conds.contains { s($0["type"]) == "Failed" && s($0["status"]) == "True" }
            return [name, .string(complete ? "Complete" : failed ? "Failed" : "Running"),
                    .string("\(i(status?["succeeded"]))/\(i(spec?["completions"]))"), .string(""), age,
                    .string(cn), .string(im), .string(selectorString(spec?["selector"]))]
        case "core/events":
            let last = s(o["lastTimestamp"]).isEmpty ? s(o["eventTime"]) : s(o["lastTimestamp"])
            let inv = o["involvedObject"]
            return [.string(ObjectFormat.age(since: last, now: now)), .string(s(o["type"])), .string(s(o["reason"])),
                    .string("\(s(inv?["kind"]).lowercased())/\(s(inv?["name"]))"), .string(s(inv?["fieldPath"])),
                    .string(s(o["source"]?["component"])), .string(s(o["message"])),
                    .string(ObjectFormat.age(since: s(o["firstTimestamp"]), now: now)), .int(i(o["count"])), name]
        case "core/secrets":
            return [name, .string(s(o["type"])), .string(String(o["data"]?.objectValue?.count ?? 0)), age]
        case "core/serviceaccounts":
            return [name, .string(String(o["secrets"]?.arrayValue?.count ?? 0)), age]
        case "core/endpoints":
            let eps = (o["subsets"]?.arrayValue ?? []).flatMap { sub in
                (sub["addresses"]?.arrayValue ?? []).flatMap { a in
                    (sub["ports"]?.arrayValue ?? [[:]]).map { p in "\(s(a["ip"])):\(i(p["port"]))" }
                }
            }
            return [name, orNone(eps.prefix(3).joined(separator: ",") + (eps.count > 3 ? " + \(eps.count - 3) more..." : "")), age]
        case "coordination.k8s.io/leases":
            return [name, orNone(s(spec?["holderIdentity"])), age]
        case "apiextensions.k8s.io/customresourcedefinitions":
            return [name, .string(created ?? "")]
        default:
            return storageCells(o, storageKey: info.storageKey, name: name, age: age) ?? [name, age]
        }
    }
}
