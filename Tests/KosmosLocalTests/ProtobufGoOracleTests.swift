import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// Builds a protobuf object with every field of its schema on the wire (recursively, one element per list and
/// map), either all zero values or all non-zero values, to compare our JSON with Go's for the same bytes.
struct ProtobufFullObjectBuilder {
    enum Fill: String, Sendable, CaseIterable {
        /// "", 0, false, empty bytes: shows which zeros Go keeps (no omitempty, pointers) and which it drops.
        case zero
        /// "x", 1, true: shows every field's JSON name and placement.
        case nonZero
        /// Only the nested messages, no scalars, lists of scalars or maps: shows what Go writes for fields that
        /// are absent from the wire (zeros of non-pointer fields without omitempty, null lists and maps).
        case messagesOnly
        /// Only the non-repeated nested messages: shows what Go writes for absent lists of messages.
        case singularMessagesOnly
    }

    let schema = KubeProtobufSchema.kubernetes
    let fill: Fill
    /// Nesting limit; the PodSpec tree is about 10 deep.
    let maxDepth = 16

    func body(apiVersion: String, kind: String) throws -> [UInt8] {
        let message = try #require(schema.message(apiVersion: apiVersion, kind: kind))
        typealias B = ProtobufTestBytes
        let raw = self.message(message.name, path: [], depth: 0)
        return B.envelope(apiVersion, kind, raw)
    }

    private func message(_ name: String, path: Set<String>, depth: Int) -> [UInt8] {
        typealias B = ProtobufTestBytes
        let nonZero = fill == .nonZero
        if let special = KubeProtobufSpecialType(rawValue: name) {
            switch special {
            case .time: return B.int(1, 1_767_225_600) + B.int(2, 0)
            case .microTime: return B.int(1, 1_767_225_600) + B.int(2, 123_456_000)
            case .duration: return B.int(1, nonZero ? 90_000_000_000 : 0)
            case .fieldsV1, .rawExtension: return B.string(1, #"{"a":1}"#)
            case .intOrString: return B.int(1, nonZero ? 1 : 0) + B.int(2, nonZero ? 0 : 7) + B.string(3, nonZero ? "x" : "")
            case .quantity, .quantityValue: return B.string(1, nonZero ? "1500m" : "0")
            case .verbs, .authenticationExtraValue, .authorizationExtraValue: return B.string(1, "x")
            }
        }
        guard let descriptor = schema.messages[name] else { return [] }
        var out: [UInt8] = []
        for field in descriptor.fields.sorted(by: { $0.number < $1.number }) {
            switch field.type {
            case .map(let valueType):
                if fill == .messagesOnly || fill == .singularMessagesOnly { continue }
                if let value = self.value(field.number, valueType, number: 2, path: path, depth: depth) {
                    out += B.bytes(field.number, B.string(1, "k") + value)
                }
            default:
                if fill == .singularMessagesOnly && field.repeated { continue }
                if let value = self.value(field.number, field.type, number: field.number, path: path, depth: depth) {
                    out += value
                }
            }
        }
        return out
    }

    /// One field (key included), or nil when a message would recurse.
    private func value(
        _ fieldNumber: Int, _ type: KubeProtobufSchema.FieldType, number: Int, path: Set<String>, depth: Int
    ) -> [UInt8]? {
        typealias B = ProtobufTestBytes
        let nonZero = fill == .nonZero
        if fill == .messagesOnly || fill == .singularMessagesOnly {
            guard case .message = type else { return nil }
        }
        switch type {
        case .string: return B.string(number, nonZero ? "x" : "")
        case .bytes: return B.bytes(number, nonZero ? [0x01] : [])
        case .bool: return B.int(number, nonZero ? 1 : 0)
        case .int32, .int64: return B.int(number, nonZero ? 1 : 0)
        case .message(let name):
            guard !path.contains(name), depth < maxDepth else { return nil }
            return B.bytes(number, message(name, path: path.union([name]), depth: depth + 1))
        case .map:
            return nil
        }
    }
}

/// A kubectl command whose answer kubectl decodes into a Go type and prints with `-o json`.
struct ProtobufOracleCase: Sendable, CustomStringConvertible {
    let apiVersion: String
    let kind: String
    let arguments: [String]
    let fill: ProtobufFullObjectBuilder.Fill
    var description: String { "\(kind) (\(fill.rawValue))" }

    static let commands: [(String, String, [String])] = [
        ("apps/v1", "Deployment", ["create", "deployment", "d", "--image=nginx"]),
        ("batch/v1", "Job", ["create", "job", "j", "--image=busybox"]),
        ("batch/v1", "CronJob", ["create", "cronjob", "c", "--image=busybox", "--schedule=*/5 * * * *"]),
        ("v1", "Service", ["create", "service", "clusterip", "s", "--tcp=80:8080"]),
        ("v1", "ConfigMap", ["create", "configmap", "c", "--from-literal=a=b"]),
        ("v1", "Secret", ["create", "secret", "generic", "s", "--from-literal=k=v"]),
        ("v1", "Namespace", ["create", "namespace", "n"]),
        ("v1", "ServiceAccount", ["create", "serviceaccount", "sa"]),
        ("v1", "ResourceQuota", ["create", "quota", "q", "--hard=pods=1"]),
        ("policy/v1", "PodDisruptionBudget", ["create", "poddisruptionbudget", "p", "--selector=a=b", "--min-available=1"]),
        ("rbac.authorization.k8s.io/v1", "Role", ["create", "role", "r", "--verb=get", "--resource=pods"]),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", ["create", "clusterrole", "r", "--verb=get", "--resource=pods"]),
        ("rbac.authorization.k8s.io/v1", "RoleBinding", ["create", "rolebinding", "rb", "--clusterrole=view", "--user=u"]),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", ["create", "clusterrolebinding", "crb", "--clusterrole=view", "--user=u"]),
    ]

    static let all: [ProtobufOracleCase] = commands.flatMap { command in
        ProtobufFullObjectBuilder.Fill.allCases.map {
            ProtobufOracleCase(apiVersion: command.0, kind: command.1, arguments: command.2, fill: $0)
        }
    }
}

/// Go's own JSON for our bytes: the capture server answers a create with a protobuf object that has every field
/// of the schema on the wire, kubectl decodes it into its compiled-in Go type and prints it with `-o json`, and
/// that output must equal our decode of the same bytes. This checks field names, inline embedding, omitempty and
/// pointer flags, and the special types against the real Go structs, for the whole tree of each kind.
@Suite("KubeProtobuf decoding equals Go's JSON")
struct ProtobufGoOracleTests {
    @Test(arguments: ProtobufOracleCase.all)
    func decodeOfFullObjectEqualsKubectlOutput(_ oracle: ProtobufOracleCase) throws {
        guard let executable = ProtobufKubectlRunner.find() else {
            print("SKIPPED ProtobufGoOracleTests: kubectl not found in PATH")
            return
        }
        let body = try ProtobufFullObjectBuilder(fill: oracle.fill).body(apiVersion: oracle.apiVersion, kind: oracle.kind)
        let server = try ProtobufCaptureServer(cannedAnswer: body)
        let kubectl = try ProtobufKubectlRunner(executable: executable, port: server.port)
        defer {
            server.stop()
            kubectl.remove()
        }
        let result = try kubectl.run(oracle.arguments + ["-n", "default", "-o", "json", "--show-managed-fields"])
        try #require(result.status == 0, "kubectl \(oracle.arguments): \(result.stderr)")
        let goJSON = try JSONValue.parse(result.stdout)
        let ours = try KubeProtobuf.decode(body)
        let differences = protobufJSONDifferences(ours, goJSON)
        #expect(differences.isEmpty, "\(oracle): ours vs Go:\n\(differences.joined(separator: "\n"))")
    }
}

/// Paths where two JSON values differ, one line each (`spec.x: ours 0, Go <absent>`).
func protobufJSONDifferences(_ ours: JSONValue, _ go: JSONValue, path: String = "") -> [String] {
    switch (ours, go) {
    case (.object(let a), .object(let b)):
        var out: [String] = []
        for (key, value) in a {
            let sub = path.isEmpty ? key : "\(path).\(key)"
            if let other = b[key] {
                out += protobufJSONDifferences(value, other, path: sub)
            } else {
                out.append("\(sub): ours \(value.serializedString().prefix(80)), Go <absent>")
            }
        }
        for (key, value) in b where !a.contains(key) {
            let sub = path.isEmpty ? key : "\(path).\(key)"
            out.append("\(sub): ours <absent>, Go \(value.serializedString().prefix(80))")
        }
        if out.isEmpty && a.fieldNames != b.fieldNames {
            out.append("\(path): key order ours \(a.fieldNames), Go \(b.fieldNames)")
        }
        return out
    case (.array(let a), .array(let b)) where a.count == b.count:
        return zip(a, b).enumerated().flatMap { protobufJSONDifferences($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
    default:
        return ours == go ? [] : ["\(path): ours \(ours.serializedString().prefix(80)), Go \(go.serializedString().prefix(80))"]
    }
}
