import KosmosAPI

/// The free resources of one member node behind a leaf node, as the leaf-node side publishes them.
///
/// A leaf node publishes the list in its annotation `kosmos.io/member-node-free` as JSON:
/// ```json
/// [{"name": "n1", "free": {"cpu": "1", "memory": "2Gi", "pods": "10"},
///   "labels": {"zone": "a"}, "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}]
/// ```
/// `free` is allocatable minus the requests of the pods on the member node at publishing time; a resource left
/// out is not limited. The scheduler subtracts the pods it placed on the leaf since the annotation last changed.
public struct MemberNodeFree: Sendable, Hashable {
    /// The annotation key on the leaf node.
    public static let annotation = KosmosKeys.memberNodeFree

    /// The member node name.
    public var name: String
    /// Free amounts; only the resources present are checked.
    public var free: [String: Int64]
    public var labels: [String: String]
    /// The taints.
    public var taints: [TaintInfo]

    /// A member node.
    public init(name: String, free: [String: Quantity], labels: [String: String] = [:], taints: [TaintInfo] = []) {
        self.name = name
        var f: [String: Int64] = [:]
        for (k, q) in free { f[k] = k == ResourceName.cpu ? q.milliValue : q.value }
        self.free = f
        self.labels = labels
        self.taints = taints
    }

    /// Parses the annotation value.
    /// - Throws: `MemberNodeFreeError` naming the entry and field that is malformed.
    public static func parse(_ text: String) throws(MemberNodeFreeError) -> [MemberNodeFree] {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch {
            throw MemberNodeFreeError(message: "\(annotation): not JSON: \(error)")
        }
        guard let items = json.arrayValue else {
            throw MemberNodeFreeError(message: "\(annotation): expected a JSON array")
        }
        var out: [MemberNodeFree] = []
        for (i, item) in items.enumerated() {
            guard let name = item["name"]?.stringValue else {
                throw MemberNodeFreeError(message: "\(annotation)[\(i)].name: missing")
            }
            var free: [String: Quantity] = [:]
            for (k, v) in item["free"]?.objectValue ?? JSONObject() {
                guard let q = Quantity(jsonValue: v) else {
                    throw MemberNodeFreeError(message: "\(annotation)[\(i)].free.\(k): not a quantity")
                }
                free[k] = q
            }
            var labels: [String: String] = [:]
            for (k, v) in item["labels"]?.objectValue ?? JSONObject() { labels[k] = v.stringValue ?? "" }
            let taints = (item["taints"]?.arrayValue ?? []).map { Taint(json: $0) }.map(TaintInfo.init)
            out.append(MemberNodeFree(name: name, free: free, labels: labels, taints: taints))
        }
        return out
    }

    /// Renders a list as the annotation value.
    public static func render(_ members: [MemberNodeFree]) -> String {
        let items: [JSONValue] = members.map { m in
            var free = JSONObject()
            for (k, v) in m.free.sorted(by: { $0.key < $1.key }) {
                free[k] = .string(k == ResourceName.cpu ? Quantity(milli: v).description : Quantity(v).description)
            }
            var labels = JSONObject()
            for (k, v) in m.labels.sorted(by: { $0.key < $1.key }) { labels[k] = .string(v) }
            var o = JSONObject()
            o["name"] = .string(m.name)
            o["free"] = .object(free)
            o["labels"] = .object(labels)
            o["taints"] = .array(
                m.taints.map { t in
                    var j = JSONObject()
                    j["key"] = .string(t.key)
                    j["value"] = .string(t.value)
                    j["effect"] = .string(t.effect)
                    return .object(j)
                })
            return .object(o)
        }
        return JSONValue.array(items).serializedString()
    }

    /// Whether the member can take a pod with these requests, tolerations and node selector.
    func admits(_ req: ResourceVector, _ pod: PodInfo, leafLabels: [String: String]) -> Bool {
        for (k, v) in free {
            let need = k == ResourceName.pods ? 1 : req[k]
            if need > v { return false }
        }
        for t in taints where (t.effect == "NoSchedule" || t.effect == "NoExecute") && !pod.tolerations.tolerate(t) {
            return false
        }
        // A selector pair is satisfied by the member's labels, or by the leaf's when the member lacks the key.
        for (k, v) in pod.nodeSelector where (labels[k] ?? leafLabels[k]) != v { return false }
        // Required node affinity label terms are judged the same way, on the member's labels over the leaf's.
        if let required = pod.requiredNodeAffinity, required.terms.contains(where: { !$0.labels.isEmpty }) {
            let merged = leafLabels.merging(labels) { _, member in member }
            let labelTerms = required.terms.map { t -> CompiledNodeSelectorTerm in
                var t = t
                t.nameIn = []
                t.nameNotIn = []
                return t
            }
            if !labelTerms.contains(where: { $0.matches(labels: merged, name: name) }) { return false }
        }
        return true
    }

    mutating func take(_ req: ResourceVector) {
        for k in free.keys { free[k, default: 0] -= k == ResourceName.pods ? 1 : req[k] }
    }
}

/// A malformed `kosmos.io/member-node-free` annotation.
public struct MemberNodeFreeError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file or object and the field.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Places a pod on a leaf node only when one member node behind it can hold the whole pod (its requests, its
/// tolerations against the member's taints, its node selector and required node-affinity labels against the
/// member's labels over the leaf's): a leaf adding up ten 1-CPU members does not take a 4-CPU pod. Reads
/// `MemberNodeFree` from the leaf's annotation; pods placed on the leaf since it was published are packed first
/// (first fit, largest first). Leaf nodes without the annotation and real nodes pass.
public struct LeafNodeFragmentedCapacity: FilterPlugin {
    /// `LeafNodeFragmentedCapacity`.
    public let name = "LeafNodeFragmentedCapacity"
    /// The plugin.
    public init() {}

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard node.isLeaf, var members = node.memberNodes else { return .success }
        let pending = node.podsSincePublish.sorted {
            ($0.requests.milliCPU, $0.requests.memory) > ($1.requests.milliCPU, $1.requests.memory)
        }
        for p in pending {
            if let i = members.firstIndex(where: { $0.admits(p.requests, p, leafLabels: node.labels) }) {
                members[i].take(p.requests)
            }
        }
        if members.contains(where: { $0.admits(pod.requests, pod, leafLabels: node.labels) }) { return .success }
        return PluginStatus(.unschedulable, ["node(s) had no member node with room for the pod"])
    }
}
