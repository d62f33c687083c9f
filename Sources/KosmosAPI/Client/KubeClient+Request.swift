/// The parts of an http(s) URL the client needs.
struct ServerURLParts {
    var scheme: String
    var host: String
    var port: Int
    var path: String

    init?(_ url: String) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        scheme = String(url[..<colon]).lowercased()
        var rest = url[url.index(colon, offsetBy: 3)...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        path = String(rest[pathStart...])
        rest = rest[..<pathStart]
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var hostPart = rest
        var portText: Substring? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            hostPart = rest[...close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        host = String(hostPart)
        if let portText {
            guard let p = Int(portText) else { return nil }
            port = p
        } else {
            port = scheme == "https" ? 443 : 80
        }
    }
}

/// Percent-encoding for paths and queries: everything but RFC 3986 unreserved characters is escaped.
enum URLEscape {
    static func component(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(UnicodeScalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(hex[Int(b & 15)]))
            }
        }
        return out
    }

    static func query(_ items: [(String, String)]) -> String {
        items.map { "\(component($0.0))=\(component($0.1))" }.joined(separator: "&")
    }
}

/// One API request before it becomes a transfer.
struct KubeRequest: Sendable {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var body: [UInt8]? = nil
    var contentType: String? = nil
    var accept = "application/json"
    /// What the request does, for error messages (e.g. `get configmaps demo/app-config`).
    var operation: String
}

extension KubeClient {
    // MARK: - Paths

    func collectionPath(_ gvr: GroupVersionResource, namespace: String?) -> String {
        if gvr.scope == .namespaced, let namespace {
            return "\(gvr.groupVersion.pathPrefix)/namespaces/\(URLEscape.component(namespace))/\(gvr.resource)"
        }
        return "\(gvr.groupVersion.pathPrefix)/\(gvr.resource)"
    }

    func objectPath(_ gvr: GroupVersionResource, namespace: String?, name: String, subresource: String? = nil)
        -> String
    {
        var p = "\(collectionPath(gvr, namespace: namespace))/\(URLEscape.component(name))"
        if let subresource { p += "/\(subresource)" }
        return p
    }

    func describe(_ verb: String, _ gvr: GroupVersionResource, namespace: String?, name: String? = nil) -> String {
        var s = "\(verb) \(gvr.group.isEmpty ? gvr.resource : "\(gvr.resource).\(gvr.group)")"
        if let name {
            s += gvr.scope == .namespaced && namespace != nil ? " \(namespace!)/\(name)" : " \(name)"
        } else if gvr.scope == .namespaced {
            s += namespace.map { " in \($0)" } ?? " in all namespaces"
        }
        return s
    }

    // MARK: - The request engine

    func transferRequest(_ r: KubeRequest, credentials c: RequestCredentials, streaming: Bool) -> TransferRequest {
        var url = baseURL + r.path
        if !r.query.isEmpty { url += "?" + URLEscape.query(r.query) }
        var headers = ["Accept: \(r.accept)"]
        if let ct = r.contentType { headers.append("Content-Type: \(ct)") }
        if let a = c.authorization { headers.append("Authorization: \(a)") }
        var s = settings
        if let cert = c.certData, let key = c.keyData {
            s.certData = cert
            s.certFile = nil
            s.keyData = key
            s.keyFile = nil
        }
        if streaming { s.timeoutMs = nil }
        return TransferRequest(method: r.method, url: url, headers: headers, body: r.body, settings: s)
    }

    /// Sends a request with rate limiting, credentials and retries; returns a 2xx response.
    /// - Throws: `KubeError` for non-2xx answers, `TransportError`.
    func send(_ r: KubeRequest) async throws -> CurlResponse {
        let (response, _) = try await execute(r, sink: nil)
        return response
    }

    /// The shared retry loop of plain and streaming requests.
    func execute(_ r: KubeRequest, sink: StreamSink?) async throws -> (CurlResponse, CurlTransfer?) {
        let safe = r.method == "GET" || r.method == "HEAD"
        var attempt = 0
        var refreshedCredentials = false
        while true {
            try await throttle.acquire()
            let creds = try await credentials.credentials(forceRefresh: refreshedCredentials && attempt > 0)
            let t = transferRequest(r, credentials: creds, streaming: sink != nil)
            let response: CurlResponse
            var transfer: CurlTransfer? = nil
            do {
                if let sink {
                    (response, transfer) = try await engine.stream(t, sink: sink)
                } else {
                    response = try await engine.perform(t)
                }
            } catch let e as TransportError {
                if e.kind != .cancelled, (safe || e.nothingSent), attempt < config.maxRetries {
                    try await backoff(attempt: attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw e
            }
            if (200..<300).contains(response.status) { return (response, transfer) }
            if attempt < config.maxRetries {
                let retryAfter = response.header("Retry-After").flatMap { Int($0.trimmingSpaces) }
                if response.status == 429 || (response.status >= 500 && safe) {
                    try await backoff(attempt: attempt, retryAfter: retryAfter)
                    attempt += 1
                    continue
                }
                if response.status == 401 && credentials.canRefresh && !refreshedCredentials {
                    refreshedCredentials = true
                    attempt += 1
                    continue
                }
            }
            throw KubeError(status: statusOf(response), operation: r.operation)
        }
    }

    /// Waits before a retry: `Retry-After` when the server gave one (capped at 60 s), else exponential backoff
    /// from 100 ms (doubling, capped at 5 s) with full jitter.
    private func backoff(attempt: Int, retryAfter: Int?) async throws {
        let ms: Int
        if let retryAfter, retryAfter >= 0 {
            ms = min(retryAfter, 60) * 1000 + Int.random(in: 0...50)
        } else {
            let cap = min(5000, 100 << min(attempt, 6))
            ms = Int.random(in: cap / 2...cap)
        }
        try await Task.sleep(for: .milliseconds(ms))
    }

    /// The Status of an error answer: the body when it is one, else synthesised from the code.
    func statusOf(_ response: CurlResponse) -> Status {
        if let v = try? JSONValue.parse(response.body), v["kind"]?.stringValue == "Status" {
            var s = Status(json: v)
            if s.code == nil { s.code = response.status }
            return s
        }
        return KubeError.synthesizedStatus(code: response.status, body: response.body)
    }

    /// Parses a JSON object body.
    /// - Throws: `KubeDecodingError` naming the kind.
    func decodeObject(_ response: CurlResponse, kind: String) throws -> JSONValue {
        let v: JSONValue
        do { v = try JSONValue.parse(response.body) } catch let e as JSONParseError {
            throw KubeDecodingError(kind: kind, path: ".", message: "\(e)")
        }
        guard case .object = v else {
            throw KubeDecodingError(kind: kind, path: ".", message: "expected an object, got a \(v.typeName)")
        }
        return v
    }

    static func jsonBody(_ v: JSONValue) -> [UInt8] { v.serialized(.compact) }

    // MARK: - Verbs on raw JSON (shared by typed and dynamic clients)

    func getRaw(_ gvr: GroupVersionResource, namespace: String?, name: String, subresource: String? = nil,
                kind: String) async throws -> JSONValue
    {
        let r = KubeRequest(method: "GET", path: objectPath(gvr, namespace: namespace, name: name,
                                                           subresource: subresource),
                           operation: describe("get", gvr, namespace: namespace, name: name))
        return try decodeObject(try await send(r), kind: kind)
    }

    func listRaw(_ gvr: GroupVersionResource, namespace: String?, options: ListOptions, kind: String) async throws
        -> JSONValue
    {
        let r = KubeRequest(method: "GET", path: collectionPath(gvr, namespace: namespace),
                           query: options.queryItems, operation: describe("list", gvr, namespace: namespace))
        let v = try decodeObject(try await send(r), kind: "\(kind)List")
        if let items = v["items"], !items.isNull {
            guard case .array(let a) = items else {
                throw KubeDecodingError(kind: "\(kind)List", path: ".items",
                                        message: "expected an array, got a \(items.typeName)")
            }
            for (i, item) in a.enumerated() {
                guard case .object = item else {
                    throw KubeDecodingError(kind: "\(kind)List", path: ".items[\(i)]",
                                            message: "expected an object, got a \(item.typeName)")
                }
            }
        }
        return v
    }

    func listAllRaw(_ gvr: GroupVersionResource, namespace: String?, options: ListOptions, kind: String)
        async throws -> JSONValue
    {
        var opts = options
        var first = try await listRaw(gvr, namespace: namespace, options: opts, kind: kind)
        var items = first["items"]?.arrayValue ?? []
        while let token = first["metadata"]?["continue"]?.stringValue, !token.isEmpty {
            opts.continue = token
            opts.resourceVersion = nil
            opts.resourceVersionMatch = nil
            let page = try await listRaw(gvr, namespace: namespace, options: opts, kind: kind)
            items.append(contentsOf: page["items"]?.arrayValue ?? [])
            var meta = first["metadata"]?.objectValue ?? JSONObject()
            meta["continue"] = page["metadata"]?["continue"]
            meta["remainingItemCount"] = page["metadata"]?["remainingItemCount"]
            first["metadata"] = .object(meta)
        }
        first["items"] = .array(items)
        return first
    }

    func createRaw(_ gvr: GroupVersionResource, namespace: String?, body: JSONValue, subresourceOf name: String? = nil,
                   subresource: String? = nil, options: WriteOptions, kind: String) async throws -> JSONValue
    {
        let path = name.map { objectPath(gvr, namespace: namespace, name: $0, subresource: subresource) }
            ?? collectionPath(gvr, namespace: namespace)
        let objectName = body["metadata"]?["name"]?.stringValue ?? body["metadata"]?["generateName"]?.stringValue
        let r = KubeRequest(method: "POST", path: path, query: options.queryItems, body: Self.jsonBody(body),
                           contentType: "application/json",
                           operation: describe("create", gvr, namespace: namespace, name: name ?? objectName))
        return try decodeObject(try await send(r), kind: kind)
    }

    func updateRaw(_ gvr: GroupVersionResource, namespace: String?, name: String, subresource: String?,
                   body: JSONValue, options: WriteOptions, kind: String) async throws -> JSONValue
    {
        let verb = subresource.map { "update \($0) of" } ?? "update"
        let r = KubeRequest(method: "PUT", path: objectPath(gvr, namespace: namespace, name: name,
                                                           subresource: subresource),
                           query: options.queryItems, body: Self.jsonBody(body), contentType: "application/json",
                           operation: describe(verb, gvr, namespace: namespace, name: name))
        return try decodeObject(try await send(r), kind: kind)
    }

    func patchRaw(_ gvr: GroupVersionResource, namespace: String?, name: String, patch: Patch, subresource: String?,
                  options: WriteOptions, kind: String) async throws -> JSONValue
    {
        var opts = options
        var query: [(String, String)]
        if case .apply(_, let manager, let force) = patch {
            opts.fieldManager = manager
            query = opts.queryItems
            query.append(("force", force ? "true" : "false"))
        } else {
            query = opts.queryItems
        }
        let verb = subresource.map { "patch \($0) of" } ?? "patch"
        let r = KubeRequest(method: "PATCH", path: objectPath(gvr, namespace: namespace, name: name,
                                                             subresource: subresource),
                           query: query, body: Self.jsonBody(patch.body), contentType: patch.contentType,
                           operation: describe(verb, gvr, namespace: namespace, name: name))
        return try decodeObject(try await send(r), kind: kind)
    }

    func deleteRaw(_ gvr: GroupVersionResource, namespace: String?, name: String, options: DeleteOptions,
                   kind: String) async throws
    {
        let r = KubeRequest(method: "DELETE", path: objectPath(gvr, namespace: namespace, name: name),
                           body: options.body.map(Self.jsonBody),
                           contentType: options.body == nil ? nil : "application/json",
                           operation: describe("delete", gvr, namespace: namespace, name: name))
        _ = try await send(r)
    }

    func deleteCollectionRaw(_ gvr: GroupVersionResource, namespace: String?, listOptions: ListOptions,
                             options: DeleteOptions, kind: String) async throws
    {
        let r = KubeRequest(method: "DELETE", path: collectionPath(gvr, namespace: namespace),
                           query: listOptions.queryItems, body: options.body.map(Self.jsonBody),
                           contentType: options.body == nil ? nil : "application/json",
                           operation: describe("delete collection of", gvr, namespace: namespace))
        _ = try await send(r)
    }

    func watchRaw<O: JSONBacked>(_ gvr: GroupVersionResource, namespace: String?, options: ListOptions,
                                 kind: String) async throws -> WatchStream<O>
    {
        var query = options.queryItems
        query.insert(("watch", "true"), at: 0)
        let operation = describe("watch", gvr, namespace: namespace)
        let r = KubeRequest(method: "GET", path: collectionPath(gvr, namespace: namespace), query: query,
                           operation: operation)
        let sink = StreamSink(highWater: max(1024, config.watchBufferBytes))
        let (response, transfer) = try await execute(r, sink: sink)
        guard let transfer else {
            throw TransportError(kind: .other, request: operation, message: "watch without a transfer")
        }
        let handle = WatchHandle(sink: sink, transfer: transfer, kind: kind, operation: operation)
        return WatchStream(handle: handle, httpVersion: response.httpVersion)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
