internal import CLibYAML

/// Builds `JSONValue` documents from libyaml's event stream.
///
/// Anchors are remembered as the finished value they name; an alias is that value again. Merge keys (`<<`) copy
/// the fields of the merged mapping(s) that the mapping does not set itself, as go-yaml does. A duplicated key keeps
/// its first position and its last value.
struct YAMLReader {
    let file: String?

    /// A container being built.
    private enum Frame {
        case sequence(items: [JSONValue], anchor: String?)
        case mapping(fields: JSONObject, pendingKey: String?, merges: [JSONObject], anchor: String?,
                     keyMark: (Int, Int))
    }

    func readAll(_ bytes: [UInt8]) throws -> [JSONValue] {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(file: file, line: 0, column: 0, message: "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(parser) }
        return try bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
            return try run(parser)
        }
    }

    private func run(_ parser: UnsafeMutablePointer<yaml_parser_t>) throws -> [JSONValue] {
        var documents: [JSONValue] = []
        var stack: [Frame] = []
        var anchors: [String: JSONValue] = [:]
        var current: JSONValue? = nil
        var event = yaml_event_t()

        func fail(_ message: String, _ mark: yaml_mark_t) -> YAMLError {
            YAMLError(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
        }
        func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
            guard let p else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }
        func cString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let p else { return nil }
            return String(cString: p)
        }

        /// Adds a finished node to its parent (or makes it the document).
        func add(_ value: JSONValue, mark: yaml_mark_t, isMergeSource: Bool = false) throws {
            guard var top = stack.popLast() else {
                current = value
                return
            }
            switch top {
            case .sequence(var items, let anchor):
                items.append(value)
                top = .sequence(items: items, anchor: anchor)
            case .mapping(var fields, let pendingKey, var merges, let anchor, let keyMark):
                if let key = pendingKey {
                    if key == "<<" && !isMergeSource {
                        switch value {
                        case .object(let o): merges.append(o)
                        case .array(let a):
                            for element in a {
                                guard case .object(let o) = element else {
                                    throw fail("a merge key (<<) needs a mapping or a list of mappings", mark)
                                }
                                merges.append(o)
                            }
                        default:
                            throw fail("a merge key (<<) needs a mapping or a list of mappings", mark)
                        }
                    } else {
                        fields[key] = value
                    }
                    top = .mapping(fields: fields, pendingKey: nil, merges: merges, anchor: anchor, keyMark: keyMark)
                } else {
                    let key: String
                    switch value {
                    case .string(let s): key = s
                    case .null: key = "null"
                    case .bool(let b): key = b ? "true" : "false"
                    case .int(let i): key = String(i)
                    case .double(let d): key = YAMLScalar.formatDouble(d)
                    case .array, .object:
                        throw fail("a mapping key must be a scalar, not a \(value.typeName)", mark)
                    }
                    top = .mapping(fields: fields, pendingKey: key, merges: merges, anchor: anchor,
                                   keyMark: (Int(mark.line), Int(mark.column)))
                }
            }
            stack.append(top)
        }

        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                let p = parser.pointee
                var message = p.problem.map { String(cString: $0) } ?? "unknown error"
                if let context = p.context.map({ String(cString: $0) }) {
                    message += " (\(context) at line \(p.context_mark.line + 1), column \(p.context_mark.column + 1))"
                }
                throw fail(message, p.problem_mark)
            }
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                current = nil
                anchors = [:]
            case YAML_DOCUMENT_END_EVENT:
                // An empty document (`---` alone) is skipped, as kubectl skips it.
                if let current, !current.isNull { documents.append(current) }
            case YAML_ALIAS_EVENT:
                let name = cString(event.data.alias.anchor) ?? ""
                guard let value = anchors[name] else { throw fail("unknown anchor '\(name)' referenced", mark) }
                try add(value, mark: mark)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = string(s.value, Int(s.length))
                let tag = cString(s.tag)
                let value: JSONValue
                if s.style != YAML_PLAIN_SCALAR_STYLE || tag == "tag:yaml.org,2002:str" || tag == "!" {
                    value = .string(text)
                } else {
                    switch YAMLScalar.resolve(text) {
                    case .value(let v): value = v
                    case .nonFinite(let t):
                        throw fail("'\(t)' is not a finite number, which JSON cannot represent", mark)
                    }
                }
                if let anchor = cString(s.anchor) { anchors[anchor] = value }
                try add(value, mark: mark)
            case YAML_SEQUENCE_START_EVENT:
                stack.append(.sequence(items: [], anchor: cString(event.data.sequence_start.anchor)))
            case YAML_SEQUENCE_END_EVENT:
                guard case .sequence(let items, let anchor) = stack.popLast() else {
                    throw fail("unbalanced sequence end", mark)
                }
                let value = JSONValue.array(items)
                if let anchor { anchors[anchor] = value }
                try add(value, mark: mark)
            case YAML_MAPPING_START_EVENT:
                stack.append(.mapping(fields: JSONObject(), pendingKey: nil, merges: [],
                                      anchor: cString(event.data.mapping_start.anchor), keyMark: (0, 0)))
            case YAML_MAPPING_END_EVENT:
                guard case .mapping(var fields, _, let merges, let anchor, _) = stack.popLast() else {
                    throw fail("unbalanced mapping end", mark)
                }
                if !merges.isEmpty {
                    // Fields set in the mapping win; among merged mappings, the first listed wins.
                    var merged = JSONObject()
                    var seen = Set<String>()
                    for (k, v) in fields { merged.append(k, v); seen.insert(k) }
                    for m in merges {
                        for (k, v) in m where !seen.contains(k) {
                            merged.append(k, v)
                            seen.insert(k)
                        }
                    }
                    fields = merged
                }
                let value = JSONValue.object(fields)
                if let anchor { anchors[anchor] = value }
                try add(value, mark: mark)
            default:
                break
            }
        }
    }
}
