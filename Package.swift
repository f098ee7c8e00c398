// swift-tools-version:6.0
import PackageDescription

// Module boundaries (see docs/architecture.md):
// - PopstoreCore holds the domain rules and does no I/O.
// - MailMessage, SASL and POP3 are pure: bytes in, bytes out (POP3 over NIOCore's ByteBuffer).
// - PopstoreStore is the only module that touches the store's files.
// - PopstoreOperations holds every management rule and its permission check.
// - PopstoreServer is the only module that sees sockets (SwiftNIO listeners, TLS, services).
// - popstore (the executable) is wiring only.
let package = Package(
    name: "popstore",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "popstore", targets: ["popstore"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(name: "PopstoreCore"),
        .target(name: "MailMessage"),
        .target(
            name: "SASL",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "POP3", dependencies: ["SASL", .product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "SMTP", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "Socketmap", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "Sieve"),
        .target(name: "ManageSieve", dependencies: ["SASL", "Sieve", .product(name: "NIOCore", package: "swift-nio")]),
        .target(
            name: "PopstoreStore",
            dependencies: [
                "PopstoreCore",
                "MailMessage",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "PopstoreOperations",
            dependencies: [
                "PopstoreCore", "PopstoreStore", "MailMessage", "SASL", "Sieve", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "PopstoreServer",
            dependencies: [
                "POP3", "SMTP", "Socketmap", "ManageSieve", "SASL", "PopstoreCore", "PopstoreStore", "PopstoreOperations",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "popstore",
            dependencies: [
                "PopstoreCore", "PopstoreStore", "MailMessage",
                "PopstoreOperations",
                "PopstoreServer", "Sieve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "pop3-fuzz",
            dependencies: ["POP3", "SASL", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "smtp-fuzz",
            dependencies: ["SMTP", "Socketmap", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "sieve-fuzz", dependencies: ["Sieve", "ManageSieve", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "PopstoreCoreTests", dependencies: ["PopstoreCore"]),
        .testTarget(name: "MailMessageTests", dependencies: ["MailMessage"]),
        .testTarget(name: "SASLTests", dependencies: ["SASL"]),
        .testTarget(name: "POP3Tests", dependencies: ["POP3", "SASL", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SocketmapTests", dependencies: ["Socketmap", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SieveTests", dependencies: ["Sieve"]),
        .testTarget(
            name: "ManageSieveTests", dependencies: ["ManageSieve", "SASL", "Sieve", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "PopstoreStoreTests", dependencies: ["PopstoreStore", "PopstoreCore", "MailMessage"]),
        .testTarget(name: "PopstoreServerTests", dependencies: ["PopstoreServer", "PopstoreCore"]),
        .testTarget(
            name: "PopstoreOperationsTests",
            dependencies: ["PopstoreOperations", "PopstoreStore", "PopstoreCore", "SASL"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
