import Crypto

@testable import SASL

/// The client side of SCRAM-SHA-256, written out from RFC 5802 §3 so that tests can make
/// proofs for exchanges other than the RFC 7677 example.
struct ScramTestClient {
    var password: String

    /// Hi(password, salt, i): PBKDF2-HMAC-SHA-256 with one output block.
    func saltedPassword(salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: Array(password.utf8))
        var block = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = block
        for _ in 1..<iterations {
            block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
            result = zip(result, block).map { $0 ^ $1 }
        }
        return result
    }

    func proof(salt: [UInt8], iterations: Int, authMessage: [UInt8]) -> [UInt8] {
        let salted = SymmetricKey(data: saltedPassword(salt: salt, iterations: iterations))
        let clientKey = Array(HMAC<SHA256>.authenticationCode(for: bytes("Client Key"), using: salted))
        let storedKey = SymmetricKey(data: Array(SHA256.hash(data: clientKey)))
        let signature = Array(HMAC<SHA256>.authenticationCode(for: authMessage, using: storedKey))
        return zip(clientKey, signature).map { $0 ^ $1 }
    }

    func serverSignature(salt: [UInt8], iterations: Int, authMessage: [UInt8]) -> [UInt8] {
        let salted = SymmetricKey(data: saltedPassword(salt: salt, iterations: iterations))
        let serverKey = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: bytes("Server Key"), using: salted)))
        return Array(HMAC<SHA256>.authenticationCode(for: authMessage, using: serverKey))
    }

    /// The client-final message for a server-first message, and the `v=` it expects back.
    func clientFinal(
        clientFirstBare: String, serverFirst: [UInt8], gs2Header: String, extensions: String = ""
    ) -> (message: [UInt8], verifier: [UInt8])? {
        let fields = String(decoding: serverFirst, as: UTF8.self).split(separator: ",")
        guard fields.count >= 3, fields[0].hasPrefix("r="), fields[1].hasPrefix("s="), fields[2].hasPrefix("i="),
            let salt = Base64.decode(fields[1].dropFirst(2), padded: true),
            let iterations = Int(fields[2].dropFirst(2))
        else { return nil }
        let withoutProof = "c=\(Base64.encode(bytes(gs2Header), padded: true)),\(fields[0])\(extensions)"
        let authMessage = bytes(clientFirstBare) + bytes(",") + serverFirst + bytes(",") + bytes(withoutProof)
        let proof = proof(salt: salt, iterations: iterations, authMessage: authMessage)
        let signature = serverSignature(salt: salt, iterations: iterations, authMessage: authMessage)
        return (
            bytes(withoutProof + ",p=" + Base64.encode(proof, padded: true)),
            bytes("v=" + Base64.encode(signature, padded: true))
        )
    }
}
