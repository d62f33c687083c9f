import KosmosAPI

/// Turns protobuf messages into the JSON Kubernetes' Go types would marshal for the same object.
///
/// Go's rules, which the wire alone does not carry, come from the schema flags: a zero non-pointer scalar is left
/// out when the field has `omitempty` (Go writes every non-pointer scalar on the wire, zeros included); a pointer
/// scalar is kept even when zero; an absent list or map without `omitempty` is `null`; a nested message that is
/// present is always written (Go's `omitempty` never drops a struct); embedded structs are merged inline.
struct ProtobufJSONDecoder {
    let schema: KubeProtobufSchema
    let bytes: [UInt8]
    /// How deep this body is embedded in others (through RawExtension), to bound recursion on hostile input.
    var depth = 0

    /// The decoded state of one field while its message is being read.
    private enum Slot {
        case value(JSONValue, isZero: Bool)
        case list([JSONValue])
        case map([String: JSONValue])
    }

    // MARK: - Messages

    func decodeMessage(_ name: String, range: Range<Int>) throws(KubeProtobufError) -> JSONValue {
        if let special = try decodeSpecial(name, range: range) { return special }
        guard let message = schema.messages[name] else {
            throw KubeProtobufError(messageType: name, offset: range.lowerBound, reason: "no schema for this message")
        }
        return .object(try decodeFields(message, range: range))
    }

    private func decodeFields(
        _ message: KubeProtobufSchema.Message, range: Range<Int>
    ) throws(KubeProtobufError) -> JSONObject {
        var reader = ProtobufWireReader(bytes: bytes, range: range, messageType: message.name)
        var slots = [Slot?](repeating: nil, count: message.fields.count)
        while let wire = try reader.next() {
            guard let index = message.fieldIndexByNumber[wire.number] else { continue }  // unknown: skip
            let field = message.fields[index]
            switch field.type {
            case .map(let valueType):
                let (key, value) = try decodeMapEntry(wire, valueType: valueType, in: message.name)
                var entries: [String: JSONValue]
                if case .map(let existing)? = slots[index] { entries = existing } else { entries = [:] }
                entries[key] = value
                slots[index] = .map(entries)
            default:
                if field.repeated {
                    var items: [JSONValue]
                    if case .list(let existing)? = slots[index] { items = existing } else { items = [] }
                    try appendRepeated(wire, type: field.type, to: &items, in: message.name)
                    slots[index] = .list(items)
                } else {
                    let (value, isZero) = try decodeSingle(wire, type: field.type, in: message.name)
                    slots[index] = .value(value, isZero: isZero)
                }
            }
        }

        var object = JSONObject(minimumCapacity: message.fields.count)
        for (index, field) in message.fields.enumerated() {
            switch slots[index] {
            case nil:
                if field.repeated || isMap(field.type) {
                    if !field.omitEmpty { object.append(field.jsonName, .null) }
                } else if !field.omitEmpty, let zero = Self.zeroValue(field.type) {
                    // A nil pointer without omitempty is written as null (GRPCAction.service).
                    object.append(field.jsonName, field.pointer ? .null : zero)
                }
            case .value(let value, let isZero)?:
                if isZero && field.omitEmpty && !field.pointer && !isMessage(field.type) { continue }
                if field.inline, case .object(let embedded) = value {
                    for (key, item) in embedded { object[key] = item }
                } else {
                    object.append(field.jsonName, value)
                }
            case .list(let items)?:
                if items.isEmpty && field.omitEmpty { continue }
                object.append(field.jsonName, .array(items))
            case .map(let entries)?:
                if entries.isEmpty && field.omitEmpty { continue }
                var sorted = JSONObject(minimumCapacity: entries.count)
                for key in entries.keys.sorted(by: Self.goStringLess) { sorted.append(key, entries[key]!) }
                object.append(field.jsonName, .object(sorted))
            }
        }
        return object
    }

    private func isMap(_ type: KubeProtobufSchema.FieldType) -> Bool {
        if case .map = type { return true }
        return false
    }

    private func isMessage(_ type: KubeProtobufSchema.FieldType) -> Bool {
        if case .message = type { return true }
        return false
    }

    /// Go sorts map keys by their bytes (UTF-8 order); Swift's `<` on String compares by Unicode scalars, which
    /// is the same order for valid UTF-8.
    static func goStringLess(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func zeroValue(_ type: KubeProtobufSchema.FieldType) -> JSONValue? {
        switch type {
        case .string: return .string("")
        case .bytes: return .null  // a nil []byte marshals as null
        case .bool: return .bool(false)
        case .int32, .int64: return .int(0)
        case .message, .map: return nil
        }
    }

    // MARK: - Fields

    private func decodeSingle(
        _ wire: ProtobufWireField, type: KubeProtobufSchema.FieldType, in messageName: String
    ) throws(KubeProtobufError) -> (JSONValue, isZero: Bool) {
        switch type {
        case .string:
            let range = try lengthDelimited(wire, expecting: "string", in: messageName)
            return (.string(String(decoding: bytes[range], as: UTF8.self)), range.isEmpty)
        case .bytes:
            let range = try lengthDelimited(wire, expecting: "bytes", in: messageName)
            return (.string(Base64.encode(bytes[range])), range.isEmpty)
        case .bool:
            let raw = try varint(wire, expecting: "bool", in: messageName)
            return (.bool(raw != 0), raw == 0)
        case .int32:
            let raw = try varint(wire, expecting: "int32", in: messageName)
            let value = Int32(truncatingIfNeeded: raw)
            return (.int(Int64(value)), value == 0)
        case .int64:
            let raw = try varint(wire, expecting: "int64", in: messageName)
            return (.int(Int64(bitPattern: raw)), raw == 0)
        case .message(let name):
            let range = try lengthDelimited(wire, expecting: "message \(name)", in: messageName)
            return (try decodeMessage(name, range: range), false)
        case .map:
            preconditionFailure("map fields are decoded by decodeMapEntry")
        }
    }

    private func appendRepeated(
        _ wire: ProtobufWireField, type: KubeProtobufSchema.FieldType, to items: inout [JSONValue],
        in messageName: String
    ) throws(KubeProtobufError) {
        switch (type, wire.payload) {
        case (.bool, .bytes(let range)), (.int32, .bytes(let range)), (.int64, .bytes(let range)):
            // Packed encoding: a run of varints in one length-delimited field.
            var reader = ProtobufWireReader(bytes: bytes, range: range, messageType: messageName)
            while !reader.isAtEnd {
                let raw = try reader.readVarint(field: wire.number)
                items.append(Self.scalar(raw, type: type))
            }
        default:
            items.append(try decodeSingle(wire, type: type, in: messageName).0)
        }
    }

    private static func scalar(_ raw: UInt64, type: KubeProtobufSchema.FieldType) -> JSONValue {
        switch type {
        case .bool: return .bool(raw != 0)
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: raw)))
        default: return .int(Int64(bitPattern: raw))
        }
    }

    private func decodeMapEntry(
        _ wire: ProtobufWireField, valueType: KubeProtobufSchema.FieldType, in messageName: String
    ) throws(KubeProtobufError) -> (String, JSONValue) {
        let entryName = "\(messageName) map entry"
        let range = try lengthDelimited(wire, expecting: "map entry", in: messageName)
        var reader = ProtobufWireReader(bytes: bytes, range: range, messageType: entryName)
        var key = ""
        var value: JSONValue?
        while let entryField = try reader.next() {
            switch entryField.number {
            case 1:
                let keyRange = try lengthDelimited(entryField, expecting: "string", in: entryName)
                key = String(decoding: bytes[keyRange], as: UTF8.self)
            case 2:
                value = try decodeSingle(entryField, type: valueType, in: entryName).0
            default:
                continue
            }
        }
        if let value { return (key, value) }
        // An entry without a value holds the value type's zero value.
        switch valueType {
        case .bytes: return (key, .string(""))
        case .message(let name): return (key, try decodeMessage(name, range: range.upperBound..<range.upperBound))
        default: return (key, Self.zeroValue(valueType) ?? .null)
        }
    }

    private func varint(
        _ wire: ProtobufWireField, expecting type: String, in messageName: String
    ) throws(KubeProtobufError) -> UInt64 {
        guard case .varint(let raw) = wire.payload else {
            throw KubeProtobufError(
                messageType: messageName, fieldNumber: wire.number, offset: wire.offset,
                reason: "\(type) field has wire type \(wire.wireType), expected varint")
        }
        return raw
    }

    private func lengthDelimited(
        _ wire: ProtobufWireField, expecting type: String, in messageName: String
    ) throws(KubeProtobufError) -> Range<Int> {
        guard case .bytes(let range) = wire.payload else {
            throw KubeProtobufError(
                messageType: messageName, fieldNumber: wire.number, offset: wire.offset,
                reason: "\(type) field has wire type \(wire.wireType), expected length-delimited")
        }
        return range
    }
}
