/// Decides how long a failed key waits before it is retried (client-go's `workqueue.TypedRateLimiter`).
public protocol RateLimiter<Key>: Sendable {
    associatedtype Key: Hashable & Sendable
    /// Records one more failure of `key` and returns how long it should wait before its next attempt.
    func when(_ key: Key) -> Duration
    /// Forgets the failures of `key` (it succeeded or was dropped).
    func forget(_ key: Key)
    /// How many failures of `key` are currently recorded.
    func numRequeues(_ key: Key) -> Int
}

/// Per-key exponential backoff: `base * 2^failures`, capped at `max` (client-go's
/// `ItemExponentialFailureRateLimiter`).
public final class ExponentialBackoffRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    /// The first delay.
    public let base: Duration
    /// The largest delay.
    public let max: Duration
    private let failures = StateLock<[Key: Int]>([:])

    /// - Parameters:
    ///   - base: delay after the first failure (client-go's controllers use 5 ms).
    ///   - max: delay cap (client-go's controllers use 1000 s).
    public init(base: Duration = .milliseconds(5), max: Duration = .seconds(1000)) {
        precondition(base > .zero && max >= base, "ExponentialBackoffRateLimiter needs 0 < base <= max")
        self.base = base
        self.max = max
    }

    public func when(_ key: Key) -> Duration {
        let n = failures.withLock { f -> Int in
            let n = f[key, default: 0]
            f[key] = n + 1
            return n
        }
        // Computed in floating point so that 2^n cannot overflow; anything beyond the cap is the cap.
        let seconds = base.fractionalSeconds * Double.powerOfTwo(n)
        return seconds >= max.fractionalSeconds ? max : .seconds(seconds)
    }

    public func forget(_ key: Key) { _ = failures.withLock { $0.removeValue(forKey: key) } }

    public func numRequeues(_ key: Key) -> Int { failures.withLock { $0[key, default: 0] } }
}

/// An overall token bucket shared by all keys (client-go's `BucketRateLimiter` over `rate.Limiter`): `burst`
/// attempts pass at once, then one every `1/qps` seconds. Reservations may go into debt, so the returned delay grows
/// with the number of attempts already waiting.
public final class TokenBucketRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    /// Tokens added per second.
    public let qps: Double
    /// Bucket size.
    public let burst: Int
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }
    private let bucket: StateLock<Bucket>

    /// - Parameters:
    ///   - qps: refill rate in tokens per second (client-go's controllers use 10).
    ///   - burst: bucket size (client-go's controllers use 100).
    public init(qps: Double = 10, burst: Int = 100) {
        precondition(qps > 0 && burst > 0, "TokenBucketRateLimiter needs qps > 0 and burst > 0")
        self.qps = qps
        self.burst = burst
        bucket = StateLock(Bucket(tokens: Double(burst), last: .now))
    }

    public func when(_ key: Key) -> Duration {
        let now = ContinuousClock.now
        return bucket.withLock { b in
            let elapsed = (now - b.last).fractionalSeconds
            b.tokens = Swift.min(Double(burst), b.tokens + elapsed * qps)
            b.last = now
            b.tokens -= 1
            return b.tokens >= 0 ? .zero : .seconds(-b.tokens / qps)
        }
    }

    public func forget(_ key: Key) {}
    public func numRequeues(_ key: Key) -> Int { 0 }
}

/// The longest delay of several limiters (client-go's `MaxOfRateLimiter`).
public final class MaxOfRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    private let limiters: [any RateLimiter<Key>]

    /// - Parameter limiters: the limiters consulted on every failure; each records it.
    public init(_ limiters: [any RateLimiter<Key>]) {
        precondition(!limiters.isEmpty, "MaxOfRateLimiter needs at least one limiter")
        self.limiters = limiters
    }

    public func when(_ key: Key) -> Duration { limiters.map { $0.when(key) }.max() ?? .zero }
    public func forget(_ key: Key) { for l in limiters { l.forget(key) } }
    public func numRequeues(_ key: Key) -> Int { limiters.map { $0.numRequeues(key) }.max() ?? 0 }
}

extension MaxOfRateLimiter {
    /// client-go's `DefaultControllerRateLimiter`: per-key exponential backoff from 5 ms to 1000 s, and an overall
    /// token bucket of 10 qps with a burst of 100.
    public static func controllerDefault() -> MaxOfRateLimiter<Key> {
        MaxOfRateLimiter([ExponentialBackoffRateLimiter<Key>(), TokenBucketRateLimiter<Key>()])
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var fractionalSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}

extension Double {
    static func powerOfTwo(_ n: Int) -> Double {
        n >= 1024 ? .infinity : Double(sign: .plus, exponent: n, significand: 1)
    }
}
