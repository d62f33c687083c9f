import KosmosAPI
import Synchronization

/// List/watch access to one collection of a `KubeClient`, optionally narrowed by label and field selectors (the
/// kubelet watches only the pods bound to its node).
struct ClientListerWatcher: ListerWatcher {
    typealias Object = DynamicObject

    let client: DynamicResourceClient
    let resource: GroupVersionResource
    let namespace: String?
    let labelSelector: String?
    let fieldSelector: String?

    init(client: KubeClient, resource: GroupVersionResource, namespace: String? = nil,
         labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.client = client.dynamic(resource)
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    func list() async throws -> ListSnapshot<DynamicObject> {
        var items: [DynamicObject] = []
        var token: String?
        var resourceVersion = ""
        repeat {
            let page = try await client.list(namespace: namespace, options: ListOptions(
                labelSelector: labelSelector, fieldSelector: fieldSelector, limit: 500, continue: token))
            items.append(contentsOf: page.items.map { $0.withTypeMeta(resource) })
            // Every page of one list carries the resourceVersion of the first.
            if resourceVersion.isEmpty { resourceVersion = page.metadata.resourceVersion ?? "" }
            token = page.metadata.continue
        } while !(token ?? "").isEmpty
        return ListSnapshot(items: items, resourceVersion: resourceVersion)
    }

    func watch(resourceVersion: String, timeout: Duration) async throws
        -> AsyncThrowingStream<ReflectorEvent<DynamicObject>, any Error>
    {
        let stream = try await client.watch(namespace: namespace, options: ListOptions(
            labelSelector: labelSelector, fieldSelector: fieldSelector, resourceVersion: resourceVersion,
            timeoutSeconds: max(1, Int(timeout.components.seconds)), allowWatchBookmarks: true))
        let resource = self.resource
        return AsyncThrowingStream { continuation in
            let pump = Task {
                do {
                    for try await event in stream {
                        switch event.type {
                        case .added: continuation.yield(.added(event.object.withTypeMeta(resource)))
                        case .modified: continuation.yield(.modified(event.object.withTypeMeta(resource)))
                        case .deleted: continuation.yield(.deleted(event.object.withTypeMeta(resource)))
                        case .bookmark:
                            let rv = event.object.metadata.resourceVersion ?? resourceVersion
                            continuation.yield(.bookmark(resourceVersion: rv))
                        }
                    }
                    continuation.finish()
                } catch let error as KubeError where error.isGone {
                    continuation.finish(throwing: ResourceExpiredError(
                        resourceVersion: resourceVersion, operation: "watch \(resource.resource)"))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                pump.cancel()
                stream.stop()
            }
        }
    }

    func isResourceExpired(_ error: any Error) -> Bool {
        if error is ResourceExpiredError { return true }
        if let e = error as? KubeError { return e.isGone }
        return false
    }
}

/// The informers of one process, one per collection (the shared-informer idea for `DynamicObject`s, which a
/// type-keyed `SharedInformerFactory` cannot tell apart).
final class DynamicInformers: Sendable {
    private let client: KubeClient
    private let informers = Mutex<[String: SharedInformer<DynamicObject>]>([:])

    init(client: KubeClient) {
        self.client = client
    }

    /// The informer of a collection, created on first use; call before `run()`.
    func informer(_ resource: GroupVersionResource, namespace: String? = nil, fieldSelector: String? = nil)
        -> SharedInformer<DynamicObject>
    {
        let key = "\(resource)|\(namespace ?? "")|\(fieldSelector ?? "")"
        return informers.withLock { all in
            if let i = all[key] { return i }
            let i = SharedInformer(listerWatcher: ClientListerWatcher(
                client: client, resource: resource, namespace: namespace, fieldSelector: fieldSelector),
                backoff: Backoff(initial: .milliseconds(200), max: .seconds(5)))
            all[key] = i
            return i
        }
    }

    /// Runs every informer asked for so far until the task is cancelled.
    func run() async {
        let all = informers.withLock { Array($0.values) }
        await withDiscardingTaskGroup { group in
            for i in all { group.addTask { await i.run() } }
        }
    }

    /// Waits until every informer has listed once; `false` when cancelled first.
    func waitForSync() async -> Bool {
        let all = informers.withLock { Array($0.values) }
        for i in all { guard await i.waitForCacheSync() else { return false } }
        return true
    }
}
