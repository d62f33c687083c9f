/// The plugins of one scheduler name, in the order they run at each extension point.
public struct Profile: Sendable {
    /// Pods whose `spec.schedulerName` equals this are scheduled with this profile.
    public var schedulerName: String
    /// PreFilter plugins, in order.
    public var preFilter: [any PreFilterPlugin] = []
    /// Filter plugins, in order; the first rejection wins.
    public var filter: [any FilterPlugin] = []
    /// PostFilter plugins, in order.
    public var postFilter: [any PostFilterPlugin] = []
    /// PreScore plugins, in order.
    public var preScore: [any PreScorePlugin] = []
    /// Score plugins with their weights.
    public var score: [(plugin: any ScorePlugin, weight: Int64)] = []
    /// Reserve plugins, in order.
    public var reserve: [any ReservePlugin] = []
    /// PreBind plugins, in order.
    public var preBind: [any PreBindPlugin] = []
    /// Bind plugins; with none, pods are bound through `pods/binding`.
    public var bind: [any BindPlugin] = []
    /// Share of nodes to find feasible before scoring (1...100); nil uses kube-scheduler's adaptive default.
    public var percentageOfNodesToScore: Int?

    /// An empty profile.
    public init(schedulerName: String) { self.schedulerName = schedulerName }
}
