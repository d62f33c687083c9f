/// Index-to-name lookups for dumps: the kernel reports links by index, callers think in names.
struct LinkIndexMap {
    private var names: [Int32: String] = [:]

    init(_ links: [Link]) {
        for link in links { names[link.index] = link.name }
    }

    func name(_ index: Int32) -> String? { index == 0 ? nil : names[index] ?? "if\(index)" }

    func knows(_ index: Int32) -> Bool { names[index] != nil }

    mutating func set(_ index: Int32, _ name: String) { names[index] = name }
}

extension NetlinkHandle {
    func linkIndexMap() throws -> LinkIndexMap { LinkIndexMap(try links()) }
}
