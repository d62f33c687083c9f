/// Builds plugins by name, with their `pluginConfig` arguments.
public struct PluginRegistry: Sendable {
    /// Makes a plugin from its arguments (the `args` object of `pluginConfig`, as plain values).
    public typealias Factory = @Sendable (_ args: [String: String]) throws -> any SchedulerPlugin

    /// Plugin factories by plugin name.
    public private(set) var factories: [String: Factory] = [:]

    /// An empty registry.
    public init() {}

    /// Registers a factory under a name.
    public mutating func register(_ name: String, _ factory: @escaping Factory) { factories[name] = factory }

    /// The standard and Kosmos plugins.
    public static var builtIn: PluginRegistry {
        var r = PluginRegistry()
        r.register("NodeResourcesFit") { args in
            let s = args["scoringStrategy.type"] ?? args["scoringStrategy"] ?? "LeastAllocated"
            guard let strategy = NodeResourcesFit.Strategy(rawValue: s) else {
                throw ConfigurationError(
                    "pluginConfig NodeResourcesFit: scoringStrategy.type \"\(s)\" is not "
                        + "LeastAllocated or MostAllocated")
            }
            return NodeResourcesFit(strategy: strategy)
        }
        r.register("NodeResourcesBalancedAllocation") { _ in NodeResourcesBalancedAllocation() }
        r.register("NodeName") { _ in NodeName() }
        r.register("NodeUnschedulable") { _ in NodeUnschedulable() }
        r.register("NodePorts") { _ in NodePorts() }
        r.register("NodeAffinity") { _ in NodeAffinityPlugin() }
        r.register("TaintToleration") { _ in TaintToleration() }
        r.register("PodTopologySpread") { _ in PodTopologySpread() }
        r.register("InterPodAffinity") { _ in InterPodAffinity() }
        r.register("VolumeBinding") { _ in VolumeBinding() }
        r.register("DefaultPreemption") { _ in DefaultPreemption() }
        r.register("LeafNodeTaintToleration") { _ in LeafNodeTaintToleration() }
        r.register("LeafNodeVolumeBinding") { _ in LeafNodeVolumeBinding() }
        r.register("LeafNodeDistribution") { _ in LeafNodeDistribution() }
        r.register("LeafNodeWorkloadPolicy") { _ in LeafNodeWorkloadPolicy() }
        r.register("LeafNodeFragmentedCapacity") { _ in LeafNodeFragmentedCapacity() }
        return r
    }
}
