import Foundation

/// Encoded watch event lines shared by every watcher of a resource.
///
/// One write fans out to every watcher of its resource; without sharing, each of them serialises the same object
/// again on its own connection (100 watchers = 100 encodings per write). The bytes of an event line depend only on
/// the resource, the served apiVersion, the event type the watcher sees and the revision of the change (one
/// revision is one change of one object), so that tuple is the key. Bookmarks and errors are not cached: their
/// body is not determined by the revision alone.
final class WatchEventCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: [UInt8]] = [:]
    private var order: [String] = []
    private var orderStart = 0
    private let capacity: Int

    /// - Parameter capacity: How many encoded lines to keep (oldest dropped first).
    init(capacity: Int = 2_048) {
        self.capacity = max(capacity, 16)
    }

    /// The cached line for `key`, or the one `encode` makes (then kept for the next watcher).
    func line(for key: String, encode: () -> [UInt8]) -> [UInt8] {
        lock.lock()
        if let hit = lines[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        // Encode outside the lock: two watchers racing on one key make identical bytes.
        let bytes = encode()
        lock.lock()
        defer { lock.unlock() }
        if lines.updateValue(bytes, forKey: key) == nil {
            order.append(key)
            if order.count - orderStart > capacity {
                lines[order[orderStart]] = nil
                orderStart += 1
                if orderStart >= capacity {
                    order.removeFirst(orderStart)
                    orderStart = 0
                }
            }
        }
        return bytes
    }
}
