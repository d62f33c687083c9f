#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one request presents: an Authorization header and/or a client certificate.
struct RequestCredentials: Sendable {
    var authorization: String?
    var certData: [UInt8]?
    var keyData: [UInt8]?
}

/// Hands each request its credentials: a static token, a token file re-read when it changes, basic auth, or an
/// exec plugin's cached credential (refreshed on expiry or after a 401).
final class CredentialSource: Sendable {
    private let token: String?
    private let tokenFile: String?
    private let basic: String?
    private let plugin: ExecCredentialPlugin?
    private let origin: String

    private struct FileToken {
        var mtime: Int64 = -1
        var size: Int64 = -1
        var token = ""
    }
    private let fileToken = ClientLock(FileToken())

    init(config: ClientConfig) {
        token = config.token
        tokenFile = config.tokenFile
        origin = config.origin
        if let user = config.username, let password = config.password {
            basic = "Basic " + Base64Codec.encode(Array("\(user):\(password)".utf8))
        } else {
            basic = nil
        }
        plugin = config.exec.map { ExecCredentialPlugin(config: $0, server: config.server, origin: config.origin) }
    }

    /// Whether a 401 may be cured by asking again (plugins and token files can hand out new tokens).
    var canRefresh: Bool { plugin != nil || tokenFile != nil }

    func credentials(forceRefresh: Bool) async throws -> RequestCredentials {
        var c = RequestCredentials()
        if let plugin {
            let cred = try await plugin.credential(forceRefresh: forceRefresh)
            if let t = cred.token { c.authorization = "Bearer \(t)" }
            c.certData = cred.clientCertificateData.map { Array($0.utf8) }
            c.keyData = cred.clientKeyData.map { Array($0.utf8) }
            if c.authorization != nil || c.certData != nil { return c }
        }
        if let token, !token.isEmpty {
            c.authorization = "Bearer \(token)"
        } else if let tokenFile {
            c.authorization = "Bearer \(try readTokenFile(tokenFile, force: forceRefresh))"
        } else if let basic {
            c.authorization = basic
        }
        return c
    }

    /// The token in `path`, read again only when its modification time or size changed.
    private func readTokenFile(_ path: String, force: Bool) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw TransportError(kind: .configuration, request: origin,
                                 message: "cannot read token file \(path): \(String(cString: strerror(errno)))")
        }
        #if canImport(Darwin)
        let mtime = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #else
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #endif
        let size = Int64(st.st_size)
        if !force, let cached = fileToken.withLock({ f in f.mtime == mtime && f.size == size ? f.token : nil }) {
            return cached
        }
        let bytes: [UInt8]
        do { bytes = try YAML.readFile(path) } catch {
            throw TransportError(kind: .configuration, request: origin, message: "cannot read token file \(path)")
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while let l = text.last, l == "\n" || l == "\r" || l == " " { text.removeLast() }
        fileToken.withLock { $0 = FileToken(mtime: mtime, size: size, token: text) }
        return text
    }
}

/// Standard base64 (RFC 4648 with padding), as kubeconfig `*-data` fields use.
enum Base64Codec {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var r = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { r[Int(c)] = UInt8(i) }
        r[Int(UInt8(ascii: "-"))] = 62  // URL-safe alphabet accepted on input
        r[Int(UInt8(ascii: "_"))] = 63
        return r
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)],
                    alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, ignoring whitespace; `nil` on any other invalid character.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            if c == 61 { break }  // '='
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { continue }
            let v = reverse[Int(c)]
            if v == 0xFF { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> UInt32(bits) & 0xFF))
            }
        }
        return out
    }
}
