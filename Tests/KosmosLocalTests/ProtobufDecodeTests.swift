import KosmosAPI
import Testing
@testable import KosmosLocal

/// Builds protobuf bytes by hand, independently of the code under test.
enum ProtobufTestBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func key(_ number: Int, _ wireType: UInt8) -> [UInt8] { varint(UInt64(number) << 3 | UInt64(wireType)) }
    static func int(_ number: Int, _ value: Int64) -> [UInt8] { key(number, 0) + varint(UInt64(bitPattern: value)) }
    static func bytes(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        key(number, 2) + varint(UInt64(payload.count)) + payload
    }
    static func string(_ number: Int, _ text: String) -> [UInt8] { bytes(number, Array(text.utf8)) }
    static func fixed64(_ number: Int, _ value: UInt64) -> [UInt8] {
        key(number, 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
    static func fixed32(_ number: Int, _ value: UInt32) -> [UInt8] {
        key(number, 5) + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }
    static func mapEntry(_ number: Int, _ k: String, _ value: [UInt8]) -> [UInt8] {
        bytes(number, string(1, k) + value)
    }

    /// magic + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as kubectl writes it.
    static func envelope(_ apiVersion: String, _ kind: String, _ raw: [UInt8]) -> [UInt8] {
        [0x6b, 0x38, 0x73, 0x00] + bytes(1, string(1, apiVersion) + string(2, kind)) + bytes(2, raw)
            + string(3, "") + string(4, "")
    }
}

/// The key order of every object, recursively, for checking that decoding follows Go's field order.
func protobufKeyOrder(_ value: JSONValue, path: String = "") -> [String] {
    switch value {
    case .object(let object):
        var out = ["\(path): " + object.fieldNames.joined(separator: ",")]
        for (k, v) in object { out += protobufKeyOrder(v, path: path + "." + k) }
        return out
    case .array(let items):
        return items.enumerated().flatMap { protobufKeyOrder($0.element, path: path + "[\($0.offset)]") }
    default:
        return []
    }
}

@Suite("KubeProtobuf decoding")
struct ProtobufDecodeTests {
    typealias B = ProtobufTestBytes

    // MARK: - Recorded kubectl and kube-apiserver bodies

    @Test(arguments: protobufFixtureVectors)
    func decodesRecordedBodyToTheSameJSON(vector: ProtobufFixtureVector) throws {
        let decoded = try KubeProtobuf.decode(vector.bytes)
        let expected = try JSONValue.parse(vector.json)
        #expect(decoded == expected, "\(vector.name): got \(decoded.serializedString(.pretty))")
        if vector.goKeyOrder {
            #expect(protobufKeyOrder(decoded) == protobufKeyOrder(expected), "\(vector.name): key order")
        }
    }

    @Test func recordedVectorsAreAllPresent() {
        #expect(protobufFixtureVectors.count == 22)
    }

    // MARK: - Wire types

    @Test func decodesMultiByteVarint() throws {
        let spec = B.int(1, 300)
        let body = B.envelope("apps/v1", "Deployment", B.bytes(2, spec))
        let json = try KubeProtobuf.decode(body)
        #expect(json["spec"]?["replicas"] == .int(300))
        #expect(Array(B.varint(300)) == [0xac, 0x02])
    }

    @Test func decodesNegativeInt32AsTenByteVarint() throws {
        let spec = B.int(1, -1)  // int32 -1 is sign-extended to 64 bits on the wire
        #expect(spec.count == 11)
        let json = try KubeProtobuf.decode(B.envelope("apps/v1", "Deployment", B.bytes(2, spec)))
        #expect(json["spec"]?["replicas"] == .int(-1))
    }

    @Test func keepsSetZeroOfPointerScalarButDropsZeroOfPlainScalar() throws {
        // DeploymentSpec.replicas (*int32) = 0 stays; minReadySeconds (int32, omitempty) = 0 goes.
        let spec = B.int(1, 0) + B.int(5, 0) + B.int(7, 0)
        let json = try KubeProtobuf.decode(B.envelope("apps/v1", "Deployment", B.bytes(2, spec)))
        #expect(json["spec"] == .object(["replicas": .int(0)]))
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        let meta = B.string(1, "cm") + B.int(900, 7) + B.fixed64(901, 0x0102_0304_0506_0708)
            + B.fixed32(902, 0xdead_beef) + B.string(903, "ignored")
        let raw = B.bytes(1, meta) + B.fixed32(50, 1) + B.mapEntry(2, "a", B.string(2, "b")) + B.fixed64(51, 2)
        let json = try KubeProtobuf.decode(B.envelope("v1", "ConfigMap", raw))
        #expect(json == .object([
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": .object(["name": "cm"]),
            "data": .object(["a": "b"]),
        ]))
    }

    @Test func decodesLengthDelimitedStringsBytesMapsAndNestedMessages() throws {
        let raw = B.bytes(1, B.string(1, "s") + B.bytes(11, B.string(1, "app") + B.string(2, "x")))
            + B.mapEntry(2, "k", B.bytes(2, Array("v".utf8)))
            + B.mapEntry(2, "bin", B.bytes(2, [0x00, 0xff, 0x10]))
            + B.string(3, "Opaque")
        let json = try KubeProtobuf.decode(B.envelope("v1", "Secret", raw))
        #expect(json["metadata"] == .object(["name": "s", "labels": .object(["app": "x"])]))
        #expect(json["data"] == .object(["bin": "AP8Q", "k": "dg=="]))
        #expect(json["data"]?.objectValue?.fieldNames == ["bin", "k"])  // Go sorts map keys
        #expect(json["type"] == "Opaque")
    }

    @Test func decodesPackedAndUnpackedRepeatedIntegers() throws {
        // PodSecurityContext.supplementalGroups (repeated int64, field 4): one unpacked, then a packed run.
        let packed = B.varint(2) + B.varint(3000)
        let securityContext = B.int(4, 1) + B.bytes(4, packed)
        let podSpec = B.bytes(14, securityContext)
        let json = try KubeProtobuf.decode(B.envelope("v1", "Pod", B.bytes(2, podSpec)))
        #expect(json["spec"]?["securityContext"]?["supplementalGroups"] == .array([1, 2, 3000]))
    }

    @Test func decodesTimeMicroTimeAndZeroTime() throws {
        // 2026-01-01T00:00:00Z = 1767225600; MicroTime keeps microseconds, Time drops the fraction.
        let time = B.int(1, 1_767_225_600) + B.int(2, 123_456_789)
        let meta = B.string(1, "l") + B.bytes(8, time) + B.bytes(9, [])
        let spec = B.bytes(4, time) + B.bytes(3, B.int(1, 0))
        let json = try KubeProtobuf.decode(B.envelope("coordination.k8s.io/v1", "Lease", B.bytes(1, meta) + B.bytes(2, spec)))
        #expect(json["metadata"]?["creationTimestamp"] == "2026-01-01T00:00:00Z")
        #expect(json["metadata"]?["deletionTimestamp"] == .null)  // empty message: zero time
        #expect(json["spec"]?["renewTime"] == "2026-01-01T00:00:00.123456Z")
        #expect(json["spec"]?["acquireTime"] == "1970-01-01T00:00:00.000000Z")
        // JSON order follows the Go struct (acquireTime before renewTime), not the wire.
        #expect(json["spec"]?.objectValue?.fieldNames == ["acquireTime", "renewTime"])
    }

    @Test func formatsTimesLikeGo() {
        #expect(KubeTimeFormat.rfc3339(seconds: 0) == "1970-01-01T00:00:00Z")
        #expect(KubeTimeFormat.rfc3339(seconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(KubeTimeFormat.rfc3339(seconds: 1_795_710_449) == "2026-11-26T16:27:29Z")
        #expect(KubeTimeFormat.rfc3339(seconds: -1) == "1969-12-31T23:59:59Z")
        #expect(KubeTimeFormat.rfc3339Micro(seconds: 5, nanos: 999) == "1970-01-01T00:00:05.000000Z")
        #expect(KubeTimeFormat.unixSeconds(year: 2026, month: 11, day: 26, hour: 16, minute: 27, second: 29)
                == 1_795_710_449)
        #expect(KubeTimeFormat.goDuration(nanoseconds: 0) == "0s")
        #expect(KubeTimeFormat.goDuration(nanoseconds: 1_500_000) == "1.5ms")
        #expect(KubeTimeFormat.goDuration(nanoseconds: 3_723_500_000_000) == "1h2m3.5s")
        #expect(KubeTimeFormat.goDuration(nanoseconds: 60_000_000_000) == "1m0s")
        #expect(KubeTimeFormat.goDuration(nanoseconds: -2_000) == "-2µs")
    }

    @Test func decodesIntOrStringAsNumberOrString() throws {
        let intPort = B.int(3, 80) + B.bytes(4, B.int(1, 0) + B.int(2, 8080) + B.string(3, ""))
        let namedPort = B.int(3, 443) + B.bytes(4, B.int(1, 1) + B.int(2, 0) + B.string(3, "https"))
        let spec = B.bytes(1, intPort) + B.bytes(1, namedPort)
        let json = try KubeProtobuf.decode(B.envelope("v1", "Service", B.bytes(2, spec)))
        #expect(json["spec"]?["ports"] == .array([
            .object(["port": 80, "targetPort": 8080]),
            .object(["port": 443, "targetPort": "https"]),
        ]))
    }

    @Test func decodesQuantityMapAsStrings() throws {
        let hard = B.mapEntry(1, "memory", B.bytes(2, B.string(1, "1Gi")))
            + B.mapEntry(1, "cpu", B.bytes(2, B.string(1, "1500m")))
        let json = try KubeProtobuf.decode(B.envelope("v1", "ResourceQuota", B.bytes(2, hard)))
        #expect(json["spec"] == .object(["hard": .object(["cpu": "1500m", "memory": "1Gi"])]))
    }

    @Test func mergesEmbeddedStructsInline() throws {
        // Volume.volumeSource and ConfigMapVolumeSource.localObjectReference are Go embedded structs.
        let configMap = B.bytes(1, B.string(1, "settings")) + B.int(3, 420)
        let volume = B.string(1, "cfg") + B.bytes(2, B.bytes(19, configMap))
        let json = try KubeProtobuf.decode(B.envelope("v1", "Pod", B.bytes(2, B.bytes(1, volume))))
        #expect(json["spec"]?["volumes"] == .array([
            .object(["name": "cfg", "configMap": .object(["name": "settings", "defaultMode": 420])]),
        ]))
    }

    @Test func writesRequiredFieldsEvenWhenAbsent() throws {
        // SubjectAccessReviewStatus.allowed has no omitempty: absent on the wire, false in JSON.
        let json = try KubeProtobuf.decode(B.envelope(
            "authorization.k8s.io/v1", "SelfSubjectAccessReview", B.bytes(3, [])))
        #expect(json["status"] == .object(["allowed": false]))
    }

    @Test func decodesEmbeddedRawExtensionAndFieldsV1AsJSON() throws {
        // managedFields[0].fieldsV1 = FieldsV1{Raw: JSON text}
        let fields = B.bytes(7, B.bytes(1, Array(#"{"f:data":{}}"#.utf8)))
        let entry = B.string(1, "kubectl") + B.string(6, "FieldsV1") + fields
        let json = try KubeProtobuf.decode(B.envelope("v1", "ConfigMap", B.bytes(1, B.bytes(17, entry))))
        #expect(json["metadata"]?["managedFields"] == .array([
            .object(["manager": "kubectl", "fieldsType": "FieldsV1", "fieldsV1": .object(["f:data": .object([:])])]),
        ]))
    }

    @Test func fallsBackToMetaV1ForOptionKinds() throws {
        let body = B.envelope("v1", "DeleteOptions", B.int(1, 30) + B.string(4, "Foreground"))
        let json = try KubeProtobuf.decode(body)
        #expect(json == .object([
            "kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 30,
            "propagationPolicy": "Foreground",
        ]))
    }

    @Test func decodesRawExtensionHoldingJSONOrAnEmbeddedProtobufObject() throws {
        // ControllerRevision.data (field 2) is a RawExtension {raw = 1}.
        let inner = B.envelope("v1", "ConfigMap", B.bytes(1, B.string(1, "cm")))
        let embedded = B.envelope("apps/v1", "ControllerRevision", B.bytes(2, B.bytes(1, inner)) + B.int(3, 2))
        let json = try KubeProtobuf.decode(embedded)
        #expect(json["data"] == .object(["kind": "ConfigMap", "apiVersion": "v1", "metadata": .object(["name": "cm"])]))
        #expect(json["revision"] == 2)

        let withJSON = B.envelope("apps/v1", "ControllerRevision", B.bytes(2, B.string(1, #"{"spec":{"a":[1]}}"#)))
        #expect(try KubeProtobuf.decode(withJSON)["data"] == .object(["spec": .object(["a": .array([1])])]))
    }

    @Test func refusesObjectsEmbeddedTooDeep() throws {
        var body = B.envelope("v1", "ConfigMap", [])
        for _ in 0..<40 {
            body = B.envelope("apps/v1", "ControllerRevision", B.bytes(2, B.bytes(1, body)))
        }
        let error = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(body) }
        #expect(error?.description.contains("embedded more than") == true)
    }

    @Test func decodesEvictionWithPointerZeroGracePeriod() throws {
        // policy/v1 Eviction {metadata 1, deleteOptions 2}; DeleteOptions.gracePeriodSeconds is *int64 = 0.
        let raw = B.bytes(1, B.string(1, "web-0") + B.string(3, "default")) + B.bytes(2, B.int(1, 0))
        let json = try KubeProtobuf.decode(B.envelope("policy/v1", "Eviction", raw))
        #expect(json == .object([
            "kind": "Eviction", "apiVersion": "policy/v1",
            "metadata": .object(["name": "web-0", "namespace": "default"]),
            "deleteOptions": .object(["gracePeriodSeconds": 0]),
        ]))
    }

    // MARK: - Malformed input

    @Test func rejectsBodyWithoutMagic() {
        let error = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(Array("{}".utf8)) }
        #expect(error?.messageType == "envelope")
        #expect(error?.offset == 0)
    }

    @Test func reportsTruncatedLengthWithMessageFieldAndOffset() throws {
        // ConfigMap.metadata (field 1) claims 40 bytes but only 3 follow.
        let raw: [UInt8] = [0x0a, 40, 0x0a, 0x01, 0x61]
        var body = B.envelope("v1", "ConfigMap", raw)
        body.removeLast(4)  // drop contentEncoding/contentType so raw is last
        let error = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(body) }
        #expect(error?.messageType == "k8s.io.api.core.v1.ConfigMap")
        #expect(error?.fieldNumber == 1)
        let rawStart = body.count - raw.count
        #expect(error?.offset == rawStart + 1)
        #expect(error?.description.contains("k8s.io.api.core.v1.ConfigMap field 1 at byte \(rawStart + 1)") == true)
    }

    @Test func reportsWrongWireTypeAndTruncatedVarint() throws {
        // ObjectMeta.name (string) sent as a varint.
        let wrong = B.envelope("v1", "ConfigMap", B.bytes(1, B.int(1, 5)))
        let error = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(wrong) }
        #expect(error?.messageType == "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        #expect(error?.fieldNumber == 1)

        let truncated: [UInt8] = [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x02, 0x08, 0xff]
        let error2 = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(truncated) }
        #expect(error2?.reason.contains("truncated varint") == true)
        #expect(error2?.offset == 7)
    }

    @Test func rejectsUnknownKindAndInvalidWireType() throws {
        let unknown = B.envelope("apps/v1", "Widget", [])
        let error = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(unknown) }
        #expect(error?.reason.contains("Widget") == true)

        let badWire = B.envelope("v1", "ConfigMap", [0x0f])  // field 1, wire type 7
        let error2 = #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(badWire) }
        #expect(error2?.reason.contains("invalid wire type 7") == true)
    }

    @Test func rejectsFieldNumberZeroAndOverlongVarint() throws {
        let zero = B.envelope("v1", "ConfigMap", [0x02, 0x00])
        #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(zero) }
        let overlong = B.envelope("v1", "ConfigMap", B.key(1, 2) + [UInt8](repeating: 0xff, count: 10) + [0x01])
        #expect(throws: KubeProtobufError.self) { try KubeProtobuf.decode(overlong) }
    }
}
