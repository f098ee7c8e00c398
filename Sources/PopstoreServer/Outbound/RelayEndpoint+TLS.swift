import NIOCore
import NIOSSL

/// The client side of TLS to the relay.
extension RelayEndpoint {
    /// The TLS context for sessions to this relay: TLS 1.2 at least (RFC 8996 deprecates
    /// 1.0 and 1.1), the roots from ``caFile`` or the system's, and no certificate check at
    /// all only when ``verifyCertificate`` is false. Loads the trust roots, so it does file
    /// I/O: never call it on an event loop.
    /// - SeeAlso: RFC 3207 §4.1, RFC 8314 §3, RFC 6125 (the name check NIOSSL performs)
    public func makeTLSContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile { tls.trustRoots = .file(caFile) }
        if !verifyCertificate { tls.certificateVerification = .none }
        return try NIOSSLContext(configuration: tls)
    }

    /// The name sent in SNI and checked against the certificate; nil for an address
    /// literal, which SNI cannot carry (RFC 6066 §3). NIOSSL then checks the certificate
    /// against the peer's IP address instead.
    var serverNameIndication: String? {
        isAddressLiteral ? nil : connectHost
    }
}
