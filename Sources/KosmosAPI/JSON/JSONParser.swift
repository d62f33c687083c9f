#if canImport(Glibc)
import Glibc
#endif

/// A JSON text that could not be parsed: what was wrong and where (byte offset, line and column, all 1-based
/// for line and column).
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// Byte offset into the input (0-based).
    public var offset: Int
    /// Line in the input (1-based).
    public var line: Int
    /// Column in the input (1-based, in bytes).
    public var column: Int

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses JSON text.
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: The value.
    /// - Throws: `JSONParseError` naming line and column.
    public static func parse<Bytes: Sequence>(_ bytes: Bytes) throws -> JSONValue where Bytes.Element == UInt8 {
        if let r = try bytes.withContiguousStorageIfAvailable({ try parse(buffer: $0) }) { return r }
        let a = Array(bytes)
        return try a.withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    /// Parses JSON text held in a string.
    public static func parse(_ text: String) throws -> JSONValue {
        var t = text
        return try t.withUTF8 { try parse(buffer: $0) }
    }

    /// Parses JSON text from a buffer.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var p = JSONParser(buffer)
        defer { p.release() }
        p.skipSpace()
        let v = try p.parseValue(depth: 0)
        p.skipSpace()
        if p.pos != p.end { throw p.error("unexpected data after the JSON value") }
        return v
    }
}

/// A stack of parsed values whose top elements move (not copy) into an exactly sized array when their object or
/// array closes: one allocation per container, no growth by doubling, no retain/release per element.
///
/// Owned by one parser; `release()` frees what is left (after an error).
struct JSONParseStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    @inline(__always) mutating func push(_ e: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: e)
        count += 1
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The element at `i` (below `count`), accessed in place.
    @inline(__always) subscript(i: Int) -> Element {
        unsafeAddress { UnsafePointer(base + i) }
        nonmutating unsafeMutableAddress { base + i }
    }

    /// Removes the elements from `start` to the top.
    mutating func drop(from start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// Moves the elements from `start` to the top into a new array of exactly that size.
    mutating func popArray(from start: Int) -> [Element] {
        let n = count - start
        if n == 0 { return [] }
        let from = base + start
        count = start
        return [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: from, count: n)
            initialized = n
        }
    }

    /// Frees the storage and whatever is still on the stack.
    mutating func release() {
        base.deinitialize(count: count)
        base.deallocate()
        count = 0
        capacity = 0
    }
}

/// Shares the `String`s of repeated long keys and values within one parse, or across the events of one watch:
/// Swift keeps strings of up to 15 UTF-8 bytes inline, but allocates longer ones (`creationTimestamp`,
/// `terminationMessagePath`, image names, ...) each time they are made. A hit returns the earlier string (a
/// retain, no allocation, no UTF-8 validation); a miss makes the string and keeps it in its slot.
///
/// Not thread-safe: one parser (or one watch's decoder) at a time.
final class JSONStringTable {
    /// Strings longer than this are not worth hashing (they rarely repeat).
    static var maxLength: Int { 96 }
    private static var slotCount: Int { 512 }

    private struct Slot {
        var hash: UInt64
        var string: String
    }

    private let slots: UnsafeMutablePointer<Slot>

    init() {
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: Slot(hash: 0, string: ""), count: Self.slotCount)
    }

    deinit {
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
    }

    /// The string of `count` (16 ... `maxLength`) UTF-8 bytes at `start`, shared when seen before.
    func string(_ start: UnsafePointer<UInt8>, count: Int) -> String {
        let raw = UnsafeRawPointer(start)
        // Hash the first and last eight bytes, the length and two inner words: enough to tell keys apart.
        var h = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        h ^= raw.loadUnaligned(as: UInt64.self) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ (h >> 29)) &* 0x1656_67B1_9E37_79F9
        h ^= raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) &* 0x27D4_EB2F_1656_67C5
        h = (h ^ (h >> 32)) &* 0x9E37_79B9_7F4A_7C15
        h ^= raw.loadUnaligned(fromByteOffset: count / 2 - 4, as: UInt64.self)
        h = (h ^ (h >> 31)) &* 0xC2B2_AE3D_27D4_EB4F
        let slot = slots + Int(truncatingIfNeeded: h >> 55)
        if slot.pointee.hash == h {
            let s = slot.pointee.string
            let same = s.utf8.withContiguousStorageIfAvailable { stored in
                stored.count == count && memcmp(stored.baseAddress!, start, count) == 0
            }
            if same == true { return s }
        }
        let s = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        slot.pointee = Slot(hash: h, string: s)
        return s
    }
}

/// A recursive-descent JSON parser over bytes.
///
/// Containers are built bottom-up on two stacks and moved into arrays of their exact size when they close; long
/// strings go through a `JSONStringTable`. Call `release()` when done (also after an error).
struct JSONParser {
    let base: UnsafePointer<UInt8>
    var pos: Int
    let end: Int
    static let maxDepth = 10_000

    private var fieldStack = JSONParseStack<(key: String, value: JSONValue)>(capacity: 64)
    /// A fingerprint of each key on `fieldStack` (length and bytes), so duplicate checks rarely compare strings.
    private var keyPrints = JSONParseStack<UInt64>(capacity: 64)
    private var valueStack = JSONParseStack<JSONValue>(capacity: 32)
    private var strings: JSONStringTable?
    /// The fingerprint of the last string `parseString` read without escapes; 0 after one with escapes.
    private var lastPrint: UInt64 = 0

    /// - Parameters:
    ///   - b: the JSON text.
    ///   - strings: a table of long strings to share (e.g. one per watch); the parser makes its own when `nil`
    ///     and the text has long strings.
    init(_ b: UnsafeBufferPointer<UInt8>, strings: JSONStringTable? = nil) {
        base = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
        pos = 0
        end = b.count
        self.strings = strings
    }

    /// Frees the parser's stacks.
    mutating func release() {
        fieldStack.release()
        keyPrints.release()
        valueStack.release()
    }

    func error(_ m: String) -> JSONParseError {
        var line = 1, col = 1
        var i = 0
        while i < pos && i < end {
            if base[i] == UInt8(ascii: "\n") { line += 1; col = 1 } else { col += 1 }
            i += 1
        }
        return JSONParseError(message: m, offset: pos, line: line, column: col)
    }

    @inline(__always) mutating func skipSpace() {
        while pos < end {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
        }
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard pos < end else { throw error("unexpected end of input") }
        if depth > Self.maxDepth { throw error("nesting too deep") }
        switch base[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(base[pos])))'")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end else { throw error("invalid literal") }
        let w = word.utf8Start
        for i in 0..<n where base[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        pos += 1
        skipSpace()
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(JSONObject())
        }
        let first = fieldStack.count
        // Positions by key, made only once an object passes the linear-scan size.
        var positions: [String: Int]?
        while true {
            skipSpace()
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let k = try parseString()
            let keyPrint = lastPrint
            skipSpace()
            guard pos < end, base[pos] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(k)\"") }
            pos += 1
            skipSpace()
            let v = try parseValue(depth: depth + 1)
            // Duplicate keys: the last one wins (in the first one's place), as in Go's encoding/json.
            var duplicate: Int?
            if positions != nil {
                duplicate = positions![k]
            } else {
                var i = first
                while i < fieldStack.count {
                    let other = keyPrints[i]
                    if (other == keyPrint || other == 0 || keyPrint == 0) && fieldStack[i].key == k {
                        duplicate = i
                        break
                    }
                    i += 1
                }
            }
            if let d = duplicate {
                fieldStack[d].value = v
            } else {
                if positions != nil {
                    positions![k] = fieldStack.count
                } else if fieldStack.count - first >= JSONObject.indexThreshold {
                    var p = [String: Int](minimumCapacity: 2 * JSONObject.indexThreshold)
                    for i in first..<fieldStack.count { p[fieldStack[i].key] = i }
                    p[k] = fieldStack.count
                    positions = p
                }
                fieldStack.push((k, v))
                keyPrints.push(keyPrint)
            }
            skipSpace()
            guard pos < end else { throw error("unterminated object") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") {
                keyPrints.drop(from: first)
                return .object(JSONObject(distinctFields: fieldStack.popArray(from: first)))
            }
            pos -= 1
            throw error("expected ',' or '}' in object")
        }
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        pos += 1
        skipSpace()
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        let first = valueStack.count
        while true {
            skipSpace()
            valueStack.push(try parseValue(depth: depth + 1))
            skipSpace()
            guard pos < end else { throw error("unterminated array") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { return .array(valueStack.popArray(from: first)) }
            pos -= 1
            throw error("expected ',' or ']' in array")
        }
    }

    /// A non-zero fingerprint of a string's bytes: equal strings have equal fingerprints.
    @inline(__always) static func fingerprint(_ p: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: count) | 1 << 63
        let n = min(count, 7)
        var i = 0
        while i < n {
            h ^= UInt64(p[i]) << (8 * UInt64(i))
            i += 1
        }
        if count > 7 { h = (h &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(p[count - 1]) ^ UInt64(p[count / 2]) << 8 }
        return h | 1
    }

    mutating func parseString() throws -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let count = pos - start
                pos += 1
                lastPrint = Self.fingerprint(base + start, count: count)
                if count > 15 && count <= JSONStringTable.maxLength {
                    if strings == nil { strings = JSONStringTable() }
                    return strings!.string(base + start, count: count)
                }
                return String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in string") }
            pos += 1
        }
        lastPrint = 0
        var bytes = [UInt8](UnsafeBufferPointer(start: base + start, count: pos - start))
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") {
                bytes.append(c)
                pos += 1
                continue
            }
            pos += 1
            guard pos < end else { break }
            let e = base[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by \u and a low surrogate.
                    if pos + 6 <= end && base[pos] == UInt8(ascii: "\\") && base[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                bytes.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
            default:
                pos -= 1
                throw error("invalid escape in string")
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= end else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = pos
        var isInt = true
        if base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") else {
            throw error("invalid number")
        }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") { pos += 1 }
        }
        if pos < end, base[pos] == UInt8(ascii: ".") {
            isInt = false
            pos += 1
            guard pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") else {
                throw error("invalid number: digits expected after '.'")
            }
            while pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") { pos += 1 }
        }
        if pos < end, base[pos] == UInt8(ascii: "e") || base[pos] == UInt8(ascii: "E") {
            isInt = false
            pos += 1
            if pos < end, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") else {
                throw error("invalid number: digits expected in exponent")
            }
            while pos < end, base[pos] >= UInt8(ascii: "0"), base[pos] <= UInt8(ascii: "9") { pos += 1 }
        }
        let len = pos - start
        if isInt && len <= 18 {
            var v: Int64 = 0
            var i = start
            let neg = base[i] == UInt8(ascii: "-")
            if neg { i += 1 }
            while i < pos {
                v = v * 10 + Int64(base[i] - UInt8(ascii: "0"))
                i += 1
            }
            return .int(neg ? -v : v)
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: len), as: UTF8.self)
        if isInt, let v = Int64(text) { return .int(v) }
        guard let d = Double(text) else { throw error("invalid number \(text)") }
        return .double(d)
    }
}

/// A watch event line taken apart by one parse: its `type`, its `object`, and where the object's text lies in
/// the line (so a cache can keep that text instead of encoding the decoded object again).
struct WatchEnvelope {
    /// The `type` field when it is a string.
    var type: String?
    /// The `object` field.
    var object: JSONValue?
    /// The byte range of `object`'s text in the line.
    var objectRange: Range<Int>?
}

extension JSONValue {
    /// Parses a watch event line, `{"type":...,"object":{...}}`, noting where the object's text lies.
    /// - Returns: `nil` when the text is not a JSON object (the caller parses it generically for its message).
    /// - Throws: `JSONParseError` for malformed JSON.
    /// - Parameter strings: long strings shared with earlier events of the same watch.
    static func parseWatchEnvelope(_ bytes: [UInt8], strings: JSONStringTable? = nil) throws -> WatchEnvelope? {
        try bytes.withUnsafeBufferPointer { buffer in
            var p = JSONParser(buffer, strings: strings)
            defer { p.release() }
            p.skipSpace()
            guard p.pos < p.end, p.base[p.pos] == UInt8(ascii: "{") else { return nil }
            p.pos += 1
            var envelope = WatchEnvelope()
            p.skipSpace()
            if p.pos < p.end && p.base[p.pos] == UInt8(ascii: "}") {
                p.pos += 1
            } else {
                fields: while true {
                    p.skipSpace()
                    guard p.pos < p.end, p.base[p.pos] == UInt8(ascii: "\"") else {
                        throw p.error("expected a string key")
                    }
                    let key = try p.parseString()
                    p.skipSpace()
                    guard p.pos < p.end, p.base[p.pos] == UInt8(ascii: ":") else {
                        throw p.error("expected ':' after key \"\(key)\"")
                    }
                    p.pos += 1
                    p.skipSpace()
                    let start = p.pos
                    let value = try p.parseValue(depth: 1)
                    // Duplicate keys: the last one wins, as in the generic parser.
                    switch key {
                    case "type": envelope.type = value.stringValue
                    case "object":
                        envelope.object = value
                        envelope.objectRange = start..<p.pos
                    default: break
                    }
                    p.skipSpace()
                    guard p.pos < p.end else { throw p.error("unterminated object") }
                    let c = p.base[p.pos]
                    p.pos += 1
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "}") { break fields }
                    p.pos -= 1
                    throw p.error("expected ',' or '}' in object")
                }
            }
            p.skipSpace()
            if p.pos != p.end { throw p.error("unexpected data after the JSON value") }
            return envelope
        }
    }
}
