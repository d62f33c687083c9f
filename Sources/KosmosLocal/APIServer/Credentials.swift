import Foundation

/// A failure while preparing the server's files: which file or command, and why.
public struct LocalAPIServerError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the file or command and the cause.
    public var message: String
    public var description: String { message }
}

/// The CA, serving certificate, bearer token and kubeconfig of a local API server, kept in its data directory
/// and reused across restarts.
enum Credentials {
    /// Creates `ca.crt`/`ca.key` and `server.crt`/`server.key` (SAN 127.0.0.1, ::1 and localhost) with the
    /// `openssl` command unless they already exist.
    static func ensureCertificates(in dir: String) throws {
        let fm = FileManager.default
        let files = ["ca.crt", "ca.key", "server.crt", "server.key"].map { "\(dir)/\($0)" }
        if files.allSatisfy({ fm.fileExists(atPath: $0) }) { return }
        let ext = "\(dir)/server.ext"
        try """
        basicConstraints=critical,CA:FALSE
        keyUsage=critical,digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
        """.write(toFile: ext, atomically: true, encoding: .utf8)
        defer {
            try? fm.removeItem(atPath: ext)
            try? fm.removeItem(atPath: "\(dir)/server.csr")
            try? fm.removeItem(atPath: "\(dir)/ca.srl")
        }
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt", "-days", "3650",
                     "-subj", "/CN=kosmos-local-ca",
                     "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr", "-subj", "/CN=kosmos-apiserver"])
        try openssl(["x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.crt", "-CAkey", "\(dir)/ca.key",
                     "-CAcreateserial", "-out", "\(dir)/server.crt", "-days", "3650", "-sha256", "-extfile", ext])
        for f in ["ca.key", "server.key"] {
            try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(dir)/\(f)")
        }
    }

    private static func openssl(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do {
            try p.run()
        } catch {
            throw LocalAPIServerError(message: "run openssl \(args.first ?? ""): \(error)")
        }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw LocalAPIServerError(message: "openssl \(args.prefix(2).joined(separator: " ")) failed: "
                + String(decoding: data, as: UTF8.self))
        }
    }

    /// Reads `token` from the data directory or writes a new random one (32 bytes, hex).
    static func ensureToken(in dir: String) throws -> String {
        let path = "\(dir)/token"
        if let t = try? String(contentsOfFile: path, encoding: .utf8) {
            let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return trimmed }
        }
        var rng = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        do {
            try token.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw LocalAPIServerError(message: "write token \(path): \(error)")
        }
        return token
    }

    /// Writes a kubeconfig with one cluster, user and context, verifying the server with the CA when given.
    static func writeKubeconfig(path: String, clusterName: String, server: String, token: String,
                                caPEM: String?) throws {
        var cluster = "    server: \(server)\n"
        if let caPEM {
            cluster += "    certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())\n"
        }
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(clusterName)
          cluster:
        \(cluster)contexts:
        - name: \(clusterName)
          context:
            cluster: \(clusterName)
            user: \(clusterName)-admin
            namespace: default
        current-context: \(clusterName)
        users:
        - name: \(clusterName)-admin
          user:
            token: \(token)
        preferences: {}

        """
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw LocalAPIServerError(message: "write kubeconfig \(path): \(error)")
        }
    }
}
