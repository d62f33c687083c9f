import Foundation
import KosmosAPI
import Logging

/// Gives PersistentVolumeClaims volumes on a local cluster: the part of kube-controller-manager's PV controller
/// that binds claims and volumes, plus a hostPath provisioner for the `standard` StorageClass that every local
/// cluster gets (`local.kosmos.io/hostpath`, the default class, `WaitForFirstConsumer`, expandable).
///
/// - A claim without `storageClassName` gets the default class (the API server does that on create; this
///   controller catches claims made before a default class existed, as kube's retroactive assignment does).
/// - A claim of a class this provisioner serves gets a volume `pvc-<claim uid>` of the requested size and access
///   modes: with `WaitForFirstConsumer` once a pod using the claim is bound to a node (the volume's node affinity
///   then pins it to that node's `kubernetes.io/hostname`), with `Immediate` at once (no node affinity).
/// - Volumes pre-bound to a claim (`spec.claimRef`) and claims naming a volume (`spec.volumeName`) are bound, as
///   are claims that an `Available` volume of their class satisfies (classes not provisioned here only).
/// - A bound claim whose request grows is expanded when its class allows it (`allowVolumeExpansion`): the volume's
///   capacity, then the claim's `status.capacity`, follow the request.
/// - A volume whose claim is gone is deleted (reclaim policy `Delete`) or marked `Released` (`Retain`).
///
/// Nodes labelled `kosmos.io/node=true` are ClusterTree leaf nodes: a pod bound to one runs in a member cluster,
/// whose own provisioner makes the volume, and ClusterTree mirrors that volume up into this cluster. The
/// provisioner therefore never provisions for a claim whose consumer sits on a leaf node; it only binds the
/// mirrored volume once it appears, and leaves reclaiming such volumes (annotated `kosmos-io/cluster-owners`) to
/// ClusterTree.
///
/// Keys: a claim is reconciled under `namespace/name`, a volume under its bare name (volumes are cluster-scoped,
/// claims never are, so the two never collide).
struct VolumeProvisioner: Reconciler {
    let client: KubeClient
    let claims: SharedInformer<DynamicObject>
    let volumes: SharedInformer<DynamicObject>
    let classes: SharedInformer<DynamicObject>
    let pods: SharedInformer<DynamicObject>
    let nodes: SharedInformer<DynamicObject>
    /// Where volume directories are made (`<directory>/<volume name>`); `nil` records the path only.
    let directory: String?
    let logger: Logger

    /// The provisioner name of the local hostPath volumes.
    static let provisionerName = "local.kosmos.io/hostpath"
    /// The StorageClass every local cluster gets.
    static let defaultClassName = "standard"
    /// Where volumes live when the provisioner has no directory of its own (the path is recorded, not made).
    static let recordedVolumeRoot = "/var/lib/kosmos/volumes"

    static let isDefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
    static let betaIsDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
    static let bindCompletedAnnotation = "pv.kubernetes.io/bind-completed"
    static let boundByControllerAnnotation = "pv.kubernetes.io/bound-by-controller"
    static let provisionedByAnnotation = "pv.kubernetes.io/provisioned-by"
    static let selectedNodeAnnotation = "volume.kubernetes.io/selected-node"
    static let storageProvisionerAnnotation = "volume.kubernetes.io/storage-provisioner"
    static let betaStorageProvisionerAnnotation = "volume.beta.kubernetes.io/storage-provisioner"

    var events: ControllerEvents { ControllerEvents(client: client, component: "persistentvolume-controller",
                                                    logger: logger) }

    func register(with controller: Controller) {
        controller.watch(claims) { event in
            var keys = [event.key]
            if let volume = event.object.string("spec", "volumeName"), !volume.isEmpty {
                keys.append(ObjectKey(namespace: nil, name: volume))
            }
            return keys
        }
        controller.watch(volumes) { event in
            var keys = [ObjectKey(namespace: nil, name: event.object.name)]
            if let ref = Self.claimRef(event.object) {
                keys.append(ObjectKey(namespace: ref.namespace, name: ref.name))
            }
            return keys
        }
        controller.watch(pods) { event in
            // A consumer bound to a node is what a WaitForFirstConsumer claim waits for.
            guard case .deleted = event else {
                let pod = event.object
                guard pod.nodeName != nil else { return [] }
                return pod.podClaimNames.map { ObjectKey(namespace: pod.namespace, name: $0) }
            }
            return []
        }
        let claims = self.claims
        controller.watch(classes) { _ in
            claims.store.list().filter { ($0.string("spec", "volumeName") ?? "").isEmpty }.map { ObjectKey(of: $0) }
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        key.namespace.isEmpty ? try await reconcileVolume(key.name) : try await reconcileClaim(key)
    }

    // MARK: - Default class

    /// The default StorageClass among `classes` (objects as stored): annotated default, the newest first, then by
    /// name, as kube-apiserver's DefaultStorageClass admission picks it.
    static func defaultClass(_ classes: [JSONValue]) -> String? {
        let defaults = classes.filter { c in
            let a = c["metadata"]?["annotations"]
            return a?[isDefaultClassAnnotation]?.stringValue == "true"
                || a?[betaIsDefaultClassAnnotation]?.stringValue == "true"
        }
        return defaults.sorted { a, b in
            let ta = a["metadata"]?["creationTimestamp"]?.stringValue ?? ""
            let tb = b["metadata"]?["creationTimestamp"]?.stringValue ?? ""
            if ta != tb { return ta > tb }
            return (a["metadata"]?["name"]?.stringValue ?? "") < (b["metadata"]?["name"]?.stringValue ?? "")
        }.first?["metadata"]?["name"]?.stringValue
    }

    /// The `standard` class every local cluster gets.
    static var standardClass: DynamicObject {
        DynamicObject(json: [
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": ["name": .string(defaultClassName),
                         "annotations": [Self.isDefaultClassAnnotation: "true"]],
            "provisioner": .string(provisionerName),
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true,
        ])
    }

    /// Creates the `standard` class unless it exists, retrying until it is there or the task is cancelled.
    static func ensureStandardClass(client: KubeClient, logger: Logger) async {
        var backoff = Backoff(initial: .milliseconds(200), max: .seconds(5))
        while !Task.isCancelled {
            do {
                _ = try await client.dynamic(ClusterResources.storageClasses).create(standardClass)
                logger.debug("created StorageClass \(defaultClassName)")
                return
            } catch let e as KubeError where e.isAlreadyExists {
                return
            } catch {
                logger.info("creating StorageClass \(defaultClassName) failed; retrying",
                            metadata: ["error": "\(error)"])
                do { try await Task.sleep(for: backoff.next()) } catch { return }
            }
        }
    }

    // MARK: - Claims

    private func reconcileClaim(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let pvc = claims.store.get(key), !pvc.isTerminating else { return .done }
        let volumeName = pvc.string("spec", "volumeName") ?? ""
        if !volumeName.isEmpty {
            guard let pv = volumes.store.get(namespace: nil, name: volumeName) else {
                if pvc.string("status", "phase") == "Bound" {
                    try await patchClaimStatus(pvc, ["phase": "Lost"])
                    await events.record(pvc, ClusterResources.persistentVolumeClaims, type: "Warning",
                                        reason: "ClaimLost", message: "Bound claim has lost its PersistentVolume. "
                                            + "Data on the volume is lost!")
                }
                return .done
            }
            if let ref = Self.claimRef(pv), ref.namespace != key.namespace || ref.name != key.name
                || (!ref.uid.isEmpty && ref.uid != pvc.uid) {
                await events.record(pvc, ClusterResources.persistentVolumeClaims, type: "Warning",
                                    reason: "FailedBinding",
                                    message: "volume \"\(volumeName)\" already bound to a different claim.")
                return .done
            }
            try await bind(pvc, pv, claimNamedVolume: true)
            return try await expandIfAsked(pvc, pv)
        }
        if let pv = volumes.store.list().first(where: { pv in
            guard let ref = Self.claimRef(pv), !pv.isTerminating else { return false }
            return ref.namespace == key.namespace && ref.name == key.name && (ref.uid.isEmpty || ref.uid == pvc.uid)
        }) {
            try await bind(pvc, pv, claimNamedVolume: false)
            return .done
        }
        guard let className = pvc.string("spec", "storageClassName") else {
            if let name = Self.defaultClass(classes.store.list().map(\.json)) {
                try await patchClaim(pvc, ["spec": ["storageClassName": .string(name)]])
            }
            return .done
        }
        let storageClass = className.isEmpty ? nil : classes.store.get(namespace: nil, name: className)
        guard let storageClass, storageClass.string("provisioner") == Self.provisionerName else {
            if let pv = matchAvailableVolume(for: pvc, className: className) {
                try await bind(pvc, pv, claimNamedVolume: false)
            }
            return .done
        }
        var node: String?
        if storageClass.string("volumeBindingMode") == "WaitForFirstConsumer" {
            node = pvc.metadata.annotations[Self.selectedNodeAnnotation] ?? consumerNode(of: pvc)
            guard let node else { return .done }  // a consumer's binding brings the claim back
            if nodes.store.get(namespace: nil, name: node)?.metadata.labels[KosmosKeys.leafNode] == "true" {
                logger.debug("claim \(key) is used on leaf node \(node); its member cluster provisions it")
                return .done
            }
        }
        try await provision(pvc, storageClass: storageClass, node: node)
        return .done
    }

    /// The node of an active pod in the claim's namespace that uses the claim.
    private func consumerNode(of pvc: DynamicObject) -> String? {
        pods.store.list(namespace: pvc.namespace)
            .filter { $0.isActivePod && $0.nodeName != nil && $0.podClaimNames.contains(pvc.name) }
            .sorted { $0.name < $1.name }.first?.nodeName
    }

    /// The smallest unclaimed `Available` volume of the claim's class with its access modes and enough capacity.
    private func matchAvailableVolume(for pvc: DynamicObject, className: String) -> DynamicObject? {
        let request = Self.storage(pvc.json[path: ["spec", "resources", "requests"]])
        let modes = Set(pvc.array("spec", "accessModes").compactMap(\.stringValue))
        let selector = pvc.json[path: ["spec", "selector"]].map { LabelSelector(json: $0) }
        return volumes.store.list().filter { pv in
            Self.claimRef(pv) == nil && !pv.isTerminating && pv.string("status", "phase") == "Available"
                && (pv.string("spec", "storageClassName") ?? "") == className
                && modes.isSubset(of: Set(pv.array("spec", "accessModes").compactMap(\.stringValue)))
                && (request.map { r in Self.storage(pv.json[path: ["spec", "capacity"]]).map { $0 >= r } ?? false }
                    ?? true)
                && (selector.map { $0.matches(pv.metadata.labels) } ?? true)
        }.min { a, b in
            let ca = Self.storage(a.json[path: ["spec", "capacity"]])
            let cb = Self.storage(b.json[path: ["spec", "capacity"]])
            if ca != cb, let ca, let cb { return ca < cb }
            return a.name < b.name
        }
    }

    /// Makes the claim's volume and binds the two.
    private func provision(_ pvc: DynamicObject, storageClass: DynamicObject, node: String?) async throws {
        let name = "pvc-\(pvc.uid)"
        let what = "\(pvc.namespace)/\(pvc.name)"
        guard let request = pvc.json[path: ["spec", "resources", "requests", "storage"]],
              let size = Self.storage(pvc.json[path: ["spec", "resources", "requests"]]) else {
            await events.record(pvc, ClusterResources.persistentVolumeClaims, type: "Warning",
                                reason: "ProvisioningFailed",
                                message: "claim \(what): spec.resources.requests.storage is required to provision "
                                    + "a volume")
            return
        }
        let modes = pvc.array("spec", "accessModes")
        guard !modes.isEmpty else {
            await events.record(pvc, ClusterResources.persistentVolumeClaims, type: "Warning",
                                reason: "ProvisioningFailed",
                                message: "claim \(what): spec.accessModes is required to provision a volume")
            return
        }
        // The annotations kube's PV controller and scheduler put on a claim that is being provisioned.
        var annotations: JSONObject = [
            Self.storageProvisionerAnnotation: .string(Self.provisionerName),
            Self.betaStorageProvisionerAnnotation: .string(Self.provisionerName),
        ]
        if let node { annotations[Self.selectedNodeAnnotation] = .string(node) }
        if annotations.contains(where: { pvc.metadata.annotations[$0.key] != $0.value.stringValue }) {
            try await patchClaim(pvc, ["metadata": ["annotations": .object(annotations)]])
        }
        if let pv = volumes.store.get(namespace: nil, name: name) {
            try await bind(pvc, pv, claimNamedVolume: false)
            return
        }
        let path: String
        if let directory {
            path = "\(directory)/\(name)"
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ControllerError(controller: "volume provisioner", object: what,
                                      operation: "make directory \(path) for volume \(name)", cause: "\(error)")
            }
        } else {
            path = "\(Self.recordedVolumeRoot)/\(name)"
        }
        var spec = JSONObject()
        spec.append("capacity", ["storage": request])
        spec.append("hostPath", ["path": .string(path), "type": "DirectoryOrCreate"])
        spec.append("accessModes", .array(modes))
        spec.append("claimRef", Self.claimReference(pvc))
        spec.append("persistentVolumeReclaimPolicy", .string(storageClass.string("reclaimPolicy") ?? "Delete"))
        spec.append("storageClassName", .string(storageClass.name))
        spec.append("volumeMode", .string(pvc.string("spec", "volumeMode") ?? "Filesystem"))
        if let node {
            let hostname = nodes.store.get(namespace: nil, name: node)?.metadata.labels["kubernetes.io/hostname"]
                ?? node
            spec.append("nodeAffinity", ["required": ["nodeSelectorTerms": [["matchExpressions": [
                ["key": "kubernetes.io/hostname", "operator": "In", "values": [.string(hostname)]],
            ]]]]])
        }
        let volume = DynamicObject(json: [
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": ["name": .string(name),
                         "annotations": [Self.provisionedByAnnotation: .string(Self.provisionerName)]],
            "spec": .object(spec),
        ])
        let created: DynamicObject
        do {
            created = try await client.dynamic(ClusterResources.persistentVolumes).create(volume)
                .withTypeMeta(ClusterResources.persistentVolumes)
        } catch let e as KubeError where e.isAlreadyExists {
            created = try await client.dynamic(ClusterResources.persistentVolumes).get(name: name)
                .withTypeMeta(ClusterResources.persistentVolumes)
        }
        logger.debug("provisioned volume \(name) of \(size) for claim \(what) on node \(node ?? "<any>")")
        await events.record(pvc, ClusterResources.persistentVolumeClaims, reason: "ProvisioningSucceeded",
                            message: "Successfully provisioned volume \(name)")
        try await bind(pvc, created, claimNamedVolume: false)
    }

    // MARK: - Binding

    /// Binds claim and volume both ways, each step only when it is not done yet: the volume's `claimRef` and
    /// `Bound` phase, then the claim's `volumeName`, annotations and `Bound` status with the volume's capacity.
    private func bind(_ pvc: DynamicObject, _ pv: DynamicObject, claimNamedVolume: Bool) async throws {
        let volumes = client.dynamic(ClusterResources.persistentVolumes)
        var pv = pv
        if (Self.claimRef(pv)?.uid ?? "").isEmpty {
            var patch: JSONObject = ["spec": ["claimRef": Self.claimReference(pvc)]]
            var meta: JSONObject = ["resourceVersion": .string(pv.metadata.resourceVersion ?? "")]
            if Self.claimRef(pv) == nil { meta["annotations"] = [Self.boundByControllerAnnotation: "yes"] }
            patch["metadata"] = .object(meta)
            pv = try await volumes.patch(name: pv.name, patch: .merge(.object(patch)))
        }
        if pv.string("status", "phase") != "Bound" {
            pv = try await volumes.patch(name: pv.name, patch: .merge(["status": ["phase": "Bound"]]),
                                         subresource: "status")
        }
        var annotations: JSONObject = [:]
        if pvc.metadata.annotations[Self.bindCompletedAnnotation] != "yes" {
            annotations[Self.bindCompletedAnnotation] = "yes"
        }
        var claimPatch: JSONObject = [:]
        if (pvc.string("spec", "volumeName") ?? "").isEmpty {
            claimPatch["spec"] = ["volumeName": .string(pv.name)]
            if !claimNamedVolume { annotations[Self.boundByControllerAnnotation] = "yes" }
        }
        if !annotations.isEmpty { claimPatch["metadata"] = ["annotations": .object(annotations)] }
        if !claimPatch.isEmpty { try await patchClaim(pvc, claimPatch) }
        var status = JSONObject()
        status.append("phase", "Bound")
        status.append("accessModes", pv.json[path: ["spec", "accessModes"]] ?? .array([]))
        status.append("capacity", pv.json[path: ["spec", "capacity"]] ?? .object(JSONObject()))
        if ReplicaSetController.statusDiffers(pvc, status) {
            try await patchClaimStatus(pvc, status)
            logger.debug("bound claim \(pvc.namespace)/\(pvc.name) to volume \(pv.name)")
        }
    }

    /// Grows a bound claim's volume to its request when the class allows expansion, then reports the new size.
    private func expandIfAsked(_ pvc: DynamicObject, _ pv: DynamicObject) async throws -> ReconcileResult {
        guard let request = Self.storage(pvc.json[path: ["spec", "resources", "requests"]]),
              let capacity = Self.storage(pv.json[path: ["spec", "capacity"]]),
              let requestText = pvc.json[path: ["spec", "resources", "requests", "storage"]] else { return .done }
        if request > capacity {
            let className = pvc.string("spec", "storageClassName") ?? ""
            let allowed = classes.store.get(namespace: nil, name: className)?
                .json["allowVolumeExpansion"]?.boolValue == true
            guard allowed else {
                await events.record(pvc, ClusterResources.persistentVolumeClaims, type: "Warning",
                                    reason: "VolumeResizeFailed",
                                    message: "claim \(pvc.namespace)/\(pvc.name): StorageClass \"\(className)\" "
                                        + "does not allow volume expansion; volume \(pv.name) stays at \(capacity)")
                return .done
            }
            _ = try await client.dynamic(ClusterResources.persistentVolumes).patch(
                name: pv.name, patch: .merge(["spec": ["capacity": ["storage": requestText]]]))
            logger.debug("expanded volume \(pv.name) from \(capacity) to \(request)")
            return .done  // the volume's event brings the claim back to report the size
        }
        if Self.storage(pvc.json[path: ["status", "capacity"]]) != capacity {
            try await patchClaimStatus(pvc, ["capacity": pv.json[path: ["spec", "capacity"]] ?? .object(JSONObject())])
        }
        return .done
    }

    // MARK: - Volumes

    private func reconcileVolume(_ name: String) async throws -> ReconcileResult {
        guard let pv = volumes.store.get(namespace: nil, name: name), !pv.isTerminating else { return .done }
        // A volume mirrored from a member cluster lives and goes with its original: ClusterTree manages it.
        if pv.metadata.annotations[KosmosKeys.clusterOwners] != nil { return .done }
        let volumes = client.dynamic(ClusterResources.persistentVolumes)
        guard let ref = Self.claimRef(pv) else {
            if pv.string("status", "phase") != "Available" {
                _ = try await volumes.patch(name: name, patch: .merge(["status": ["phase": "Available"]]),
                                            subresource: "status")
            }
            return .done
        }
        if let pvc = claims.store.get(namespace: ref.namespace, name: ref.name), ref.uid.isEmpty || ref.uid == pvc.uid {
            return .done  // the claim's reconcile binds
        }
        if ref.uid.isEmpty {
            // Reserved for a claim that does not exist yet.
            if pv.string("status", "phase") != "Available" {
                _ = try await volumes.patch(name: name, patch: .merge(["status": ["phase": "Available"]]),
                                            subresource: "status")
            }
            return .done
        }
        // The cache may lag behind a claim just made: confirm that the claim is really gone.
        do {
            let live = try await client.dynamic(ClusterResources.persistentVolumeClaims).get(
                namespace: ref.namespace, name: ref.name)
            if live.uid == ref.uid { return .done }
        } catch let e as KubeError where e.isNotFound {}
        let policy = pv.string("spec", "persistentVolumeReclaimPolicy") ?? "Retain"
        let ours = pv.metadata.annotations[Self.provisionedByAnnotation] == Self.provisionerName
        if policy == "Delete" && ours {
            if let directory, let path = pv.string("spec", "hostPath", "path"), path.hasPrefix(directory + "/") {
                try? FileManager.default.removeItem(atPath: path)
            }
            do {
                try await volumes.delete(name: name, options: DeleteOptions(preconditionUID: pv.uid))
                logger.debug("deleted volume \(name): claim \(ref.namespace)/\(ref.name) is gone")
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
        } else if pv.string("status", "phase") != "Released" {
            _ = try await volumes.patch(name: name, patch: .merge(["status": ["phase": "Released"]]),
                                        subresource: "status")
        }
        return .done
    }

    // MARK: - Helpers

    private func patchClaim(_ pvc: DynamicObject, _ patch: JSONObject) async throws {
        do {
            _ = try await client.dynamic(ClusterResources.persistentVolumeClaims).patch(
                namespace: pvc.namespace, name: pvc.name, patch: .merge(.object(patch)))
        } catch let e as KubeError where e.isNotFound {}
    }

    private func patchClaimStatus(_ pvc: DynamicObject, _ status: JSONObject) async throws {
        do {
            _ = try await client.dynamic(ClusterResources.persistentVolumeClaims).patch(
                namespace: pvc.namespace, name: pvc.name, patch: .merge(["status": .object(status)]),
                subresource: "status")
        } catch let e as KubeError where e.isNotFound {}
    }

    /// A volume's `spec.claimRef` (namespace, name, uid), `nil` when it has none.
    static func claimRef(_ pv: DynamicObject) -> (namespace: String, name: String, uid: String)? {
        guard let name = pv.string("spec", "claimRef", "name"), !name.isEmpty else { return nil }
        return (pv.string("spec", "claimRef", "namespace") ?? "", name, pv.string("spec", "claimRef", "uid") ?? "")
    }

    /// The `claimRef` a volume bound to `pvc` carries.
    static func claimReference(_ pvc: DynamicObject) -> JSONValue {
        var ref = JSONObject()
        ref.append("kind", "PersistentVolumeClaim")
        ref.append("namespace", .string(pvc.namespace))
        ref.append("name", .string(pvc.name))
        ref.append("uid", .string(pvc.uid))
        ref.append("apiVersion", "v1")
        ref.append("resourceVersion", .string(pvc.metadata.resourceVersion ?? ""))
        return .object(ref)
    }

    /// The `storage` quantity of a resource list (`requests`, `capacity`), `nil` when absent or malformed.
    static func storage(_ resources: JSONValue?) -> Quantity? {
        guard let text = resources?["storage"]?.stringValue else { return nil }
        return try? Quantity(text)
    }
}

extension DynamicObject {
    /// The claims a pod's volumes use: `persistentVolumeClaim.claimName`s, and `<pod>-<volume>` for generic
    /// ephemeral volumes.
    var podClaimNames: [String] {
        array("spec", "volumes").compactMap { v in
            if let claim = v["persistentVolumeClaim"]?["claimName"]?.stringValue { return claim }
            if v["ephemeral"] != nil, let volume = v["name"]?.stringValue { return "\(name)-\(volume)" }
            return nil
        }
    }
}
