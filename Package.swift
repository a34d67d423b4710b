// swift-tools-version: 6.1
import PackageDescription

// Targets and their one-way arrows (see docs/architecture.md); `scripts/check-arrows` holds them
// equal to the imports, and CI builds with `--explicit-target-dependency-import-check error`:
//   ATSDomain  <- ATSMatching <- ATSBenchKit <- ats-bench
//   ATSDomain  <- ATSVenues   <- ATSPlanning  <- ATSOrders (<- ATSStorage) <- ATSRouter <- ATSServer
//   ATSVenues  <- ATSSettlement <- ATSRouter;  ATSOrders <- ATSAnalytics <- ATSServer
//   ATSWire (Codable only) <- ATSAnalytics, ATSServer, ATSCLI
//   ATSServer, ATSVenueMocks <- ATSAssembly <- ATSCLI <- ats-router;  ATSAssembly <- ats-bench
//   ATSDefaults (config.json, venues/*.json embedded) <- ATSVenues;  ATSBuildInfo (git commit) <- ATSServer, ATSCLI
//   ATSStorage <- ATSPostgres (postgres-nio) <- ATSAssembly, ATSCLI
//   ATSRouter, ATSVenueMocks <- ATSRouterTestSupport;  ATSStorage, ATSPostgres <- ATSJournalTestSupport (tests only)
// ATSDomain, ATSMatching, ATSPlanning and ATSSettlement import no I/O library; the API (ATSServer)
// does not know the venue mocks.
let package = Package(
    name: "ats-router",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ats-router", targets: ["ats-router"]),
        .executable(name: "ats-bench", targets: ["ats-bench"]),
        .library(name: "ATSDomain", targets: ["ATSDomain"]),
        .library(name: "ATSMatching", targets: ["ATSMatching"]),
        .library(name: "ATSPlanning", targets: ["ATSPlanning"]),
        .library(name: "ATSOrders", targets: ["ATSOrders"]),
        .library(name: "ATSSettlement", targets: ["ATSSettlement"]),
        .library(name: "ATSAnalytics", targets: ["ATSAnalytics"]),
        .library(name: "ATSWire", targets: ["ATSWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        // The exact domain model: fixed-point numbers, identifiers, orders, executions, lifecycle.
        .target(name: "ATSDomain"),
        // One limit order book per venue and security: continuous matching and call auctions.
        .target(name: "ATSMatching", dependencies: ["ATSDomain"]),
        // Routing decisions with no I/O: the exact planner and its strategies.
        .target(name: "ATSPlanning", dependencies: ["ATSDomain", "ATSVenues"]),
        // Settlement as a value with no I/O: ledgers, cap table, settlement models, custody transfers.
        .target(name: "ATSSettlement", dependencies: ["ATSDomain", "ATSVenues"]),
        // The order model: parents, children, decisions, fills, events, and their journal mapping.
        .target(name: "ATSOrders", dependencies: ["ATSDomain", "ATSPlanning", "ATSStorage"]),
        // Routing analytics from the journal: TCA, venue scorecards, 605/606-style reports, renderers.
        .target(
            name: "ATSAnalytics",
            dependencies: ["ATSDomain", "ATSVenues", "ATSPlanning", "ATSOrders", "ATSStorage", "ATSWire"]),
        // The live router: venue adapters over HTTP, health, pollers, the consolidated book, the order manager.
        .target(
            name: "ATSRouter",
            dependencies: [
                "ATSDomain", "ATSVenues", "ATSPlanning", "ATSOrders", "ATSStorage", "ATSSettlement",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The durable journal: parents, children, executions, events and decision snapshots (SQLite via GRDB).
        .target(
            name: "ATSStorage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift")
            ]
        ),
        // The journal on PostgreSQL through postgres-nio, for several router instances sharing one database.
        .target(
            name: "ATSPostgres",
            dependencies: [
                "ATSStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The five venues: definitions, securities master, accounts, the rules engine.
        .target(name: "ATSVenues", dependencies: ["ATSDomain", "ATSDefaults"]),
        // The git commit the binary is built from, written before each build by the BuildInfo plugin.
        .target(name: "ATSBuildInfo", dependencies: ["ATSDomain"], plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // The default config.json and venues/*.json, embedded (scripts/embed-defaults writes it).
        .target(name: "ATSDefaults"),
        // Each venue served over HTTP in its own dialect, with a seeded market simulation.
        .target(
            name: "ATSVenueMocks",
            dependencies: [
                "ATSDomain", "ATSMatching", "ATSVenues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // For tests: a venue adapter over an in-process VenueEngine, so router flows run without sockets.
        .target(
            name: "ATSRouterTestSupport",
            dependencies: [
                "ATSDomain", "ATSMatching", "ATSOrders", "ATSPlanning", "ATSRouter", "ATSVenueMocks", "ATSVenues",
            ]
        ),
        // For tests: the journal backends the journal, recovery and settlement-persistence suites run on.
        .target(
            name: "ATSJournalTestSupport",
            dependencies: ["ATSStorage", "ATSPostgres", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Benchmark support: the binary op-stream format, its generator and the replayer.
        .target(
            name: "ATSBenchKit",
            dependencies: [
                "ATSDomain", "ATSMatching", "ATSPlanning",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // FIX 4.4: the tag=value codec, the session layer as a value, the acceptor over SwiftNIO TCP.
        .target(
            name: "ATSFIX",
            dependencies: [
                "ATSDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The API's JSON shapes, Codable only: what the server encodes and the CLI decodes.
        .target(name: "ATSWire"),
        // The router's HTTP API: a controller per resource over the RouterService protocol.
        .target(
            name: "ATSServer",
            dependencies: [
                "ATSDomain", "ATSVenues", "ATSPlanning", "ATSOrders", "ATSRouter", "ATSStorage",
                "ATSSettlement", "ATSAnalytics", "ATSWire", "ATSBuildInfo", "ATSFIX",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),
        // What serve, demo and ats-bench run, assembled: the embedded venue mocks, the journal, the router, the API.
        .target(
            name: "ATSAssembly",
            dependencies: [
                "ATSDomain", "ATSFIX", "ATSRouter", "ATSServer", "ATSStorage", "ATSPostgres", "ATSVenueMocks",
                "ATSVenues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The `ats-router` command tree; the executable only calls into it.
        .target(
            name: "ATSCLI",
            dependencies: [
                "ATSAssembly",
                "ATSDomain", "ATSMatching", "ATSVenues", "ATSVenueMocks", "ATSPlanning", "ATSRouter", "ATSServer",
                "ATSStorage", "ATSPostgres", "ATSWire", "ATSDefaults", "ATSBuildInfo",
                "ATSSettlement", "ATSAnalytics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "ats-router", dependencies: ["ATSCLI"]),
        .executableTarget(
            name: "ats-bench",
            dependencies: [
                "ATSAssembly",
                "ATSBenchKit", "ATSDomain", "ATSFIX", "ATSServer", "ATSVenues", "ATSVenueMocks", "ATSWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ATSDomainTests", dependencies: ["ATSDomain"]),
        .testTarget(name: "ATSFIXTests", dependencies: ["ATSFIX", "ATSDomain"]),
        .testTarget(name: "ATSMatchingTests", dependencies: ["ATSDomain", "ATSMatching"]),
        .testTarget(name: "ATSVenuesTests", dependencies: ["ATSDomain", "ATSVenues", "ATSDefaults"]),
        .testTarget(
            name: "ATSStorageTests",
            dependencies: [
                "ATSStorage", "ATSJournalTestSupport", "ATSPostgres", "ATSDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "ATSOrdersTests", dependencies: ["ATSDomain", "ATSOrders", "ATSPlanning"]),
        .testTarget(name: "ATSSettlementTests", dependencies: ["ATSSettlement", "ATSVenues", "ATSDomain"]),
        .testTarget(
            name: "ATSAnalyticsTests",
            dependencies: [
                "ATSAnalytics", "ATSOrders", "ATSRouter", "ATSPlanning", "ATSStorage", "ATSDomain", "ATSWire",
            ]),
        .testTarget(
            name: "ATSPlanningTests", dependencies: ["ATSDomain", "ATSPlanning"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ATSVenueMocksTests",
            dependencies: [
                "ATSDomain", "ATSMatching", "ATSVenueMocks", "ATSVenues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ATSBenchKitTests",
            dependencies: ["ATSBenchKit"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ATSRouterTests",
            dependencies: [
                "ATSDomain", "ATSOrders", "ATSRouter", "ATSRouterTestSupport", "ATSVenueMocks", "ATSVenues",
                "ATSPlanning", "ATSStorage", "ATSJournalTestSupport",
                "ATSSettlement",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ATSServerTests",
            dependencies: [
                "ATSAssembly", "ATSWire", "ATSJournalTestSupport", "ATSPostgres",
                "ATSServer", "ATSRouter", "ATSDomain", "ATSVenues", "ATSFIX",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ATSCLITests",
            dependencies: [
                "ATSAssembly",
                "ATSCLI", "ATSServer", "ATSVenues", "ATSDomain", "ATSStorage", "ATSJournalTestSupport", "ATSBuildInfo",
                "ATSOrders", "ATSPostgres", "ATSRouter",
                "ATSPlanning", "ATSSettlement", "ATSWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
