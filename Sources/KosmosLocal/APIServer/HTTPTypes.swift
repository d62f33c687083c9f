import KosmosAPI
import NIOCore
import NIOHTTP1

/// One HTTP request as the API handler sees it: method, decoded path, query parameters and the whole body.
struct APIRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var path: String
    var query: [String: String]
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = Self.percentDecode(String(parts.first ?? ""))
        var q: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = Self.percentDecode(String(kv[0]), plusIsSpace: true)
                let v = kv.count > 1 ? Self.percentDecode(String(kv[1]), plusIsSpace: true) : ""
                if q[k] == nil { q[k] = v }
            }
        }
        query = q
    }

    static func percentDecode(_ s: String, plusIsSpace: Bool = false) -> String {
        guard s.contains("%") || (plusIsSpace && s.contains("+")) else { return s }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else if plusIsSpace, b[i] == UInt8(ascii: "+") {
                out.append(0x20)
                i += 1
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// Whether the answer should be indented (kube does it for curl, Wget and browsers, and `?pretty=true`).
    var wantsPretty: Bool {
        if let p = query["pretty"] { return p == "true" || p == "1" || p.isEmpty }
        let ua = header("User-Agent") ?? ""
        return ua.hasPrefix("curl") || ua.hasPrefix("Wget") || ua.hasPrefix("Mozilla/5.0")
    }
}

/// What a watch response streams: set up by the HTTP layer after the 200 head is written.
struct WatchPlan: Sendable {
    /// Registers with the store; `emit` is called (under the store lock, in order) for each event line.
    /// Returns the watcher id, or the in-stream error to write instead.
    /// `emit` takes a closure producing the line; it is run later on the connection's event loop, so encoding
    /// happens outside the store lock.
    var start: @Sendable (_ emit: @escaping @Sendable (@escaping @Sendable () -> ByteBuffer) -> Void) -> Result<Int, APIError>
    var stop: @Sendable (Int) -> Void
    var bookmark: (@Sendable (Int) -> Void)?
    var timeoutSeconds: Int64
    var bookmarkInterval: Int64
}

/// An answer: status, headers, and either a body or a watch stream.
struct APIResponse: Sendable {
    enum Body: Sendable {
        case bytes([UInt8])
        case watch(WatchPlan)
    }

    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: Body

    init(status: HTTPResponseStatus, headers: [(String, String)] = [], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer; compact with one final newline, or indented without one.
    static func json(_ value: JSONValue, status: HTTPResponseStatus = .ok, pretty: Bool = false,
                     extraHeaders: [(String, String)] = []) -> APIResponse {
        var bytes = value.serialized(pretty ? .pretty : .compact)
        if !pretty { bytes.append(0x0A) }
        return APIResponse(status: status,
                           headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")]
                               + extraHeaders,
                           body: .bytes(bytes))
    }

    /// A compact JSON answer from bytes already serialised (as `json(_:status:pretty:extraHeaders:)` would make
    /// them without `pretty`).
    static func json(encoded: [UInt8], status: HTTPResponseStatus = .ok, extraHeaders: [(String, String)] = [])
        -> APIResponse {
        var bytes = encoded
        bytes.append(0x0A)
        return APIResponse(status: status,
                           headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")]
                               + extraHeaders,
                           body: .bytes(bytes))
    }

    static func text(_ s: String, status: HTTPResponseStatus = .ok,
                     contentType: String = "text/plain; charset=utf-8") -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", contentType)], body: .bytes(Array(s.utf8)))
    }

    static func error(_ e: APIError, pretty: Bool = false) -> APIResponse {
        let p = pretty || e.pretty
        var bytes = e.status.serialized(p ? .pretty : .compact)
        if !p { bytes.append(0x0A) }
        return APIResponse(status: HTTPResponseStatus(statusCode: e.code),
                           headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")],
                           body: .bytes(bytes))
    }
}
