import KosmosAPI

/// Amounts of schedulable resources as plain integers: CPU in millicores, everything else in base units
/// (bytes, counts). Built once from `Quantity` maps so hot loops compare integers only.
public struct ResourceVector: Sendable, Hashable {
    /// CPU in millicores.
    public var milliCPU: Int64 = 0
    /// Memory in bytes.
    public var memory: Int64 = 0
    /// Ephemeral storage in bytes.
    public var ephemeralStorage: Int64 = 0
    /// Number of pods (only meaningful for allocatable and free amounts).
    public var pods: Int64 = 0
    /// Extended and other resources by name, in base units.
    public var scalar: [String: Int64] = [:]

    /// An empty vector.
    public init() {}

    /// Converts a resource map (`cpu`, `memory`, `ephemeral-storage`, `pods`, extended names).
    /// - Parameter quantities: a requests, allocatable or free map.
    public init(_ quantities: [String: Quantity]) {
        for (name, q) in quantities {
            switch name {
            case ResourceName.cpu: milliCPU = q.milliValue
            case ResourceName.memory: memory = q.value
            case ResourceName.ephemeralStorage: ephemeralStorage = q.value
            case ResourceName.pods: pods = q.value
            default: scalar[name] = q.value
            }
        }
    }

    /// Whether no resource is requested.
    public var isZero: Bool {
        milliCPU == 0 && memory == 0 && ephemeralStorage == 0 && pods == 0 && scalar.values.allSatisfy { $0 == 0 }
    }

    /// Adds every amount of `other`.
    public mutating func add(_ other: ResourceVector) {
        milliCPU += other.milliCPU
        memory += other.memory
        ephemeralStorage += other.ephemeralStorage
        pods += other.pods
        for (k, v) in other.scalar { scalar[k, default: 0] += v }
    }

    /// Subtracts every amount of `other`.
    public mutating func subtract(_ other: ResourceVector) {
        milliCPU -= other.milliCPU
        memory -= other.memory
        ephemeralStorage -= other.ephemeralStorage
        pods -= other.pods
        for (k, v) in other.scalar { scalar[k, default: 0] -= v }
    }

    /// The amount of the named resource (`cpu` in millicores).
    public subscript(name: String) -> Int64 {
        switch name {
        case ResourceName.cpu: milliCPU
        case ResourceName.memory: memory
        case ResourceName.ephemeralStorage: ephemeralStorage
        case ResourceName.pods: pods
        default: scalar[name] ?? 0
        }
    }
}
