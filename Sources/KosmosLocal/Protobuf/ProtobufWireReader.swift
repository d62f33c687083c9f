/// The protobuf wire types (the low three bits of a field key).
enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var description: String {
        switch self {
        case .varint: return "varint"
        case .fixed64: return "64-bit"
        case .lengthDelimited: return "length-delimited"
        case .startGroup: return "start-group"
        case .endGroup: return "end-group"
        case .fixed32: return "32-bit"
        }
    }
}

/// One field read off the wire: its number, wire type, where it started, and its payload.
struct ProtobufWireField: Sendable {
    /// The payload of a field, by wire type.
    enum Payload: Sendable {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// The byte range of the payload inside the whole body.
        case bytes(Range<Int>)
    }

    let number: Int
    let wireType: ProtobufWireType
    /// Offset of the field key in the whole body.
    let offset: Int
    let payload: Payload
}

/// Reads protobuf fields one by one from a range of a byte buffer.
///
/// Offsets are always positions in the whole buffer, so a nested message reader reports positions a user can find
/// in a hex dump of the body. Errors name `messageType`, which the caller sets to the message being read.
struct ProtobufWireReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int
    let messageType: String

    init(bytes: [UInt8], range: Range<Int>, messageType: String) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
        self.messageType = messageType
    }

    var isAtEnd: Bool { offset >= end }

    func error(_ reason: String, field: Int? = nil, at position: Int? = nil) -> KubeProtobufError {
        KubeProtobufError(messageType: messageType, fieldNumber: field, offset: position ?? offset, reason: reason)
    }

    /// Reads a base-128 varint (at most 10 bytes).
    mutating func readVarint(field: Int? = nil) throws(KubeProtobufError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else {
                throw error("truncated varint", field: field, at: start)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 {
                throw error("varint overflows 64 bits", field: field, at: start)
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw error("varint longer than 10 bytes", field: field, at: start)
            }
        }
    }

    private mutating func readFixed(_ count: Int, field: Int) throws(KubeProtobufError) -> UInt64 {
        guard end - offset >= count else {
            throw error("truncated \(count * 8)-bit value (\(end - offset) bytes left)", field: field)
        }
        var value: UInt64 = 0
        for i in 0..<count {
            value |= UInt64(bytes[offset + i]) << (8 * UInt64(i))
        }
        offset += count
        return value
    }

    /// Reads the next field, or returns nil at the end of the range.
    mutating func next() throws(KubeProtobufError) -> ProtobufWireField? {
        guard !isAtEnd else { return nil }
        let start = offset
        let key = try readVarint()
        let numberValue = key >> 3
        guard numberValue >= 1, numberValue <= 536_870_911 else {
            throw error("invalid field number \(numberValue)", at: start)
        }
        let number = Int(numberValue)
        guard let wireType = ProtobufWireType(rawValue: UInt8(key & 7)) else {
            throw error("invalid wire type \(key & 7)", field: number, at: start)
        }
        let payload: ProtobufWireField.Payload
        switch wireType {
        case .varint:
            payload = .varint(try readVarint(field: number))
        case .fixed64:
            payload = .fixed64(try readFixed(8, field: number))
        case .fixed32:
            payload = .fixed32(UInt32(truncatingIfNeeded: try readFixed(4, field: number)))
        case .lengthDelimited:
            let lengthOffset = offset
            let length = try readVarint(field: number)
            guard length <= UInt64(end - offset) else {
                throw error("length \(length) runs past the end of the message (\(end - offset) bytes left)",
                            field: number, at: lengthOffset)
            }
            let range = offset..<(offset + Int(length))
            offset = range.upperBound
            payload = .bytes(range)
        case .startGroup, .endGroup:
            // Groups are proto2-only and never produced by Kubernetes; refusing them keeps skipping simple.
            throw error("unsupported \(wireType) wire type", field: number, at: start)
        }
        return ProtobufWireField(number: number, wireType: wireType, offset: start, payload: payload)
    }
}
