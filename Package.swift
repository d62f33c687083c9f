// swift-tools-version: 6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode plus the upcoming features we keep.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// A thin executable in `Sources/Executables/<name>`: flags parsed with ArgumentParser, logs through swift-log,
/// everything else in `libraries`.
func executable(_ name: String, uses libraries: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: libraries + [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Sources/Executables/\(name)", swiftSettings: strict)
}

/// A test target for `libraries`; every test target also gets KosmosAPI, the local control plane (KosmosLocal) and
/// the shared test helpers (KosmosTestSupport).
func tests(_ name: String, of libraries: [Target.Dependency]) -> Target {
    .testTarget(
        name: name, dependencies: libraries + ["KosmosAPI", "KosmosLocal", "KosmosTestSupport"],
        swiftSettings: strict)
}

let package = Package(
    name: "Kosmos",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KosmosAPI", targets: ["KosmosAPI"]),
        .library(name: "KosmosNet", targets: ["KosmosNet"]),
        .library(name: "KosmosTree", targets: ["KosmosTree"]),
        .library(name: "KosmosSched", targets: ["KosmosSched"]),
        .library(name: "KosmosLocal", targets: ["KosmosLocal"]),
        .executable(name: "kosmosctl", targets: ["kosmosctl"]),
        .executable(name: "kosmos-apiserver", targets: ["kosmos-apiserver"]),
        .executable(name: "kosmos-bench", targets: ["kosmos-bench"]),
        .executable(name: "clusterlink-network-manager", targets: ["clusterlink-network-manager"]),
        .executable(name: "clusterlink-agent", targets: ["clusterlink-agent"]),
        .executable(name: "clusterlink-elector", targets: ["clusterlink-elector"]),
        .executable(name: "clusterlink-controller-manager", targets: ["clusterlink-controller-manager"]),
        .executable(name: "kosmos-scheduler", targets: ["kosmos-scheduler"]),
        .executable(name: "clustertree-manager", targets: ["clustertree-manager"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: - C libraries (system-library targets; Debian packages named as providers)
        .systemLibrary(
            name: "CLibCurl", path: "Sources/CLibCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CLibYAML", path: "Sources/CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CLibMnl", path: "Sources/CLibMnl", pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),

        // MARK: - Libraries
        .target(
            name: "KosmosAPI",
            dependencies: [
                "CLibCurl", "CLibYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "KosmosNet",
            dependencies: [
                "KosmosAPI", "CLibMnl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(name: "KosmosTree", dependencies: ["KosmosAPI"], swiftSettings: strict),
        .target(name: "KosmosSched", dependencies: ["KosmosAPI"], exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "KosmosLocal",
            dependencies: [
                "KosmosAPI", "KosmosNet", "KosmosSched", "KosmosTree", "CSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // MARK: - Executables (thin: flags -> library call)
        executable("kosmosctl", uses: ["KosmosAPI", "KosmosNet", "KosmosLocal"]),
        executable("kosmos-apiserver", uses: ["KosmosAPI", "KosmosLocal"]),
        executable("kosmos-bench", uses: ["KosmosAPI", "KosmosNet", "KosmosLocal", "KosmosSched", "KosmosTree"]),
        executable("clusterlink-network-manager", uses: ["KosmosAPI", "KosmosNet"]),
        executable("clusterlink-agent", uses: ["KosmosAPI", "KosmosNet"]),
        executable("clusterlink-elector", uses: ["KosmosAPI", "KosmosNet"]),
        executable("clusterlink-controller-manager", uses: ["KosmosAPI", "KosmosNet"]),
        executable("kosmos-scheduler", uses: ["KosmosAPI", "KosmosSched"]),
        executable("clustertree-manager", uses: ["KosmosAPI", "KosmosTree"]),

        // MARK: - Examples (built in CI)
        .executableTarget(name: "list-clusters", dependencies: ["KosmosAPI"], path: "Examples/list-clusters"),
        .executableTarget(name: "watch-pods", dependencies: ["KosmosAPI"], path: "Examples/watch-pods"),
        .executableTarget(name: "plan-network", dependencies: ["KosmosAPI", "KosmosNet"], path: "Examples/plan-network"),
        .executableTarget(name: "what-if", dependencies: ["KosmosAPI", "KosmosSched"], path: "Examples/what-if"),

        // MARK: - Tests (each runs against the local control plane, so all use KosmosAPI and KosmosLocal)
        .target(name: "KosmosTestSupport", path: "Tests/KosmosTestSupport", swiftSettings: strict),
        tests("KosmosAPITests", of: []),
        tests("KosmosNetTests", of: ["KosmosNet"]),
        tests("KosmosTreeTests", of: ["KosmosTree"]),
        tests("KosmosSchedTests", of: ["KosmosSched"]),
        tests("KosmosLocalTests", of: []),
        tests("EndToEndTests", of: ["KosmosNet", "KosmosTree"]),
    ],
    swiftLanguageModes: [.v6]
)
