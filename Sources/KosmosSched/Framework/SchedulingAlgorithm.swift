import Dispatch
import Synchronization

/// The outcome of one scheduling attempt.
public struct ScheduleResult: Sendable {
    /// The chosen node, nil when none fits.
    public var nodeName: String?
    /// Nodes that went through filtering.
    public var evaluatedNodes: Int
    /// Nodes that passed filtering.
    public var feasibleNodes: Int
    /// Why nodes were rejected (every rejected node, also when a node was chosen).
    public var diagnosis: FitDiagnosis
    /// Total score of each scored node.
    public var scores: [String: Int64]
    /// The cycle's state, for Reserve, PreBind and Bind.
    public var state: CycleState
    /// Set when no node fits but evicting `victims` from this node would make room (preemption).
    public var nominatedNode: String?
    /// Pods to evict for the nomination.
    public var victims: [PodInfo] = []
}

/// Runs the scheduling cycle of one profile over a snapshot: PreFilter, Filter (in parallel), PostFilter,
/// PreScore, Score. Holds the rotating start index, so keep one per profile.
public final class SchedulingAlgorithm: Sendable {
    /// The plugins.
    public let profile: Profile
    private let nextStartNodeIndex = Mutex(0)
    /// Number of threads filtering at once.
    public let parallelism: Int

    /// - Parameters:
    ///   - profile: the plugins.
    ///   - parallelism: threads used for filtering; defaults to the active processor count.
    public init(profile: Profile, parallelism: Int? = nil) {
        self.profile = profile
        self.parallelism = max(1, parallelism ?? ProcessInfoLite.activeProcessorCount)
    }

    /// How many feasible nodes are enough among `numAllNodes` (kube-scheduler's `numFeasibleNodesToFind`).
    public func numFeasibleNodesToFind(_ numAllNodes: Int) -> Int {
        let minFeasible = 100
        let minPercentage = 5
        var percentage = profile.percentageOfNodesToScore ?? 0
        if numAllNodes < minFeasible || percentage >= 100 { return numAllNodes }
        if percentage <= 0 {
            percentage = max(50 - numAllNodes / 125, minPercentage)
        }
        return max(numAllNodes * percentage / 100, minFeasible)
    }

    /// Finds the best node for the pod. Does not change the snapshot.
    /// - Parameters:
    ///   - pod: the pod to place.
    ///   - snapshot: the cluster; must not change during the call.
    /// - Returns: the decision and the diagnosis.
    public func schedule(_ pod: PodInfo, in snapshot: Snapshot) -> ScheduleResult {
        let state = CycleState()
        let nodes = snapshot.nodes
        var diagnosis = FitDiagnosis(numAllNodes: nodes.count, nodeStatuses: [:])
        var result = ScheduleResult(
            nodeName: nil, evaluatedNodes: 0, feasibleNodes: 0, diagnosis: diagnosis,
            scores: [:], state: state)
        if nodes.isEmpty {
            result.diagnosis.preFilterMessage = "no nodes available to schedule pods"
            return result
        }
        // PreFilter
        for p in profile.preFilter {
            var s = p.preFilter(state, pod: pod, snapshot: snapshot)
            if s.code == .skip {
                state.skip(p.name)
            } else if !s.isSuccess {
                s.plugin = p.name
                diagnosis.preFilterMessage = s.reasons.joined(separator: ", ")
                for n in nodes { diagnosis.nodeStatuses[n.name] = s }
                runPostFilter(state, pod, snapshot, &diagnosis, &result)
                result.diagnosis = diagnosis
                return result
            }
        }
        // Filter
        let (feasible, statuses, evaluated) = findFeasible(state, pod, nodes)
        diagnosis.nodeStatuses = statuses
        result.evaluatedNodes = evaluated
        result.feasibleNodes = feasible.count
        if feasible.isEmpty {
            runPostFilter(state, pod, snapshot, &diagnosis, &result)
            result.diagnosis = diagnosis
            return result
        }
        result.diagnosis = diagnosis
        if feasible.count == 1 {
            result.nodeName = feasible[0].name
            return result
        }
        // PreScore and Score
        var totals = [Int64](repeating: 0, count: feasible.count)
        let skipScore = Set(
            profile.preScore.compactMap { p -> String? in
                p.preScore(state, pod: pod, nodes: feasible, snapshot: snapshot).code == .skip ? p.name : nil
            })
        for (plugin, weight) in profile.score where !skipScore.contains(plugin.name) {
            var scores = feasible.map { plugin.score(state, pod: pod, node: $0) }
            plugin.normalize(state, pod: pod, scores: &scores)
            for i in scores.indices { totals[i] += scores[i] * weight }
        }
        var best = 0
        for i in 1..<feasible.count
        where totals[i] > totals[best] || (totals[i] == totals[best] && feasible[i].name < feasible[best].name) {
            best = i
        }
        result.nodeName = feasible[best].name
        for i in feasible.indices { result.scores[feasible[i].name] = totals[i] }
        return result
    }

    private func runPostFilter(
        _ state: CycleState, _ pod: PodInfo, _ snapshot: Snapshot,
        _ diagnosis: inout FitDiagnosis, _ result: inout ScheduleResult
    ) {
        let filters = profile.filter.filter { !state.isSkipped($0.name) }
        for p in profile.postFilter {
            let r = p.postFilter(state, pod: pod, snapshot: snapshot, statuses: diagnosis.nodeStatuses) { node in
                self.runFilters(filters, state, pod, node)
            }
            if let node = r.nominatedNode {
                result.nominatedNode = node
                result.victims = r.victims
                diagnosis.postFilterMessage = nil
                return
            }
            if let msg = r.message { diagnosis.postFilterMessage = msg }
        }
    }

    /// Runs the filters on one node; the first rejection wins, as in kube-scheduler.
    func runFilters(
        _ filters: [any FilterPlugin], _ state: CycleState, _ pod: PodInfo, _ node: NodeInfo
    )
        -> PluginStatus
    {
        for f in filters {
            var s = f.filter(state, pod: pod, node: node)
            if !s.isSuccess {
                s.plugin = f.name
                return s
            }
        }
        return .success
    }

    private func findFeasible(
        _ state: CycleState, _ pod: PodInfo, _ nodes: [NodeInfo]
    )
        -> (feasible: [NodeInfo], statuses: [String: PluginStatus], evaluated: Int)
    {
        let n = nodes.count
        let wanted = numFeasibleNodesToFind(n)
        // Skips are decided in PreFilter; resolve them once rather than per node.
        let filters = profile.filter.filter { !state.isSkipped($0.name) }
        let start = nextStartNodeIndex.withLock { $0 % n }
        let chunk = 32
        let chunks = (n + chunk - 1) / chunk
        // Per chunk: how many nodes were evaluated, which passed, and the rejections. Each chunk is written by one
        // worker only, and the chunks are read after all workers finished.
        var evaluatedIn = [Int](repeating: 0, count: chunks)
        var passedIn = [[Int]](repeating: [], count: chunks)
        var rejectedIn = [[(Int, PluginStatus)]](repeating: [], count: chunks)
        let found = Atomic<Int>(0)
        let nextChunk = Atomic<Int>(0)
        evaluatedIn.withUnsafeMutableBufferPointer { ev in
            passedIn.withUnsafeMutableBufferPointer { ps in
                rejectedIn.withUnsafeMutableBufferPointer { rj in
                    let evaluatedOut = UnsafeSendableBuffer(ev)
                    let passedOut = UnsafeSendableBuffer(ps)
                    let rejectedOut = UnsafeSendableBuffer(rj)
                    let work: @Sendable (Int) -> Void = { _ in
                        while true {
                            if found.load(ordering: .relaxed) >= wanted { return }
                            let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                            if c >= chunks { return }
                            let range = (c * chunk)..<min(n, (c + 1) * chunk)
                            var passed: [Int] = []
                            var rejected: [(Int, PluginStatus)] = []
                            for k in range {
                                let s = self.runFilters(filters, state, pod, nodes[(start + k) % n])
                                if s.isSuccess { passed.append(k) } else { rejected.append((k, s)) }
                            }
                            evaluatedOut.buffer[c] = range.count
                            passedOut.buffer[c] = passed
                            rejectedOut.buffer[c] = rejected
                            found.wrappingAdd(passed.count, ordering: .relaxed)
                        }
                    }
                    if parallelism == 1 || n < 2 * chunk {
                        work(0)
                    } else {
                        DispatchQueue.concurrentPerform(iterations: parallelism, execute: work)
                    }
                }
            }
        }
        // Chunks run in order of their index, so the first `wanted` feasible nodes in index order are kept.
        var feasible: [NodeInfo] = []
        var statuses: [String: PluginStatus] = [:]
        var evaluated = 0
        for c in 0..<chunks where evaluatedIn[c] > 0 {
            for (k, s) in rejectedIn[c] { statuses[nodes[(start + k) % n].name] = s }
            for k in passedIn[c] where feasible.count < wanted {
                feasible.append(nodes[(start + k) % n])
                if feasible.count == wanted { evaluated = k + 1 }
            }
        }
        if feasible.count < wanted { evaluated = evaluatedIn.reduce(0, +) }
        nextStartNodeIndex.withLock { $0 = (start + evaluated) % n }
        return (feasible, statuses, evaluated)
    }
}

/// A buffer written by several threads at disjoint indices.
struct UnsafeSendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// The processor count without Foundation.
enum ProcessInfoLite {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
            return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 4
        #endif
    }
}

#if canImport(Glibc)
    import Glibc
#endif
