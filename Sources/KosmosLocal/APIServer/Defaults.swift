import Foundation
import KosmosAPI

/// Server-side defaults of the built-in kinds (the cheap, visible ones kube-apiserver fills in), with fields put
/// in Go struct order so answers read like kube-apiserver's.
enum Defaults {
    static let podSpecOrder = [
        "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
        "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName",
        "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID", "hostIPC",
        "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname", "subdomain", "affinity",
        "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates",
        "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead", "topologySpreadConstraints",
        "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims",
    ]
    static let containerOrder = [
        "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy",
        "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe",
        "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext",
        "stdin", "stdinOnce", "tty",
    ]

    /// Puts known keys in `order`, others after them in their current order.
    static func reorder(_ v: JSONValue, _ order: [String]) -> JSONValue {
        guard case .object(let o) = v else { return v }
        var out = JSONObject(minimumCapacity: o.count)
        for k in order { if let x = o[k] { out.append(k, x) } }
        for (k, x) in o where !order.contains(k) { out.append(k, x) }
        return .object(out)
    }

    // MARK: - Pods

    static func container(_ c: JSONValue) -> JSONValue {
        var c = c
        if case .array(let ports)? = c["ports"] {
            c["ports"] = .array(ports.map { p in
                var p = p
                if p["protocol"] == nil { p["protocol"] = "TCP" }
                return reorder(p, ["name", "hostPort", "containerPort", "protocol", "hostIP"])
            })
        }
        if c["resources"] == nil { c["resources"] = .object(JSONObject()) }
        if c["terminationMessagePath"] == nil { c["terminationMessagePath"] = "/dev/termination-log" }
        if c["terminationMessagePolicy"] == nil { c["terminationMessagePolicy"] = "File" }
        if c["imagePullPolicy"] == nil {
            let image = c["image"]?.stringValue ?? ""
            let tag = image.split(separator: "/").last.map { $0.contains(":") ? String($0.split(separator: ":").last!) : "" } ?? ""
            c["imagePullPolicy"] = (tag.isEmpty || tag == "latest") && !image.contains("@") ? "Always" : "IfNotPresent"
        }
        return reorder(c, containerOrder)
    }

    /// Pod spec defaults (also used for templates of workloads).
    static func podSpec(_ spec: JSONValue) -> JSONValue {
        var s = spec
        for key in ["initContainers", "containers"] {
            if case .array(let cs)? = s[key] { s[key] = .array(cs.map(container)) }
        }
        if s["restartPolicy"] == nil { s["restartPolicy"] = "Always" }
        if s["terminationGracePeriodSeconds"] == nil { s["terminationGracePeriodSeconds"] = 30 }
        if s["dnsPolicy"] == nil { s["dnsPolicy"] = "ClusterFirst" }
        if s["securityContext"] == nil { s["securityContext"] = .object(JSONObject()) }
        if s["schedulerName"] == nil { s["schedulerName"] = "default-scheduler" }
        if case .array(let vs)? = s["volumes"] {
            s["volumes"] = .array(vs.map { v in
                var v = v
                if v["emptyDir"] == nil && v["configMap"] == nil && v["secret"] == nil && v["projected"] == nil
                    && v["persistentVolumeClaim"] == nil && v["hostPath"] == nil && v["downwardAPI"] == nil
                    && v.objectValue?.count == 1 {
                    v["emptyDir"] = .object(JSONObject())
                }
                if case .object(var cm)? = v["configMap"], cm["defaultMode"] == nil {
                    cm["defaultMode"] = 420
                    v["configMap"] = .object(cm)
                }
                if case .object(var sec)? = v["secret"], sec["defaultMode"] == nil {
                    sec["defaultMode"] = 420
                    v["secret"] = .object(sec)
                }
                return v
            })
        }
        return reorder(s, podSpecOrder)
    }

    static func pod(_ pod: JSONValue) -> JSONValue {
        var p = pod
        var spec = podSpec(p["spec"] ?? .object(JSONObject()))
        if spec["serviceAccountName"] == nil { spec["serviceAccountName"] = "default" }
        spec["serviceAccount"] = spec["serviceAccountName"]
        if spec["automountServiceAccountToken"]?.boolValue != false {
            let volName = "kube-api-access-" + ObjectFormat.randomSuffix()
            let hasMount = spec["volumes"]?.arrayValue?.contains {
                $0["name"]?.stringValue?.hasPrefix("kube-api-access-") == true } ?? false
            if !hasMount {
                let projected: JSONValue = [
                    "name": .string(volName),
                    "projected": [
                        "sources": [
                            ["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]],
                            ["configMap": ["name": "kube-root-ca.crt",
                                           "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                            ["downwardAPI": ["items": [["path": "namespace",
                                                        "fieldRef": ["apiVersion": "v1",
                                                                     "fieldPath": "metadata.namespace"]]]]],
                        ],
                        "defaultMode": 420,
                    ],
                ]
                spec["volumes"] = .array((spec["volumes"]?.arrayValue ?? []) + [projected])
                if case .array(let cs)? = spec["containers"] {
                    spec["containers"] = .array(cs.map { c in
                        var c = c
                        let mount: JSONValue = ["name": .string(volName), "readOnly": true,
                                                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"]
                        c["volumeMounts"] = .array((c["volumeMounts"]?.arrayValue ?? []) + [mount])
                        return reorder(c, containerOrder)
                    })
                }
            }
        }
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"]?.stringValue == key && $0["effect"]?.stringValue == "NoExecute" }) {
            tolerations.append(["key": .string(key), "operator": "Exists", "effect": "NoExecute",
                                "tolerationSeconds": 300])
        }
        spec["tolerations"] = .array(tolerations)
        if spec["priority"] == nil { spec["priority"] = 0 }
        if spec["enableServiceLinks"] == nil { spec["enableServiceLinks"] = true }
        if spec["preemptionPolicy"] == nil { spec["preemptionPolicy"] = "PreemptLowerPriority" }
        p["spec"] = reorder(spec, podSpecOrder)
        var status = p["status"] ?? .object(JSONObject())
        if status["phase"] == nil { status["phase"] = "Pending" }
        status["qosClass"] = .string(qosClass(spec))
        p["status"] = status
        return p
    }

    static func qosClass(_ spec: JSONValue) -> String {
        var anyRequest = false
        var allGuaranteed = true
        for c in spec["containers"]?.arrayValue ?? [] {
            let req = c["resources"]?["requests"]?.objectValue
            let lim = c["resources"]?["limits"]?.objectValue
            if (req?.count ?? 0) > 0 || (lim?.count ?? 0) > 0 { anyRequest = true }
            guard let lim, lim["cpu"] != nil, lim["memory"] != nil else { allGuaranteed = false; continue }
            if let req, (req["cpu"] != nil && req["cpu"] != lim["cpu"]) || (req["memory"] != nil && req["memory"] != lim["memory"]) {
                allGuaranteed = false
            }
        }
        if !anyRequest { return "BestEffort" }
        return allGuaranteed ? "Guaranteed" : "Burstable"
    }

    /// Defaults inside a pod template (workloads): container and spec defaults, no status, no token volume.
    static func template(_ t: JSONValue?) -> JSONValue? {
        guard var t else { return nil }
        if t["metadata"] == nil { t["metadata"] = .object(JSONObject()) }
        if t["metadata"]?["creationTimestamp"] == nil { t[path: ["metadata", "creationTimestamp"]] = .null }
        t["metadata"] = t["metadata"].map { ObjectFormat.normalizeMetadata($0) }
        if let s = t["spec"] { t["spec"] = podSpec(s) }
        return reorder(t, ["metadata", "spec"])
    }

    // MARK: - Workloads

    static func deployment(_ d: JSONValue) -> JSONValue {
        var d = d
        var spec = d["spec"] ?? .object(JSONObject())
        if spec["replicas"] == nil { spec["replicas"] = 1 }
        spec["template"] = template(spec["template"])
        if spec["strategy"] == nil {
            spec["strategy"] = ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": "25%", "maxSurge": "25%"]]
        }
        if spec["revisionHistoryLimit"] == nil { spec["revisionHistoryLimit"] = 10 }
        if spec["progressDeadlineSeconds"] == nil { spec["progressDeadlineSeconds"] = 600 }
        d["spec"] = reorder(spec, ["replicas", "selector", "template", "strategy", "minReadySeconds",
                                    "revisionHistoryLimit", "paused", "progressDeadlineSeconds"])
        if d["status"] == nil { d["status"] = .object(JSONObject()) }
        return d
    }

    static func replicaSetLike(_ d: JSONValue, kind: String) -> JSONValue {
        var d = d
        var spec = d["spec"] ?? .object(JSONObject())
        if kind != "DaemonSet" && kind != "Job", spec["replicas"] == nil { spec["replicas"] = 1 }
        spec["template"] = template(spec["template"])
        switch kind {
        case "StatefulSet":
            if spec["podManagementPolicy"] == nil { spec["podManagementPolicy"] = "OrderedReady" }
            if spec["updateStrategy"] == nil {
                spec["updateStrategy"] = ["type": "RollingUpdate", "rollingUpdate": ["partition": 0]]
            }
            if spec["revisionHistoryLimit"] == nil { spec["revisionHistoryLimit"] = 10 }
            if spec["persistentVolumeClaimRetentionPolicy"] == nil {
                spec["persistentVolumeClaimRetentionPolicy"] = ["whenDeleted": "Retain", "whenScaled": "Retain"]
            }
            if case .array(let claims)? = spec["volumeClaimTemplates"] {
                spec["volumeClaimTemplates"] = .array(claims.map { c in
                    var c = c
                    if c["apiVersion"] == nil { c["apiVersion"] = "v1" }
                    if c["kind"] == nil { c["kind"] = "PersistentVolumeClaim" }
                    if c["spec"] != nil, c["spec"]?["volumeMode"] == nil {
                        c[path: ["spec", "volumeMode"]] = "Filesystem"
                    }
                    if c["status"] == nil { c["status"] = ["phase": "Pending"] }
                    return reorder(c, ["apiVersion", "kind", "metadata", "spec", "status"])
                })
            }
        case "DaemonSet":
            if spec["updateStrategy"] == nil {
                spec["updateStrategy"] = ["type": "RollingUpdate",
                                          "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]]
            }
            if spec["revisionHistoryLimit"] == nil { spec["revisionHistoryLimit"] = 10 }
        case "Job":
            if spec["parallelism"] == nil { spec["parallelism"] = 1 }
            if spec["completions"] == nil { spec["completions"] = 1 }
            if spec["backoffLimit"] == nil { spec["backoffLimit"] = 6 }
            if spec["completionMode"] == nil { spec["completionMode"] = "NonIndexed" }
            if spec["suspend"] == nil { spec["suspend"] = false }
            if spec["podReplacementPolicy"] == nil { spec["podReplacementPolicy"] = "TerminatingOrFailed" }
            if spec["manualSelector"] == nil, spec["selector"] == nil, let uid = d["metadata"]?["uid"] {
                spec["selector"] = ["matchLabels": ["batch.kubernetes.io/controller-uid": uid]]
                var t = spec["template"] ?? .object(JSONObject())
                var labels = t["metadata"]?["labels"]?.objectValue ?? JSONObject()
                labels["batch.kubernetes.io/controller-uid"] = uid
                labels["batch.kubernetes.io/job-name"] = d["metadata"]?["name"] ?? ""
                labels["controller-uid"] = uid
                labels["job-name"] = d["metadata"]?["name"] ?? ""
                t[path: ["metadata", "labels"]] = .object(ObjectFormat.sortedObject(labels))
                spec["template"] = t
            }
            if case .object(var ts)? = spec["template"]?["spec"], ts["restartPolicy"]?.stringValue == "Always" {
                ts["restartPolicy"] = "Never"
                spec[path: ["template", "spec"]] = .object(ts)
            }
        default: break
        }
        d["spec"] = spec
        if d["status"] == nil {
            d["status"] = kind == "ReplicaSet" || kind == "StatefulSet" ? ["replicas": 0]
                : kind == "DaemonSet" ? ["currentNumberScheduled": 0, "numberMisscheduled": 0,
                                         "desiredNumberScheduled": 0, "numberReady": 0] : .object(JSONObject())
        }
        return d
    }

    // MARK: - Volumes

    /// A new claim: the default StorageClass when it names none (kube-apiserver's DefaultStorageClass admission;
    /// an explicit `""` stays), `Filesystem` mode and the `Pending` phase.
    static func persistentVolumeClaim(_ c: JSONValue, defaultClass: String?) -> JSONValue {
        var c = c
        var spec = c["spec"] ?? .object(JSONObject())
        if spec["storageClassName"] == nil, let defaultClass { spec["storageClassName"] = .string(defaultClass) }
        if spec["volumeMode"] == nil { spec["volumeMode"] = "Filesystem" }
        c["spec"] = reorder(spec, ["accessModes", "selector", "resources", "volumeName", "storageClassName",
                                   "volumeMode", "dataSource", "dataSourceRef", "volumeAttributesClassName"])
        if c["status"] == nil { c["status"] = ["phase": "Pending"] }
        return c
    }

    /// A new volume: `Retain`, `Filesystem` mode and the `Pending` phase unless given.
    static func persistentVolume(_ v: JSONValue) -> JSONValue {
        var v = v
        if v["spec"]?["persistentVolumeReclaimPolicy"] == nil {
            v[path: ["spec", "persistentVolumeReclaimPolicy"]] = "Retain"
        }
        if v["spec"]?["volumeMode"] == nil { v[path: ["spec", "volumeMode"]] = "Filesystem" }
        if v["status"] == nil { v["status"] = ["phase": "Pending"] }
        return v
    }

    // MARK: - Namespaces, nodes

    static func namespace(_ n: JSONValue) -> JSONValue {
        var n = n
        let name = n["metadata"]?["name"]?.stringValue ?? ""
        var labels = n["metadata"]?["labels"]?.objectValue ?? JSONObject()
        labels["kubernetes.io/metadata.name"] = .string(name)
        n[path: ["metadata", "labels"]] = .object(ObjectFormat.sortedObject(labels))
        n["spec"] = ["finalizers": ["kubernetes"]]
        n["status"] = ["phase": "Active"]
        return n
    }

    static func node(_ n: JSONValue, podCIDR: String?) -> JSONValue {
        var n = n
        var spec = n["spec"] ?? .object(JSONObject())
        if let podCIDR, spec["podCIDR"] == nil {
            spec["podCIDR"] = .string(podCIDR)
            spec["podCIDRs"] = [.string(podCIDR)]
        }
        n["spec"] = spec
        var status = n["status"] ?? .object(JSONObject())
        if status["allocatable"] == nil, let cap = status["capacity"] { status["allocatable"] = cap }
        if status["daemonEndpoints"] == nil { status["daemonEndpoints"] = ["kubeletEndpoint": ["Port": 0]] }
        if status["nodeInfo"] == nil {
            status["nodeInfo"] = ["machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "",
                                  "osImage": "", "containerRuntimeVersion": "", "kubeletVersion": "",
                                  "kubeProxyVersion": "", "operatingSystem": "", "architecture": ""]
        }
        n["status"] = status
        return n
    }

    // MARK: - Services

    static func service(_ s: JSONValue, allocateIP: () -> String?, allocateNodePort: () -> Int64) -> JSONValue {
        var s = s
        var spec = s["spec"] ?? .object(JSONObject())
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        spec["type"] = .string(type)
        if case .array(let ports)? = spec["ports"] {
            spec["ports"] = .array(ports.map { p in
                var p = p
                if p["protocol"] == nil { p["protocol"] = "TCP" }
                if p["targetPort"] == nil, let port = p["port"] { p["targetPort"] = port }
                if (type == "NodePort" || type == "LoadBalancer"), p["nodePort"] == nil {
                    p["nodePort"] = .int(allocateNodePort())
                }
                return reorder(p, ["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"])
            })
        }
        if type != "ExternalName" {
            if spec["clusterIP"] == nil || spec["clusterIP"]?.stringValue == "" {
                if let ip = allocateIP() { spec["clusterIP"] = .string(ip) }
            }
            if spec["clusterIPs"] == nil, let ip = spec["clusterIP"] { spec["clusterIPs"] = [ip] }
            if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
            if spec["ipFamilies"] == nil {
                let v6 = spec["clusterIP"]?.stringValue?.contains(":") ?? false
                spec["ipFamilies"] = [v6 ? "IPv6" : "IPv4"]
            }
            if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = "SingleStack" }
            if spec["internalTrafficPolicy"] == nil { spec["internalTrafficPolicy"] = "Cluster" }
            if type == "NodePort" || type == "LoadBalancer", spec["externalTrafficPolicy"] == nil {
                spec["externalTrafficPolicy"] = "Cluster"
            }
        } else if spec["sessionAffinity"] == nil {
            spec["sessionAffinity"] = "None"
        }
        s["spec"] = reorder(spec, ["ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs",
                                    "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName",
                                    "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses",
                                    "sessionAffinityConfig", "ipFamilies", "ipFamilyPolicy",
                                    "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy"])
        if s["status"] == nil { s["status"] = ["loadBalancer": .object(JSONObject())] }
        return s
    }

    // MARK: - CRDs

    static func customResourceDefinition(_ crd: JSONValue, now: String) -> JSONValue {
        var c = crd
        let names = c["spec"]?["names"] ?? .object(JSONObject())
        var accepted = names
        if accepted["singular"] == nil, let kind = names["kind"]?.stringValue {
            accepted["singular"] = .string(kind.lowercased())
        }
        if accepted["listKind"] == nil, let kind = names["kind"]?.stringValue {
            accepted["listKind"] = .string(kind + "List")
        }
        var spec = c["spec"] ?? .object(JSONObject())
        spec["names"] = accepted
        if spec["conversion"] == nil { spec["conversion"] = ["strategy": "None"] }
        c["spec"] = spec
        let storage = (spec["versions"]?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }?["name"]
            ?? spec["versions"]?.arrayValue?.first?["name"] ?? "v1"
        c["status"] = [
            "conditions": [
                ["type": "NamesAccepted", "status": "True", "lastTransitionTime": .string(now),
                 "reason": "NoConflicts", "message": "no conflicts found"],
                ["type": "Established", "status": "True", "lastTransitionTime": .string(now),
                 "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"],
            ],
            "acceptedNames": accepted,
            "storedVersions": [storage],
        ]
        return c
    }
}
