import Foundation
import Testing
@testable import KosmosAPI

@Suite struct JSONValueTests {
    @Test func parsesAndWritesBackInOrder() throws {
        let text = #"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","labels":{"z":"1","a":"2"}},"n":[1,-2,3.5,1e-07,true,null]}"#
        let v = try JSONValue.parse(text)
        #expect(v.serializedString() == text)
        #expect(v["metadata"]?["name"] == "a")
    }

    @Test func escapesLikeGo() throws {
        let v = JSONValue.string("a<b>&\"\\\n\u{1}\u{2028}é")
        #expect(v.serializedString() == #""a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#)
        #expect(try JSONValue.parse(v.serializedString()) == v)
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func equalityIgnoresKeyOrderAndNumberForm() throws {
        #expect(try JSONValue.parse(#"{"a":1,"b":2}"#) == JSONValue.parse(#"{"b":2.0,"a":1}"#))
        #expect(try JSONValue.parse(#"{"a":1}"#) != JSONValue.parse(#"{"a":1,"b":null}"#))
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": tru\n}")
            Issue.record("parse should fail")
        } catch let e as JSONParseError {
            #expect(e.line == 2)
            #expect(e.column == 8)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func formatsDoublesLikeGo() {
        #expect(JSONValue.double(0.5).serializedString() == "0.5")
        #expect(JSONValue.double(1e21).serializedString() == "1e+21")
        #expect(JSONValue.double(1e-7).serializedString() == "1e-07")
        #expect(JSONValue.double(123456789.0).serializedString() == "123456789")
        #expect(JSONValue.double(0.000001).serializedString() == "0.000001")
    }

    @Test func largeObjectsKeepLookupsAndOrder() throws {
        var o = JSONObject()
        for i in 0..<100 { o["k\(i)"] = .int(Int64(i)) }
        o["k5"] = nil
        #expect(o["k99"] == .int(99))
        #expect(o["k5"] == nil)
        #expect(o.fieldNames.first == "k0")
        #expect(o.count == 99)
    }

    @Test func prettyPrintsWithTwoSpaces() throws {
        let v = try JSONValue.parse(#"{"a":[1,{"b":{}}]}"#)
        #expect(v.serializedString(.pretty) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": {}\n    }\n  ]\n}")
    }

    @Test func duplicateKeysLastWinsInFirstPlace() throws {
        let small = try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(small.serializedString() == #"{"a":3,"b":2}"#)
        // An escaped key equals its plain spelling.
        let escaped = try JSONValue.parse(#"{"abc":1,"x":0,"a\u0062c":2}"#)
        #expect(escaped.serializedString() == #"{"abc":2,"x":0}"#)
        // Past the linear-scan size the parser looks keys up by hash.
        let fields = (0..<40).map { "\"key-\($0)\":\($0)" }.joined(separator: ",")
        let large = try JSONValue.parse("{" + fields + #","key-3":"x","key-39":"y","new":true}"#)
        let o = try #require(large.objectValue)
        #expect(o.count == 41)
        #expect(o["key-3"] == "x")
        #expect(o["key-39"] == "y")
        #expect(o.fieldNames[3] == "key-3")
        #expect(o.fieldNames.last == "new")
    }

    @Test func repeatedLongStringsParseToEqualValues() throws {
        // Long keys and values repeat across list items; each item must read back exactly.
        let item = #"{"terminationMessagePath":"/dev/termination-log","lastTransitionTime":"2026-11-26T10:00:01Z","n":IDX}"#
        let items = (0..<300).map { item.replacingOccurrences(of: "IDX", with: "\($0)") }
        let text = "[" + items.joined(separator: ",") + "]"
        let v = try JSONValue.parse(text)
        #expect(v.serializedString() == text)
        let a = try #require(v.arrayValue)
        #expect(a.count == 300)
        #expect(a[0]["terminationMessagePath"] == a[299]["terminationMessagePath"])
        #expect(a[17]["n"] == 17)
        // Strings that share a prefix, suffix and length but differ inside stay distinct.
        let similar = try JSONValue.parse(#"["aaaaaaaaaaaaaaaa-1-zzzzzzzzzzzzzzz","aaaaaaaaaaaaaaaa-2-zzzzzzzzzzzzzzz"]"#)
        #expect(similar.serializedString() == #"["aaaaaaaaaaaaaaaa-1-zzzzzzzzzzzzzzz","aaaaaaaaaaaaaaaa-2-zzzzzzzzzzzzzzz"]"#)
    }

    @Test func errorsInsideNestedContainersKeepLineAndColumn() {
        do {
            _ = try JSONValue.parse("{\"a\":[{\"b\":1},\n{\"c\":[1,2,}]}")
            Issue.record("parse should fail")
        } catch let e as JSONParseError {
            #expect(e.line == 2)
            #expect(e.column == 11)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
