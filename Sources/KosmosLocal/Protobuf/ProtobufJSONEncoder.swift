import KosmosAPI

/// Writes Kubernetes JSON objects as protobuf messages, the inverse of `ProtobufJSONDecoder`.
///
/// Fields are written in field-number order, as Go's generated marshallers do. A field is written when the JSON
/// has it (a `null` message becomes an empty message only for `Time`/`MicroTime`, whose zero value is `null`);
/// Go writes every non-pointer scalar even when zero, which a reader cannot tell from an absent field, so the
/// bytes are equivalent to Go's, not always identical. JSON fields the schema does not know are an error: protobuf
/// has nowhere to keep them.
struct ProtobufJSONEncoder {
    let schema: KubeProtobufSchema

    typealias Failure = KubeProtobufEncodingError

    func encodeMessage(_ name: String, _ value: JSONValue, path: String) throws(Failure) -> [UInt8] {
        if let special = KubeProtobufSpecialType(rawValue: name) {
            return try encodeSpecial(special, value, path: path)
        }
        guard let message = schema.messages[name] else {
            throw Failure(messageType: name, path: path, reason: "no schema for this message")
        }
        guard case .object(let object) = value else {
            throw Failure(messageType: name, path: path, reason: "expected an object, got \(value.typeName)")
        }
        var consumed = Set<String>()
        let out = try encodeFields(message, object, path: path, consumed: &consumed)
        for key in object.fieldNames where !consumed.contains(key) {
            throw Failure(messageType: name, path: join(path, key), reason: "field has no protobuf number")
        }
        return out
    }

    /// Encodes the fields of `message` found in `object`, recording which JSON keys were used (an inline embedded
    /// message reads its fields from the same object as its parent).
    private func encodeFields(
        _ message: KubeProtobufSchema.Message, _ object: JSONObject, path: String, consumed: inout Set<String>
    ) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        for field in message.fields.sorted(by: { $0.number < $1.number }) {
            if field.inline, case .message(let embeddedName) = field.type,
               let embedded = schema.messages[embeddedName] {
                let bytes = try encodeFields(embedded, object, path: path, consumed: &consumed)
                Self.appendKey(field.number, wireType: 2, to: &out)
                Self.appendVarint(UInt64(bytes.count), to: &out)
                out += bytes
                continue
            }
            guard let value = object[field.jsonName] else { continue }
            consumed.insert(field.jsonName)
            let fieldPath = join(path, field.jsonName)
            switch field.type {
            case .map(let valueType):
                if case .null = value { continue }
                guard case .object(let entries) = value else {
                    throw Failure(messageType: message.name, path: fieldPath,
                                  reason: "expected an object (map), got \(value.typeName)")
                }
                for key in entries.fieldNames.sorted(by: ProtobufJSONDecoder.goStringLess) {
                    var entry: [UInt8] = []
                    Self.appendKey(1, wireType: 2, to: &entry)
                    Self.appendVarint(UInt64(key.utf8.count), to: &entry)
                    entry += Array(key.utf8)
                    try encodeSingle(2, valueType, entries[key]!, path: join(fieldPath, key), in: message.name,
                                     to: &entry)
                    Self.appendKey(field.number, wireType: 2, to: &out)
                    Self.appendVarint(UInt64(entry.count), to: &out)
                    out += entry
                }
            default:
                if field.repeated {
                    if case .null = value { continue }
                    guard case .array(let items) = value else {
                        throw Failure(messageType: message.name, path: fieldPath,
                                      reason: "expected an array, got \(value.typeName)")
                    }
                    for (i, item) in items.enumerated() {
                        try encodeSingle(field.number, field.type, item, path: "\(fieldPath)[\(i)]",
                                         in: message.name, to: &out)
                    }
                } else {
                    try encodeSingle(field.number, field.type, value, path: fieldPath, in: message.name, to: &out)
                }
            }
        }
        return out
    }

    private func encodeSingle(
        _ number: Int, _ type: KubeProtobufSchema.FieldType, _ value: JSONValue, path: String, in messageName: String,
        to out: inout [UInt8]
    ) throws(Failure) {
        func mismatch(_ expected: String) -> Failure {
            Failure(messageType: messageName, path: path, reason: "expected \(expected), got \(value.typeName)")
        }
        switch type {
        case .string:
            guard case .string(let text) = value else {
                if case .null = value { return }
                throw mismatch("a string")
            }
            Self.appendBytes(number, Array(text.utf8), to: &out)
        case .bytes:
            guard case .string(let text) = value else {
                if case .null = value { return }
                throw mismatch("a base64 string")
            }
            guard let decoded = Base64.decode(text) else {
                throw Failure(messageType: messageName, path: path, reason: "not valid base64")
            }
            Self.appendBytes(number, decoded, to: &out)
        case .bool:
            guard case .bool(let flag) = value else {
                if case .null = value { return }
                throw mismatch("a boolean")
            }
            Self.appendKey(number, wireType: 0, to: &out)
            Self.appendVarint(flag ? 1 : 0, to: &out)
        case .int32, .int64:
            if case .null = value { return }
            guard let integer = value.intValue else { throw mismatch("an integer") }
            if type == .int32 && (integer < Int64(Int32.min) || integer > Int64(Int32.max)) {
                throw Failure(messageType: messageName, path: path, reason: "\(integer) does not fit in int32")
            }
            Self.appendKey(number, wireType: 0, to: &out)
            Self.appendVarint(UInt64(bitPattern: integer), to: &out)
        case .message(let name):
            if case .null = value {
                // Only the zero Time has a JSON null that is a value; other null messages are nil pointers.
                guard name == KubeProtobufSpecialType.time.rawValue || name == KubeProtobufSpecialType.microTime.rawValue
                else { return }
            }
            Self.appendBytes(number, try encodeMessage(name, value, path: path), to: &out)
        case .map:
            throw Failure(messageType: messageName, path: path, reason: "nested map type")
        }
    }

    // MARK: - Special types

    private func encodeSpecial(
        _ special: KubeProtobufSpecialType, _ value: JSONValue, path: String
    ) throws(Failure) -> [UInt8] {
        let name = special.rawValue
        func mismatch(_ expected: String) -> Failure {
            Failure(messageType: name, path: path, reason: "expected \(expected), got \(value.typeName)")
        }
        var out: [UInt8] = []
        switch special {
        case .time, .microTime:
            guard case .string(let text) = value else {
                if case .null = value { return [] }
                throw mismatch("an RFC 3339 time string")
            }
            guard let (seconds, nanos) = KubeTimeFormat.parseRFC3339(text) else {
                throw Failure(messageType: name, path: path, reason: "\"\(text)\" is not an RFC 3339 time")
            }
            Self.appendKey(1, wireType: 0, to: &out)
            Self.appendVarint(UInt64(bitPattern: seconds), to: &out)
            Self.appendKey(2, wireType: 0, to: &out)
            // metav1.Time's JSON has whole seconds; MicroTime keeps microseconds.
            Self.appendVarint(UInt64(bitPattern: Int64(special == .time ? 0 : nanos / 1000 * 1000)), to: &out)
        case .duration:
            guard case .string(let text) = value else { throw mismatch("a duration string") }
            guard let nanoseconds = KubeTimeFormat.parseGoDuration(text) else {
                throw Failure(messageType: name, path: path, reason: "\"\(text)\" is not a Go duration")
            }
            Self.appendKey(1, wireType: 0, to: &out)
            Self.appendVarint(UInt64(bitPattern: nanoseconds), to: &out)
        case .fieldsV1, .rawExtension:
            if case .null = value { return [] }
            Self.appendBytes(1, value.serialized(), to: &out)
        case .intOrString:
            switch value {
            case .string(let text):
                Self.appendKey(1, wireType: 0, to: &out)
                Self.appendVarint(1, to: &out)
                Self.appendKey(2, wireType: 0, to: &out)
                Self.appendVarint(0, to: &out)
                Self.appendBytes(3, Array(text.utf8), to: &out)
            default:
                guard let integer = value.intValue, integer >= Int64(Int32.min), integer <= Int64(Int32.max) else {
                    throw mismatch("an int32 or a string")
                }
                Self.appendKey(1, wireType: 0, to: &out)
                Self.appendVarint(0, to: &out)
                Self.appendKey(2, wireType: 0, to: &out)
                Self.appendVarint(UInt64(bitPattern: integer), to: &out)
                Self.appendBytes(3, [], to: &out)
            }
        case .quantity, .quantityValue:
            let text: String
            switch value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .double: text = value.serializedString()
            default: throw mismatch("a quantity string")
            }
            Self.appendBytes(1, Array(text.utf8), to: &out)
        case .verbs, .authenticationExtraValue, .authorizationExtraValue:
            if case .null = value { return [] }
            guard case .array(let items) = value else { throw mismatch("an array of strings") }
            for item in items {
                guard case .string(let text) = item else { throw mismatch("an array of strings") }
                Self.appendBytes(1, Array(text.utf8), to: &out)
            }
        }
        return out
    }

    // MARK: - Wire writing

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func appendKey(_ number: Int, wireType: UInt8, to out: inout [UInt8]) {
        appendVarint(UInt64(number) << 3 | UInt64(wireType), to: &out)
    }

    static func appendBytes(_ number: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendKey(number, wireType: 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }
}
