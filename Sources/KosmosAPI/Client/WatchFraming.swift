#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into newline-terminated lines, keeping a partial line until the rest arrives.
///
/// A watch stream is one JSON object per line, but the server's chunks are not event boundaries (a watch without
/// resourceVersion sends its initial events in 2048-byte chunks that cut events in half), so framing is on `\n`
/// only. Empty lines are skipped.
public struct WatchLineSplitter: Sendable {
    private var partial: [UInt8] = []

    /// Creates a splitter with nothing pending.
    public init() {}

    /// Bytes held back waiting for their line's end.
    public var pendingByteCount: Int { partial.count }

    /// Feeds bytes; returns every line completed by them (without the `\n`, and without a trailing `\r`).
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [[UInt8]] where Bytes.Element == UInt8 {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            if bytes[i] == 0x0A {
                var line: [UInt8]
                if partial.isEmpty {
                    line = Array(bytes[start..<i])
                } else {
                    partial.append(contentsOf: bytes[start..<i])
                    line = partial
                    partial = []
                }
                if line.last == 0x0D { line.removeLast() }
                if !line.isEmpty { lines.append(line) }
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        if start != bytes.endIndex { partial.append(contentsOf: bytes[start...]) }
        return lines
    }

    /// Feeds bytes from contiguous memory; the same as `feed(_:)` over a collection, but finds line ends with
    /// `memchr` and copies each line with one allocation (the watch reader's path, which sees megabytes a second).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        var lines: [[UInt8]] = []
        var start = 0
        let end = bytes.count
        while start < end, let hit = memchr(base + start, 0x0A, end - start) {
            let newline = base.distance(to: UnsafeRawPointer(hit))
            var length = newline - start
            var line: [UInt8]
            if partial.isEmpty {
                if length > 0 && bytes[start + length - 1] == 0x0D { length -= 1 }
                line = [UInt8](UnsafeRawBufferPointer(start: base + start, count: length))
            } else {
                // Sized exactly: the line may be kept (an informer caches the object text inside it).
                partial.reserveCapacity(partial.count + length)
                partial.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: length))
                line = partial
                partial = []
                if line.last == 0x0D { line.removeLast() }
            }
            if !line.isEmpty { lines.append(line) }
            start = newline + 1
        }
        if start < end { partial.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start)) }
        return lines
    }

    /// Ends the stream: the last line when it had no final newline.
    public mutating func finish() -> [UInt8]? {
        defer { partial = [] }
        var line = partial
        if line.last == 0x0D { line.removeLast() }
        return line.isEmpty ? nil : line
    }
}

/// Decodes an HTTP/1.1 `Transfer-Encoding: chunked` body fed in pieces of any size (a state machine with no I/O).
///
/// libcurl does this for real connections; this decoder exists for recorded bodies and for servers written in
/// tests.
public struct HTTPChunkedDecoder: Sendable {
    /// A body that is not valid chunked encoding.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var message: String
        public var description: String { "invalid chunked encoding: \(message)" }
    }

    private enum State: Sendable {
        case size(digits: [UInt8])
        case sizeExtension(size: Int)
        case sizeLF(size: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailer(lineLength: Int)
        case trailerLF(lineLength: Int)
        case done
    }

    private var state: State = .size(digits: [])

    /// Creates a decoder at the start of a body.
    public init() {}

    /// Whether the terminating zero-length chunk (and its trailer) has been read.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Feeds raw body bytes; returns the payload bytes they carry.
    /// - Throws: `HTTPChunkedDecoder.FormatError`.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws -> [UInt8] where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let c = bytes[i]
            switch state {
            case .size(var digits):
                if c == 0x0D || c == 0x3B {  // CR or ';' (chunk extension)
                    guard !digits.isEmpty, digits.count <= 15,
                        let n = Int(String(decoding: digits, as: UTF8.self), radix: 16)
                    else { throw FormatError(message: "bad chunk size line") }
                    state = c == 0x0D ? .sizeLF(size: n) : .sizeExtension(size: n)
                } else {
                    digits.append(c)
                    state = .size(digits: digits)
                }
            case .sizeExtension(let n):
                if c == 0x0D { state = .sizeLF(size: n) }
            case .sizeLF(let n):
                guard c == 0x0A else { throw FormatError(message: "chunk size line without LF") }
                state = n == 0 ? .trailer(lineLength: 0) : .data(remaining: n)
            case .data(let remaining):
                let available = bytes.distance(from: i, to: bytes.endIndex)
                let take = min(available, remaining)
                let end = bytes.index(i, offsetBy: take)
                out.append(contentsOf: bytes[i..<end])
                state = remaining == take ? .dataCR : .data(remaining: remaining - take)
                i = end
                continue
            case .dataCR:
                guard c == 0x0D else { throw FormatError(message: "chunk data not followed by CRLF") }
                state = .dataLF
            case .dataLF:
                guard c == 0x0A else { throw FormatError(message: "chunk data not followed by CRLF") }
                state = .size(digits: [])
            case .trailer(let len):
                state = c == 0x0D ? .trailerLF(lineLength: len) : .trailer(lineLength: len + 1)
            case .trailerLF(let len):
                guard c == 0x0A else { throw FormatError(message: "trailer line without LF") }
                state = len == 0 ? .done : .trailer(lineLength: 0)
            case .done:
                throw FormatError(message: "data after the last chunk")
            }
            i = bytes.index(after: i)
        }
        return out
    }
}
