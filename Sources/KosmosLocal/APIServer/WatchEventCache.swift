import Foundation
import NIOCore

/// Encoded watch event lines shared by every watcher of a resource, for events that do not come with a
/// `WatchLineMemo` (the initial ADDED events and replays from the history).
///
/// Many watchers starting together (informers after a restart) would otherwise each serialise the same objects.
/// The bytes of an event line depend only on the resource, the served apiVersion, the event type the watcher sees
/// and the revision of the change (one revision is one change of one object), so that tuple is the key. Bookmarks
/// and errors are not cached: their body is not determined by the revision alone.
final class WatchEventCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: ByteBuffer] = [:]
    private var order: [String] = []
    private var orderStart = 0
    private let capacity: Int

    /// - Parameter capacity: How many encoded lines to keep (oldest dropped first).
    init(capacity: Int = 2_048) {
        self.capacity = max(capacity, 16)
    }

    /// The cached line for `key`, or the one `encode` makes (then kept for the next watcher).
    func line(for key: String, encode: () -> ByteBuffer) -> ByteBuffer {
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

/// The encoded lines of one live change, made once and handed to every watcher that receives it.
///
/// The store creates one per published change; the first watcher to write it encodes the line for its variant
/// (served apiVersion and the event type it sees), the others reuse those bytes. A `ByteBuffer` is shared, not
/// copied, by every connection that writes it.
final class WatchLineMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(variant: String, type: StoreEventType, line: ByteBuffer)] = []

    /// The line for `variant` and `type`, encoded by `encode` the first time it is asked for.
    func line(variant: String, type: StoreEventType, encode: () -> ByteBuffer) -> ByteBuffer {
        lock.lock()
        defer { lock.unlock() }
        // Nearly always one entry: a linear scan beats hashing the key.
        for e in entries where e.type == type && e.variant == variant { return e.line }
        let line = encode()
        entries.append((variant, type, line))
        return line
    }
}

/// The bytes of one watch event line, `{"type":"<TYPE>","object":<object>}` and a newline.
enum WatchLine {
    /// The line for an object already encoded as compact JSON, built with one allocation and two copies.
    static func splice(type: StoreEventType, object: [UInt8]) -> ByteBuffer {
        let head = #"{"type":""# + type.rawValue + #"","object":"#
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + object.count + 2)
        buffer.writeString(head)
        buffer.writeBytes(object)
        buffer.writeInteger(UInt8(ascii: "}"))
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
