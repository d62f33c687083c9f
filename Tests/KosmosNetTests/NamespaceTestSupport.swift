import Testing
@testable import KosmosNet
#if canImport(Glibc)
import Glibc
#endif

/// Shared fixtures for tests that need root and throw-away network namespaces.
enum NamespaceFixture {
    /// True when running as root; otherwise prints why the calling test is skipped.
    static func requireRoot(_ test: String = #function) -> Bool {
        if geteuid() == 0 { return true }
        print("SKIPPED \(test): needs root to create network namespaces")
        return false
    }

    /// True when `tool` is on PATH; otherwise prints why the calling test is skipped.
    static func requireTool(_ tool: String, _ test: String = #function) -> Bool {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"]
        where access("\(directory)/\(tool)", X_OK) == 0 {
            return true
        }
        print("SKIPPED \(test): \(tool) is not installed")
        return false
    }

    /// A unique prefix per test run so parallel tests never share names.
    static func uniquePrefix() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "kt-" + String((0..<6).map { _ in letters.randomElement()! }) + "-"
    }

    /// Creates `count` fresh namespaces, runs `body`, and deletes them afterwards, also when `body` throws.
    static func withNamespaces<T>(_ count: Int, _ body: ([NetworkNamespace]) throws -> T) throws -> T {
        let prefix = uniquePrefix()
        var made: [NetworkNamespace] = []
        defer {
            for namespace in made { try? namespace.delete() }
        }
        for index in 0..<count {
            made.append(try NetworkNamespace.create(named: "\(prefix)\(index)"))
        }
        return try body(made)
    }

    /// Async variant of ``withNamespaces(_:_:)``.
    static func withNamespaces<T>(_ count: Int, _ body: ([NetworkNamespace]) async throws -> T) async throws -> T {
        let prefix = uniquePrefix()
        var made: [NetworkNamespace] = []
        defer {
            for namespace in made { try? namespace.delete() }
        }
        for index in 0..<count {
            made.append(try NetworkNamespace.create(named: "\(prefix)\(index)"))
        }
        return try await body(made)
    }
}

/// The probes live in the library now (`ConnectivityProbe`); tests keep their short name.
typealias Probe = ConnectivityProbe
