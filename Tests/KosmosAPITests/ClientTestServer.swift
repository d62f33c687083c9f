import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for client tests: real sockets, keep-alive, Content-Length or chunked
/// answers, one thread per connection. It records every request and counts connections.
final class ClientTestServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]  // lower-cased names
        var body: [UInt8]
        var connection: Int

        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: String { target.split(separator: "?", maxSplits: 1).count > 1
            ? String(target.split(separator: "?", maxSplits: 1)[1]) : "" }
    }

    enum Response: Sendable {
        /// A whole body with Content-Length.
        case full(status: Int, headers: [(String, String)], body: [UInt8])
        /// Chunks written with chunked encoding, each flushed, with a pause between them.
        case chunked(status: Int, headers: [(String, String)], chunks: [[UInt8]], pauseMs: Int)
        /// Raw body bytes that are already chunk-encoded (recorded from a real server).
        case rawChunked(status: Int, headers: [(String, String)], raw: [UInt8], pieceSize: Int)
        /// Close the connection without answering.
        case hangUp
    }

    typealias Handler = @Sendable (Request, Int) -> Response

    let port: Int
    private let listenFD: Int32
    private let handler: Handler
    private let state = NSLock()
    private var _requests: [Request] = []
    private var _connections = 0
    private var clientFDs: [Int32] = []
    private var stopped = false

    var requests: [Request] { state.withLock { _requests } }
    var connectionCount: Int { state.withLock { _connections } }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        // Close-on-exec: processes other tests spawn must not hold our sockets open.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let t = Thread { [self] in self.acceptLoop() }
        t.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting and cuts open connections. Idempotent: descriptor numbers are reused by the process, so
    /// closing or shutting down one twice could hit another test's socket or pipe.
    func stop() {
        state.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            close(listenFD)
            for fd in clientFDs { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            if state.withLock({ stopped }) { return }
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let index: Int? = state.withLock {
                if stopped { return nil }
                _connections += 1
                clientFDs.append(fd)
                return _connections
            }
            guard let index else {
                close(fd)
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let t = Thread { [self] in self.serve(fd, connection: index) }
            t.start()
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        defer {
            // Forget the descriptor and close it under the lock, so stop() never touches a reused number.
            state.withLock {
                clientFDs.removeAll { $0 == fd }
                close(fd)
            }
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        while true {
            // Headers.
            var headerEnd: Int? = nil
            while headerEnd == nil {
                if let r = find(buffer, [13, 10, 13, 10]) { headerEnd = r } else if !fill() { return }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
            buffer.removeFirst(headerEnd! + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count >= 2 else { return }
            var headers: [String: String] = [:]
            for l in lines {
                guard let c = l.firstIndex(of: ":") else { continue }
                headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while buffer.count < length { if !fill() { return } }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let request = Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
                                  body: body, connection: connection)
            let index: Int = state.withLock {
                _requests.append(request)
                return _requests.count - 1
            }
            switch handler(request, index) {
            case .hangUp:
                return
            case .full(let status, let extra, let body):
                var h = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\nContent-Length: \(body.count)\r\n"
                for (k, v) in extra { h += "\(k): \(v)\r\n" }
                h += "\r\n"
                guard writeAll(fd, Array(h.utf8) + body) else { return }
            case .chunked(let status, let extra, let chunks, let pauseMs):
                var h = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\nTransfer-Encoding: chunked\r\n"
                for (k, v) in extra { h += "\(k): \(v)\r\n" }
                h += "\r\n"
                guard writeAll(fd, Array(h.utf8)) else { return }
                for c in chunks where !c.isEmpty {
                    guard writeAll(fd, Array(String(c.count, radix: 16).utf8) + [13, 10] + c + [13, 10]) else { return }
                    if pauseMs > 0 { usleep(useconds_t(pauseMs * 1000)) }
                }
                guard writeAll(fd, Array("0\r\n\r\n".utf8)) else { return }
            case .rawChunked(let status, let extra, let raw, let pieceSize):
                var h = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\nTransfer-Encoding: chunked\r\n"
                for (k, v) in extra { h += "\(k): \(v)\r\n" }
                h += "\r\n"
                guard writeAll(fd, Array(h.utf8)) else { return }
                var i = 0
                while i < raw.count {
                    let end = min(raw.count, i + pieceSize)
                    guard writeAll(fd, Array(raw[i..<end])) else { return }
                    i = end
                    usleep(200)
                }
            }
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }

    private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<i + needle.count]) == needle { return i }
        }
        return nil
    }

    private func reasonPhrase(_ s: Int) -> String {
        switch s {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Reads fixture files recorded from kube-apiserver 1.32.
enum ClientFixtures {
    static let directory = "/work/shared/fixtures/kube-apiserver-1.32"

    static func bytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)")))
    }

    /// The status code of a recorded response.
    static func status(_ id: String) throws -> Int {
        let head = String(decoding: try bytes("\(id).response.headers.txt"), as: UTF8.self)
        let first = head.split(separator: "\n").first ?? ""
        return Int(first.split(separator: " ")[1]) ?? 0
    }

    /// Serves a recorded response as the server sent it (status and body).
    static func response(_ id: String, ext: String = "json") throws -> ClientTestServer.Response {
        .full(status: try status(id), headers: [("Content-Type", "application/json")],
              body: try bytes("\(id).response.\(ext)"))
    }

    static var available: Bool { FileManager.default.fileExists(atPath: directory) }
}

/// Records why a test did not run, visibly.
func clientSkip(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
    print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): \(reason)")
}

import Testing
