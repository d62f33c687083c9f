import ArgumentParser
import Foundation
import KosmosLocal

/// `kosmosctl check`.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check pod-to-pod connectivity between two local clusters.",
        discussion: """
            Probes from every Running pod (or every node, with --sources nodes) of the source cluster to every Running
            pod of the target cluster, ICMP echo and a TCP exchange per address family, in parallel inside the
            endpoints' network namespaces. Targets in clusters with a globalCIDRsMap are probed at their global
            addresses. Prints one row per probe; exits non-zero when any probe fails.

            Example: kosmosctl check --src-cluster host --dst-cluster member1
            """)

    @OptionGroup var state: StateDirOption

    @Option(name: .customLong("src-cluster"), help: "The cluster probes start from.")
    var source: String = "host"

    @Option(name: .customLong("dst-cluster"), help: "The cluster whose pods are probed.")
    var target: String = "member1"

    @Option(help: "Where probes start: pods or nodes.")
    var sources: String = "pods"

    @Option(help: "Probes to run, comma-separated: icmp, tcp.")
    var probes: String = "icmp,tcp"

    @Option(help: "Probes run at once.")
    var parallelism: Int = 8

    @Option(name: .shortAndLong, help: "Output: table or json.")
    var output: String = "table"

    func validate() throws {
        guard LocalConnectivityCheck.Sources(rawValue: sources) != nil else {
            throw ValidationError("--sources must be pods or nodes, got \(sources)")
        }
        let chosen = probes.split(separator: ",").map(String.init)
        guard !chosen.isEmpty, chosen.allSatisfy({ $0 == "icmp" || $0 == "tcp" }) else {
            throw ValidationError("--probes takes icmp and/or tcp, got \(probes)")
        }
        guard ["table", "json"].contains(output) else { throw ValidationError("-o must be table or json") }
        guard parallelism > 0 else { throw ValidationError("--parallelism must be positive") }
    }

    func run() async throws {
        let results = try await LocalConnectivityCheck.run(
            stateDirectory: state.path, from: source, to: target,
            sources: LocalConnectivityCheck.Sources(rawValue: sources) ?? .pods,
            probes: Set(probes.split(separator: ",").map(String.init)), parallelism: parallelism)
        if output == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            print(LocalConnectivityCheck.table(results), terminator: "")
        }
        fflush(nil)
        let failed = results.filter { !$0.ok }.count
        if results.isEmpty {
            FileHandle.standardError.write(Data("no probes: are there Running pods in \(source) and \(target)?\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("\(results.count - failed)/\(results.count) probes passed\n".utf8))
        if failed > 0 { throw ExitCode(1) }
    }
}
