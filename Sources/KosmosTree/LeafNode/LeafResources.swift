import KosmosAPI

/// The resources a leaf node advertises, computed from the member nodes behind it and the pods on them.
///
/// Follows the Go Kosmos `CalculateClusterResources` (cases §3.4) with its party-mode bug fixed: only pods on
/// the member nodes behind the leaf are counted, because the caller passes only those nodes.
public struct LeafResources: Sendable, Hashable {
    /// Capacity and allocatable of the leaf node: allocatable of the available member nodes minus the requests
    /// of their Running pods not created by ClusterTree; `pods` minus the number of those pods.
    public var allocatable: [String: Quantity]
    /// The free resources of each available member node, in member-node name order.
    public var memberNodes: [MemberNodeFreeEntry]

    /// Computes the resources.
    /// - Parameters:
    ///   - nodes: the member nodes behind the leaf.
    ///   - pods: member pods (pods on other nodes are ignored).
    public init(nodes: [Node], pods: [Pod]) {
        self.init(nodes: nodes, usage: pods.compactMap(PodUsage.init(of:)))
    }

    /// Computes the resources from what the member pods use.
    /// - Parameters:
    ///   - nodes: the member nodes behind the leaf.
    ///   - usage: the member pods' usage (pods on other nodes are ignored).
    public init(nodes: [Node], usage pods: [PodUsage]) {
        let available = nodes.filter(Self.isAvailable).sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        let names = Set(available.compactMap(\.metadata.name))
        var base: [String: Quantity] = [:]
        for n in available { base = base + n.status.allocatable }
        var podsByNode: [String: [PodUsage]] = [:]
        for p in pods where names.contains(p.nodeName) { podsByNode[p.nodeName, default: []].append(p) }
        // The host scheduler already accounts for ClusterTree's own pods against the leaf node, so the leaf total
        // leaves them out; only Running pods count, as upstream.
        var requests: [String: Quantity] = [:]
        var podCount: Int64 = 0
        for p in podsByNode.values.joined() where p.phase == .running && !p.isKosmosPod {
            requests = requests + p.requests
            podCount += 1
        }
        var total = base
        for (k, v) in requests where total[k] != nil { total[k] = total[k]! - v }
        if let pods = total[ResourceName.pods] { total[ResourceName.pods] = pods - Quantity(podCount) }
        allocatable = total

        // Per member node, everything bound there and not finished occupies room, our own pods included: the
        // scheduler only subtracts pods it placed after this value was written.
        memberNodes = available.map { node in
            let name = node.metadata.name ?? ""
            var free = node.status.allocatable
            var count: Int64 = 0
            for p in podsByNode[name] ?? [] where p.phase != .succeeded && p.phase != .failed {
                for (k, v) in p.requests where free[k] != nil { free[k] = free[k]! - v }
                count += 1
            }
            if let pods = free[ResourceName.pods] { free[ResourceName.pods] = pods - Quantity(count) }
            return MemberNodeFreeEntry(name: name, free: free, labels: node.metadata.labels, taints: node.spec.taints)
        }
    }

    /// A member node counts when it is schedulable and Ready.
    static func isAvailable(_ node: Node) -> Bool { !node.spec.unschedulable && node.isReady }

    /// Whether ClusterTree created the pod (label `kosmos-io/pod=true`).
    static func isKosmosPod(_ pod: Pod) -> Bool { pod.metadata.labels[TreeKeys.kosmosPod] == "true" }
}

/// The free resources of one member node, as published in the leaf node's `kosmos.io/member-node-free`
/// annotation (format in Sources/KosmosSched/README.md).
public struct MemberNodeFreeEntry: Sendable, Hashable {
    /// The member node's name.
    public var name: String
    /// Allocatable minus the requests of the pods bound there; `pods` is the number of free pod slots.
    public var free: [String: Quantity]
    /// The member node's labels.
    public var labels: [String: String]
    /// The member node's taints.
    public var taints: [Taint]

    /// Renders entries as the annotation value: a JSON array of `{name, free, labels, taints}`, keys sorted.
    /// - Parameter entries: the member nodes.
    /// - Returns: the compact JSON text.
    public static func render(_ entries: [MemberNodeFreeEntry]) -> String {
        let items: [JSONValue] = entries.map { e in
            var free = JSONObject()
            for (k, v) in e.free.sorted(by: { $0.key < $1.key }) { free.append(k, .string(v.description)) }
            var labels = JSONObject()
            for (k, v) in e.labels.sorted(by: { $0.key < $1.key }) { labels.append(k, .string(v)) }
            let taints: [JSONValue] = e.taints.map { t in
                var o = JSONObject()
                o.append("key", .string(t.key))
                if let v = t.value { o.append("value", .string(v)) }
                o.append("effect", .string(t.effect.rawValue))
                return .object(o)
            }
            var o = JSONObject()
            o.append("name", .string(e.name))
            o.append("free", .object(free))
            o.append("labels", .object(labels))
            o.append("taints", .array(taints))
            return .object(o)
        }
        return JSONValue.array(items).serializedString()
    }
}
