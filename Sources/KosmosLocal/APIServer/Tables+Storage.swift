import Foundation
import KosmosAPI

/// `kubectl get pvc|pv|sc` columns, as kube-apiserver's printers make them.
extension Tables {
    /// The columns of the storage kinds; `nil` for other kinds.
    static func storageColumns(_ storageKey: String, name: JSONValue, age: JSONValue) -> [JSONValue]? {
        let volumeAttributesClass = column("VolumeAttributesClass", description: "VolumeAttributesClass of the pvc")
        switch storageKey {
        case "core/persistentvolumeclaims":
            return [name,
                    column("Status", description: "phase represents the current phase of PersistentVolumeClaim."),
                    column("Volume", description: "volumeName is the binding reference to the PersistentVolume "
                               + "backing this claim."),
                    column("Capacity", description: "capacity represents the actual resources of the underlying "
                               + "volume."),
                    column("Access Modes", description: "accessModes contains the actual access modes the volume "
                               + "backing the PVC has."),
                    column("StorageClass", description: "StorageClass of the pvc"),
                    volumeAttributesClass, age,
                    column("VolumeMode", description: "volumeMode defines what type of volume is required by the "
                               + "claim.", priority: 1)]
        case "core/persistentvolumes":
            return [name,
                    column("Capacity", description: "capacity is the description of the persistent volume's "
                               + "resources and capacity."),
                    column("Access Modes", description: "accessModes contains all ways the volume can be mounted."),
                    column("Reclaim Policy", description: "persistentVolumeReclaimPolicy defines what happens to "
                               + "a persistent volume when released from its claim."),
                    column("Status", description: "phase indicates if a volume is available, bound to a claim, or "
                               + "released by a claim."),
                    column("Claim", description: "claimRef is part of a bi-directional binding between "
                               + "PersistentVolume and PersistentVolumeClaim."),
                    column("StorageClass", description: "StorageClass of the pv"),
                    column("VolumeAttributesClass", description: "VolumeAttributesClass of the pv"),
                    column("Reason", description: "reason is a brief CamelCase string that describes any failure "
                               + "and is meant for machine parsing and tidy display in the CLI."),
                    age,
                    column("VolumeMode", description: "volumeMode defines if a volume is intended to be used with "
                               + "a formatted filesystem or to remain in raw block state.", priority: 1)]
        case "storage.k8s.io/storageclasses":
            return [name,
                    column("Provisioner", description: "provisioner indicates the type of the provisioner."),
                    column("ReclaimPolicy", description: "reclaimPolicy controls the reclaimPolicy for dynamically "
                               + "provisioned PersistentVolumes of this storage class."),
                    column("VolumeBindingMode", description: "volumeBindingMode indicates how "
                               + "PersistentVolumeClaims should be provisioned and bound."),
                    column("AllowVolumeExpansion", description: "allowVolumeExpansion shows whether the storage "
                               + "class allow volume expand."),
                    age]
        default:
            return nil
        }
    }

    /// The cells of a storage kind's row; `nil` for other kinds.
    static func storageCells(_ o: JSONValue, storageKey: String, name: JSONValue, age: JSONValue) -> [JSONValue]? {
        let spec = o["spec"], status = o["status"]
        let deleting = o["metadata"]?["deletionTimestamp"] != nil
        func s(_ v: JSONValue?) -> String { v?.stringValue ?? "" }
        func modes(_ v: JSONValue?) -> String {
            let short = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX",
                         "ReadWriteOncePod": "RWOP"]
            let given = Set((v?.arrayValue ?? []).compactMap(\.stringValue))
            return ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]
                .filter(given.contains).compactMap { short[$0] }.joined(separator: ",")
        }
        func unset(_ v: JSONValue?) -> JSONValue { .string(s(v).isEmpty ? "<unset>" : s(v)) }
        switch storageKey {
        case "core/persistentvolumeclaims":
            let bound = !s(spec?["volumeName"]).isEmpty
            return [name, .string(deleting ? "Terminating" : s(status?["phase"])), .string(s(spec?["volumeName"])),
                    .string(bound ? s(status?["capacity"]?["storage"]) : ""),
                    .string(bound ? modes(status?["accessModes"]) : ""), .string(s(spec?["storageClassName"])),
                    unset(spec?["volumeAttributesClassName"]), age, unset(spec?["volumeMode"])]
        case "core/persistentvolumes":
            let claim = spec?["claimRef"].map { "\(s($0["namespace"]))/\(s($0["name"]))" } ?? ""
            return [name, .string(s(spec?["capacity"]?["storage"])), .string(modes(spec?["accessModes"])),
                    .string(s(spec?["persistentVolumeReclaimPolicy"])),
                    .string(deleting ? "Terminating" : s(status?["phase"])), .string(claim),
                    .string(s(spec?["storageClassName"])), unset(spec?["volumeAttributesClassName"]),
                    .string(s(status?["reason"])), age, unset(spec?["volumeMode"])]
        case "storage.k8s.io/storageclasses":
            let annotations = o["metadata"]?["annotations"]
            let isDefault = annotations?[VolumeProvisioner.isDefaultClassAnnotation]?.stringValue == "true"
                || annotations?[VolumeProvisioner.betaIsDefaultClassAnnotation]?.stringValue == "true"
            let shown: JSONValue = isDefault ? .string("\(s(name)) (default)") : name
            return [shown, .string(s(o["provisioner"])),
                    .string(s(o["reclaimPolicy"]).isEmpty ? "Delete" : s(o["reclaimPolicy"])),
                    .string(s(o["volumeBindingMode"]).isEmpty ? "Immediate" : s(o["volumeBindingMode"])),
                    .string(o["allowVolumeExpansion"]?.boolValue == true ? "true" : "false"), age]
        default:
            return nil
        }
    }
}
