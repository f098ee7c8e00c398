import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOSSL
import SwiftASN1
import X509

/// A self-signed P-256 certificate for localhost and 127.0.0.1, made at run time.
struct RelayTestCertificate {
    let certificatePEM: String
    let keyPEM: String

    init() throws {
        let privateKey = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("relay.test") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(privateKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(privateKey))
        certificatePEM = try certificate.serializeAsPEM().pemString
        keyPEM = privateKey.pemRepresentation
    }

    func serverContext() throws -> NIOSSLContext {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }
}

/// Keeps every log line, metadata included, at every level.
struct RelayTestLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
    }

    /// A logger that records into the returned box.
    static func logger() -> (Logger, NIOLockedValueBox<[String]>) {
        let lines = NIOLockedValueBox<[String]>([])
        return (Logger(label: "relay-test") { _ in RelayTestLogHandler(lines: lines) }, lines)
    }
}

/// A file holding `bytes` in a fresh temporary directory, removed after `body`.
func withRelayTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("file").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return try await body(path)
}
