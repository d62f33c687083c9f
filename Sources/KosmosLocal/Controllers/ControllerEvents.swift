import KosmosAPI
import Logging

/// Writes core/v1 Events about objects, as client-go's event recorder does, so that `kubectl describe` shows why
/// a controller did or did not act. A failed write is logged and otherwise ignored: events are best effort.
struct ControllerEvents: Sendable {
    let client: KubeClient
    /// The `source.component` and `reportingComponent`, e.g. `statefulset-controller`.
    let component: String
    let logger: Logger

    /// Records an event about `object` (kind and apiVersion taken from `resource`).
    /// - Parameters:
    ///   - object: the object the event is about.
    ///   - resource: its collection.
    ///   - type: `Normal` or `Warning`.
    ///   - reason: a short CamelCase reason, e.g. `ProvisioningSucceeded`.
    ///   - message: what happened, for people.
    func record(_ object: DynamicObject, _ resource: GroupVersionResource, type: String = "Normal", reason: String,
                message: String) async {
        let namespace = object.namespace.isEmpty ? "default" : object.namespace
        let now = kubeTimestamp()
        var involved = JSONObject()
        involved.append("kind", .string(ClusterResources.kind(of: resource)))
        if !object.namespace.isEmpty { involved.append("namespace", .string(object.namespace)) }
        involved.append("name", .string(object.name))
        involved.append("uid", .string(object.uid))
        involved.append("apiVersion", .string(resource.groupVersion.apiVersion))
        if let rv = object.metadata.resourceVersion { involved.append("resourceVersion", .string(rv)) }
        // Named like client-go's recorder: the object's name and a unique hexadecimal suffix.
        let name = "\(object.name).\(String(UInt64.random(in: 1...UInt64.max), radix: 16))"
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": .object(involved),
            "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": ["component": .string(component)],
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
            "reportingComponent": .string(component), "reportingInstance": "",
        ]
        do {
            _ = try await client.dynamic(ClusterResources.events).create(DynamicObject(json: event))
        } catch {
            logger.debug("event not written", metadata: ["object": "\(namespace)/\(object.name)",
                                                         "reason": "\(reason)", "error": "\(error)"])
        }
    }
}
