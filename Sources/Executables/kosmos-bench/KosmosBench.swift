import ArgumentParser
import Foundation

/// `kosmos-bench <scenario>`: runs one benchmark scenario and prints one JSON line per figure, each with our
/// figure, its baseline measured in the same run, and their ratio.
@main
struct KosmosBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kosmos-bench",
        abstract: "Benchmarks of Kosmos, each figure beside its baseline from the same run.",
        discussion: """
            Build in release mode: swift run -c release kosmos-bench <scenario>
            Scenarios: \(BenchScenario.allCases.map(\.rawValue).joined(separator: ", "))
            Each figure is printed as one JSON line: {"scenario", "figure", "unit", "ours", "baseline", "ratio"}.
            """)

    @Argument(help: "The scenario to run.")
    var scenario: BenchScenario

    func run() async throws {
        try await scenario.run()
    }
}

/// The benchmark scenarios; each lives in its own file.
enum BenchScenario: String, CaseIterable, ExpressibleByArgument {
    case json
    case cidr
    case api
    case apiserver
    case netlink
    case tunnel
    case planner
    case clusterlink
    case failover
    case scheduler
    case clustertree

    func run() async throws {
        switch self {
        case .json: try JSONBench.run()
        case .cidr: try CIDRBench.run()
        case .api: try await APIBench.run()
        case .apiserver: try await APIServerBench.run()
        case .netlink: try NetlinkBench.run()
        case .tunnel: try TunnelBench.run()
        case .planner: try PlannerBench.run()
        case .clusterlink: try await ClusterLinkBench.run()
        case .failover: try await ClusterLinkBench.failover()
        case .scheduler: try SchedulerBench.run()
        case .clustertree: try await ClusterTreeBench.run()
        }
    }
}
