import Crypto
import Foundation
import Testing

@testable import SASL

struct ScramCredentialsTests {
    /// RFC 7677 §3: user "user", password "pencil".
    enum RFC7677 {
        static let salt = Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!)
        static let iterations = 4096
        static let authMessage =
            "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        static let clientProof = Array(Data(base64Encoded: "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")!)
        static let serverSignature = Array(Data(base64Encoded: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")!)
    }

    /// What a SCRAM server does with the stored keys (RFC 5802 §3): recover ClientKey from
    /// the proof, which must hash to StoredKey, and sign the AuthMessage with ServerKey.
    struct ServerCheck {
        var credentials: ScramCredentials

        func clientKey(fromProof proof: [UInt8], authMessage: String) -> [UInt8] {
            let signature = HMAC<SHA256>.authenticationCode(
                for: Array(authMessage.utf8), using: SymmetricKey(data: credentials.storedKey))
            return zip(proof, Array(signature)).map { $0 ^ $1 }
        }

        func accepts(proof: [UInt8], authMessage: String) -> Bool {
            Array(SHA256.hash(data: clientKey(fromProof: proof, authMessage: authMessage))) == credentials.storedKey
        }

        func serverSignature(authMessage: String) -> [UInt8] {
            Array(
                HMAC<SHA256>.authenticationCode(
                    for: Array(authMessage.utf8), using: SymmetricKey(data: credentials.serverKey)))
        }
    }

    @Test func rfc7677Example() throws {
        let credentials = try ScramCredentials.derive(
            password: "pencil", salt: RFC7677.salt, iterations: RFC7677.iterations)
        #expect(credentials.salt == RFC7677.salt)
        #expect(credentials.iterations == 4096)
        #expect(credentials.storedKey.count == 32)
        #expect(credentials.serverKey.count == 32)

        let server = ServerCheck(credentials: credentials)
        #expect(server.accepts(proof: RFC7677.clientProof, authMessage: RFC7677.authMessage))
        #expect(server.serverSignature(authMessage: RFC7677.authMessage) == RFC7677.serverSignature)

        var forged = RFC7677.clientProof
        forged[0] ^= 1
        #expect(!server.accepts(proof: forged, authMessage: RFC7677.authMessage))
    }

    @Test func wrongPasswordGivesOtherKeys() throws {
        let right = try ScramCredentials.derive(password: "pencil", salt: RFC7677.salt, iterations: 4096)
        let wrong = try ScramCredentials.derive(password: "pencils", salt: RFC7677.salt, iterations: 4096)
        #expect(right.storedKey != wrong.storedKey)
        #expect(!ServerCheck(credentials: wrong).accepts(proof: RFC7677.clientProof, authMessage: RFC7677.authMessage))
    }

    @Test func makeUsesRandomSaltAndDefaultIterations() throws {
        let first = try ScramCredentials.make(password: "pencil")
        let second = try ScramCredentials.make(password: "pencil")
        #expect(ScramCredentials.defaultIterations == 4096)
        #expect(first.iterations == 4096)
        #expect(first.salt.count == 16)
        #expect(first.salt != second.salt)
        #expect(try ScramCredentials.derive(password: "pencil", salt: first.salt, iterations: 4096) == first)
    }

    @Test(arguments: [(4095, 16), (0, 16), (-1, 16), (100_000_000, 16), (4096, 0), (4096, 7), (4096, 65)])
    func rejectsParametersOutOfRange(iterations: Int, saltLength: Int) {
        #expect(throws: PasswordHashError.parameterOutOfRange) {
            try ScramCredentials.derive(
                password: "pencil", salt: [UInt8](repeating: 1, count: saltLength), iterations: iterations)
        }
    }

    @Test func jsonUsesBase64AndRoundTrips() throws {
        let credentials = try ScramCredentials.derive(password: "pencil", salt: RFC7677.salt, iterations: 4096)
        let json = try JSONEncoder().encode(credentials)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["salt"] as? String == "W22ZaJ0SNY7soEsUEjb6gQ==")
        #expect(object["iterations"] as? Int == 4096)
        #expect(object["storedKey"] is String)
        #expect(object["serverKey"] is String)
        #expect(try JSONDecoder().decode(ScramCredentials.self, from: json) == credentials)
    }

    @Test(arguments: [
        #"{"salt":"W22ZaJ0SNY7soEsUEjb6gQ==","iterations":10,"storedKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","serverKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
        #"{"salt":"!!","iterations":4096,"storedKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","serverKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
        #"{"salt":"W22ZaJ0SNY7soEsUEjb6gQ==","iterations":4096,"storedKey":"AAAA","serverKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
        #"{"salt":"W22ZaJ0SNY7soEsUEjb6gQ==","iterations":4096,"storedKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
    ])
    func rejectsInvalidJSON(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ScramCredentials.self, from: Data(json.utf8)) }
    }

    @Test func descriptionHidesKeys() throws {
        let credentials = try ScramCredentials.derive(password: "pencil", salt: RFC7677.salt, iterations: 4096)
        let storedKey = Data(credentials.storedKey).base64EncodedString()
        for text in [String(describing: credentials), String(reflecting: credentials), dumped(credentials)] {
            #expect(!text.contains(storedKey))
            #expect(!text.contains("\(credentials.storedKey[0]), \(credentials.storedKey[1])"))
        }
    }
}
