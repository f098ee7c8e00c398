/// Reading and writing the PHC string form of an scrypt hash.
///
/// Only the canonical form is accepted (parameters `ln`, `r`, `p` in that order, decimal
/// without leading zeros, unpadded base64 with zero trailing bits), so that
/// `PasswordHash(encoded:).encoded` re-encodes to the same string and equality on the
/// string is equality of hashes.
/// - SeeAlso: PHC string format, "B64" encoding
enum PHCString {
    static let scheme = "scrypt"
    /// A canonical scrypt string is under 150 characters; refuse to scan anything huge.
    static let maximumLength = 512
    /// Salts and keys a profile may carry; PHC asks for salts of 8 bytes or more.
    static let saltByteCountRange = 8...64
    static let keyByteCountRange = 16...64

    struct Parsed {
        var cost: ScryptCost
        var salt: [UInt8]
        var key: [UInt8]
    }

    // hash = "$" id "$" "ln=" dec "," "r=" dec "," "p=" dec "$" b64salt "$" b64hash
    static func parse(_ string: String) throws(PasswordHashError) -> Parsed {
        guard string.utf8.count <= maximumLength else { throw .malformed }
        let fields = string.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0].isEmpty else { throw .malformed }
        let id = fields[1]
        guard isPHCIdentifier(id) else { throw .malformed }
        guard id == scheme else { throw .unsupportedScheme(String(id)) }
        guard fields.count == 5 else { throw .malformed }

        let parameters = fields[2].split(separator: ",", omittingEmptySubsequences: false)
        guard parameters.count == 3,
            let logN = decimal(parameters[0], named: "ln"),
            let r = decimal(parameters[1], named: "r"),
            let p = decimal(parameters[2], named: "p")
        else { throw .malformed }
        let cost = ScryptCost(logN: logN, r: r, p: p)
        guard cost.isWithinLimits else { throw .parameterOutOfRange }

        guard let salt = Base64.decode(fields[3], padded: false),
            let key = Base64.decode(fields[4], padded: false),
            saltByteCountRange.contains(salt.count),
            keyByteCountRange.contains(key.count)
        else { throw .malformed }

        guard encode(cost: cost, salt: salt, key: key) == string else { throw .malformed }
        return Parsed(cost: cost, salt: salt, key: key)
    }

    static func encode(cost: ScryptCost, salt: [UInt8], key: [UInt8]) -> String {
        "$\(scheme)$ln=\(cost.logN),r=\(cost.r),p=\(cost.p)"
            + "$\(Base64.encode(salt, padded: false))$\(Base64.encode(key, padded: false))"
    }

    /// id = 1*32( %x61-7A / DIGIT / "-" )
    private static func isPHCIdentifier(_ id: Substring) -> Bool {
        (1...32).contains(id.utf8.count)
            && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// `name=value` with value a decimal of at most 9 digits (no overflow, no sign).
    private static func decimal(_ parameter: Substring, named name: String) -> Int? {
        let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == name,
            (1...9).contains(parts[1].utf8.count),
            parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        return Int(parts[1])
    }
}
