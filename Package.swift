// swift-tools-version:6.0
// Ties takes no package dependencies: Foundation, the toolchain and the
// system libsqlite3 are the whole world.
import PackageDescription

let package = Package(
    name: "Ties",
    products: [
        .executable(name: "ties", targets: ["ties"]),
        .executable(name: "ties-bench", targets: ["ties-bench"]),
        .library(name: "TiesCore", targets: ["TiesCore"]),
        .library(name: "TiesStore", targets: ["TiesStore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "TiesCore"),
        .target(name: "TiesStore", dependencies: ["TiesCore", "CSQLite"]),
        // TiesHTTP/Embedded/ (openapi.json) is compiled in by EmbedResourcesPlugin,
        // not shipped as a resource bundle: a copied `ties` binary keeps working.
        .target(
            name: "TiesHTTP",
            dependencies: ["TiesCore", "TiesStore"],
            exclude: ["Embedded"],
            plugins: ["EmbedResourcesPlugin"]
        ),
        .target(name: "TiesCLI", dependencies: ["TiesCore", "TiesStore", "TiesHTTP"]),
        .executableTarget(name: "ties", dependencies: ["TiesCLI"]),
        .executableTarget(name: "ties-bench", dependencies: ["TiesCore", "TiesStore", "TiesHTTP", "CSQLite"]),
        // The build-time embedding of files into a target (see EmbedResourcesPlugin).
        .executableTarget(name: "ties-embed"),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["ties-embed"],
            path: "Sources/EmbedResourcesPlugin"
        ),
        .testTarget(name: "TiesCoreTests", dependencies: ["TiesCore"], exclude: ["Fixtures"]),
        .testTarget(name: "TiesStoreTests", dependencies: ["TiesStore", "TiesCore"]),
        .testTarget(name: "TiesHTTPTests", dependencies: ["TiesHTTP", "TiesStore", "TiesCore"]),
        .testTarget(name: "TiesCLITests", dependencies: ["TiesCLI", "TiesStore", "TiesCore", "ties"]),
    ],
    swiftLanguageModes: [.v6]
)
