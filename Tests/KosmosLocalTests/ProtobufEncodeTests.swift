import KosmosAPI
import Testing
@testable import KosmosLocal

@Suite("KubeProtobuf encoding")
struct ProtobufEncodeTests {
    @Test(arguments: protobufFixtureVectors)
    func encodingTheDecodedObjectDecodesToItAgain(vector: ProtobufFixtureVector) throws {
        let decoded = try KubeProtobuf.decode(vector.bytes)
        let encoded = try KubeProtobuf.encode(decoded)
        #expect(encoded.starts(with: KubeProtobuf.magic))
        let again = try KubeProtobuf.decode(encoded)
        #expect(again == decoded, "\(vector.name): \(again.serializedString(.pretty))")
        #expect(protobufKeyOrder(again) == protobufKeyOrder(decoded))
    }

    @Test func encodesScalarsMapsAndSpecialTypesOnTheWire() throws {
        let object: JSONValue = .object([
            "kind": "Service", "apiVersion": "v1",
            "metadata": .object(["name": "svc", "creationTimestamp": .null, "labels": .object(["b": "2", "a": "1"])]),
            "spec": .object(["ports": .array([.object(["port": 80, "targetPort": "http"])])]),
        ])
        let bytes = try KubeProtobuf.encode(object)
        typealias B = ProtobufTestBytes
        let meta = B.string(1, "svc") + B.bytes(8, []) + B.mapEntry(11, "a", B.string(2, "1"))
            + B.mapEntry(11, "b", B.string(2, "2"))
        let port = B.int(3, 80) + B.bytes(4, B.int(1, 1) + B.int(2, 0) + B.string(3, "http"))
        let raw = B.bytes(1, meta) + B.bytes(2, B.bytes(1, port))
        #expect(bytes == B.envelope("v1", "Service", raw))
    }

    @Test func encodesTimesDurationsAndBytes() throws {
        let lease: JSONValue = .object([
            "kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
            "metadata": .object(["name": "l", "creationTimestamp": "2026-01-01T01:00:00+01:00"]),
            "spec": .object(["renewTime": "2026-01-01T00:00:00.123456Z", "leaseDurationSeconds": 15]),
        ])
        let decoded = try KubeProtobuf.decode(try KubeProtobuf.encode(lease))
        #expect(decoded["metadata"]?["creationTimestamp"] == "2026-01-01T00:00:00Z")
        #expect(decoded["spec"]?["renewTime"] == "2026-01-01T00:00:00.123456Z")
        #expect(decoded["spec"]?["leaseDurationSeconds"] == 15)

        let secret: JSONValue = .object([
            "kind": "Secret", "apiVersion": "v1", "data": .object(["k": "AP8Q"]), "type": "Opaque",
        ])
        let raw = try KubeProtobuf.encode(secret)
        #expect(raw.starts(with: KubeProtobuf.magic))
        #expect(try KubeProtobuf.decode(raw) == secret)
    }

    @Test func parsesRFC3339AndGoDurations() {
        #expect(KubeTimeFormat.parseRFC3339("2026-11-26T16:27:29Z")! == (1_795_710_449, 0))
        #expect(KubeTimeFormat.parseRFC3339("2026-11-26T17:27:29.5+01:00")! == (1_795_710_449, 500_000_000))
        #expect(KubeTimeFormat.parseRFC3339("1970-01-01T00:00:00.1234567891Z")! == (0, 123_456_789))
        #expect(KubeTimeFormat.parseRFC3339("2026-13-01T00:00:00Z") == nil)
        #expect(KubeTimeFormat.parseRFC3339("2026-01-01 00:00:00Z") == nil)
        #expect(KubeTimeFormat.parseRFC3339("2026-01-01T00:00:00") == nil)
        #expect(KubeTimeFormat.parseGoDuration("1h2m3.5s") == 3_723_500_000_000)
        #expect(KubeTimeFormat.parseGoDuration("-1.5ms") == -1_500_000)
        #expect(KubeTimeFormat.parseGoDuration("0") == 0)
        #expect(KubeTimeFormat.parseGoDuration("5") == nil)
        #expect(KubeTimeFormat.parseGoDuration("1d") == nil)
        for nanos: Int64 in [0, 1, 999, 1_500_000, 3_723_500_000_000, -60_000_000_000] {
            #expect(KubeTimeFormat.parseGoDuration(KubeTimeFormat.goDuration(nanoseconds: nanos)) == nanos)
        }
    }

    @Test func base64RoundTrips() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 250) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("v".utf8)) == "dg==")
        #expect(Base64.decode("dg=") == nil)
        #expect(Base64.decode("d=g=") == nil)
        #expect(Base64.decode("d*==") == nil)
    }

    @Test func rejectsValuesWithoutAProtobufForm() {
        let unknownField: JSONValue = .object(["kind": "ConfigMap", "apiVersion": "v1", "color": "blue"])
        let error = #expect(throws: KubeProtobufEncodingError.self) { try KubeProtobuf.encode(unknownField) }
        #expect(error?.path == "color")
        #expect(error?.messageType == "k8s.io.api.core.v1.ConfigMap")

        let wrongType: JSONValue = .object([
            "kind": "Deployment", "apiVersion": "apps/v1", "spec": .object(["replicas": "three"]),
        ])
        let error2 = #expect(throws: KubeProtobufEncodingError.self) { try KubeProtobuf.encode(wrongType) }
        #expect(error2?.path == "spec.replicas")

        let badBase64: JSONValue = .object(["kind": "Secret", "apiVersion": "v1", "data": .object(["k": "%%"])])
        let error3 = #expect(throws: KubeProtobufEncodingError.self) { try KubeProtobuf.encode(badBase64) }
        #expect(error3?.path == "data.k")

        let unknownKind: JSONValue = .object(["kind": "Widget", "apiVersion": "example.com/v1"])
        #expect(throws: KubeProtobufEncodingError.self) { try KubeProtobuf.encode(unknownKind) }
        let tooBig: JSONValue = .object([
            "kind": "Deployment", "apiVersion": "apps/v1", "spec": .object(["replicas": 3_000_000_000]),
        ])
        #expect(throws: KubeProtobufEncodingError.self) { try KubeProtobuf.encode(tooBig) }
    }
}
