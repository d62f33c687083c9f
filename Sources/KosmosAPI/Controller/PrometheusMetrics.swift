import CoreMetrics

/// A swift-metrics backend that keeps every metric in memory and renders them in the Prometheus text exposition
/// format (version 0.0.4) for a `/metrics` endpoint.
///
/// Counters render as `counter`; non-aggregating recorders (`Gauge`, `Meter`) as `gauge`; aggregating recorders
/// and timers as `histogram` (timers in seconds). Names and label names are sanitised to Prometheus' alphabet.
/// Bootstrap it once in an executable (`MetricsSystem.bootstrap(metrics)`) or hand it to components as their
/// `metricsFactory`.
public final class PrometheusMetrics: MetricsFactory {
    /// Histogram bucket upper bounds, in the metric's unit (seconds for timers); Prometheus' client defaults.
    public let buckets: [Double]

    private enum Kind: String { case counter, gauge, histogram }

    private struct Family {
        var kind: Kind
        var series: [String: any AnyObject & Sendable] = [:]
    }

    private let families = StateLock<[String: Family]>([:])

    /// - Parameter buckets: histogram bucket upper bounds (sorted ascending; `+Inf` is implied).
    public init(buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]) {
        self.buckets = buckets.sorted()
    }

    private func handler<H: AnyObject & Sendable>(
        _ kind: Kind, _ label: String, _ dimensions: [(String, String)], make: () -> H
    ) -> H {
        let name = Self.sanitize(label)
        let labels = Self.renderLabels(dimensions)
        return families.withLock { f in
            // A name registered with another type gets a suffix rather than corrupting the exposition.
            var key = name
            if let existing = f[key], existing.kind != kind { key = "\(name)_\(kind.rawValue)" }
            if let h = f[key]?.series[labels] as? H { return h }
            let h = make()
            f[key, default: Family(kind: kind)].series[labels] = h
            return h
        }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        handler(.counter, label, dimensions) { CounterBox() }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            let b = buckets
            return handler(.histogram, label, dimensions) { HistogramBox(buckets: b, scale: 1) }
        }
        return handler(.gauge, label, dimensions) { GaugeBox() }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let b = buckets
        return handler(.histogram, label, dimensions) { HistogramBox(buckets: b, scale: 1e-9) }
    }

    public func destroyCounter(_ handler: any CounterHandler) { remove(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { remove(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { remove(handler) }

    private func remove(_ handler: AnyObject) {
        families.withLock { f in
            for (name, family) in f {
                for (labels, h) in family.series where h === handler { f[name]?.series[labels] = nil }
                if f[name]?.series.isEmpty == true { f[name] = nil }
            }
        }
    }

    // MARK: - Exposition

    /// The Prometheus content type of `render()`'s output.
    public static var contentType: String { "text/plain; version=0.0.4; charset=utf-8" }

    /// Every metric in the Prometheus text format, families and series sorted by name.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            let family = snapshot[name]!
            out += "# TYPE \(name) \(family.kind.rawValue)\n"
            for labels in family.series.keys.sorted() {
                switch family.series[labels] {
                case let c as CounterBox:
                    out += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(c.value)\n"
                case let g as GaugeBox:
                    out += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(g.value))\n"
                case let h as HistogramBox:
                    let s = h.snapshot()
                    let sep = labels.isEmpty ? "" : ","
                    var cumulative: UInt64 = 0
                    for (i, bound) in buckets.enumerated() {
                        cumulative += s.counts[i]
                        out += "\(name)_bucket{\(labels)\(sep)le=\"\(Self.format(bound))\"} \(cumulative)\n"
                    }
                    out += "\(name)_bucket{\(labels)\(sep)le=\"+Inf\"} \(s.count)\n"
                    out += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(s.sum))\n"
                    out += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(s.count)\n"
                default:
                    break
                }
            }
        }
        return out
    }

    static func sanitize(_ name: String) -> String {
        var out = ""
        for (i, c) in name.unicodeScalars.enumerated() {
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c == ":"
                || (i > 0 && c >= "0" && c <= "9")
            out.unicodeScalars.append(ok ? c : "_")
        }
        return out.isEmpty ? "_" : out
    }

    static func renderLabels(_ dimensions: [(String, String)]) -> String {
        dimensions.sorted { $0.0 < $1.0 }.map { k, v in
            var escaped = ""
            for c in v {
                switch c {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.append(c)
                }
            }
            return "\(sanitize(k))=\"\(escaped)\""
        }.joined(separator: ",")
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

// MARK: - Handlers

private final class CounterBox: CounterHandler {
    private let state = StateLock<Int64>(0)
    func increment(by amount: Int64) { state.withLock { $0 &+= amount } }
    func reset() { state.withLock { $0 = 0 } }
    var value: Int64 { state.withLock { $0 } }
}

private final class GaugeBox: RecorderHandler {
    private let state = StateLock<Double>(0)
    func record(_ value: Int64) { state.withLock { $0 = Double(value) } }
    func record(_ value: Double) { state.withLock { $0 = value } }
    var value: Double { state.withLock { $0 } }
}

private final class HistogramBox: RecorderHandler, TimerHandler {
    struct Snapshot: Sendable {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }
    private let buckets: [Double]
    /// Converts recorded values to the exposed unit (1e-9 turns timer nanoseconds into seconds).
    private let scale: Double
    private let state: StateLock<Snapshot>

    init(buckets: [Double], scale: Double) {
        self.buckets = buckets
        self.scale = scale
        state = StateLock(Snapshot(counts: Array(repeating: 0, count: buckets.count)))
    }

    func record(_ value: Int64) { observe(Double(value) * scale) }
    func record(_ value: Double) { observe(value * scale) }
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) * scale) }

    private func observe(_ v: Double) {
        let i = buckets.firstIndex { v <= $0 }
        state.withLock { s in
            if let i { s.counts[i] += 1 }
            s.sum += v
            s.count += 1
        }
    }

    func snapshot() -> Snapshot { state.withLock { $0 } }
}
