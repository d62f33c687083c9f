/// Client-side QPS/burst limiting: a token bucket holding up to `burst` tokens, refilled at `qps` per second
/// (client-go's default limiter). Each request takes one token; with none left it waits its turn. Waiting is a
/// reservation, so concurrent callers are served in order without a busy loop.
final class RequestThrottle: Sendable {
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let qps: Double
    private let burst: Double
    private let bucket: ClientLock<Bucket>

    /// - Parameters:
    ///   - qps: tokens per second; `<= 0` disables limiting.
    ///   - burst: the bucket size (at least 1).
    init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(max(burst, 1))
        bucket = ClientLock(Bucket(tokens: Double(max(burst, 1)), last: .now))
    }

    /// Takes a token, waiting until one is available.
    func acquire() async throws {
        guard qps > 0 else { return }
        let wait: Double = bucket.withLock { b in
            let now = ContinuousClock.now
            let elapsed = now - b.last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            b.tokens = min(burst, b.tokens + seconds * qps)
            b.last = now
            b.tokens -= 1
            return b.tokens >= 0 ? 0 : -b.tokens / qps
        }
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up)))) }
    }
}
