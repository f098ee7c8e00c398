import Crypto
import Foundation
import NIOSSL
import PopstoreCore
import PopstoreStore
import SwiftASN1
import X509

/// The server's certificate: from configured PEM files, or a self-signed P-256 pair
/// made on first start and kept in the store's `keys/`, so clients can pin it.
enum TLSIdentity {
    /// Ten years: a self-signed certificate is trusted by pinning, not by its dates.
    static let selfSignedLifetime: TimeInterval = 10 * 365 * 86_400

    static func serverContext(configuration: ServerConfiguration, store: Store) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        if let certificateFile = configuration.certificateFile, let privateKeyFile = configuration.privateKeyFile {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
            key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        } else {
            let (certificatePEM, keyPEM) = try selfSigned(store: store)
            chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
            key = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // RFC 8996: TLS 1.0 and 1.1 are deprecated.
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }

    /// The stored self-signed pair, made now if there is none.
    static func selfSigned(store: Store) throws -> (certificate: [UInt8], key: [UInt8]) {
        if let certificate = try store.keyFile(.tlsCertificate), let key = try store.keyFile(.tlsPrivateKey) {
            return (certificate, key)
        }
        let privateKey = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("Popstore self-signed") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(privateKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(selfSignedLifetime),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(privateKey))
        let certificatePEM = Array(try certificate.serializeAsPEM().pemString.utf8)
        let keyPEM = Array(privateKey.pemRepresentation.utf8)
        // Key first: a certificate without its key would be useless to the next start.
        guard try store.createKeyFile(.tlsPrivateKey, bytes: keyPEM), try store.createKeyFile(.tlsCertificate, bytes: certificatePEM)
        else { throw PopstoreError.temporary("another process is making the TLS identity; start again") }
        return (certificatePEM, keyPEM)
    }
}
