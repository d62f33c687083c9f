internal import CLibYAML

/// Writes `JSONValue` documents through libyaml's emitter in kubectl's `-o yaml` shape: block style, two-space
/// indent, lists not indented under their key, `{}`/`[]` for empty containers, strings quoted only when a plain
/// scalar would read back as something else (double quotes, as go-yaml v2 chooses) or when YAML syntax needs it
/// (libyaml then picks single quotes), and multi-line strings as literal blocks (`|`).
final class YAMLWriter {
    private let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
    private var output: [UInt8] = []
    private let sortKeys: Bool
    private var failure: String?

    init(sortKeys: Bool) {
        self.sortKeys = sortKeys
    }

    deinit { emitter.deallocate() }

    /// Emits one document; throws only if libyaml reports an emitter error.
    func write(_ value: JSONValue) throws -> [UInt8] {
        output = []
        guard yaml_emitter_initialize(emitter) == 1 else {
            throw YAMLError(line: 0, column: 0, message: "cannot initialise the YAML emitter")
        }
        defer { yaml_emitter_delete(emitter) }
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_width(emitter, 80)
        let context = Unmanaged.passUnretained(self).toOpaque()
        yaml_emitter_set_output(emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            let writer = Unmanaged<YAMLWriter>.fromOpaque(data).takeUnretainedValue()
            writer.output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)

        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        try emit(&event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        try emit(&event)
        try node(value)
        yaml_document_end_event_initialize(&event, 1)
        try emit(&event)
        yaml_stream_end_event_initialize(&event)
        try emit(&event)
        return output
    }

    private func emit(_ event: inout yaml_event_t) throws {
        if yaml_emitter_emit(emitter, &event) != 1 {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown emitter error"
            throw YAMLError(line: 0, column: 0, message: "cannot write YAML: \(problem)")
        }
    }

    private func node(_ value: JSONValue) throws {
        var event = yaml_event_t()
        switch value {
        case .null: try scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
        case .bool(let b): try scalar(b ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
        case .int(let i): try scalar(String(i), style: YAML_PLAIN_SCALAR_STYLE)
        case .double(let d):
            // JSON numbers are finite, so the YAML spellings of infinity never appear here.
            try scalar(YAMLScalar.formatDouble(d), style: YAML_PLAIN_SCALAR_STYLE)
        case .string(let s):
            if YAMLScalar.needsQuoting(s) {
                try scalar(s, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
            } else if s.contains("\n") {
                try scalar(s, style: YAML_LITERAL_SCALAR_STYLE)
            } else {
                try scalar(s, style: YAML_PLAIN_SCALAR_STYLE)
            }
        case .array(let a):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE)
            try emit(&event)
            for e in a { try node(e) }
            yaml_sequence_end_event_initialize(&event)
            try emit(&event)
        case .object(let o):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
            try emit(&event)
            if sortKeys {
                for k in o.fieldNames.sorted() {
                    try scalarKey(k)
                    try node(o[k]!)
                }
            } else {
                for (k, v) in o {
                    try scalarKey(k)
                    try node(v)
                }
            }
            yaml_mapping_end_event_initialize(&event)
            try emit(&event)
        }
    }

    private func scalarKey(_ k: String) throws {
        try scalar(k, style: YAMLScalar.needsQuoting(k) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE)
    }

    private func scalar(_ text: String, style: yaml_scalar_style_t) throws {
        var event = yaml_event_t()
        var bytes = Array(text.utf8)
        let ok = bytes.withUnsafeMutableBufferPointer { buf -> Int32 in
            // libyaml copies the value; a non-null pointer is needed even for the empty string.
            var empty: UInt8 = 0
            return withUnsafeMutablePointer(to: &empty) { emptyPtr in
                yaml_scalar_event_initialize(
                    &event, nil, nil, buf.baseAddress ?? emptyPtr, Int32(buf.count),
                    style == YAML_PLAIN_SCALAR_STYLE ? 1 : 0, 1, style)
            }
        }
        guard ok == 1 else { throw YAMLError(line: 0, column: 0, message: "cannot write YAML scalar") }
        try emit(&event)
    }
}
