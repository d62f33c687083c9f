import KosmosAPI

/// What must change on the API server to turn the existing NodeConfigs into the planned ones.
///
/// Only the five lists the planner owns (`devices`, `routes`, `iptables`, `fdbs`, `arps`) are compared, with an
/// absent list equal to an empty one, so a NodeConfig whose lists already match is left alone.
public struct NodeConfigPlan: Sendable {
    /// Planned NodeConfigs with no existing object of that name, ready to create.
    public var create: [NodeConfig]
    /// Existing NodeConfigs whose lists differ, already carrying the planned `spec`, the existing metadata
    /// (so `resourceVersion` makes the update conditional) and the `prev` annotation holding the previous spec's
    /// compact JSON, as upstream writes it. Ready to update.
    public var update: [NodeConfig]
    /// Existing NodeConfigs that no planned one names (their node vanished or became invalid), to delete.
    public var delete: [NodeConfig]

    /// Whether nothing needs to change.
    public var isEmpty: Bool { create.isEmpty && update.isEmpty && delete.isEmpty }

    /// Compares planned and existing NodeConfigs by name.
    /// - Parameters:
    ///   - desired: the planner's output.
    ///   - existing: the NodeConfigs that exist now.
    /// - Returns: creates, updates and deletes, each sorted by name.
    public init(desired: [NodeConfig], existing: [NodeConfig]) {
        var existingByName: [String: NodeConfig] = [:]
        for e in existing where existingByName[e.name] == nil { existingByName[e.name] = e }
        var create: [NodeConfig] = []
        var update: [NodeConfig] = []
        var wanted: Set<String> = []
        for d in desired.sorted(by: { $0.name < $1.name }) {
            wanted.insert(d.name)
            guard var current = existingByName[d.name] else {
                create.append(d)
                continue
            }
            if Self.specsMatch(current.spec, d.spec) { continue }
            // kube-apiserver rejects more than 256 KiB of annotations; a very large previous spec is not kept.
            let previous = current.spec.json.serializedString()
            if previous.utf8.count <= Self.maximumPreviousSpecBytes {
                current.metadata.annotations[NodeConfig.previousSpecAnnotation] = previous
            } else {
                current.metadata.annotations[NodeConfig.previousSpecAnnotation] = nil
            }
            current.spec = d.spec
            update.append(current)
        }
        self.create = create
        self.update = update
        self.delete = existingByName.values.filter { !wanted.contains($0.name) }.sorted { $0.name < $1.name }
    }

    /// The largest previous spec kept in the `prev` annotation.
    static let maximumPreviousSpecBytes = 200 * 1024

    /// Whether two specs hold the same planner-owned lists.
    public static func specsMatch(_ a: NodeConfigSpec, _ b: NodeConfigSpec) -> Bool {
        for key in ["devices", "routes", "iptables", "fdbs", "arps"] {
            let x = a.json[key]?.arrayValue ?? []
            let y = b.json[key]?.arrayValue ?? []
            if x != y { return false }
        }
        return true
    }
}
