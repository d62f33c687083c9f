import KosmosAPI
import Synchronization
import Testing

@testable import KosmosSched

@Suite struct FrameworkTests {
    @Test func summarisesRejectionsLikeKubeScheduler() {
        let nodes = [
            Fixture.node("a", cpu: "1"), Fixture.node("b", cpu: "1"),
            Fixture.node("c", taints: [Taint(key: "key", value: "value", effect: .noSchedule)]),
            Fixture.node("d", taints: [Taint(key: "key", value: "value", effect: .noSchedule)]),
            Fixture.node("e", taints: [Taint(key: "key", value: "value", effect: .noExecute)]),
        ]
        let r = Fixture.schedule(
            Fixture.pod("p", cpu: "2"), nodes: nodes,
            plugins: [TaintToleration(), NodeResourcesFit(), DefaultPreemption()])
        #expect(r.nodeName == nil)
        #expect(
            r.diagnosis.message == "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint "
                + "{key: value}. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, "
                + "3 Preemption is not helpful for scheduling.")
        #expect(r.diagnosis.nodeStatuses["a"]?.plugin == "NodeResourcesFit")
        #expect(r.diagnosis.nodeStatuses["c"]?.plugin == "TaintToleration")
    }

    @Test func countsEveryInsufficientResource() {
        let r = Fixture.schedule(
            Fixture.pod("p", cpu: "8", memory: "64Gi"), nodes: [Fixture.node("a")],
            plugins: [NodeResourcesFit()])
        #expect(r.diagnosis.message == "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.")
    }

    @Test func requestsIncludeInitContainersAndOverhead() throws {
        let pod = Fixture.pod("p", cpu: "1") { p in
            var ic = Container(name: "init", image: "busybox")
            ic.resources = ResourceRequirements(requests: ["cpu": "3"])
            p.spec.initContainers = [ic]
            p.spec.overhead = ["cpu": "500m"]
        }
        let info = PodInfo(pod)
        #expect(info.requests.milliCPU == 3500)
        let r = Fixture.schedule(
            pod, nodes: [Fixture.node("a", cpu: "3"), Fixture.node("b", cpu: "4")],
            plugins: [NodeResourcesFit()])
        #expect(r.nodeName == "b")
    }

    @Test func prefersTheLeastAllocatedNodeAndBreaksTiesByName() {
        let nodes = [Fixture.node("a"), Fixture.node("b"), Fixture.node("c")]
        let busy = [Fixture.pod("x", cpu: "3", memory: "6Gi", nodeName: "a")]
        let r = Fixture.schedule(
            Fixture.pod("p", cpu: "1", memory: "1Gi"), nodes: nodes, pods: busy,
            plugins: [NodeResourcesFit()])
        #expect(r.nodeName == "b")
        let most = Fixture.schedule(
            Fixture.pod("p", cpu: "1", memory: "1Gi"), nodes: nodes, pods: busy,
            plugins: [NodeResourcesFit(strategy: .mostAllocated)])
        #expect(most.nodeName == "a")
    }

    @Test func adaptivePercentageOfNodesToScore() {
        let a = SchedulingAlgorithm(profile: Profile(schedulerName: "x"))
        #expect(a.numFeasibleNodesToFind(50) == 50)
        #expect(a.numFeasibleNodesToFind(1000) == 420)
        #expect(a.numFeasibleNodesToFind(5000) == 500)
        #expect(a.numFeasibleNodesToFind(100_000) == 5000)
    }

    @Test func parallelFilteringStopsAfterEnoughFeasibleNodes() {
        let nodes = (0..<1000).map { Fixture.node("n\($0)") }
        let snapshot = Snapshot(nodes: nodes)
        var profile = Fixture.profile([NodeResourcesFit()])
        profile.percentageOfNodesToScore = nil
        let algorithm = SchedulingAlgorithm(profile: profile, parallelism: 2)
        let r = algorithm.schedule(PodInfo(Fixture.pod("p", cpu: "1")), in: snapshot)
        #expect(r.feasibleNodes == 420)
        #expect(r.nodeName != nil)
        // The next attempt starts where this one stopped.
        let r2 = algorithm.schedule(PodInfo(Fixture.pod("q", cpu: "1")), in: snapshot)
        #expect(r2.nodeName != r.nodeName)
    }

    @Test func snapshotTracksAssumedAndRemovedPods() throws {
        let s = Snapshot(nodes: [Fixture.node("a")])
        let p = PodInfo(Fixture.pod("p", cpu: "1"))
        s.assume(p, on: "a")
        #expect(s.assumedPods == [p.uid])
        let a = try #require(s.node(named: "a"))
        #expect(a.requested.milliCPU == 1000)
        // The API confirms the binding: no double counting.
        s.upsertPod(Fixture.pod("p", cpu: "1", nodeName: "a"))
        #expect(a.requested.milliCPU == 1000)
        #expect(a.pods.count == 1)
        #expect(s.assumedPods.isEmpty)
        s.removePod(uid: p.uid)
        #expect(a.requested.milliCPU == 0)
    }

    @Test func queueOrdersByPriorityThenAge() {
        let q = SchedulingQueue()
        q.add(
            PodInfo(Fixture.pod("low", priority: 1) { $0.metadata.json["creationTimestamp"] = "2024-01-01T00:00:00Z" })
        )
        q.add(
            PodInfo(
                Fixture.pod("young", priority: 5) { $0.metadata.json["creationTimestamp"] = "2024-01-02T00:00:00Z" }))
        q.add(
            PodInfo(Fixture.pod("old", priority: 5) { $0.metadata.json["creationTimestamp"] = "2024-01-01T00:00:00Z" })
        )
        #expect(q.tryPop()?.pod.name == "old")
        #expect(q.tryPop()?.pod.name == "young")
        #expect(q.tryPop()?.pod.name == "low")
        #expect(q.tryPop() == nil)
    }

    @Test func unschedulablePodsReturnOnEventsAfterExponentialBackoff() throws {
        let now = Mutex(100.0)
        let q = SchedulingQueue(clock: { now.withLock { $0 } })
        #expect(q.backoff(attempts: 1) == 1)
        #expect(q.backoff(attempts: 2) == 2)
        #expect(q.backoff(attempts: 4) == 8)
        #expect(q.backoff(attempts: 9) == 10)
        q.add(PodInfo(Fixture.pod("p")))
        var e = try #require(q.tryPop())
        q.requeueUnschedulable(e)
        now.withLock { $0 += 50 }
        #expect(q.tryPop() == nil)
        q.moveAllToActiveOrBackoff()
        e = try #require(q.tryPop())
        #expect(e.attempts == 1)
        q.requeueUnschedulable(e)
        q.moveAllToActiveOrBackoff()
        now.withLock { $0 += 1 }
        #expect(q.tryPop() == nil)
        now.withLock { $0 += 1.5 }
        #expect(q.tryPop()?.attempts == 2)
    }
}

@Suite struct QueueEventTests {
    @Test func statusOnlyUpdatesDoNotRequeueUnschedulablePods() throws {
        let q = SchedulingQueue(clock: { 1000 })
        let pod = Fixture.pod("p", cpu: "1")
        q.add(PodInfo(pod))
        let e = try #require(q.tryPop())
        q.requeueUnschedulable(e)
        var withCondition = pod
        withCondition.status.conditions = [Condition(type: "PodScheduled", status: .false, reason: "Unschedulable")]
        q.add(PodInfo(withCondition))
        #expect(q.counts.unschedulable == 1)
        var relabelled = pod
        relabelled.metadata.labels = ["tier": "web"]
        q.add(PodInfo(relabelled))
        #expect(q.counts.unschedulable == 0)
        #expect(q.counts.backoff == 1)
    }

    @Test func labelIndexKeepsCountsThroughMovesAndRemovals() throws {
        let s = Snapshot(nodes: [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])])
        s.upsertPod(Fixture.pod("p1", labels: ["app": "web"], nodeName: "a"))
        s.upsertPod(Fixture.pod("p2", labels: ["app": "web"], nodeName: "b"))
        s.upsertPod(Fixture.pod("p3", labels: ["app": "db"], nodeName: "b"))
        let web = CompiledSelector(LabelSelector(matchLabels: ["app": "web"]))
        #expect(s.candidates(for: web).map(\.node.name).sorted() == ["a", "b"])
        s.upsertPod(Fixture.pod("p1", labels: ["app": "web"], nodeName: "b"))
        #expect(s.candidates(for: web).map(\.node.name).sorted() == ["b", "b"])
        s.removeNode(named: "b")
        #expect(s.candidates(for: web).isEmpty)
        s.upsertNode(Fixture.node("b", labels: ["zone": "z2"]))
        #expect(s.candidates(for: web).count == 2)
        s.removePod(uid: "default/p2")
        #expect(s.candidates(for: web).map(\.pod.name) == ["p1"])
    }
}

@Suite struct QueueWakeUpTests {
    @Test func popWakesUpWhenAPodArrives() async throws {
        let q = SchedulingQueue()
        let popped = Task { await q.pop()?.pod.name }
        try await Task.sleep(for: .milliseconds(50))
        q.add(PodInfo(Fixture.pod("late")))
        #expect(await popped.value == "late")
    }

    @Test func popReturnsNilWhenClosedOrCancelled() async {
        let q = SchedulingQueue()
        let waiting = Task { await q.pop() }
        q.close()
        #expect(await waiting.value == nil)
        let other = SchedulingQueue()
        let cancelled = Task { await other.pop() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
    }

    @Test func popWaitsOutTheBackoff() async throws {
        let q = SchedulingQueue(initialBackoff: 0.2)
        q.add(PodInfo(Fixture.pod("p")))
        let e = try #require(q.tryPop())
        q.done(e, retry: true)
        #expect(q.tryPop() == nil)
        let start = ContinuousClock.now
        #expect(await q.pop()?.pod.name == "p")
        #expect(ContinuousClock.now - start >= .milliseconds(150))
    }
}
