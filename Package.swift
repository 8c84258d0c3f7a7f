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
        // The pure domain: no I/O, no clock, no randomness.
        .target(name: "TiesCore"),
        // The only module that calls the operating system.
        .target(name: "TiesSystem"),
        .target(name: "TiesStore", dependencies: ["TiesCore", "TiesSystem", "CSQLite"]),
        // The JSON shape of every answer (CLI `--json`, HTTP bodies), rendered
        // from values the store returns and owns.
        .target(name: "TiesPresentation", dependencies: ["TiesCore", "TiesStore"]),
        // TiesHTTP/Embedded/ (openapi.json) is compiled in by EmbedResourcesPlugin,
        // not shipped as a resource bundle: a copied `ties` binary keeps working.
        .target(
            name: "TiesHTTP",
            dependencies: ["TiesCore", "TiesSystem", "TiesStore", "TiesPresentation"],
            exclude: ["Embedded"],
            plugins: ["EmbedResourcesPlugin"]
        ),
        .target(name: "TiesCLI", dependencies: ["TiesCore", "TiesSystem", "TiesStore", "TiesPresentation", "TiesHTTP"]),
        .executableTarget(name: "ties", dependencies: ["TiesCLI", "TiesSystem"]),
        .executableTarget(name: "ties-bench", dependencies: ["TiesCore", "TiesSystem", "TiesStore", "TiesHTTP", "CSQLite", "TiesTestSupport"]),
        // The build-time embedding of files into a target (see EmbedResourcesPlugin).
        .executableTarget(name: "ties-embed"),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["ties-embed"],
            path: "Sources/EmbedResourcesPlugin"
        ),
        // What the tests and the bench share: a seeded generator, temporary
        // directories, a raw HTTP/1.1 client, operation builders, golden
        // files, child processes, waiting with a deadline. No test framework,
        // so the bench executable can link it.
        .target(name: "TiesTestSupport", dependencies: ["TiesCore", "TiesSystem"]),
        // The thin Swift Testing layer over it (issues for failed clean-ups
        // and golden mismatches): test targets only.
        .target(name: "TiesTestExpectations", dependencies: ["TiesTestSupport"]),
        .testTarget(name: "TiesCoreTests", dependencies: ["TiesCore", "TiesTestSupport", "TiesTestExpectations"], exclude: ["Fixtures"]),
        .testTarget(name: "TiesStoreTests", dependencies: ["TiesStore", "TiesCore", "TiesSystem", "TiesPresentation", "TiesTestSupport", "TiesTestExpectations"]),
        .testTarget(name: "TiesHTTPTests", dependencies: ["TiesHTTP", "TiesStore", "TiesCore", "TiesSystem", "TiesPresentation", "TiesTestSupport", "TiesTestExpectations"]),
        .testTarget(name: "TiesCLITests", dependencies: ["TiesCLI", "TiesStore", "TiesCore", "TiesSystem", "TiesPresentation", "ties", "TiesTestSupport", "TiesTestExpectations"]),
    ],
    swiftLanguageModes: [.v6]
)
