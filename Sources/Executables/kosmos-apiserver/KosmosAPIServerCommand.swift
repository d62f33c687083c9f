import ArgumentParser
import Foundation
import KosmosLocal

/// `kosmos-apiserver`: runs one local Kubernetes-compatible API server until SIGINT or SIGTERM.
@main
struct KosmosAPIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kosmos-apiserver",
        abstract: "Run a local Kubernetes-compatible API server backed by SQLite.",
        discussion: """
            Writes DATA_DIR/kubeconfig once it listens; use it with kubectl:
              kubectl --kubeconfig DATA_DIR/kubeconfig get namespaces
            """)

    @Option(name: .long, help: "Directory for the database, certificates, token and kubeconfig.")
    var dataDir: String

    @Option(name: .long, help: "TCP port to listen on (0 picks a free port).")
    var port: Int = 6443

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Flag(name: .long, help: "Serve plain HTTP instead of HTTPS (for tests).")
    var insecureHTTP = false

    @Option(name: .long, help: "Range for Service cluster IPs.")
    var serviceCIDR = "10.96.0.0/12"

    @Option(name: .long, help: "Range from which each Node gets a /24 podCIDR.")
    var clusterCIDR = "10.244.0.0/16"

    @Option(name: .long, help: "Cluster name used in the kubeconfig.")
    var clusterName = "kosmos-local"

    @Option(name: .long, help: "Number of changes kept for watches; older resourceVersions get 410 Expired.")
    var eventHistory = 10_000

    func run() async throws {
        let config = LocalAPIServer.Configuration(
            dataDirectory: dataDir, host: host, port: port, tls: !insecureHTTP, serviceCIDR: serviceCIDR,
            clusterCIDR: clusterCIDR, clusterName: clusterName, eventHistoryLimit: eventHistory)
        let server = try LocalAPIServer(configuration: config)
        try await server.start()
        // Written unbuffered so a parent process reading a pipe sees it at once.
        let banner = "kosmos-apiserver listening on \(server.url)\nkubeconfig: \(server.kubeconfigPath)\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .main) }
            let once = OnceFlag()
            for s in sources {
                s.setEventHandler { if once.fire() { c.resume() } }
                s.resume()
            }
            SignalSources.keep(sources)
        }
        try await server.shutdown()
    }
}

/// Keeps the signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var held: [any DispatchSourceSignal] = []
    static func keep(_ s: [any DispatchSourceSignal]) { held = s }
}

/// True exactly once.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    func fire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if fired { return false }
        fired = true
        return true
    }
}

