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
        .target(name: "TiesHTTP", dependencies: ["TiesCore", "TiesStore"]),
        .target(name: "TiesCLI", dependencies: ["TiesCore", "TiesStore", "TiesHTTP"]),
        .executableTarget(name: "ties", dependencies: ["TiesCLI"]),
        .executableTarget(name: "ties-bench", dependencies: ["TiesCore", "TiesStore", "TiesHTTP", "CSQLite", "TiesTestSupport"]),
        // What the tests and the bench share: a seeded generator, temporary
        // directories, a raw HTTP/1.1 client, operation builders, golden
        // files, child processes, waiting with a deadline. No test framework,
        // so the bench executable can link it.
        .target(name: "TiesTestSupport", dependencies: ["TiesCore"]),
        // The thin Swift Testing layer over it (issues for failed clean-ups
        // and golden mismatches): test targets only.
        .target(name: "TiesTestExpectations", dependencies: ["TiesTestSupport"]),
        .testTarget(name: "TiesCoreTests", dependencies: ["TiesCore", "TiesTestSupport", "TiesTestExpectations"], exclude: ["Fixtures"]),
        .testTarget(name: "TiesStoreTests", dependencies: ["TiesStore", "TiesCore", "TiesTestSupport", "TiesTestExpectations"]),
        .testTarget(name: "TiesHTTPTests", dependencies: ["TiesHTTP", "TiesStore", "TiesCore", "TiesTestSupport", "TiesTestExpectations"]),
        .testTarget(name: "TiesCLITests", dependencies: ["TiesCLI", "TiesStore", "TiesCore", "ties", "TiesTestSupport", "TiesTestExpectations"]),
    ],
    swiftLanguageModes: [.v6]
)
