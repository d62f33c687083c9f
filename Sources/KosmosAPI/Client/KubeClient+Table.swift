extension KubeClient {
    /// Lists a collection as the server-side `Table` (`meta.k8s.io/v1`) kubectl prints: column definitions from
    /// the server (a CRD's printer columns included) and one row of cells per object.
    ///
    /// - Parameters:
    ///   - gvr: the collection.
    ///   - namespace: one namespace, or nil for all (or a cluster-scoped collection).
    ///   - options: selectors and paging.
    /// - Returns: the Table object (`columnDefinitions`, `rows[].cells`, `rows[].object`).
    /// - Throws: ``KubeError`` or a transport error.
    public func table(_ gvr: GroupVersionResource, namespace: String? = nil, options: ListOptions = .init())
        async throws -> JSONValue {
        var request = KubeRequest(method: "GET", path: collectionPath(gvr, namespace: namespace),
                                  query: options.queryItems, operation: describe("list", gvr, namespace: namespace))
        request.accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        let response = try await send(request)
        return try JSONValue.parse(response.body)
    }
}

/// Renders a server-side `Table` the way `kubectl get` does: upper-case headers, columns padded with three
/// spaces, priority-0 columns only unless `wide`, date columns shown as ages (`5m16s`).
public enum TablePrinter {
    /// The printed table, one line per row plus the header; "No resources found" text when there are no rows.
    public static func render(_ table: JSONValue, wide: Bool = false, now: Time = .now()) -> String {
        let definitions = table["columnDefinitions"]?.arrayValue ?? []
        let shown = definitions.indices.filter { wide || (definitions[$0]["priority"]?.intValue ?? 0) == 0 }
        let rows = table["rows"]?.arrayValue ?? []
        guard !rows.isEmpty else { return "No resources found\n" }
        var lines = [shown.map { (definitions[$0]["name"]?.stringValue ?? "").uppercased() }]
        for row in rows {
            let cells = row["cells"]?.arrayValue ?? []
            lines.append(shown.map { index in
                guard index < cells.count else { return "" }
                let format = definitions[index]["format"]?.stringValue ?? ""
                let type = definitions[index]["type"]?.stringValue ?? ""
                return cell(cells[index], isDate: type == "date" || format == "date", now: now)
            })
        }
        return render(headers: lines[0], rows: Array(lines.dropFirst()))
    }

    /// Lays out ready-made cells in kubectl's column style: the header line then one line per row, each column
    /// padded to its widest cell plus three spaces (the last column unpadded).
    /// - Parameters:
    ///   - headers: the column titles, printed as given.
    ///   - rows: the cells; a row shorter than `headers` is padded with empty cells.
    public static func render(headers: [String], rows: [[String]]) -> String {
        let lines = [headers] + rows.map { row in
            (0..<headers.count).map { $0 < row.count ? row[$0] : "" }
        }
        let widths = headers.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { index, text in
                index == line.count - 1 ? text : text + String(repeating: " ", count: widths[index] - text.count + 3)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    static func cell(_ value: JSONValue, isDate: Bool, now: Time) -> String {
        switch value {
        case .null: return "<none>"
        case .string(let text):
            if isDate, let time = try? Time.parse(text) { return age(now.seconds(since: time)) }
            return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return value.serializedString()
        }
    }

    /// Kubernetes' short age format (`0s`, `94s`, `5m16s`, `3h4m`, `2d3h`, `400d`, `3y2d`).
    public static func age(_ interval: Double) -> String {
        let s = max(0, Int(interval))
        if s < 120 { return "\(s)s" }
        let m = s / 60
        if m < 10 { return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s" }
        if m < 180 { return "\(m)m" }
        let h = s / 3600
        if h < 8 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        if h < 48 { return "\(h)h" }
        let days = h / 24
        if h < 24 * 8 { return h % 24 == 0 ? "\(days)d" : "\(days)d\(h % 24)h" }
        if days < 365 * 2 { return "\(days)d" }
        let years = days / 365
        if days < 365 * 8 { return days % 365 == 0 ? "\(years)y" : "\(years)y\(days % 365)d" }
        return "\(years)y"
    }
}
