import Foundation
import KosmosAPI

/// Parses and writes a realistic pod list with our JSON code vs Foundation's JSONSerialization.
enum JSONBench {
    static func run() throws {
        let pods = (0..<2000).map { BenchData.podJSON(index: $0) }
        let text = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
            + pods.joined(separator: ",") + "]}"
        let bytes = Array(text.utf8)
        let data = Data(bytes)
        let ours = try BenchData.time(repeat: 5) { _ = try JSONValue.parse(bytes) }
        let base = try BenchData.time(repeat: 5) { _ = try JSONSerialization.jsonObject(with: data) }
        BenchData.report("json", "parse-2000-pods", unit: "s", ours: ours, baseline: base)
        let v = try JSONValue.parse(bytes)
        let obj = try JSONSerialization.jsonObject(with: data)
        let ours2 = try BenchData.time(repeat: 5) { _ = v.serialized() }
        let base2 = try BenchData.time(repeat: 5) { _ = try JSONSerialization.data(withJSONObject: obj) }
        BenchData.report("json", "write-2000-pods", unit: "s", ours: ours2, baseline: base2)
    }
}

/// Shared helpers for benchmark scenarios: realistic objects, timing and the JSON line format.
enum BenchData {
    /// A realistic ~3 KB pod as JSON text.
    static func podJSON(index i: Int, namespace: String = "bench") -> String {
        """
        {"metadata":{"name":"pod-\(i)","generateName":"web-7c9f8b-","namespace":"\(namespace)","uid":"0f6c3a2e-\(String(format: "%04x", i % 65536))-4c4b-9d7e-1a2b3c4d5e6f","resourceVersion":"\(1000 + i)","creationTimestamp":"2026-11-26T10:00:00Z","labels":{"app":"web","pod-template-hash":"7c9f8b","tier":"frontend"},"annotations":{"kubernetes.io/psp":"restricted","prometheus.io/scrape":"true"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7c9f8b","uid":"6a1e2f3c-1111-4c4b-9d7e-1a2b3c4d5e6f","controller":true,"blockOwnerDeletion":true}]},"spec":{"volumes":[{"name":"kube-api-access-x1","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"web","image":"registry.example.com/web:1.25.3","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"MODE","value":"production"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"volumeMounts":[{"name":"kube-api-access-x1","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"node-\(i % 100)","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-26T10:00:01Z"},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-26T10:00:05Z"},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-26T10:00:05Z"},{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-26T10:00:00Z"}],"hostIP":"192.168.\(i % 200).10","podIP":"10.244.\(i / 250 % 250).\(i % 250)","podIPs":[{"ip":"10.244.\(i / 250 % 250).\(i % 250)"}],"startTime":"2026-11-26T10:00:01Z","containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2026-11-26T10:00:04Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"registry.example.com/web:1.25.3","imageID":"registry.example.com/web@sha256:4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899a","containerID":"containerd://8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d","started":true}],"qosClass":"Burstable"}}
        """
    }

    /// Runs `body` `repeat` times and returns the best wall time in seconds.
    static func time(repeat n: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<n {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = min(best, t)
        }
        return best
    }

    /// Prints one figure as a JSON line.
    static func report(_ scenario: String, _ figure: String, unit: String, ours: Double, baseline: Double) {
        var o = JSONObject()
        o.append("scenario", .string(scenario))
        o.append("figure", .string(figure))
        o.append("unit", .string(unit))
        o.append("ours", .double(ours))
        o.append("baseline", .double(baseline))
        o.append("ratio", .double(baseline == 0 ? 0 : ours / baseline))
        print(JSONValue.object(o).serializedString())
    }
}
