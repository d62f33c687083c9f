import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// CRD schema `format` checks and the wording of the other OpenAPI keyword errors, as kube-apiserver v1.32 writes
/// them: on their own and over HTTP (422 Status with causes).
@Suite(.serialized)
struct APIServerSchemaFormatTests {
    static func schema(_ properties: String) throws -> JSONValue {
        try JSONValue.parse(Array(#"{"type":"object","properties":{"spec":{"type":"object","properties":"#
            .utf8) + Array(properties.utf8) + Array("}}}".utf8))
    }

    static func causes(_ spec: String, _ properties: String) throws -> [String] {
        let object = try JSONValue.parse(Array(#"{"spec":"#.utf8) + Array(spec.utf8) + Array("}".utf8))
        return SchemaValidation.validate(object, old: nil, schema: try schema(properties))
            .map { "\($0.reason) \($0.field): \($0.message)" }
    }

    @Test func validatedFormatsAcceptGoodValuesAndRejectBadOnes() {
        let cases: [(format: String, good: [String], bad: [String])] = [
            ("email", ["a@example.com", "Jo <jo.x+y@mail.example.org>"], ["nope", "a@", "@b.c"]),
            ("hostname", ["example.com", "a-b.c1", "localhost"], ["-bad.com", "a..b", String(repeating: "a", count: 64)]),
            ("ipv4", ["10.0.0.1", "255.255.255.255"], ["10.0.0", "256.1.1.1", "::1", "01.2.3.4"]),
            ("ipv6", ["::1", "fd00::1", "::ffff:10.0.0.1"], ["10.0.0.1", "fd00:::1", "g::1"]),
            ("cidr", ["10.0.0.0/8", "fd00::/64"], ["10.0.0.0", "10.0.0.0/33", "fd00::/129", "x/8"]),
            ("mac", ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e"], ["00:1a:2b:3c:4d", "zz:1a:2b:3c:4d:5e"]),
            ("uuid", ["123e4567-e89b-12d3-a456-426614174000", "123E4567E89B12D3A456426614174000"], ["123", "xyz"]),
            ("uuid4", ["123e4567-e89b-42d3-a456-426614174000"], ["123e4567-e89b-12d3-a456-426614174000"]),
            ("byte", ["aGVsbG8=", "AAAA"], ["aGVsbG8", "***="]),
            ("date", ["2024-02-29", "1999-12-31"], ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-01"]),
            ("date-time", ["2024-01-02T03:04:05Z", "2024-01-02t03:04:05.123+01:00"], ["2024-01-02", "2024-01-02T25:00:00Z"]),
            ("datetime", ["2024-01-02T03:04:05Z"], ["yesterday"]),
            ("duration", ["1h30m", "300ms", "-1.5h", "0", "3 days", "2 weeks"], ["1x", "h", "forever"]),
            ("uri", ["https://example.com/x?y=1", "/just/a/path", "mailto:a@b.c"], ["not a uri", "example.com", ""]),
            ("bsonobjectid", ["507f1f77bcf86cd799439011"], ["507f1f77bcf86cd79943901z", "507f"]),
            ("hexcolor", ["#fff", "A0B1C2"], ["#ffff", "red"]),
            ("rgbcolor", ["rgb(0,128, 255)"], ["rgb(256,0,0)", "#fff"]),
            ("isbn10", ["0321751043"], ["0321751044"]),
            ("isbn13", ["978-0321751041"], ["978-0321751042"]),
            ("ssn", ["123-45-6789", "123456789"], ["12-345-6789"]),
            ("creditcard", ["4111 1111 1111 1111"], ["4111 1111 1111 1112"]),
            ("password", ["anything at all"], []),
        ]
        for c in cases {
            for g in c.good { #expect(SchemaFormats.accepts(g, format: c.format), "\(c.format) should accept \(g)") }
            for b in c.bad { #expect(!SchemaFormats.accepts(b, format: c.format), "\(c.format) should reject \(b)") }
        }
        // Formats kube strips from CRD schemas are never checked.
        for ignored in ["int32", "int64", "float", "double", "k8s-short-name", "made-up"] {
            #expect(!SchemaFormats.isValidated(ignored))
            #expect(SchemaFormats.accepts("not a number", format: ignored))
        }
        #expect(SchemaFormats.isValidated("date-time") && SchemaFormats.isValidated("email"))
    }

    @Test func formatFailuresAreTypeInvalidCausesNamingTheFormat() throws {
        let got = try Self.causes(#"{"mail":"nope","at":"2024-01-02","count":"7","n":5}"#, #"""
            {"mail":{"type":"string","format":"email"},"at":{"type":"string","format":"date-time"},
             "count":{"type":"string","format":"int32"},"n":{"type":"integer","format":"email"}}
            """#)
        #expect(got == [
            #"FieldValueTypeInvalid spec.at: Invalid value: "2024-01-02": spec.at in body must be of type date-time: "2024-01-02""#,
            #"FieldValueTypeInvalid spec.mail: Invalid value: "nope": spec.mail in body must be of type email: "nope""#,
        ])
    }

    @Test func keywordMessagesUseKubeOpenAPIWording() throws {
        let props = #"""
            {"name":{"type":"string","maxLength":3,"pattern":"^[a-z]+$"},
             "one":{"type":"string","maxLength":1},
             "short":{"type":"string","minLength":3,"pattern":"^x"},
             "tags":{"type":"array","minItems":2,"items":{"type":"string","enum":["a","b"]}},
             "few":{"type":"array","maxItems":1},
             "ports":{"type":"integer","enum":[80,443]},
             "ratio":{"type":"number","minimum":0.5,"exclusiveMaximum":true,"maximum":1,"multipleOf":0.25},
             "labels":{"type":"object","maxProperties":1,"additionalProperties":{"type":"string","maxLength":2}},
             "flag":{"type":"boolean"}}
            """#
        let got = try Self.causes(#"""
            {"name":"ABCDE","one":"xy","short":"ab","tags":["c"],"few":[1,2],"ports":8080,"ratio":0.3,
             "labels":{"a":"long","b":"ok"},"flag":"yes"}
            """#, props)
        #expect(got == [
            #"FieldValueTooMany spec.few: Too many: 2: must have at most 1 item"#,
            #"FieldValueTypeInvalid spec.flag: Invalid value: "string": spec.flag in body must be of type boolean: "string""#,
            #"FieldValueTooMany spec.labels: Too many: 2: must have at most 1 item"#,
            #"FieldValueTooLong spec.labels.a: Too long: may not be more than 2 bytes"#,
            #"FieldValueTooLong spec.name: Too long: may not be more than 3 bytes"#,
            #"FieldValueTooLong spec.one: Too long: may not be more than 1 byte"#,
            #"FieldValueNotSupported spec.ports: Unsupported value: 8080: supported values: "80", "443""#,
            #"FieldValueInvalid spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25"#,
            #"FieldValueInvalid spec.ratio: Invalid value: 0.3: spec.ratio in body should be greater than or equal to 0.5"#,
            #"FieldValueInvalid spec.short: Invalid value: "ab": spec.short in body should be at least 3 chars long"#,
            #"FieldValueNotSupported spec.tags[0]: Unsupported value: "c": supported values: "a", "b""#,
            #"FieldValueInvalid spec.tags: Invalid value: 1: spec.tags in body should have at least 2 items"#,
        ])
    }

    static let crd = #"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"endpoints.net.example.com"},
         "spec":{"group":"net.example.com","scope":"Namespaced",
          "names":{"plural":"endpoints","singular":"endpoint","kind":"Endpoint","listKind":"EndpointList"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
           "properties":{"spec":{"type":"object","properties":{
            "address":{"type":"string","format":"ipv4"},"network":{"type":"string","format":"cidr"},
            "contact":{"type":"string","format":"email"},"timeout":{"type":"string","format":"duration"},
            "port":{"type":"integer","format":"int32"}}}}}}}]}}
        """#

    @Test func invalidFormatsGetA422StatusWithOneCausePerField() async throws {
        let h = try await APIServerTestHarness.start()
        defer { Task { await h.stop() } }
        #expect(try h.request("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"demo"}}"#).status == 201)
        let crd = try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: Self.crd)
        #expect(crd.status == 201, "\(crd.text)")
        let path = "/apis/net.example.com/v1/namespaces/demo/endpoints"
        let bad = try h.request("POST", path, body: #"""
            {"apiVersion":"net.example.com/v1","kind":"Endpoint","metadata":{"name":"e1"},
             "spec":{"address":"10.0.0.300","network":"10.0.0.0/8","contact":"ops","timeout":"soon","port":80}}
            """#)
        #expect(bad.status == 422)
        let want = try JSONValue.parse(Array(#"""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Endpoint.net.example.com \"e1\" is invalid: [spec.address: Invalid value: \"10.0.0.300\": spec.address in body must be of type ipv4: \"10.0.0.300\", spec.contact: Invalid value: \"ops\": spec.contact in body must be of type email: \"ops\", spec.timeout: Invalid value: \"soon\": spec.timeout in body must be of type duration: \"soon\"]","reason":"Invalid","details":{"name":"e1","group":"net.example.com","kind":"Endpoint","causes":[{"reason":"FieldValueTypeInvalid","message":"Invalid value: \"10.0.0.300\": spec.address in body must be of type ipv4: \"10.0.0.300\"","field":"spec.address"},{"reason":"FieldValueTypeInvalid","message":"Invalid value: \"ops\": spec.contact in body must be of type email: \"ops\"","field":"spec.contact"},{"reason":"FieldValueTypeInvalid","message":"Invalid value: \"soon\": spec.timeout in body must be of type duration: \"soon\"","field":"spec.timeout"}]},"code":422}
            """#.utf8))
        #expect(bad.json == want, "\(bad.text)")
        #expect(try h.request("GET", path + "/e1").status == 404)
        let good = try h.request("POST", path, body: #"""
            {"apiVersion":"net.example.com/v1","kind":"Endpoint","metadata":{"name":"e2"},
             "spec":{"address":"10.0.0.3","network":"fd00::/64","contact":"ops@example.com","timeout":"1m30s","port":80}}
            """#)
        #expect(good.status == 201, "\(good.text)")
    }

    @Test func onlyBlockingErrorsSkipCELRulesAndListTypesMustBeUnique() throws {
        let props = #"""
            {"color":{"type":"string","pattern":"^[a-z]+$"},"replicas":{"type":"integer","maximum":10},
             "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
             "conditions":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],
              "items":{"type":"object","properties":{"type":{"type":"string"},"status":{"type":"string"}}}}}
            """#
        var schema = try Self.schema(props)
        schema[path: ["properties", "spec", "x-kubernetes-validations"]] = [["rule": "self.replicas < 5",
                                                                           "message": "at most 4 replicas"]]
        func causes(_ spec: String) throws -> [String] {
            let object = try JSONValue.parse(Array(#"{"spec":"#.utf8) + Array(spec.utf8) + Array("}".utf8))
            return SchemaValidation.validate(object, old: nil, schema: schema).map { "\($0.field): \($0.message)" }
        }
        // A pattern or range error does not stop the CEL rules (kube's hasBlockingErr), a duplicate neither.
        #expect(try causes(#"""
            {"color":"Red","replicas":12,"tags":["a","b","a","a"],
             "conditions":[{"type":"Ready","status":"True"},{"type":"Ready","status":"False"}]}
            """#) == [
            #"spec.color: Invalid value: "Red": spec.color in body should match '^[a-z]+$'"#,
            "spec.replicas: Invalid value: 12: spec.replicas in body should be less than or equal to 10",
            #"spec.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}"#,
            #"spec.tags[2]: Duplicate value: "a""#,
            #"spec: Invalid value: "object": at most 4 replicas"#,
        ])
        // A type error does.
        #expect(try causes(#"{"color":"red","replicas":"many"}"#) == [
            #"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
            #"<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; "#
                + "correct the existing errors to complete validation",
        ])
    }
}

