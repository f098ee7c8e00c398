// swift-tools-version:6.0
import PackageDescription

// Module boundaries (see docs/architecture.md):
// - PopstoreCore holds the domain rules and does no I/O.
// - MailMessage, SASL and POP3 are pure: bytes in, bytes out (POP3 over NIOCore's ByteBuffer).
// - PopstoreStore is the only module that touches the store's files.
// - PopstoreOperations holds every management rule and its permission check.
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
            dependencies: ["PopstoreCore", "PopstoreStore", "MailMessage", "SASL"]
        ),
        .executableTarget(
            name: "popstore",
            dependencies: [
                "PopstoreCore",
                "PopstoreOperations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .testTarget(name: "PopstoreCoreTests", dependencies: ["PopstoreCore"]),
        .testTarget(name: "MailMessageTests", dependencies: ["MailMessage"]),
        .testTarget(name: "SASLTests", dependencies: ["SASL"]),
        .testTarget(name: "POP3Tests", dependencies: ["POP3", "SASL", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "PopstoreStoreTests", dependencies: ["PopstoreStore", "PopstoreCore", "MailMessage"]),
        .testTarget(
            name: "PopstoreOperationsTests",
            dependencies: ["PopstoreOperations", "PopstoreStore", "PopstoreCore", "SASL"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
