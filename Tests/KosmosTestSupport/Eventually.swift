import Testing

/// Polls `condition` every `poll` until it holds and returns `true`; after `timeout` records a test issue naming
/// `what` and returns `false`. A condition that throws counts as not yet true (the server may still be starting).
///
/// Shared by every test target that waits for controllers, kubelets or API servers to converge, so a timed-out wait
/// always says what it was waiting for.
public func eventually(
    _ what: String, timeout: Duration = .seconds(60), poll: Duration = .milliseconds(100),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: poll)
    }
    if (try? await condition()) == true { return true }
    Issue.record("timed out after \(timeout) waiting until \(what)", sourceLocation: sourceLocation)
    return false
}
