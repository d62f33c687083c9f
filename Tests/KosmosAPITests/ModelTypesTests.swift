import Testing
@testable import KosmosAPI

@Suite struct ModelTypesTests {
    // MARK: - IntOrString

    @Test func intOrStringReadsBothFormsAndScalesPercentages() throws {
        #expect(IntOrString(jsonValue: 8080) == .int(8080))
        #expect(IntOrString(jsonValue: "http") == .string("http"))
        #expect(IntOrString(jsonValue: .bool(true)) == nil)
        #expect(IntOrString.int(3).jsonValue == 3)
        #expect(IntOrString.string("25%").jsonValue == "25%")
        #expect(try IntOrString.string("25%").scaledValue(total: 10, roundUp: true) == 3)
        #expect(try IntOrString.string("25%").scaledValue(total: 10, roundUp: false) == 2)
        #expect(try IntOrString.int(4).scaledValue(total: 10, roundUp: false) == 4)
        #expect(throws: IntOrStringError.self) { try IntOrString.string("abc").scaledValue(total: 1, roundUp: true) }
    }

    // MARK: - Time

    @Test func timeParsesRFC3339AndPrintsSecondsInUTC() throws {
        let t = try Time.parse("2026-11-26T15:19:13Z")
        #expect(t.description == "2026-11-26T15:19:13Z")
        #expect(try Time.parse("2026-11-26T16:19:13+01:00") == t)
        #expect(try Time.parse("2026-11-26T15:19:13.987654321Z").description == "2026-11-26T15:19:13Z")
        #expect(try Time.parse("2026-11-26T15:19:13.5Z").nanoseconds == 500_000_000)
        #expect(try Time.parse("1970-01-01T00:00:00Z").seconds == 0)
        #expect(try Time.parse("1969-12-31T23:59:59Z").seconds == -1)
        #expect(try Time.parse("2000-02-29T00:00:00Z").description == "2000-02-29T00:00:00Z")
        #expect(Time(seconds: 1_795_000_000).description == "2026-11-18T11:06:40Z")
        #expect(Time(jsonValue: "2026-11-26T15:19:13Z") == t)
        #expect(t.jsonValue == "2026-11-26T15:19:13Z")
        #expect(t.adding(seconds: 1.5).seconds(since: t) == 1.5)
        #expect(Time.now() > t)
    }

    @Test func timeErrorsUseGoWording() {
        func err(_ s: String) -> String {
            do {
                _ = try Time.parse(s)
                return "parsed"
            } catch { return error.description }
        }
        #expect(err("2026-11-26") == #"parsing time "2026-11-26" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#)
        #expect(err("2026-13-01T00:00:00Z") == #"parsing time "2026-13-01T00:00:00Z": month out of range"#)
        #expect(err("2026-02-30T00:00:00Z") == #"parsing time "2026-02-30T00:00:00Z": day out of range"#)
        #expect(err("x") == #"parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006""#)
        #expect(err("2026-11-26T15:00:00") ==
            #"parsing time "2026-11-26T15:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#)
    }

    @Test func microTimeNeedsSixDigitsLikeKubeAPIServer() throws {
        let t = try MicroTime.parse("2026-11-26T15:00:00.123456Z")
        #expect(t.description == "2026-11-26T15:00:00.123456Z")
        #expect(MicroTime(Time(seconds: 0, nanoseconds: 999_999)).description == "1970-01-01T00:00:00.000999Z")
        // The exact messages of fixtures 743 and 744.
        #expect(throws: TimeParseError.self) { try MicroTime.parse("2026-11-26T15:00:00Z") }
        do {
            _ = try MicroTime.parse("2026-11-26T15:00:00Z")
        } catch {
            #expect(error.description == #"parsing time "2026-11-26T15:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#)
        }
        do {
            _ = try MicroTime.parse("2026-11-26T15:00:00.123Z")
        } catch {
            #expect(error.description == #"parsing time "2026-11-26T15:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000""#)
        }
        #expect(MicroTime(jsonValue: "2026-11-26T15:00:00Z") == nil)
    }

    // MARK: - Conditions

    @Test func settingConditionsKeepsTransitionTimeUnlessStatusChanges() throws {
        let t0 = try Time.parse("2026-01-01T00:00:00Z"), t1 = try Time.parse("2026-01-01T00:01:00Z")
        var cs: [Condition] = []
        var changed = cs.set(Condition(type: "Ready", status: .false, reason: "Starting"), now: t0)
        #expect(changed)
        #expect(cs[type: "Ready"]?.lastTransitionTime == t0)
        changed = cs.set(Condition(type: "Ready", status: .false, reason: "StillStarting"), now: t1)
        #expect(changed)
        #expect(cs[type: "Ready"]?.lastTransitionTime == t0)
        changed = cs.set(Condition(type: "Ready", status: .false, reason: "StillStarting"), now: t1)
        #expect(!changed)
        changed = cs.set(Condition(type: "Ready", status: .true, reason: "Up"), now: t1)
        #expect(changed)
        #expect(cs[type: "Ready"]?.lastTransitionTime == t1)
        #expect(cs[type: "Ready"]?.status == .true)
        changed = cs.remove(type: "Ready")
        #expect(changed)
        #expect(cs.isEmpty)
        let unknown = Condition(json: ["type": "X", "status": "Maybe", "futureField": 1])
        #expect(unknown.status.rawValue == "Maybe")
        #expect(unknown.json["futureField"] == 1)
    }

    // MARK: - Taints and tolerations

    @Test func tolerationsMatchTaintsAsKubernetes() {
        let taint = Taint(key: "kosmos.io/node", value: "true", effect: .noSchedule)
        #expect(Toleration(key: "kosmos.io/node", operator: .exists).tolerates(taint))
        #expect(Toleration(key: "kosmos.io/node", value: "true").tolerates(taint))
        #expect(!Toleration(key: "kosmos.io/node", value: "false").tolerates(taint))
        #expect(Toleration(operator: .exists).tolerates(taint))  // empty key + Exists: everything
        #expect(!Toleration(key: "kosmos.io/node", operator: .exists, effect: .noExecute).tolerates(taint))
        #expect(Toleration(key: "kosmos.io/node", operator: .exists, effect: .noSchedule).tolerates(taint))
        #expect(!Toleration(key: "other", operator: .exists).tolerates(taint))
        // Absent operator means Equal.
        #expect(Toleration(json: ["key": "kosmos.io/node", "value": "true"]).tolerates(taint))
        #expect(!Toleration(json: ["key": "kosmos.io/node"]).tolerates(taint))
        #expect(!Toleration(json: ["key": "kosmos.io/node", "operator": "Gt", "value": "1"]).tolerates(taint))
        #expect(taint.description == "kosmos.io/node=true:NoSchedule")
        let tolerations = [Toleration(key: "a", operator: .exists)]
        let taints = [taint, Taint(key: "a", effect: .noExecute), Taint(key: "p", effect: .preferNoSchedule)]
        #expect(tolerations.untolerated(taints).map(\.key) == ["kosmos.io/node"])
    }

    // MARK: - Node selectors

    @Test func nodeSelectorTermsAreOredAndRequirementsAnded() throws {
        let json = try JSONValue.parse(#"""
            {"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]},
                                   {"key":"gpu","operator":"DoesNotExist"}]},
              {"matchFields":[{"key":"metadata.name","operator":"In","values":["special"]}]},
              {"matchExpressions":[{"key":"cores","operator":"Gt","values":["8"]}]}]}
            """#)
        let s = NodeSelector(json: json)
        #expect(s.matches(labels: ["zone": "a"], nodeName: "n1"))
        #expect(!s.matches(labels: ["zone": "a", "gpu": "1"], nodeName: "n1"))
        #expect(s.matches(labels: [:], nodeName: "special"))
        #expect(s.matches(labels: ["cores": "16"], nodeName: "n"))
        #expect(!s.matches(labels: ["cores": "8"], nodeName: "n"))
        #expect(!s.matches(labels: ["cores": "lots"], nodeName: "n"))
        #expect(!NodeSelector(terms: [NodeSelectorTerm()]).matches(labels: ["a": "b"], nodeName: "n"))
        let bad = NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "a", operator: .in)])
        #expect(!bad.matches(labels: ["a": "b"], nodeName: "n"))
        let notIn = NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "a", operator: .notIn, values: ["x"])])
        #expect(notIn.matches(labels: [:], nodeName: "n"))
        #expect(s.json == json)
    }

    @Test func affinityViewsReadNestedTerms() throws {
        let json = try JSONValue.parse(#"""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
               {"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["n1"]}]}]},
             "preferredDuringSchedulingIgnoredDuringExecution":[{"weight":10,"preference":{"matchExpressions":[]}}]},
             "podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[
               {"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"zone"}]}}
            """#)
        var a = Affinity(json: json)
        #expect(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?
            .matches(labels: ["kubernetes.io/hostname": "n1"], nodeName: "n1") == true)
        #expect(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution.first?.weight == 10)
        let term = try #require(a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution.first)
        #expect(term.topologyKey == "zone")
        #expect(term.labelSelector?.matches(["app": "web"]) == true)
        #expect(a.podAffinity == nil)
        a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey = "host"
        #expect(a.json["podAntiAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue?[0]["topologyKey"] == "host")
    }

    // MARK: - Resources

    @Test func resourceRequirementsAreQuantityMaps() throws {
        var r = ResourceRequirements(json: try JSONValue.parse(#"{"requests":{"cpu":"500m","memory":"1Gi"},"x":1}"#))
        #expect(r.requests["cpu"] == "0.5")
        #expect(r.limits.isEmpty)
        r.limits = ["cpu": "1"]
        #expect(r.json["limits"] == ["cpu": "1"])
        let sum = r.requests + ["cpu": "1500m", "pods": 1]
        #expect(sum["cpu"]?.description == "2")
        #expect(sum["pods"] == 1)
        #expect((sum - r.requests)["memory"]?.isZero == true)
        #expect(r.requests.max(["cpu": "2"])["cpu"] == 2)
        #expect(r.json["x"] == 1)
    }
}
