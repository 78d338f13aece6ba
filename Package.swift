// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pledgematch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pledgematch", targets: ["pledgematch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.1"..<"7.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // Pure domain: identifiers, money, dates, validation, rules. No I/O, no dependencies.
        .target(name: "PledgeCore"),
        .target(
            name: "PledgeStore",
            dependencies: [
                "PledgeCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")]
        ),
        // Use cases: one function per operation over core inputs and results, one error type
        // (WorkflowError). The HTTP handlers (and a console) call these; repositories only read and write rows.
        .target(
            name: "PledgeWorkflows",
            dependencies: [
                "PledgeCore", "PledgeStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the service does not need to run: the demo dataset and its loader, benchmark data
        // generators, and the plain-SQL references the engine and the rollups are tested against.
        .target(
            name: "PledgeTooling",
            dependencies: [
                "PledgeCore", "PledgeStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Files people have (CSV in UTF-8 / GB18030, .xlsx) read into core inputs, and tables written back out.
        .target(
            name: "PledgeImport",
            dependencies: [
                "PledgeCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Imports through COPY into a staging table and one set-based merge; exports of the same tables.
        .target(
            name: "PledgeImportStore",
            dependencies: [
                "PledgeCore", "PledgeImport", "PledgeStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PledgeAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "PledgeServer",
            dependencies: [
                "PledgeCore", "PledgeStore", "PledgeWorkflows", "PledgeAPI", "PledgeImport", "PledgeImportStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // The contract, compiled in: the server checks every request against it (ContractMiddleware).
            resources: [.embedInCode("Contract/openapi.yaml")]
        ),
        .executableTarget(
            name: "pledgematch",
            dependencies: [
                "PledgeServer", "PledgeWorkflows", "PledgeTooling", "PledgeStore", "PledgeCore", "PledgeImport", "PledgeImportStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A bare Hummingbird route, the yardstick of scripts/bench-http.sh; not part of the service.
        .executableTarget(
            name: "bench-bare",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
        // Real PostgreSQL for tests: one throwaway cluster, a migrated template, a fresh clone per test.
        .target(
            name: "PledgeTestSupport",
            dependencies: [
                "PledgeStore", "PledgeTooling",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PledgeTestSupport"
        ),
        .testTarget(name: "PledgeCoreTests", dependencies: ["PledgeCore", "PledgeTooling"]),
        .testTarget(
            name: "PledgeImportTests",
            dependencies: ["PledgeImport", "PledgeImportStore", "PledgeCore", "PledgeStore", "PledgeTestSupport"]
        ),
        .testTarget(
            name: "PledgeStoreTests",
            dependencies: ["PledgeStore", "PledgeCore", "PledgeTooling", "PledgeTestSupport"]
        ),
        .testTarget(
            name: "PledgeWorkflowTests",
            dependencies: ["PledgeWorkflows", "PledgeStore", "PledgeCore", "PledgeTestSupport"]
        ),
        .testTarget(
            name: "PledgeServerTests",
            dependencies: [
                "PledgeServer", "PledgeWorkflows", "PledgeTooling", "PledgeStore", "PledgeCore", "PledgeAPI", "PledgeImport", "PledgeTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
