import Synchronization

/// Data plugins keep for the length of one scheduling attempt (computed in PreFilter or PreScore, read in
/// Filter or Score).
///
/// Writes happen at the serial extension points (PreFilter, PreScore, Reserve) and reads may run on several
/// threads during filtering and scoring; the lock keeps both safe.
public final class CycleState: Sendable {
    private let storage = Mutex<[String: any Sendable]>([:])
    private let skipped = Mutex<Set<String>>([])

    /// An empty state.
    public init() {}

    /// Stores a value under a key (by convention the plugin's name).
    public func write(_ key: String, _ value: any Sendable) { storage.withLock { $0[key] = value } }

    /// The value stored under a key, if it has that type.
    public func read<T: Sendable>(_ key: String, as: T.Type = T.self) -> T? { storage.withLock { $0[key] as? T } }

    /// Marks a plugin whose Filter (or Score) must not run in this cycle.
    public func skip(_ plugin: String) { _ = skipped.withLock { $0.insert(plugin) } }

    /// Whether a plugin was skipped in this cycle.
    public func isSkipped(_ plugin: String) -> Bool { skipped.withLock { $0.contains(plugin) } }
}
