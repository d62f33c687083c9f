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
        // Table lines differ per watcher (the first carries the columns); every other line of a change is the same
        // bytes for all watchers of one apiVersion, encoded once.
        let encode: @Sendable (StoreEventType, JSONValue, WatchLineMemo?) -> ByteBuffer = { type, object, memo in
            guard !asTable && type != .bookmark && type != .error else { return encodeLine(type, object) }
            if let memo {
                return memo.line(variant: info.apiVersion, type: type) { encodeLine(type, object) }
            }
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
                let send: @Sendable (StoreEventType, JSONValue, WatchLineMemo?) -> Void = { type, object, memo in
                    emit { encode(type, object, memo) }
                }
                let id = try store.watch(info.storageKey, namespace: namespace, fromRevision: from,
                                         matches: matches, sendShared: send)
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
