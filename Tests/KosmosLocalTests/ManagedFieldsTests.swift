import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

/// Field ownership of updates: the fields a write changes and removes.
@Suite struct ManagedFieldsTests {
    /// A bound, running pod with keyed lists (containers, ports, conditions), sets (finalizers) and maps.
    static let pod: JSONValue = try! JSONValue.parse(Array("""
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"ns","uid":"u1",
         "labels":{"app":"web","tier":"front"},"annotations":{"a":"1"},"finalizers":["x/one","x/two"],
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u0"}]},
         "spec":{"nodeName":"n1","tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}],
          "containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80},{"containerPort":53,
          "protocol":"UDP"}],"resources":{"requests":{"cpu":"10m"}},"env":[{"name":"A","value":"1"}]},
          {"name":"side","image":"busybox","args":["sleep","1"]}],"volumes":[],"securityContext":{}},
         "status":{"phase":"Running","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],
          "conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}],
          "containerStatuses":[{"name":"web","ready":true,"state":{"running":{"startedAt":"t"}}}]}}
        """.utf8))

    /// Every variant of `value` with one field or element removed, changed, emptied or replaced by another type.
    static func variants(of value: JSONValue) -> [JSONValue] {
        var out: [JSONValue] = [.null, "changed", 7, .object(JSONObject()), .array([])]
        switch value {
        case .object(let o):
            for (k, v) in o {
                var removed = o
                removed[k] = nil
                out.append(.object(removed))
                for w in variants(of: v) {
                    var next = o
                    next[k] = w
                    out.append(.object(next))
                }
            }
            var added = o
            added["added"] = ["x": "y"]
            out.append(.object(added))
        case .array(let a):
            for i in a.indices {
                var removed = a
                removed.remove(at: i)
                out.append(.array(removed))
                for w in variants(of: a[i]) {
                    var next = a
                    next[i] = w
                    out.append(.array(next))
                }
            }
            out.append(.array(a + a.prefix(1)))
        default:
            break
        }
        return out
    }

    @Test func changedPathsWalkMatchesComparingWholeTrees() {
        let all = Self.variants(of: Self.pod)
        #expect(all.count > 400)
        for variant in all {
            for (old, new) in [(Self.pod, variant), (variant, Self.pod)] {
                for excludingStatus in [true, false] {
                    let walked = ManagedFields.changedPaths(old: old, new: new, excludingStatus: excludingStatus)
                    let trees = ManagedFields.changedPathsByTrees(old: old, new: new, excludingStatus: excludingStatus)
                    #expect(walked.changed == trees.changed, "changed: \(old.serializedString()) -> \(new.serializedString())")
                    #expect(walked.removed == trees.removed, "removed: \(old.serializedString()) -> \(new.serializedString())")
                }
            }
        }
    }

    @Test func statusWriteChangesOnlyStatusPaths() {
        var new = Self.pod
        new[path: ["status", "phase"]] = "Succeeded"
        new[path: ["status", "podIP"]] = nil
        let (changed, removed) = ManagedFields.changedPaths(old: Self.pod, new: new, excludingStatus: false)
        #expect(changed == [["f:status", "f:phase"]])
        #expect(removed == [["f:status", "f:podIP"]])
    }
}

extension ManagedFieldsTests {
    @Test func namesAgreesWithTheTreesPathSet() {
        let fields = ObjectFormat.fieldsV1(of: Self.pod, excludingStatus: false)
        let all = ManagedFields.paths(fields)
        #expect(all.count > 30)
        for p in all {
            #expect(ManagedFields.names(fields, p), "\(p)")
            // A step further or a step short is named only when the tree has that path too.
            let longer = p + ["f:absent"]
            #expect(!ManagedFields.names(fields, longer))
            let shorter = Array(p.dropLast())
            #expect(ManagedFields.names(fields, shorter) == all.contains(shorter), "\(shorter)")
        }
        #expect(!ManagedFields.names(fields, []))
        #expect(!ManagedFields.names(fields, ["f:spec", "."]))
    }
}
