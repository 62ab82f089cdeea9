// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "oversight",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "oversight-coordinator", targets: ["oversight-coordinator"]),
        .executable(name: "oversight-agent", targets: ["oversight-agent"]),
        .executable(name: "oversight-bench", targets: ["oversight-bench"]),
        .executable(name: "oversight-verify", targets: ["oversight-verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // connector → record → signed batch → wire → verify → store → SLA engine → alerts and console
        .target(name: "OversightModel"),
        // Log handlers and the logging bootstrap of both executables (text or one JSON object per line).
        .target(name: "OversightLogging", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The console's and alerts' languages: one translator-editable JSON catalogue per language, locale formatting.
        .target(name: "OversightLocalization", resources: [.copy("Catalogue")]),
        .target(
            name: "OversightConfig",
            dependencies: [
                "OversightModel",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "OversightConnectors",
            dependencies: [
                "OversightConfig",
                "OversightModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "OversightWire",
            dependencies: [
                "OversightModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .target(
            name: "OversightStore",
            dependencies: [
                "OversightModel",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The scale-out store: PostgreSQL through PostgresNIO. Linked by the coordinator only, never by the agent.
        .target(
            name: "OversightStorePostgres",
            dependencies: [
                "OversightModel",
                "OversightStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "OversightSLA",
            dependencies: [
                "OversightConfig",
                "OversightModel",
            ]
        ),
        // Audit samples: sample sizes, allocation, acceptance plans, the seeded draw. Pure: no store.
        .target(
            name: "OversightSampling",
            dependencies: [
                "OversightConfig",
                "OversightSLA",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Evidence bundles: the format, the writer, and the offline verifier (chains, signatures, figures recomputed with
        // the SLA engine). Pure: no store, no web framework, so `oversight-verify` links neither.
        .target(
            name: "OversightEvidence",
            dependencies: [
                "OversightConfig",
                "OversightModel",
                "OversightSLA",
                "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "OversightAlerts",
            dependencies: [
                "OversightLocalization",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "OversightCoordinator",
            dependencies: [
                "OversightAlerts",
                "OversightEvidence",
                "OversightModel",
                "OversightSLA",
                "OversightSampling",
                "OversightStore",
                "OversightStorePostgres",
                "OversightWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // Head-office web console and JSON API (Hummingbird); never a dependency of the agent.
        .target(
            name: "OversightConsole",
            dependencies: [
                "OversightAlerts",
                "OversightLocalization",
                "OversightModel",
                // Pure: the scorecards that provider evaluations are recomputed with.
                "OversightSLA",
                // Pure: Wilson intervals, acceptance plans and calibration (kappa, AC1, the leniency sign test).
                "OversightSampling",
                "OversightStore",
                "OversightWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The console's users, API tokens, sessions and login throttle in the shared PostgreSQL (scale-out): the console
        // and the PostgreSQL store together, linked by the coordinator only.
        .target(
            name: "OversightConsolePostgres",
            dependencies: [
                "OversightConsole",
                "OversightStorePostgres",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "OversightAgent",
            dependencies: [
                "OversightConfig",
                "OversightConnectors",
                "OversightModel",
                "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(
            name: "oversight-coordinator",
            dependencies: [
                // Built with the coordinator so `swift run oversight-coordinator demo` finds the agent beside it.
                "oversight-agent",
                "OversightAlerts",
                "OversightConfig",
                "OversightConsole",
                "OversightConsolePostgres",
                "OversightCoordinator",
                "OversightLocalization",
                "OversightLogging",
                "OversightModel",
                "OversightSLA",
                "OversightSampling",
                "OversightSimulator",
                "OversightStore",
                "OversightWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Coordinator/coordinator",
            resources: [.copy("Public"), .copy("Samples")]
        ),
        .executableTarget(
            name: "oversight-agent",
            dependencies: [
                "OversightAgent",
                "OversightConfig",
                "OversightConnectors",
                "OversightLogging",
                "OversightModel",
                "OversightWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Agents/agent"
        ),
        // The offline evidence verifier a provider runs: the evidence library and argument parsing only.
        .executableTarget(
            name: "oversight-verify",
            dependencies: [
                "OversightEvidence",
                "OversightModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Verify/verify"
        ),
        .executableTarget(
            name: "oversight-bench",
            dependencies: [
                // Built with the benchmark so the release coordinator and agent it measures sit beside it.
                "oversight-agent",
                "oversight-coordinator",
                "OversightAgent",
                "OversightCoordinator",
                "OversightModel",
                "OversightSLA",
                "OversightStore",
                "OversightStorePostgres",
                "OversightTesting",
                "OversightWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/bench"
        ),
        .target(
            name: "OversightTesting",
            dependencies: [
                "OversightAgent",
                "OversightModel",
                "OversightStore",
                "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // Simulated provider sites for the demo: ticket exports, telephony intervals (Erlang C), QA evaluations.
        .target(name: "OversightSimulator", dependencies: ["OversightModel"]),
        .testTarget(name: "OversightModelTests", dependencies: ["OversightModel"]),
        .testTarget(name: "OversightLocalizationTests", dependencies: ["OversightLocalization"]),
        .testTarget(name: "OversightLoggingTests", dependencies: ["OversightLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "OversightConfigTests",
            dependencies: ["OversightConfig", "OversightModel", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "OversightConnectorsTests",
            dependencies: ["OversightConfig", "OversightConnectors", "OversightModel"],
            // Vendor export fixtures, read by path (#filePath) here and by the end-to-end preset test.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "OversightWireTests",
            dependencies: [
                "OversightModel", "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "OversightSLATests",
            dependencies: [
                "OversightConfig", "OversightModel", "OversightSLA",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "OversightSamplingTests",
            dependencies: ["OversightConfig", "OversightSLA", "OversightSampling"],
            // The independent recomputation of the draw (Python), run by the tests.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "OversightAlertsTests",
            dependencies: [
                "OversightAlerts",
                "OversightLocalization",
                "OversightTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "OversightSimulatorTests",
            dependencies: ["OversightConfig", "OversightConnectors", "OversightModel", "OversightSLA", "OversightSimulator"]
        ),
        .testTarget(
            name: "OversightStoreTests",
            dependencies: [
                "OversightModel", "OversightStore", "OversightStorePostgres", "OversightTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "OversightEvidenceTests", dependencies: ["OversightEvidence", "OversightModel", "OversightSLA"]),
        .testTarget(name: "OversightAgentTests", dependencies: ["OversightAgent", "OversightConfig", "OversightModel"]),
        .testTarget(
            name: "OversightCoordinatorTests",
            dependencies: [
                "OversightAlerts", "OversightCoordinator", "OversightEvidence", "OversightLocalization", "OversightModel", "OversightSLA", "OversightStore",
                "OversightStorePostgres", "OversightTesting", "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OversightConsoleTests",
            dependencies: [
                "OversightAlerts", "OversightConsole", "OversightConsolePostgres", "OversightLocalization", "OversightModel", "OversightSLA",
                "OversightSampling", "OversightStore", "OversightStorePostgres", "OversightTesting", "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "OversightAgent",
                "OversightModel",
                "OversightStore",
                "OversightStorePostgres",
                "OversightTesting",
                "OversightWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
    ]
)

// Shared settings for every target: Swift 6 language mode (complete concurrency checking) plus
// the upcoming features the house style asks for.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
