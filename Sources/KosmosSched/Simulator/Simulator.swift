import KosmosAPI

/// What-if scheduling without a cluster: loads objects, schedules the pending pods one after the other with a
/// profile, and reports for each pod the chosen node and why every other node was rejected.
///
/// Deterministic: nodes are evaluated in name order, every node is evaluated (no `percentageOfNodesToScore`
/// cut), filtering runs on one thread, and equal scores go to the node whose name sorts first.
public struct Simulator: Sendable {
    /// One rejected node.
    public struct Rejection: Sendable, Hashable {
        /// The node.
        public var node: String
        /// The plugin that rejected the node.
        public var plugin: String
        /// Its reasons, comma-separated.
        public var reason: String
    }

    /// The decision for one pod.
    public struct Placement: Sendable, Hashable {
        /// `namespace/name`.
        public var pod: String
        /// The chosen node; nil when none fits.
        public var node: String?
        /// Rejected nodes in name order.
        public var rejections: [Rejection]
        /// kube-scheduler's summary when the pod fits nowhere.
        public var message: String?
        /// Pods evicted (`namespace/name`) so that this pod fits its node by preemption.
        public var preempted: [String] = []
    }

    /// The plugins (every node is evaluated).
    public var profile: Profile

    /// - Parameter profile: the plugins; defaults to the Kosmos default profile.
    public init(profile: Profile? = nil) throws {
        var p = try profile ?? PluginSet.kosmosDefault.profile(schedulerName: PodSpec.defaultSchedulerName)
        p.percentageOfNodesToScore = 100
        self.profile = p
    }

    /// Builds a snapshot from objects of any supported kind (Node, Pod, PersistentVolumeClaim, PersistentVolume,
    /// DistributionPolicy, ClusterDistributionPolicy, WorkloadPolicy, Namespace); `List` objects are unpacked.
    /// - Returns: the snapshot and the pods without a node, in input order.
    /// - Throws: `ConfigurationError` naming the object whose kind is not supported.
    public static func load(_ objects: [JSONValue], source: String = "input") throws -> (Snapshot, [Pod]) {
        let snapshot = Snapshot()
        var pending: [Pod] = []
        var boundPods: [Pod] = []
        var flat: [JSONValue] = []
        for o in objects {
            if let items = o["items"]?.arrayValue, (o["kind"]?.stringValue ?? "").hasSuffix("List") {
                flat.append(contentsOf: items)
            } else if !o.isNull {
                flat.append(o)
            }
        }
        for (i, o) in flat.enumerated() {
            switch o["kind"]?.stringValue ?? "" {
            case "Node": snapshot.upsertNode(Node(json: o))
            case "Pod":
                var pod = Pod(json: o)
                if pod.metadata.namespace == nil { pod.metadata.namespace = "default" }
                if pod.metadata.uid == nil { pod.metadata.uid = "\(pod.metadata.namespace ?? "")/\(pod.name)" }
                if (pod.spec.nodeName ?? "").isEmpty { pending.append(pod) } else { boundPods.append(pod) }
            case "PersistentVolumeClaim":
                let c = PersistentVolumeClaim(json: o)
                snapshot.claims[(c.namespace ?? "default") + "/" + c.name] = c
            case "PersistentVolume":
                let v = PersistentVolume(json: o)
                snapshot.volumes[v.name] = v
            case "StorageClass":
                let c = StorageClass(json: o)
                snapshot.storageClasses[c.name] = c
            case "DistributionPolicy":
                var d = DistributionPolicy(json: o)
                if d.metadata.namespace == nil { d.metadata.namespace = "default" }
                snapshot.distributionPolicies.append(d)
            case "ClusterDistributionPolicy":
                snapshot.clusterDistributionPolicies.append(ClusterDistributionPolicy(json: o))
            case "WorkloadPolicy":
                var w = WorkloadPolicy(json: o)
                if w.metadata.namespace == nil { w.metadata.namespace = "default" }
                snapshot.workloadPolicies.append(w)
            case "Namespace":
                let n = Namespace(json: o)
                snapshot.namespaceLabels[n.name] = n.metadata.labels
            case let kind:
                throw ConfigurationError(
                    "\(source): object \(i + 1): kind \"\(kind)\" is not supported by the simulator")
            }
        }
        for p in boundPods { snapshot.upsertPod(p) }
        return (snapshot, pending)
    }

    /// Schedules the pods in order (higher priority first, otherwise input order), each decision seen by the next.
    public func run(snapshot: Snapshot, pods: [Pod]) -> [Placement] {
        let algorithm = SchedulingAlgorithm(profile: profile, parallelism: 1)
        let infos = pods.map(PodInfo.init).enumerated().sorted {
            $0.element.priority != $1.element.priority
                ? $0.element.priority > $1.element.priority : $0.offset < $1.offset
        }.map(\.element)
        var out: [Placement] = []
        for pod in infos {
            let r = algorithm.schedule(pod, in: snapshot)
            let rejections = r.diagnosis.nodeStatuses.sorted { $0.key < $1.key }.map {
                Rejection(node: $0.key, plugin: $0.value.plugin, reason: $0.value.reasons.joined(separator: ", "))
            }
            if let n = r.nodeName {
                snapshot.assume(pod, on: n)
                out.append(Placement(pod: pod.key, node: n, rejections: rejections, message: nil))
            } else if let n = r.nominatedNode {
                // What if the victims are evicted: the pod takes their place.
                for v in r.victims { snapshot.removePod(uid: v.uid) }
                snapshot.assume(pod, on: n)
                out.append(
                    Placement(
                        pod: pod.key, node: n, rejections: rejections, message: r.diagnosis.message,
                        preempted: r.victims.map(\.key).sorted()))
            } else {
                out.append(Placement(pod: pod.key, node: nil, rejections: rejections, message: r.diagnosis.message))
            }
        }
        return out
    }

    /// Renders placements as text, one block per pod.
    public static func renderText(_ placements: [Placement]) -> String {
        var s = ""
        for p in placements {
            s += "\(p.pod): " + (p.node.map { "scheduled to \($0)" } ?? "unschedulable")
            s += p.preempted.isEmpty ? "\n" : " by preempting " + p.preempted.joined(separator: ", ") + "\n"
            if let m = p.message { s += "  \(m)\n" }
            for r in p.rejections { s += "  \(r.node): \(r.plugin): \(r.reason)\n" }
        }
        return s
    }

    /// Renders placements as a JSON array (keys in a fixed order).
    public static func renderJSON(_ placements: [Placement]) -> String {
        let items: [JSONValue] = placements.map { p in
            var o = JSONObject()
            o["pod"] = .string(p.pod)
            o["node"] = p.node.map { .string($0) } ?? .null
            if let m = p.message { o["message"] = .string(m) }
            if !p.preempted.isEmpty { o["preempted"] = .array(p.preempted.map { .string($0) }) }
            o["rejected"] = .array(
                p.rejections.map { r in
                    var j = JSONObject()
                    j["node"] = .string(r.node)
                    j["plugin"] = .string(r.plugin)
                    j["reason"] = .string(r.reason)
                    return .object(j)
                })
            return .object(o)
        }
        return JSONValue.array(items).serializedString()
    }
}
