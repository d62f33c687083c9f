import Foundation
import Testing
@testable import KosmosAPI

@Suite struct YAMLTests {
    static let fixtures = "/work/shared/fixtures/kube-apiserver-1.32"

    @Test func readsScalarsAsKubectlDoes() throws {
        let v = try YAML.parse("""
            a: true
            b: yes
            c: off
            d: null
            e: ~
            f:
            g: 42
            h: -7
            i: 3.25
            j: 1e3
            k: "42"
            l: 'true'
            m: 0x1F
            oct: 0755
            o: 2026-11-26T15:19:13Z
            p: hello world
            q: 1_000
            r: +5
            s: .5
            """)
        #expect(v["a"] == .bool(true))
        #expect(v["b"] == .bool(true))
        #expect(v["c"] == .bool(false))
        #expect(v["d"] == .null)
        #expect(v["e"] == .null)
        #expect(v["f"] == .null)
        #expect(v["g"] == .int(42))
        #expect(v["h"] == .int(-7))
        #expect(v["i"] == .double(3.25))
        #expect(v["j"] == .double(1000))
        #expect(v["k"] == .string("42"))
        #expect(v["l"] == .string("true"))
        #expect(v["m"] == .int(31))
        #expect(v["oct"] == .int(493))
        #expect(v["o"] == .string("2026-11-26T15:19:13Z"))
        #expect(v["p"] == .string("hello world"))
        #expect(v["q"] == .int(1000))
        #expect(v["r"] == .int(5))
        #expect(v["s"] == .double(0.5))
        if case .int = v["g"]! {} else { Issue.record("42 must be an integer, got \(v["g"]!)") }
    }

    @Test func explicitStringTagKeepsText() throws {
        let v = try YAML.parse("a: !!str 123\nb: !!str true\n")
        #expect(v["a"] == "123")
        #expect(v["b"] == "true")
    }

    @Test func readsMultipleDocumentsSkippingEmptyOnes() throws {
        let docs = try YAML.parseAll("""
            ---
            kind: A
            ---
            ---
            # only a comment
            ---
            kind: B
            items: [1, two, {x: z}]
            ...
            """)
        #expect(docs.count == 2)
        #expect(docs[0]["kind"] == "A")
        #expect(docs[1]["items"] == [1, "two", ["x": "z"]])
    }

    @Test func keepsKeyOrder() throws {
        let v = try YAML.parse("z: 1\na: 2\nm: 3\n")
        #expect(v.objectValue?.fieldNames == ["z", "a", "m"])
    }

    @Test func resolvesAnchorsAliasesAndMergeKeys() throws {
        let v = try YAML.parse("""
            base: &base
              image: nginx
              port: 80
            list: &l [a, b]
            web:
              <<: *base
              port: 8080
            copy: *l
            """)
        #expect(v["web"] == ["port": 8080, "image": "nginx"])
        #expect(v["copy"] == ["a", "b"])
        #expect(v["base"]?["port"] == 80)
    }

    @Test func readsBlockScalarsAndFlowStyles() throws {
        let v = try YAML.parse("""
            literal: |
              line one
              line two
            folded: >
              folded
              text
            flow: {a: 1, b: [x, "y"]}
            """)
        #expect(v["literal"] == "line one\nline two\n")
        #expect(v["folded"] == "folded text\n")
        #expect(v["flow"] == ["a": 1, "b": ["x", "y"]])
    }

    @Test func readsJSONAsJSON() throws {
        let docs = try YAML.parseAll(#"{"a": 1.5, "b": "x\u0041"}"#)
        #expect(docs == [["a": 1.5, "b": "xA"]])
    }

    @Test func yesNoWordsAreBooleansEvenAsKeys() throws {
        // go-yaml v2 (and so kubectl) reads `y`/`n` as booleans, keys included.
        let v = try YAML.parse("y: 1\nn: 2\nname: n\n")
        #expect(v == ["true": 1, "false": 2, "name": false])
        #expect(YAML.serialize(["y": "n"]) == "\"y\": \"n\"\n")
    }

    @Test func nonStringKeysBecomeStrings() throws {
        let v = try YAML.parse("1: one\ntrue: yes\n")
        #expect(v["1"] == "one")
        #expect(v["true"] == true)
    }

    @Test func badYAMLNamesFileLineAndColumn() {
        do {
            _ = try YAML.parseAll("a: 1\nb: [1, 2\nc: 3\n", file: "bad.yaml")
            Issue.record("expected an error")
        } catch let e as YAMLError {
            #expect(e.file == "bad.yaml")
            #expect(e.line >= 2)
            #expect(e.column > 0)
            #expect(e.description.contains("bad.yaml:\(e.line):\(e.column)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        do {
            _ = try YAML.parseAll("a: 1\n  b: 2\n", file: "indent.yaml")
            Issue.record("expected an error")
        } catch let e as YAMLError {
            #expect(e.line == 2)
            #expect(e.column == 4)
            #expect(e.description.contains("indent.yaml:2:4"), "\(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unknownAliasIsAnError() {
        #expect(throws: YAMLError.self) { try YAML.parse("a: *nope\n") }
    }

    @Test func missingFileIsAClearError() {
        do {
            _ = try YAML.parseFile("/nonexistent/dir/x.yaml")
            Issue.record("expected an error")
        } catch let e as YAMLError {
            #expect(e.file == "/nonexistent/dir/x.yaml")
            #expect(e.description.contains("No such file"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func writesLikeKubectl() throws {
        let v: JSONValue = [
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": ["name": "x", "resourceVersion": "123", "creationTimestamp": "2026-11-26T15:19:13Z",
                         "labels": ["app": "web"], "finalizers": ["a/b"]],
            "data": ["script": "echo hi\necho there\n", "empty": "", "flag": "true", "colon": "a: b",
                     "port": "8080:80", "sexagesimal": "1:20"],
            "spec": ["replicas": 3, "ratio": 0.5, "big": 1000000.0, "none": nil, "on": true,
                     "obj": [:], "arr": []],
        ]
        let text = YAML.serialize(v)
        #expect(text == """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: x
              resourceVersion: "123"
              creationTimestamp: "2026-11-26T15:19:13Z"
              labels:
                app: web
              finalizers:
              - a/b
            data:
              script: |
                echo hi
                echo there
              empty: ""
              flag: "true"
              colon: 'a: b'
              port: 8080:80
              sexagesimal: "1:20"
            spec:
              replicas: 3
              ratio: 0.5
              big: 1e+06
              none: null
              "on": true
              obj: {}
              arr: []

            """)
        #expect(try YAML.parse(text) == v)
    }

    @Test func writesServerYAMLFixtureByteForByte() throws {
        let path = "\(Self.fixtures)/321-accept-yaml.response.yaml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let v = try YAML.parse(original, file: path)
        #expect(YAML.serialize(v, options: .kubectl) == original)
    }

    @Test func roundTripsEveryJSONFixtureThroughYAML() throws {
        let dir = Self.fixtures
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".response.json") }.sorted()
        #expect(files.count > 150)
        for f in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(f)")))
            guard let v = try? JSONValue.parse(bytes) else { continue }
            let text = YAML.serialize(v)
            let back = try YAML.parse(text, file: f)
            #expect(back == v, "YAML round trip of \(f)")
        }
    }

    @Test func multiDocumentOutputReadsBack() throws {
        let docs: [JSONValue] = [["a": 1], ["b": ["c", "d"]]]
        let text = YAML.serializeAll(docs)
        #expect(text == "a: 1\n---\nb:\n- c\n- d\n")
        #expect(try YAML.parseAll(text) == docs)
    }

    @Test func formatsDoublesLikeGo() {
        #expect(YAMLScalar.formatDouble(1) == "1")
        #expect(YAMLScalar.formatDouble(0.5) == "0.5")
        #expect(YAMLScalar.formatDouble(123456) == "123456")
        #expect(YAMLScalar.formatDouble(1234567) == "1.234567e+06")
        #expect(YAMLScalar.formatDouble(0.0001) == "0.0001")
        #expect(YAMLScalar.formatDouble(0.00001) == "1e-05")
        #expect(YAMLScalar.formatDouble(-2.5) == "-2.5")
        #expect(YAMLScalar.formatDouble(1e21) == "1e+21")
    }
}
