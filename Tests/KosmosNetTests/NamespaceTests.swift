import Testing
@testable import KosmosNet
#if canImport(Glibc)
import Glibc
#endif

@Suite("Network namespaces")
struct NamespaceTests {
    @Test func createsListsAndDeletesNamedNamespace() throws {
        guard NamespaceFixture.requireRoot() else { return }
        let name = NamespaceFixture.uniquePrefix() + "solo"
        let namespace = try NetworkNamespace.create(named: name)
        var deleted = false
        defer { if !deleted { try? namespace.delete() } }
        #expect(namespace.name == name)
        #expect(NetworkNamespace.list().contains(name))
        try namespace.delete()
        deleted = true
        #expect(!NetworkNamespace.list().contains(name))
    }

    @Test func creatingATakenNameFailsWithEEXIST() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(1) { namespaces in
            let error = #expect(throws: NetlinkError.self) {
                _ = try NetworkNamespace.create(named: namespaces[0].name!)
            }
            #expect(error?.errno == .eexist)
        }
    }

    @Test func deletingAMissingNamespaceFailsWithENOENT() throws {
        guard NamespaceFixture.requireRoot() else { return }
        let error = #expect(throws: NetlinkError.self) {
            try NetworkNamespace.delete(named: NamespaceFixture.uniquePrefix() + "missing")
        }
        #expect(error?.errno == .enoent)
    }

    @Test func newNamespaceHoldsOnlyLoopbackAndCallerStaysOutside() throws {
        guard NamespaceFixture.requireRoot() else { return }
        let before = try String(contentsOfLink: "/proc/thread-self/ns/net")
        try NamespaceFixture.withNamespaces(1) { namespaces in
            let handle = try NetlinkHandle(namespace: namespaces[0])
            let links = try handle.links()
            #expect(links.map(\.name) == ["lo"])
            let inside = try namespaces[0].run { try String(contentsOfLink: "/proc/thread-self/ns/net") }
            #expect(inside != before)
        }
        #expect(try String(contentsOfLink: "/proc/thread-self/ns/net") == before)
    }

    @Test func asyncRunExecutesInsideTheNamespace() async throws {
        guard NamespaceFixture.requireRoot() else { return }
        try await NamespaceFixture.withNamespaces(1) { namespaces in
            let namespace = namespaces[0]
            let expected = try Self.identity(of: namespace)
            let seen = try await namespace.run { try String(contentsOfLink: "/proc/thread-self/ns/net") }
            #expect(seen == expected)
        }
    }

    static func identity(of namespace: NetworkNamespace) throws -> String {
        try namespace.run { try String(contentsOfLink: "/proc/thread-self/ns/net") }
    }

    @Test func handlesOpenByPathAndDescriptor() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(1) { namespaces in
            let byName = try NetlinkHandle(namespace: .named(namespaces[0].name!))
            try byName.addLink(.bridge("d-name"))
            let byPath = try NetlinkHandle(namespace: NetworkNamespace(path: namespaces[0].path!))
            #expect(try byPath.link(named: "d-name").kind == .bridge)
            let fd = open(namespaces[0].path!, O_RDONLY | O_CLOEXEC)
            defer { close(fd) }
            let byDescriptor = try NetlinkHandle(namespace: NetworkNamespace(descriptor: fd))
            #expect(try byDescriptor.link(named: "d-name").kind == .bridge)
        }
    }
}

extension String {
    /// readlink(2), for comparing namespace identities like `net:[4026531840]`.
    init(contentsOfLink path: String) throws {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else {
            throw NetlinkError(code: .namespace, operation: "readlink", object: path, errno: Errno(rawValue: errno))
        }
        self = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
