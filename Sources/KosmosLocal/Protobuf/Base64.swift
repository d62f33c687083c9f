/// Standard base64 with padding (RFC 4648 section 4), the encoding Go's `encoding/json` uses for `[]byte`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    static func encode<Bytes: Collection>(_ input: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var iterator = input.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            out.append(b1.map { alphabet[Int(($0 & 0x0f) << 2 | (b2 ?? 0) >> 6)] } ?? UInt8(ascii: "="))
            out.append(b2.map { alphabet[Int($0 & 0x3f)] } ?? UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded standard base64, as Go's `encoding/json` accepts it for `[]byte`; nil when malformed.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8).filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        guard input.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let chunk = input[i..<(i + 4)]
            let last = i + 4 == input.count
            var values = [UInt8]()
            var padding = 0
            for c in chunk {
                if c == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                guard padding == 0 else { return nil }  // data after padding
                let v = reverse[Int(c)]
                guard v != 0xff else { return nil }
                values.append(v)
            }
            guard padding <= 2, padding == 0 || last else { return nil }
            out.append(values[0] << 2 | values[1] >> 4)
            if values.count > 2 { out.append(values[1] << 4 | values[2] >> 2) }
            if values.count > 3 { out.append(values[2] << 6 | values[3]) }
            i += 4
        }
        return out
    }
}
