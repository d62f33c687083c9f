import Foundation
import KosmosAPI
@testable import KosmosLocal
import KosmosTestSupport

/// One HTTP answer as `curl -i` reported it.
struct CurlResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A throw-away API server in a temporary directory, talked to with the `curl` command (a real HTTP client that
/// is not our code).
final class APIServerTestHarness: @unchecked Sendable {
    let server: LocalAPIServer
    let directory: String

    static func start(tls: Bool = false, eventHistoryLimit: Int = 10_000, directory: String? = nil) async throws
        -> APIServerTestHarness {
        let dir = directory ?? scratchDirectory("kosmos-apiserver-test-")
        let server = try LocalAPIServer(configuration: .init(dataDirectory: dir, tls: tls,
                                                             eventHistoryLimit: eventHistoryLimit, threads: 2))
        try await server.start()
        return APIServerTestHarness(server: server, directory: dir)
    }

    private init(server: LocalAPIServer, directory: String) {
        self.server = server
        self.directory = directory
    }

    /// Stops the server; `keepFiles` leaves the data directory for a restart.
    func stop(keepFiles: Bool = false) async {
        try? await server.shutdown()
        if !keepFiles { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Sends one request with curl (HTTP/1.1, bearer token unless `token` is nil).
    func request(_ method: String, _ path: String, body: String? = nil,
                 contentType: String = "application/json", accept: String? = "application/json",
                 userAgent: String = "fixture-recorder/v0.1 (linux/amd64)", token: String?? = .none,
                 extraHeaders: [String] = [], maxTime: Int = 20) throws -> CurlResponse {
        var args = ["-s", "-S", "-i", "--http1.1", "-X", method, "--max-time", String(maxTime),
                    "-A", userAgent]
        if let ca = server.caPEMPath { args += ["--cacert", ca] }
        let tok: String? = token ?? server.token
        if let tok { args += ["-H", "Authorization: Bearer \(tok)"] }
        if let accept { args += ["-H", "Accept: \(accept)"] }
        for h in extraHeaders { args += ["-H", h] }
        if body != nil { args += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"] }
        args.append(server.url + path)
        return try Self.runCurl(args, stdin: body)
    }

    static func runCurl(_ args: [String], stdin: String?) throws -> CurlResponse {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = args
        let out = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return parse(Array(data))
    }

    static func parse(_ raw: [UInt8]) -> CurlResponse {
        var rest = raw[...]
        while true {
            guard let end = find(rest, [13, 10, 13, 10]) else {
                return CurlResponse(status: 0, headers: [], body: Array(rest))
            }
            let head = String(decoding: rest[rest.startIndex..<end], as: UTF8.self)
            rest = rest[(end + 4)...]
            let lines = head.components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            if status == 100 { continue }
            let headers = lines.dropFirst().compactMap { l -> (String, String)? in
                guard let i = l.firstIndex(of: ":") else { return nil }
                return (String(l[..<i]), l[l.index(after: i)...].trimmingCharacters(in: .whitespaces))
            }
            return CurlResponse(status: status, headers: headers, body: Array(rest))
        }
    }

    private static func find(_ hay: ArraySlice<UInt8>, _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i <= hay.endIndex - needle.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// Decoded watch lines of a (finished) watch response.
    static func events(_ r: CurlResponse) -> [JSONValue] {
        r.text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }
}

/// Replaces values that differ between two servers (uids, times, resourceVersions, tokens) and drops
/// managedFields, keeping key order, so that two answers can be compared by shape.
/// Runs blocking work (curl, kubectl) on a thread of its own, so that it does not hold one of the few threads of
/// Swift's cooperative pool (two on a two-core machine) while other tasks of the test need to run.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

func comparableShape(_ v: JSONValue) -> JSONValue {
    switch v {
    case .object(let o):
        var out = JSONObject()
        for (k, x) in o {
            switch k {
            case "managedFields": continue
            case "uid", "resourceVersion", "creationTimestamp", "time", "deletionTimestamp", "continue",
                 "lastTransitionTime", "clusterIP":
                out.append(k, x.isNull ? .null : "*")
            case "clusterIPs": out.append(k, ["*"])
            case "message":
                // uids quoted in messages differ between servers.
                let text = x.stringValue ?? ""
                let masked = text.replacingOccurrences(
                    of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "*",
                    options: .regularExpression)
                out.append(k, x.stringValue == nil ? x : .string(masked))
            default: out.append(k, comparableShape(x))
            }
        }
        return .object(out)
    case .array(let a): return .array(a.map(comparableShape))
    default: return v
    }
}

/// Prints why a test that needs a tool does not run (the skip is visible in the log, never silent).
extension APIServerTestHarness {
    /// A TLS server for a test that drives the real kubectl (which verifies the certificate), or `nil` with a
    /// printed skip when kubectl is not installed.
    static func startForKubectl(test: String = #function) async throws -> APIServerTestHarness? {
        guard KubectlTests.kubectlPath != nil else {
            skipBecause("kubectl is not installed", test: test)
            return nil
        }
        return try await start(tls: true)
    }
}

extension APIServerTestHarness {
    /// A plain-HTTP server for a test that replays the recorded kube-apiserver fixtures, or `nil` with a printed
    /// skip when the fixtures are not there.
    static func startForFixtures(test: String = #function) async throws -> APIServerTestHarness? {
        let fixtures = APIServerFixtureReplayTests.fixtures
        guard FileManager.default.fileExists(atPath: fixtures) else {
            skipBecause("fixtures not found at \(fixtures)", test: test)
            return nil
        }
        return try await start()
    }
}

func skipBecause(_ reason: String, test: String = #function) {
    print("SKIPPED \(test): \(reason)")
}
