/// Exponential backoff with jitter for retry loops (client-go's `wait.Backoff` as used by reflectors: 800 ms,
/// doubling, capped at 30 s, reset after 2 minutes without failure, jitter 1.0).
public struct Backoff: Sendable {
    /// First delay.
    public var initial: Duration
    /// Largest delay before jitter.
    public var max: Duration
    /// Growth per failure.
    public var factor: Double
    /// Each delay is stretched by a random fraction in `0...jitter`.
    public var jitter: Double
    /// A failure this long after the previous one starts again from `initial`.
    public var resetAfter: Duration

    private var current: Duration?
    private var lastFailure: ContinuousClock.Instant?

    /// - Parameters:
    ///   - initial: first delay.
    ///   - max: largest delay before jitter.
    ///   - factor: growth per failure (>= 1).
    ///   - jitter: random stretch fraction (>= 0).
    ///   - resetAfter: quiet time after which the delay restarts from `initial`.
    public init(initial: Duration = .milliseconds(800), max: Duration = .seconds(30), factor: Double = 2,
                jitter: Double = 1, resetAfter: Duration = .seconds(120)) {
        precondition(initial > .zero && max >= initial && factor >= 1 && jitter >= 0, "invalid Backoff")
        self.initial = initial
        self.max = max
        self.factor = factor
        self.jitter = jitter
        self.resetAfter = resetAfter
    }

    /// client-go's reflector backoff.
    public static var reflectorDefault: Backoff { Backoff() }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func next() -> Duration {
        let now = ContinuousClock.now
        if let last = lastFailure, now - last > resetAfter { current = nil }
        lastFailure = now
        let base: Duration
        if let c = current {
            let grown = c.fractionalSeconds * factor
            base = grown >= max.fractionalSeconds ? max : .seconds(grown)
        } else {
            base = initial
        }
        current = base
        guard jitter > 0 else { return base }
        return .seconds(base.fractionalSeconds * (1 + Double.random(in: 0...jitter)))
    }

    /// Forgets past failures.
    public mutating func reset() {
        current = nil
        lastFailure = nil
    }
}
