import KosmosAPI
import Logging

/// Publishes the endpoints of every Service with a selector as EndpointSlices (kube-controller-manager's
/// endpointslice controller): one slice per address family and port mapping, labelled
/// `kubernetes.io/service-name`, owned by the Service, listing each selected pod's IP with ready/serving/terminating
/// conditions, node, zone and a reference to the pod. The v1 Endpoints object of the same name is kept in step too
/// (kube's endpoints controller), since `kubectl describe service` still reads it.
struct EndpointSliceController: Reconciler {
    let client: KubeClient
    let services: SharedInformer<DynamicObject>
    let pods: SharedInformer<DynamicObject>
    let slices: SharedInformer<DynamicObject>
    let nodes: SharedInformer<DynamicObject>
    let logger: Logger

    static let serviceNameLabel = "kubernetes.io/service-name"
    static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    static let managedBy = "endpointslice-controller.k8s.io"

    func register(with controller: Controller) {
        controller.watch(services)
        let services = self.services
        controller.watch(pods) { event in
            var labelSets = [event.object.metadata.labels]
            if case .updated(let old, _) = event { labelSets.append(old.metadata.labels) }
            return services.store.list(namespace: event.object.namespace).filter { svc in
                let selector = svc.stringMap("spec", "selector")
                guard !selector.isEmpty else { return false }
                return labelSets.contains { labels in selector.allSatisfy { labels[$0.key] == $0.value } }
            }.map { ObjectKey(of: $0) }
        }
        controller.watch(slices) { event in
            guard let svc = event.object.metadata.labels[Self.serviceNameLabel] else { return [] }
            return [ObjectKey(namespace: event.object.namespace, name: svc)]
        }
    }

    /// One desired slice: its address type, ports and endpoints.
    struct DesiredSlice: Equatable {
        var addressType: String
        var ports: [JSONValue]
        var endpoints: [JSONValue]
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        let existing = slices.store.list(namespace: key.namespace).filter {
            $0.metadata.labels[Self.serviceNameLabel] == key.name
                && $0.metadata.labels[Self.managedByLabel] == Self.managedBy
        }
        guard let svc = services.store.get(key), !svc.isTerminating,
              svc.string("spec", "type") != "ExternalName", !svc.stringMap("spec", "selector").isEmpty
        else {
            // Without a selector the user manages the slices; a deleted Service's slices go with it (owner ref).
            if services.store.get(key) == nil {
                // Endpoints carry no owner reference: they go with their Service here.
                do {
                    try await client.dynamic(ClusterResources.endpoints).delete(namespace: key.namespace,
                                                                               name: key.name)
                } catch let e as KubeError where e.isNotFound {}
            }
            return .done
        }
        let desired = desiredSlices(for: svc)
        try await syncEndpoints(svc, desired)
        var unmatched = existing.filter { !$0.isTerminating }
        let sliceClient = client.dynamic(ClusterResources.endpointSlices)
        for want in desired {
            if let i = unmatched.firstIndex(where: {
                $0.string("addressType") == want.addressType
                    && Self.portsKey($0.array("ports")) == Self.portsKey(want.ports)
            }) {
                let have = unmatched.remove(at: i)
                if Self.endpointsKey(have.array("endpoints")) == Self.endpointsKey(want.endpoints),
                   have.controllerRef?.uid == svc.uid { continue }
                var updated = have
                updated.json["endpoints"] = .array(want.endpoints)
                var meta = updated.metadata
                meta.ownerReferences = [serviceOwner(svc)]
                var labels = meta.labels
                labels[Self.serviceNameLabel] = svc.name
                labels[Self.managedByLabel] = Self.managedBy
                meta.labels = labels
                updated.metadata = meta
                _ = try await sliceClient.update(updated)
            } else {
                _ = try await sliceClient.create(slice(for: svc, want))
            }
        }
        for extra in unmatched {
            do {
                try await sliceClient.delete(namespace: extra.namespace, name: extra.name,
                                             options: DeleteOptions(preconditionUID: extra.uid))
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        }
        return .done
    }

    /// Writes the v1 Endpoints of a Service from its desired slices: one subset per port mapping, ready addresses
    /// and not-ready ones apart.
    private func syncEndpoints(_ svc: DynamicObject, _ desired: [DesiredSlice]) async throws {
        var subsets: [JSONValue] = []
        for slice in desired where !slice.endpoints.isEmpty {
            var ready: [JSONValue] = []
            var notReady: [JSONValue] = []
            for e in slice.endpoints where e["conditions"]?["terminating"] != true {
                var a = JSONObject()
                a.append("ip", e["addresses"]?.arrayValue?.first ?? "")
                if let n = e["nodeName"] { a.append("nodeName", n) }
                if let t = e["targetRef"] { a.append("targetRef", t) }
                if e["conditions"]?["ready"] == true { ready.append(.object(a)) } else { notReady.append(.object(a)) }
            }
            guard !ready.isEmpty || !notReady.isEmpty else { continue }
            var s = JSONObject()
            if !ready.isEmpty { s.append("addresses", .array(ready)) }
            if !notReady.isEmpty { s.append("notReadyAddresses", .array(notReady)) }
            if !slice.ports.isEmpty { s.append("ports", .array(slice.ports)) }
            subsets.append(.object(s))
        }
        let endpoints = client.dynamic(ClusterResources.endpoints)
        var labels = JSONObject()
        for (k, v) in svc.metadata.labels.sorted(by: { $0.key < $1.key }) { labels.append(k, .string(v)) }
        let current: DynamicObject?
        do { current = try await endpoints.get(namespace: svc.namespace, name: svc.name) } catch let e as KubeError
            where e.isNotFound { current = nil }
        if var current {
            let same = Self.subsetsKey(current.array("subsets")) == Self.subsetsKey(subsets)
            if same && current.json[path: ["metadata", "labels"]] == (labels.isEmpty ? nil : .object(labels)) {
                return
            }
            current.json["subsets"] = subsets.isEmpty ? nil : .array(subsets)
            current.json[path: ["metadata", "labels"]] = labels.isEmpty ? nil : .object(labels)
            do { _ = try await endpoints.update(current) } catch let e as KubeError where e.isNotFound {}
        } else {
            var meta: JSONObject = ["name": .string(svc.name), "namespace": .string(svc.namespace)]
            if !labels.isEmpty { meta.append("labels", .object(labels)) }
            var o: JSONObject = ["apiVersion": "v1", "kind": "Endpoints", "metadata": .object(meta)]
            if !subsets.isEmpty { o.append("subsets", .array(subsets)) }
            do { _ = try await endpoints.create(DynamicObject(json: .object(o))) } catch let e as KubeError
                where e.isAlreadyExists {}
        }
    }

    /// What matters of Endpoints subsets, in a comparable form.
    static func subsetsKey(_ subsets: [JSONValue]) -> [String] {
        subsets.flatMap { s -> [String] in
            let ports = portsKey(s["ports"]?.arrayValue ?? []).joined(separator: ";")
            return ["addresses", "notReadyAddresses"].flatMap { field in
                (s[field]?.arrayValue ?? []).map { a in
                    "\(ports) \(field) \(a["ip"]?.stringValue ?? "") \(a["nodeName"]?.stringValue ?? "") "
                        + (a["targetRef"]?["uid"]?.stringValue ?? "")
                }
            }
        }
    }

    /// What matters of a slice's ports, in a form that ignores fields the server may add or drop.
    static func portsKey(_ ports: [JSONValue]) -> [String] {
        ports.map { p in
            "\(p["name"]?.stringValue ?? "")|\(p["protocol"]?.stringValue ?? "TCP")|\(p["port"]?.intValue ?? 0)"
        }
    }

    /// What matters of a slice's endpoints, in a form that ignores fields the server may add or drop.
    static func endpointsKey(_ endpoints: [JSONValue]) -> [String] {
        endpoints.map { e in
            let c = e["conditions"]
            return [
                (e["addresses"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","),
                "\(c?["ready"]?.boolValue ?? false)", "\(c?["serving"]?.boolValue ?? false)",
                "\(c?["terminating"]?.boolValue ?? false)", e["nodeName"]?.stringValue ?? "",
                e["zone"]?.stringValue ?? "", e["targetRef"]?["uid"]?.stringValue ?? "",
                e["targetRef"]?["name"]?.stringValue ?? "",
            ].joined(separator: "|")
        }
    }

    private func serviceOwner(_ svc: DynamicObject) -> OwnerReference {
        OwnerReference(apiVersion: "v1", kind: "Service", name: svc.name, uid: svc.uid, controller: true,
                       blockOwnerDeletion: true)
    }

    private func slice(for svc: DynamicObject, _ want: DesiredSlice) -> DynamicObject {
        var meta = JSONObject()
        meta.append("generateName", .string("\(svc.name)-"))
        meta.append("namespace", .string(svc.namespace))
        var labels = JSONObject()
        for (k, v) in svc.metadata.labels.sorted(by: { $0.key < $1.key }) { labels.append(k, .string(v)) }
        labels[Self.serviceNameLabel] = .string(svc.name)
        labels[Self.managedByLabel] = .string(Self.managedBy)
        meta.append("labels", .object(labels))
        meta.append("ownerReferences", [serviceOwner(svc).json])
        var o = JSONObject()
        o.append("apiVersion", "discovery.k8s.io/v1")
        o.append("kind", "EndpointSlice")
        o.append("metadata", .object(meta))
        o.append("addressType", .string(want.addressType))
        o.append("endpoints", .array(want.endpoints))
        o.append("ports", .array(want.ports))
        return DynamicObject(json: .object(o))
    }

    /// The slices a Service should have now: per address family, pods grouped by their resolved port numbers;
    /// a family without endpoints keeps one empty slice, as kube does.
    func desiredSlices(for svc: DynamicObject) -> [DesiredSlice] {
        let selector = svc.stringMap("spec", "selector")
        var families = svc.array("spec", "ipFamilies").compactMap(\.stringValue)
        if families.isEmpty {
            families = [svc.string("spec", "clusterIP").map { $0.contains(":") ? "IPv6" : "IPv4" } ?? "IPv4"]
        }
        let selected = pods.store.list(namespace: svc.namespace).filter { pod in
            selector.allSatisfy { pod.metadata.labels[$0.key] == $0.value }
                && pod.podPhase != "Succeeded" && pod.podPhase != "Failed"
        }.sorted { $0.name < $1.name }
        let publishNotReady = svc.json[path: ["spec", "publishNotReadyAddresses"]]?.boolValue == true
        var result: [DesiredSlice] = []
        for family in families {
            var groups: [[JSONValue]: [JSONValue]] = [:]
            var order: [[JSONValue]] = []
            for pod in selected {
                let ips = pod.array("status", "podIPs").compactMap { $0["ip"]?.stringValue }
                let all = ips.isEmpty ? [pod.string("status", "podIP")].compactMap { $0 } : ips
                guard let ip = all.first(where: { ($0.contains(":") ? "IPv6" : "IPv4") == family }) else { continue }
                let ports = resolvedPorts(svc, pod)
                if groups[ports] == nil { order.append(ports) }
                groups[ports, default: []].append(endpoint(pod, ip: ip, publishNotReady: publishNotReady))
            }
            if order.isEmpty {
                result.append(DesiredSlice(addressType: family, ports: [], endpoints: []))
            }
            for ports in order {
                result.append(DesiredSlice(addressType: family, ports: ports, endpoints: groups[ports] ?? []))
            }
        }
        return result
    }

    /// The Service's ports with `targetPort` resolved against the pod's container ports (named ports by name).
    private func resolvedPorts(_ svc: DynamicObject, _ pod: DynamicObject) -> [JSONValue] {
        var containerPorts: [String: Int64] = [:]
        for c in pod.array("spec", "containers") {
            for p in c["ports"]?.arrayValue ?? [] {
                if let n = p["name"]?.stringValue, let v = p["containerPort"]?.intValue { containerPorts[n] = v }
            }
        }
        var result: [JSONValue] = []
        for p in svc.array("spec", "ports") {
            let number: Int64?
            switch p["targetPort"] {
            case .int(let i)?: number = i
            case .string(let s)?: number = Int64(s) ?? containerPorts[s]
            default: number = p["port"]?.intValue
            }
            guard let number else { continue }
            var o = JSONObject()
            o.append("name", p["name"] ?? .string(""))
            o.append("protocol", p["protocol"] ?? "TCP")
            o.append("port", .int(number))
            if let ap = p["appProtocol"] { o.append("appProtocol", ap) }
            result.append(.object(o))
        }
        return result
    }

    private func endpoint(_ pod: DynamicObject, ip: String, publishNotReady: Bool) -> JSONValue {
        let ready = pod.isReadyPod
        let terminating = pod.isTerminating
        var conditions = JSONObject()
        conditions.append("ready", .bool((ready || publishNotReady) && !terminating))
        conditions.append("serving", .bool(ready || publishNotReady))
        conditions.append("terminating", .bool(terminating))
        var e = JSONObject()
        e.append("addresses", [.string(ip)])
        e.append("conditions", .object(conditions))
        if let node = pod.nodeName {
            e.append("nodeName", .string(node))
            if let zone = nodes.store.get(namespace: nil, name: node)?.metadata.labels["topology.kubernetes.io/zone"] {
                e.append("zone", .string(zone))
            }
        }
        e.append("targetRef", ["kind": "Pod", "namespace": .string(pod.namespace), "name": .string(pod.name),
                               "uid": .string(pod.uid)])
        return .object(e)
    }
}
