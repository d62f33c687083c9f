import Foundation
import KosmosAPI
import NIOCore

/// Mutable state of one Table watch (first event carries the column definitions); touched only on the
/// connection's event loop, in order.
private final class TableWatchState: @unchecked Sendable {
    var first = true
}

extension APIHandler {
    func watch(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let q = request.query
        var filter = try ObjectFilter(request: request, info: t.info)
        // The /watch/<resource>/<name> form watches one object.
        if let name = t.name {
            filter.fields.requirements.append(.init(field: "metadata.name", value: name))
        }
        var fromRevision: Int64?
        if let rvString = q["resourceVersion"], !rvString.isEmpty {
            guard let rv = Int64(rvString) else {
                throw APIError.badRequest("invalid resource version: resourceVersion: Invalid value: \"\(rvString)\": "
                    + "strconv.ParseUint: parsing \"\(rvString)\": invalid syntax")
            }
            fromRevision = rv
        }
        let sendInitial = q["sendInitialEvents"] == "true"
        if sendInitial { fromRevision = nil }
        let bookmarks = isTrue(q["allowWatchBookmarks"]) && q["allowWatchBookmarks"] != nil
        let timeout = Int64(q["timeoutSeconds"] ?? "") ?? 0
        let info = t.info
        let accept = request.header("Accept") ?? ""
        let asTable = accept.contains("as=Table")
        let store = self.store
        let namespace = t.namespace.isEmpty ? nil : t.namespace
        let tableState = TableWatchState()
        let handler = self
        let pretty = false

        let cache = watchEvents
        let encodeLine: @Sendable (StoreEventType, JSONValue) -> ByteBuffer = { type, object in
            var obj = handler.converted(object, to: info)
            if asTable && type != .bookmark && type != .error {
                if var table = try? Tables.table(for: [obj], info: info, request: request,
                                                 resourceVersion: obj["metadata"]?["resourceVersion"]?.stringValue ?? "") {
                    if !tableState.first { table["columnDefinitions"] = .null }
                    tableState.first = false
                    obj = table
                }
            }
            var o = JSONObject()
            o.append("type", .string(type.rawValue))
            o.append("object", obj)
            var bytes = JSONValue.object(o).serialized(pretty ? .pretty : .compact)
            bytes.append(0x0A)
            return ByteBuffer(bytes: bytes)
        }
        // When the store hands over the object's stored JSON and the watcher is served that apiVersion, the line
        // is that JSON between a fixed head and tail: no tree walk, no serialisation. It equals what
        // `encodeLine` makes, since the stored bytes are the compact serialisation of the same object.
        let splice: @Sendable (StoreEventType, JSONValue, [UInt8]?) -> ByteBuffer? = { type, object, encoded in
            guard let encoded, object["apiVersion"]?.stringValue == info.apiVersion else { return nil }
            return WatchLine.splice(type: type, object: encoded)
        }
        // Table lines differ per watcher (the first carries the columns); every other line of a change is the same
        // bytes for all watchers of one apiVersion, encoded once.
        let encode: @Sendable (WatchDelivery) -> ByteBuffer = { d in
            let type = d.type, object = d.object
            guard !asTable && type != .bookmark && type != .error else { return encodeLine(type, object) }
            if let memo = d.memo {
                return memo.line(variant: info.apiVersion, type: type) {
                    splice(type, object, d.encoded) ?? encodeLine(type, object)
                }
            }
            // A replay or an initial event from stored bytes: copying them is cheaper than keying the cache.
            if let line = splice(type, object, d.encoded) { return line }
            guard let rv = object["metadata"]?["resourceVersion"]?.stringValue else { return encodeLine(type, object) }
            let key: String = "\(info.storageKey)|\(info.apiVersion)|\(type.rawValue)|\(rv)"
            return cache.line(for: key) { encodeLine(type, object) }
        }
        var bookmarkTemplate = JSONObject()
        bookmarkTemplate.append("kind", .string(info.kind))
        bookmarkTemplate.append("apiVersion", .string(info.apiVersion))
        bookmarkTemplate.append("metadata", ["resourceVersion": "", "creationTimestamp": .null])
        let template = JSONValue.object(bookmarkTemplate)
        var initialEnd = template
        initialEnd[path: ["metadata", "annotations"]] = ["k8s.io/initial-events-end": "true"]

        let finalFilter = filter
        let from = fromRevision
        let endMarker = initialEnd
        let matches: @Sendable (JSONValue) -> Bool = { finalFilter.matches($0) }
        let start: @Sendable (@escaping @Sendable (@escaping @Sendable () -> ByteBuffer) -> Void) -> Result<Int, APIError> = {
            emit in
            do {
                let send: @Sendable (WatchDelivery) -> Void = { delivery in emit { encode(delivery) } }
                let id = try store.watch(info.storageKey, namespace: namespace, fromRevision: from,
                                         matches: matches, deliver: send)
                if sendInitial && bookmarks { store.bookmark(watcher: id, template: endMarker) }
                return .success(id)
            } catch StoreError.expired(let requested, let oldest) {
                return .failure(APIError.expired("too old resource version: \(requested) (\(oldest))"))
            } catch {
                return .failure(.internalError("\(error)"))
            }
        }
        let stop: @Sendable (Int) -> Void = { store.unwatch($0) }
        let sendBookmark: @Sendable (Int) -> Void = { store.bookmark(watcher: $0, template: template) }
        let bookmark: (@Sendable (Int) -> Void)? = bookmarks ? sendBookmark : nil
        let plan = WatchPlan(start: start, stop: stop, bookmark: bookmark, timeoutSeconds: timeout,
                             bookmarkInterval: bookmarkInterval)
        return APIResponse(status: .ok,
                           headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")],
                           body: .watch(plan))
    }
}
