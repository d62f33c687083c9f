/// The plugin names enabled at each extension point, with score weights.
public struct PluginSet: Sendable, Hashable {
    /// PreFilter plugins, in order.
    public var preFilter: [String]
    /// Filter plugins, in order.
    public var filter: [String]
    /// PostFilter plugins, in order.
    public var postFilter: [String]
    /// PreScore plugins, in order.
    public var preScore: [String]
    /// Score plugins and weights.
    public var score: [String: Int64]
    /// Score plugin order.
    public var scoreOrder: [String]
    /// Reserve plugins, in order.
    public var reserve: [String]
    /// PreBind plugins, in order.
    public var preBind: [String]

    /// The Kosmos default: kube-scheduler's default plugins, with `LeafNodeTaintToleration` in place of
    /// `TaintToleration`, `LeafNodeVolumeBinding` in place of `VolumeBinding`, plus `LeafNodeDistribution`,
    /// `LeafNodeWorkloadPolicy` and `LeafNodeFragmentedCapacity`.
    public static let kosmosDefault = PluginSet(
        preFilter: [
            "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity",
            "LeafNodeVolumeBinding", "LeafNodeDistribution", "LeafNodeWorkloadPolicy",
        ],
        filter: [
            "NodeUnschedulable", "NodeName", "LeafNodeTaintToleration", "NodeAffinity", "NodePorts",
            "NodeResourcesFit",
            "LeafNodeFragmentedCapacity", "LeafNodeVolumeBinding", "PodTopologySpread", "InterPodAffinity",
            "LeafNodeDistribution", "LeafNodeWorkloadPolicy",
        ],
        postFilter: ["DefaultPreemption"],
        preScore: ["InterPodAffinity", "PodTopologySpread", "LeafNodeWorkloadPolicy"],
        score: [
            "NodeResourcesFit": 1, "NodeResourcesBalancedAllocation": 1, "InterPodAffinity": 2,
            "NodeAffinity": 2, "PodTopologySpread": 2, "LeafNodeTaintToleration": 3, "LeafNodeWorkloadPolicy": 1,
        ],
        scoreOrder: [
            "NodeResourcesFit", "NodeResourcesBalancedAllocation", "InterPodAffinity", "NodeAffinity",
            "PodTopologySpread", "LeafNodeTaintToleration", "LeafNodeWorkloadPolicy",
        ],
        reserve: [], preBind: [])

    /// Builds the profile, creating each named plugin once.
    /// - Throws: `ConfigurationError` for an unknown plugin or one that lacks the extension point.
    public func profile(
        schedulerName: String, registry: PluginRegistry = .builtIn,
        args: [String: [String: String]] = [:], source: String = "profile"
    ) throws -> Profile {
        var made: [String: any SchedulerPlugin] = [:]
        func get(_ name: String, _ point: String) throws -> any SchedulerPlugin {
            if let p = made[name] { return p }
            guard let f = registry.factories[name] else {
                throw ConfigurationError("\(source): plugins.\(point): unknown plugin \"\(name)\"")
            }
            let p = try f(args[name] ?? [:])
            made[name] = p
            return p
        }
        func typed<T>(_ names: [String], _ point: String, _: T.Type) throws -> [T] {
            try names.map { n in
                guard let p = try get(n, point) as? T else {
                    throw ConfigurationError(
                        "\(source): plugins.\(point): plugin \"\(n)\" has no \(point) extension point")
                }
                return p
            }
        }
        var p = Profile(schedulerName: schedulerName)
        p.preFilter = try typed(preFilter, "preFilter", (any PreFilterPlugin).self)
        p.filter = try typed(filter, "filter", (any FilterPlugin).self)
        p.postFilter = try typed(postFilter, "postFilter", (any PostFilterPlugin).self)
        p.preScore = try typed(preScore, "preScore", (any PreScorePlugin).self)
        let scorers = try typed(scoreOrder, "score", (any ScorePlugin).self)
        p.score = zip(scoreOrder, scorers).map { ($1, score[$0] ?? 1) }
        p.reserve = try typed(reserve, "reserve", (any ReservePlugin).self)
        p.preBind = try typed(preBind, "preBind", (any PreBindPlugin).self)
        return p
    }
}
