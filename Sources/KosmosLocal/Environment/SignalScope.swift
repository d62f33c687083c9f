import Dispatch
import Foundation

/// Runs work until SIGTERM or SIGINT arrives, then cancels it and waits for it to finish cleaning up.
public enum SignalScope {
    /// Runs `body`; the first SIGTERM/SIGINT cancels its task.
    public static func runUntilTerminated(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let task = Task { try await body() }
        let queue = DispatchQueue(label: "kosmos.signals")
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { task.cancel() }
            s.resume()
            sources.append(s)
        }
        defer { for s in sources { s.cancel() } }
        try await task.value
    }
}
