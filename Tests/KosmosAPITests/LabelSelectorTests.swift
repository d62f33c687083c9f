import Testing
@testable import KosmosAPI

@Suite struct LabelSelectorTests {
    // MARK: - String syntax

    @Test(arguments: [
        ("", ""),
        ("a=b", "a=b"),
        ("a==b", "a==b"),
        ("a!=b", "a!=b"),
        ("a", "a"),
        ("!a", "!a"),
        ("  a  =  b  ", "a=b"),
        ("e in (y,x)", "e in (x,y)"),
        ("e in (x, y, x)", "e in (x,y)"),
        ("f notin (z)", "f notin (z)"),
        ("a=b,a==b,c!=d,e in (x,y),f notin (z),g,!h", "a=b,a==b,c!=d,e in (x,y),f notin (z),g,!h"),
        ("z=1,a=2", "a=2,z=1"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("a=", "a="),
        ("a=,b=c", "a=,b=c"),
        ("n>5", "n>5"),
        ("n<5", "n<5"),
        ("example.com/app=web", "example.com/app=web"),
        ("a in (in,notin)", "a in (in,notin)"),
        ("a=in", "a=in"),
        ("app in (web,db),track!=canary", "app in (db,web),track!=canary"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let q = try LabelSelectorQuery.parse(input)
        #expect(q.description == canonical)
        // Printing is a fixed point.
        #expect(try LabelSelectorQuery.parse(q.description) == q)
    }

    @Test(arguments: [
        ("app===x", 5, "unable to parse requirement: found '=', expected: identifier"),
        ("a=b,", 4, "found '', expected: identifier after ','"),
        (",a", 0, "found ',', expected: !, identifier, or 'end of string'"),
        ("a b", 2, "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a in x", 5, "unable to parse requirement: found 'x' expected: '('"),
        ("a in (x y)", 8, "unable to parse requirement: found 'y', expected: ',' or ')'"),
        ("a in (x", 7, "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (=)", 6, "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a=b c", 4, "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", 2, "found '=', expected: ',' or 'end of string'"),
        ("!", 1, "unable to parse requirement: found '', expected: identifier"),
        ("n>x", 0,
         "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
    ])
    func rejectsBadSyntaxLikeKubeAPIServer(input: String, position: Int, message: String) {
        #expect {
            try LabelSelectorQuery.parse(input)
        } throws: { error in
            guard let e = error as? LabelSelectorParseError else { return false }
            #expect(e.message == message)
            #expect(e.position == position)
            #expect(e.description.contains("offset \(position)"))
            return true
        }
    }

    @Test func rejectsInvalidKeysAndValues() {
        #expect(throws: LabelSelectorParseError.self) { try LabelSelectorQuery.parse("-a=b") }
        #expect(throws: LabelSelectorParseError.self) { try LabelSelectorQuery.parse("a=-b") }
        #expect(throws: LabelSelectorParseError.self) { try LabelSelectorQuery.parse("a/b/c") }
        #expect(throws: LabelSelectorParseError.self) { try LabelSelectorQuery.parse("Example.com/a") }
        #expect(throws: LabelSelectorParseError.self) {
            try LabelSelectorQuery.parse("a=" + String(repeating: "x", count: 64))
        }
        do {
            _ = try LabelSelectorQuery.parse("a_=b")
            Issue.record("accepted a_")
        } catch {
            #expect(error.message.hasPrefix("unable to parse requirement: <nil>: Invalid value: \"a_\": name part must"))
        }
    }

    @Test func evaluatesLikeApimachinery() throws {
        let labels = ["app": "web", "tier": "frontend", "n": "7"]
        func m(_ s: String) throws -> Bool { try LabelSelectorQuery.parse(s).matches(labels) }
        #expect(try m(""))
        #expect(try m("app=web"))
        #expect(try m("app==web"))
        #expect(try !m("app=db"))
        #expect(try m("app!=db"))
        #expect(try m("missing!=x"))
        #expect(try m("app in (db,web)"))
        #expect(try !m("missing in (a)"))
        #expect(try m("missing notin (a)"))
        #expect(try !m("app notin (web)"))
        #expect(try m("app,tier"))
        #expect(try !m("!app"))
        #expect(try m("!missing"))
        #expect(try m("n>5"))
        #expect(try !m("n>7"))
        #expect(try m("n<8"))
        #expect(try !m("app>1"))
        #expect(try !m("missing="))  // `=` needs the label, even for an empty value
        #expect(try !m("app="))
        #expect(try m("x notin ()") )
        #expect(try m("app=web,tier in (frontend),!canary"))
    }

    @Test func matchesSetOfLabels() {
        let q = LabelSelectorQuery(matching: ["b": "2", "a": "1"])
        #expect(q.description == "a=1,b=2")
        #expect(q.matches(["a": "1", "b": "2", "c": "3"]))
        #expect(!q.matches(["a": "1"]))
    }

    // MARK: - meta/v1 object

    @Test func metaV1SelectorEvaluates() throws {
        let json = try JSONValue.parse(#"""
            {"matchLabels":{"app":"web"},"matchExpressions":[
              {"key":"tier","operator":"In","values":["frontend","edge"]},
              {"key":"canary","operator":"DoesNotExist"},
              {"key":"zone","operator":"NotIn","values":["z1"]},
              {"key":"team","operator":"Exists"}]}
            """#)
        let s = LabelSelector(json: json)
        #expect(s.matches(["app": "web", "tier": "edge", "team": "a"]))
        #expect(s.matches(["app": "web", "tier": "edge", "team": "a", "zone": "z2"]))
        #expect(!s.matches(["app": "web", "tier": "edge", "team": "a", "zone": "z1"]))
        #expect(!s.matches(["app": "web", "tier": "edge", "team": "a", "canary": "1"]))
        #expect(!s.matches(["app": "web", "tier": "edge"]))
        #expect(!s.matches(["app": "db", "tier": "edge", "team": "a"]))
        #expect(try s.query().description == "app=web,!canary,team,tier in (edge,frontend),zone notin (z1)")
        #expect(s.json == json)
    }

    @Test func emptySelectorMatchesEverythingAndInvalidMatchesNothing() {
        #expect(LabelSelector().matches([:]))
        #expect(LabelSelector().matches(["a": "b"]))
        let noValues = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "a", operator: .in)])
        #expect(!noValues.matches(["a": "b"]))
        let unknownOp = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "a", operator: "Gt", values: ["1"])])
        #expect(!unknownOp.matches(["a": "2"]))
        #expect(throws: LabelSelectorParseError.self) { try unknownOp.query() }
    }

    @Test func queryConvertsToMetaV1Selector() throws {
        let q = try LabelSelectorQuery.parse("a=1,b!=2,c in (x),!d,e")
        let s = try #require(q.labelSelector)
        #expect(s.matchLabels == ["a": "1"])
        #expect(s.matchExpressions.map(\.operator) == [.notIn, .in, .doesNotExist, .exists])
        for labels in [["a": "1"], ["a": "1", "c": "x", "e": ""], ["a": "1", "b": "2", "c": "x", "e": ""]] {
            #expect(s.matches(labels) == q.matches(labels))
        }
        #expect(try LabelSelectorQuery.parse("n>1").labelSelector == nil)
    }

    // MARK: - Field selectors

    @Test(arguments: [
        ("", ""),
        ("metadata.name=a", "metadata.name=a"),
        ("metadata.name==a", "metadata.name=a"),
        ("spec.nodeName!=", "spec.nodeName!="),
        ("b=1,a=2", "a=2,b=1"),
        ("a=x\\,y", "a=x\\,y"),
        ("a=b,", "a=b"),
        ("a=", "a="),
    ])
    func parsesFieldSelectors(input: String, canonical: String) throws {
        let q = try FieldSelectorQuery.parse(input)
        #expect(q.description == canonical)
        #expect(try FieldSelectorQuery.parse(q.description) == q)
    }

    @Test func evaluatesFieldSelectors() throws {
        let fields = ["metadata.name": "web-1", "spec.nodeName": "", "status.phase": "Running"]
        func m(_ s: String) throws -> Bool { try FieldSelectorQuery.parse(s).matches { fields[$0] } }
        #expect(try m("metadata.name=web-1"))
        #expect(try m("metadata.name==web-1,status.phase!=Pending"))
        #expect(try !m("metadata.name!=web-1"))
        #expect(try m("spec.nodeName="))
        #expect(try m("missing="))  // an absent field compares as ""
        #expect(try !m("missing=x"))
        let q = try FieldSelectorQuery.parse("spec.nodeName=n1,status.phase!=Failed")
        #expect(q.requirements == [
            .init(field: "spec.nodeName", value: "n1"), .init(field: "status.phase", negated: true, value: "Failed"),
        ])
        #expect(q.requiredValue(of: "spec.nodeName") == "n1")
        #expect(try FieldSelectorQuery.parse("a=x\\=y").requirements[0].value == "x=y")
    }

    @Test func rejectsBadFieldSelectors() {
        for (s, msg) in [
            ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
            ("a=b=c", "invalid field selector: unescaped character in value: 61"),
            ("a=b\\x", "invalid field selector: invalid escape sequence: \\x"),
        ] {
            #expect {
                try FieldSelectorQuery.parse(s)
            } throws: { e in
                (e as? FieldSelectorParseError)?.message == msg
            }
        }
    }

    @Test func validatesLabelSyntax() {
        #expect(LabelValidation.qualifiedNameErrors("app").isEmpty)
        #expect(LabelValidation.qualifiedNameErrors("kosmos.io/node-role").isEmpty)
        #expect(!LabelValidation.qualifiedNameErrors("/a").isEmpty)
        #expect(!LabelValidation.qualifiedNameErrors("a/").isEmpty)
        #expect(LabelValidation.labelValueErrors("").isEmpty)
        #expect(LabelValidation.labelValueErrors("v1.2_3-x").isEmpty)
        #expect(!LabelValidation.labelValueErrors("a b").isEmpty)
        #expect(LabelValidation.dns1123SubdomainErrors("a.b-c").isEmpty)
        #expect(!LabelValidation.dns1123SubdomainErrors("A").isEmpty)
        #expect(!LabelValidation.dns1123SubdomainErrors("").isEmpty)
        #expect(LabelValidation.dns1123LabelErrors("kube-system").isEmpty)
        #expect(!LabelValidation.dns1123LabelErrors("a.b").isEmpty)
    }

    // MARK: - Selectable fields per kind

    @Test func selectableFieldsFollowKubeAPIServer() throws {
        // Fixture 323: a config map field selector on data.foo.
        do {
            try SelectableFields.validate(FieldSelectorQuery.parse("data.foo=bar"), for: ConfigMap.groupVersionKind)
            Issue.record("data.foo accepted")
        } catch {
            #expect(error.message == #""data.foo" is not a known field selector: only "metadata.name", "metadata.namespace""#)
        }
        do {
            try SelectableFields.validate(FieldSelectorQuery.parse("spec.bogus=1"), for: Pod.groupVersionKind)
            Issue.record("spec.bogus accepted")
        } catch {
            #expect(error.message == "field label not supported: spec.bogus")
        }
        try SelectableFields.validate(FieldSelectorQuery.parse("spec.nodeName=n1,status.phase!=Failed"),
                                      for: Pod.groupVersionKind)
        let pod = try JSONValue.parse(#"""
            {"metadata":{"name":"p","namespace":"demo"},"spec":{"nodeName":"n1","hostNetwork":true},
             "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.9"}]}}
            """#)
        let gvk = Pod.groupVersionKind
        #expect(SelectableFields.value(of: "spec.nodeName", in: pod, kind: gvk) == "n1")
        #expect(SelectableFields.value(of: "spec.host", in: pod, kind: gvk) == "n1")
        #expect(SelectableFields.value(of: "spec.hostNetwork", in: pod, kind: gvk) == "true")
        #expect(SelectableFields.value(of: "status.podIP", in: pod, kind: gvk) == "10.0.0.9")
        #expect(SelectableFields.value(of: "spec.schedulerName", in: pod, kind: gvk) == "")
        #expect(SelectableFields.value(of: "spec.bogus", in: pod, kind: gvk) == nil)
        #expect(SelectableFields.matches(try FieldSelectorQuery.parse("spec.nodeName=n1,metadata.namespace=demo"),
                                         object: pod, kind: gvk))
        #expect(!SelectableFields.matches(try FieldSelectorQuery.parse("spec.nodeName="), object: pod, kind: gvk))
        let node = try JSONValue.parse(#"{"metadata":{"name":"n"},"spec":{}}"#)
        #expect(SelectableFields.value(of: "spec.unschedulable", in: node, kind: Node.groupVersionKind) == "false")
    }
}
