import SASL

// MARK: - Commands

extension ManageSieveCommandParser {
    /// How many arguments a keyword takes at most (two at most, for any command); nil for
    /// an unknown keyword. The scanner refuses a command as soon as one more argument
    /// starts, so that no client can make it hold many literals for one command.
    /// - SeeAlso: RFC 5804 §4 (`command`)
    static func argumentLimit(for keyword: String) -> Int? {
        switch keyword {
        case "AUTHENTICATE", "HAVESPACE", "PUTSCRIPT", "RENAMESCRIPT": 2
        case "SETACTIVE", "GETSCRIPT", "DELETESCRIPT", "CHECKSCRIPT", "NOOP": 1
        case "STARTTLS", "LOGOUT", "CAPABILITY", "LISTSCRIPTS", "UNAUTHENTICATE": 0
        default: nil
        }
    }

    /// Builds the command from its keyword (upper-case, known) and its arguments.
    static func command(keyword: String, arguments: [Argument]) throws(ManageSieveParseError) -> ManageSieveCommand {
        let reader = ArgumentReader(keyword: keyword, arguments: arguments)
        switch keyword {
        case "AUTHENTICATE":
            return try authenticate(reader)
        case "STARTTLS":
            try reader.none()
            return .startTLS
        case "LOGOUT":
            try reader.none()
            return .logout
        case "CAPABILITY":
            try reader.none()
            return .capability
        case "LISTSCRIPTS":
            try reader.none()
            return .listScripts
        case "UNAUTHENTICATE":
            try reader.none()
            return .unauthenticate
        case "HAVESPACE":
            // command-havespace = "HAVESPACE" SP sieve-name SP number CRLF
            try reader.count(2)
            return .haveSpace(name: try scriptName(reader.string(0)), size: try reader.number(1))
        case "PUTSCRIPT":
            // command-putscript = "PUTSCRIPT" SP sieve-name SP sieve-script CRLF
            try reader.count(2)
            return .putScript(name: try scriptName(reader.string(0)), script: try text(reader.string(1)))
        case "SETACTIVE":
            // command-setactive = "SETACTIVE" SP active-sieve-name CRLF    ; "" deactivates
            try reader.count(1)
            let name = try reader.string(0)
            return .setActive(name: name.isEmpty ? nil : try scriptName(name))
        case "GETSCRIPT":
            try reader.count(1)
            return .getScript(name: try scriptName(reader.string(0)))
        case "DELETESCRIPT":
            try reader.count(1)
            return .deleteScript(name: try scriptName(reader.string(0)))
        case "RENAMESCRIPT":
            // command-renamescript = "RENAMESCRIPT" SP old-sieve-name SP new-sieve-name CRLF
            try reader.count(2)
            return .renameScript(oldName: try scriptName(reader.string(0)), newName: try scriptName(reader.string(1)))
        case "CHECKSCRIPT":
            try reader.count(1)
            return .checkScript(script: try text(reader.string(0)))
        case "NOOP":
            // command-noop = "NOOP" [SP string] CRLF
            guard arguments.count <= 1 else { throw .invalidArguments(keyword) }
            return .noop(tag: arguments.isEmpty ? nil : try text(reader.string(0)))
        default:
            throw .unknownCommand(keyword)
        }
    }

    // command-authenticate = "AUTHENTICATE" SP auth-type [SP string] *(CRLF string)
    // auth-type            = string
    /// The mechanism name must be a SASL name (RFC 4422 §3.1: 1 to 20 of A–Z, 0–9, `-`,
    /// `_`); lower case is forgiven. The initial response is base64, `""` for an empty one.
    private static func authenticate(_ reader: ArgumentReader) throws(ManageSieveParseError) -> ManageSieveCommand {
        guard (1...2).contains(reader.arguments.count) else { throw .invalidArguments(reader.keyword) }
        let mechanism = try reader.string(0).map(ASCII.uppercased)
        let isMechanismCharacter = { (byte: UInt8) in
            ASCII.isUpper(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard (1...20).contains(mechanism.count), mechanism.allSatisfy(isMechanismCharacter) else {
            throw .invalidArguments(reader.keyword)
        }
        var initialResponse: [UInt8]?
        if reader.arguments.count == 2 {
            guard let bytes = SASLBase64.decode(try reader.string(1)) else { throw .invalidBase64 }
            initialResponse = bytes
        }
        return .authenticate(mechanism: String(decoding: mechanism, as: UTF8.self), initialResponse: initialResponse)
    }

    /// A script name under RFC 5804 §1.6's rules.
    private static func scriptName(_ bytes: [UInt8]) throws(ManageSieveParseError) -> String {
        guard let name = ManageSieveScriptName.validated(bytes) else {
            if String(validating: bytes, as: UTF8.self) == nil, !bytes.isEmpty { throw .invalidEncoding }
            throw .invalidScriptName
        }
        return name
    }

    /// A string that must be UTF-8 text: a script, a NOOP tag.
    private static func text(_ bytes: [UInt8]) throws(ManageSieveParseError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidEncoding }
        return text
    }
}

// MARK: - SASL responses

extension ManageSieveCommandParser {
    // client-response = string    ; base64, or "*" to cancel (RFC 5804 §2.1)
    static func saslResponse(from bytes: [UInt8]) throws(ManageSieveParseError) -> ManageSieveSASLResponse {
        if bytes == [UInt8(ascii: "*")] { return .cancel }
        guard let decoded = SASLBase64.decode(bytes) else { throw .invalidBase64 }
        return .data(decoded)
    }
}

// MARK: - Argument lists

/// The arguments of one command, with the checks every command needs.
private struct ArgumentReader {
    let keyword: String
    let arguments: [ManageSieveCommandParser.Argument]

    func none() throws(ManageSieveParseError) {
        try count(0)
    }

    func count(_ expected: Int) throws(ManageSieveParseError) {
        guard arguments.count == expected else { throw .invalidArguments(keyword) }
    }

    /// The string at `index`; an atom there is an error.
    func string(_ index: Int) throws(ManageSieveParseError) -> [UInt8] {
        guard case .string(let bytes) = arguments[index] else { throw .invalidArguments(keyword) }
        return bytes
    }

    // number = 1*DIGIT    ; a 32-bit unsigned number (RFC 5804 §4)
    func number(_ index: Int) throws(ManageSieveParseError) -> Int {
        guard case .atom(let bytes) = arguments[index], !bytes.isEmpty, bytes.count <= 10, bytes.allSatisfy(ASCII.isDigit)
        else { throw .invalidArguments(keyword) }
        let value = bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard value <= ManageSieveLimits.largestNumber else { throw .invalidArguments(keyword) }
        return value
    }
}
