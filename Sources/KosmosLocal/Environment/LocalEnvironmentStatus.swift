import Foundation
import KosmosAPI

/// What a running local environment reports in `<state-dir>/status.json`.
public struct LocalEnvironmentStatus: Sendable, Codable, Equatable {
    /// Where the environment is in its life.
    public enum Phase: String, Sendable, Codable {
        case starting = "Starting"
        case ready = "Ready"
        case stopping = "Stopping"
        case failed = "Failed"
    }

    /// One cluster as it runs.
    public struct Cluster: Sendable, Codable, Equatable {
        public var name: String
        /// API server URL.
        public var server: String
        /// This cluster's own kubeconfig.
        public var kubeconfig: String
        public var podCIDRs: [String]
        public var serviceCIDRs: [String]
        public var nodes: [String]
        /// Whether every node reported Ready.
        public var ready: Bool
    }

    public var phase: Phase
    /// Process id of the supervisor.
    public var pid: Int32
    public var options: LocalEnvironmentOptions
    public var clusters: [Cluster]
    /// The kubeconfig with one context `kosmos-<name>` per cluster.
    public var kubeconfig: String
    /// Why the environment failed, when it did.
    public var error: String?

    /// The status file inside a state directory.
    public static func path(stateDirectory: String) -> String { "\(stateDirectory)/status.json" }

    /// Reads the status file.
    /// - Throws: `LocalEnvironmentError` when there is none or it cannot be read.
    public static func read(stateDirectory: String) throws -> LocalEnvironmentStatus {
        let p = path(stateDirectory: stateDirectory)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw LocalEnvironmentError("no local environment in \(stateDirectory) (\(p) does not exist)")
        }
        do {
            return try JSONDecoder().decode(LocalEnvironmentStatus.self, from: data)
        } catch {
            throw LocalEnvironmentError("\(p) is not a valid status file: \(error)")
        }
    }

    /// Writes the status file atomically.
    public func write() throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(self)
        try data.write(to: URL(fileURLWithPath: Self.path(stateDirectory: options.stateDirectory)), options: .atomic)
    }

    /// A human summary, like `kind create cluster` prints.
    public var summary: String {
        var lines: [String] = []
        lines.append("Local Kosmos environment: \(phase.rawValue) (supervisor pid \(pid))")
        for c in clusters {
            lines.append("  \(c.name): \(c.server)  nodes \(c.nodes.joined(separator: ","))  "
                + "pods \(c.podCIDRs.joined(separator: ","))  services \(c.serviceCIDRs.joined(separator: ","))"
                + (c.ready ? "" : "  (not ready)"))
        }
        lines.append("kubeconfig: \(kubeconfig)")
        if let first = clusters.first {
            lines.append("try: kubectl --kubeconfig \(kubeconfig) --context kosmos-\(first.name) get nodes")
        }
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
