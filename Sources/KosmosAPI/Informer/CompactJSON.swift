/// A JSON value held as its compact UTF-8 text in a buffer of exactly that size: the form in which an
/// `ObjectStore` keeps objects.
///
/// A decoded `JSONValue` tree of a typical Kubernetes object takes about six times its JSON size (a heap
/// allocation per object, array and long string, and 24-byte enum slots); the text takes one allocation of the
/// JSON size. Decoding gives back an equal value: the writer's output is what the parser reads, key order included.
///
/// The text may be a slice of a larger buffer: a watched object keeps the event line it arrived in (a few dozen
/// bytes more than the object), which saves a large allocation and copy per event.
struct CompactJSON: Sendable {
    private let bytes: ArraySlice<UInt8>

    /// Writes `value` compactly.
    init(_ value: JSONValue) {
        let text = value.serialized()
        // `serialized()` grows its buffer by doubling; copy into an allocation of the exact size.
        bytes = [UInt8](unsafeUninitializedCapacity: text.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: text)
        }[...]
    }

    /// Keeps JSON text as it is, e.g. an object's text inside the watch event line that carried it (the server's
    /// serialisation of the same value, so decoding it gives the value the event decoded to).
    init(text: ArraySlice<UInt8>) {
        bytes = text
    }

    /// The size of the JSON text in bytes.
    var count: Int { bytes.count }

    /// Parses the text back into a value equal to the one written.
    func decode() -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            // The text came from our own writer, whose output the parser always accepts.
            preconditionFailure("CompactJSON: stored JSON does not parse back (\(error))")
        }
    }
}
