import Foundation
import Testing
@testable import KosmosAPI

/// A ConfigMap view used only by these tests (the model's own kinds live elsewhere).
struct FixtureConfigMap: NamespacedResource {
    static let apiVersion = "v1"
    static let kind = "ConfigMap"
    static let plural = "configmaps"
    var json: JSONValue
    init(json: JSONValue) { self.json = json }
    var data: [String: String] { get { self[map: "data"] } set { self[map: "data"] = newValue } }
}

/// Every recorded kube-apiserver 1.32 response decodes and re-encodes losslessly.
@Suite struct FixtureDecodingTests {
    static func names(_ suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: ClientFixtures.directory)
            .filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func gunzip(_ path: String) throws -> [UInt8] {
        let r = ProcessRunner.runBlocking(argv: ["/bin/gzip", "-dc", path], environment: [])
        #expect(r.status == 0, "gzip -dc \(path)")
        return r.stdout
    }

    /// Re-encodes a value the way the server wrote it: compact plus newline, or indented without one; HTML
    /// characters escaped as Go's json.Encoder does, except in the OpenAPI v2 document, which the server writes
    /// without that escaping.
    static func reencode(_ v: JSONValue, like original: [UInt8]) -> [UInt8] {
        let pretty = original.count > 2 && original[1] == 0x0A
        for escapeHTML in [true, false] {
            var out = v.serialized(JSONWriteOptions(indent: pretty ? 2 : nil, escapeHTML: escapeHTML))
            if !pretty && original.last == 0x0A { out.append(0x0A) }
            if out == original || !escapeHTML { return out }
        }
        return []
    }

    @Test func everyJSONResponseDecodesAndReencodesByteForByte() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let files = try Self.names(".response.json")
        #expect(files.count >= 190)
        var exact = 0
        for f in files {
            let bytes = try ClientFixtures.bytes(f)
            // 022 is a 301 redirect with an empty body.
            if bytes.isEmpty {
                #expect(try ClientFixtures.status(String(f.dropLast(".response.json".count))) == 301, "\(f) is empty")
                continue
            }
            let v = try JSONValue.parse(bytes)
            let again = Self.reencode(v, like: bytes)
            let sameValue = (try? JSONValue.parse(again)) == v
            #expect(sameValue, "\(f): value changed on re-encoding")
            if again == bytes { exact += 1 } else { Issue.record("\(f): re-encoded bytes differ from the server's") }
        }
        print("fixtures: \(exact)/\(files.count) JSON responses re-encoded byte for byte")
    }

    @Test func gzippedResponsesDecodeLosslessly() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let files = try Self.names(".response.json.gz") + Self.names(".response.json.gzip-on-wire")
        #expect(files.count == 3)
        for f in files {
            let bytes = try Self.gunzip("\(ClientFixtures.directory)/\(f)")
            #expect(bytes.count > 100_000, "\(f)")
            let v = try JSONValue.parse(bytes)
            let same = Self.reencode(v, like: bytes) == bytes
            #expect(same, "\(f): re-encoded bytes differ")
        }
    }

    @Test func statusErrorsMapToPredicates() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        func error(_ id: String) throws -> KubeError {
            let body = try ClientFixtures.bytes("\(id).response.json")
            let response = CurlResponse(status: try ClientFixtures.status(id), headers: [], body: body)
            let client = try KubeClient(config: ClientConfig(server: "http://127.0.0.1:1"))
            return KubeError(status: client.statusOf(response), operation: "fixture \(id)")
        }
        #expect(try error("300-notfound-404").isNotFound)
        #expect(try error("114-configmap-update-stale-409").isConflict)
        #expect(try !error("114-configmap-update-stale-409").isAlreadyExists)
        #expect(try error("301-alreadyexists-409").isAlreadyExists)
        #expect(try error("302-invalid-name-422").isInvalid)
        #expect(try error("408-list-exact-compacted-rv-410").isGone)
        #expect(try error("409-list-continue-expired-410").isGone)
        #expect(try error("762-create-in-terminating-namespace-403").isForbidden)
        #expect(try error("324-unauthorized-401").isUnauthorized)
        #expect(try error("123-configmap-apply-conflict-409").isConflict)
        #expect(try error("331-future-resourceversion").isTimeout)
        let e = try error("305-pod-multiple-invalid-422")
        #expect(e.status.details?.causes.count ?? 0 >= 2)
        #expect(e.description.hasPrefix("fixture 305-pod-multiple-invalid-422: Invalid (422): Pod "))
        // The text/plain 404 of an unknown group has no Status body: one is synthesised.
        let plain = CurlResponse(status: 404, headers: [], body: try ClientFixtures.bytes("315-unknown-group-404.response.txt"))
        let client = try KubeClient(config: ClientConfig(server: "http://127.0.0.1:1"))
        let synthesized = KubeError(status: client.statusOf(plain), operation: "get widgets")
        #expect(synthesized.isNotFound)
        #expect(synthesized.message.contains("404 page not found"))
    }

    @Test func listsDecodeWithTypeMetaFilledIn() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let list = ResourceList<FixtureConfigMap>(json: try JSONValue.parse(
            try ClientFixtures.bytes("103-configmap-list.response.json")))
        #expect(list.items.count >= 3)
        #expect(list.items.allSatisfy { $0.json["kind"] == "ConfigMap" && $0.json["apiVersion"] == "v1" })
        #expect(list.metadata.resourceVersion == "158")
        let page = ResourceList<FixtureConfigMap>(json: try JSONValue.parse(
            try ClientFixtures.bytes("107-configmap-list-limit2.response.json")))
        #expect(page.items.count == 2)
        #expect(page.metadata.continue?.isEmpty == false)
        #expect(page.metadata.remainingItemCount ?? 0 > 0)
    }

    @Test func watchStreamsDecodeFromJSONLines() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        for f in try Self.names(".response.jsonl") {
            let text = try ClientFixtures.bytes(f)
            var splitter = WatchLineSplitter()
            var lines = splitter.feed(text)
            if let last = splitter.finish() { lines.append(last) }
            #expect(!lines.isEmpty, "\(f)")
            for line in lines {
                do {
                    let e = try WatchEvent<DynamicObject>.decode(line: line, kind: "ConfigMap", operation: "watch")
                    #expect(try JSONValue.parse(line)["object"] == e.object.json)
                    let same = Self.reencode(try JSONValue.parse(line), like: line + [0x0A]) == line + [0x0A]
                    #expect(same, "\(f): event re-encoded differently")
                } catch let e as KubeError {
                    // 401 (WatchList refused, 500) and 404 (too old resourceVersion, 410) carry ERROR events.
                    #expect(f.hasPrefix("401-") || f.hasPrefix("404-"), "\(f): \(e)")
                    if f.hasPrefix("404-") { #expect(e.isGone) }
                    if f.hasPrefix("401-") { #expect(e.code == 500) }
                }
            }
        }
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1000])
    func chunkedWatchBodiesFrameOnNewlinesWhateverThePieceSize(piece: Int) throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        var generator = SystemRandomNumberGenerator()
        for f in try Self.names(".response.chunked.txt") {
            let id = String(f.dropLast(".response.chunked.txt".count))
            let raw = try ClientFixtures.bytes(f)
            let expected = try ClientFixtures.bytes("\(id).response.jsonl")
            var decoder = HTTPChunkedDecoder()
            var splitter = WatchLineSplitter()
            var lines: [[UInt8]] = []
            var payload: [UInt8] = []
            var i = 0
            while i < raw.count {
                // Pieces of `piece` bytes, sometimes a little more, so boundaries fall everywhere.
                let n = piece + Int.random(in: 0...piece / 2 + 1, using: &generator)
                let end = min(raw.count, i + n)
                let out = try decoder.feed(raw[i..<end])
                payload += out
                lines += splitter.feed(out)
                i = end
            }
            #expect(decoder.isComplete, "\(f): the zero-length chunk ends the stream")
            #expect(splitter.finish() == nil, "\(f): the stream ends on a newline")
            let samePayload = payload == expected
            #expect(samePayload, "\(f): de-chunked body equals the .jsonl")
            let expectedLines = expected.split(separator: 0x0A).map(Array.init)
            let sameLines = lines == expectedLines
            #expect(sameLines, "\(f): lines")
        }
    }

    @Test func chunkedDecoderRejectsGarbage() {
        var d = HTTPChunkedDecoder()
        #expect(throws: HTTPChunkedDecoder.FormatError.self) { try d.feed(Array("zz\r\nab\r\n".utf8)) }
        var d2 = HTTPChunkedDecoder()
        #expect(throws: HTTPChunkedDecoder.FormatError.self) { try d2.feed(Array("2\r\nabc\r\n".utf8)) }
    }

    @Test func lineSplitterJoinsPartialLines() {
        var s = WatchLineSplitter()
        #expect(s.feed(Array("{\"a\":".utf8)).isEmpty)
        #expect(s.pendingByteCount == 5)
        #expect(s.feed(Array("1}\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(s.feed(Array(":2}\r\n\n".utf8)) == [Array("{\"b\":2}".utf8)])
        #expect(s.finish() == nil)
    }

    @Test func lineSplitterOverRawBytesMatchesTheCollectionPathForAnyChunking() {
        let text = Array("{\"a\":1}\r\n\n{\"b\":[2,3]}\n{\"c\":\"x\\ny\"}\r\n{\"tail\":4}".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var bySlices = WatchLineSplitter(), byPointer = WatchLineSplitter()
            var fromSlices: [[UInt8]] = [], fromPointer: [[UInt8]] = []
            var start = 0
            while start < text.count {
                let end = min(text.count, start + Int.random(in: 1...9, using: &generator))
                fromSlices += bySlices.feed(text[start..<end])
                fromPointer += text[start..<end].withUnsafeBytes { byPointer.feed($0) }
                start = end
            }
            #expect(fromPointer == fromSlices)
            #expect(fromPointer.map { String(decoding: $0, as: UTF8.self) }
                    == ["{\"a\":1}", "{\"b\":[2,3]}", "{\"c\":\"x\\ny\"}"])
            #expect(byPointer.pendingByteCount == bySlices.pendingByteCount)
            #expect(byPointer.finish() == Array("{\"tail\":4}".utf8))
        }
    }

    @Test func watchLinesKeepTheObjectTextTheyCarried() throws {
        let line = Array(#"{"type":"MODIFIED","object":{"kind":"ConfigMap","data":{"k":"a\"b"}},"x":[1]}"#.utf8)
        let (event, text) = try WatchEvent<DynamicObject>.decodeKeepingJSON(line: line, kind: "ConfigMap",
                                                                            operation: "watch configmaps")
        #expect(event.type == .modified)
        #expect(String(decoding: text, as: UTF8.self) == #"{"kind":"ConfigMap","data":{"k":"a\"b"}}"#)
        #expect(try JSONValue.parse(text) == event.object.json)
        #expect(throws: KubeDecodingError.self) {
            _ = try WatchEvent<DynamicObject>.decode(line: Array("[1]".utf8), kind: "Pod", operation: "watch pods")
        }
        #expect(throws: KubeDecodingError.self) {
            _ = try WatchEvent<DynamicObject>.decode(line: Array(#"{"type":"ADDED","object":{}"#.utf8),
                                                     kind: "Pod", operation: "watch pods")
        }
    }

    @Test func malformedWatchLinesNameKindAndPath() {
        #expect(throws: KubeDecodingError.self) {
            _ = try WatchEvent<DynamicObject>.decode(line: Array("{\"type\":\"ADDED\"}".utf8), kind: "Pod",
                                                     operation: "watch pods")
        }
        do {
            _ = try WatchEvent<DynamicObject>.decode(line: Array("{\"type\":\"ADDED\",\"object\":[]}".utf8),
                                                     kind: "Pod", operation: "watch pods")
        } catch let e as KubeDecodingError {
            #expect(e.kind == "Pod")
            #expect(e.path == ".object")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func discoveryFixturesBuildARESTMapper() throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let core = APIResourceList(json: try JSONValue.parse(try ClientFixtures.bytes("005-api-v1.response.json")))
        let apps = APIResourceList(json: try JSONValue.parse(try ClientFixtures.bytes("007-apis-apps-v1.response.json")))
        let mapper = RESTMapper(resourceLists: [core, apps], preferred: ["v1", "apps/v1"])
        let deploy = mapper.mapping(forName: "deploy")
        #expect(deploy?.resource.resource == "deployments")
        #expect(deploy?.resource.group == "apps")
        #expect(deploy?.resource.scope == .namespaced)
        #expect(mapper.mapping(forName: "cm")?.groupVersionKind.kind == "ConfigMap")
        #expect(mapper.mapping(forName: "nodes")?.resource.scope == .cluster)
        #expect(mapper.mapping(forName: "deployments.apps")?.groupVersionKind.kind == "Deployment")
        #expect(mapper.mapping(forName: "deployments.v1.apps")?.groupVersionKind.kind == "Deployment")
        #expect(mapper.resource(for: GroupVersionKind(apiVersion: "v1", kind: "Pod"))?.resource == "pods")
        #expect(mapper.kind(for: GroupVersionResource(apiVersion: "apps/v1", resource: "replicasets",
                                                      scope: .namespaced))?.kind == "ReplicaSet")
        #expect(!mapper.mappings.contains { $0.resource.resource.contains("/") }, "subresources are skipped")
        let version = ServerVersion(json: try JSONValue.parse(try ClientFixtures.bytes("001-version.response.json")))
        #expect(version.gitVersion == "v1.32.13")
        let groups = APIGroupList(json: try JSONValue.parse(try ClientFixtures.bytes("006-apis.response.json")))
        #expect(groups.groups.contains { $0.name == "apps" && $0.preferredVersion == "apps/v1" })
    }
}
