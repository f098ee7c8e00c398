import ManageSieve
import NIOCore
import Testing

/// One input stream and everything the parser must make of it, however it is split.
struct StreamVector: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let expected: [Outcome<ManageSieveCommand>]
    var testDescription: String { escaped(input) }

    static func parses(_ input: String, _ commands: ManageSieveCommand...) -> Self {
        Self(input: Array(input.utf8), expected: commands.map { .value($0) })
    }

    /// The input fails with `error`, and a NOOP sent after it parses: the parser is back
    /// in step with the client.
    static func fails(_ input: String, _ error: ManageSieveParseError) -> Self {
        fails(bytes: Array(input.utf8), error)
    }

    static func fails(bytes: [UInt8], _ error: ManageSieveParseError) -> Self {
        Self(input: bytes + Array("NOOP\r\n".utf8), expected: [.failure(error), .value(.noop(tag: nil))])
    }
}

private let rfcScript = "#comment\r\nInvalidSieveCommand\r\n"
private let mySieveScript =
    "require [\"fileinto\"];\r\n\r\nif envelope :contains \"to\" \"tmartin+sent\" {\r\n  fileinto \"INBOX.sent\";\r\n}\r\n"
private let longestQuoted = String(repeating: "q", count: 1_024)

@Suite struct ManageSieveCommandParserTests {
    /// RFC 5804 §2's commands, in the forms its examples use.
    static let valid: [StreamVector] = [
        .parses("CAPABILITY\r\n", .capability),
        .parses("capability\r\n", .capability),
        .parses("Capability\n", .capability),  // a bare LF ends a line too
        .parses("LOGOUT\r\n", .logout),
        .parses("Logout\r\n", .logout),
        .parses("STARTTLS\r\n", .startTLS),
        .parses("LISTSCRIPTS\r\n", .listScripts),
        .parses("Listscripts\r\n", .listScripts),
        .parses("UNAUTHENTICATE\r\n", .unauthenticate),
        .parses("NOOP\r\n", .noop(tag: nil)),
        .parses("NOOP \"STARTTLS-SYNC-42\"\r\n", .noop(tag: "STARTTLS-SYNC-42")),
        .parses("NOOP {16+}\r\nSTARTTLS-SYNC-42\r\n", .noop(tag: "STARTTLS-SYNC-42")),
        .parses("HAVESPACE \"myscript\" 999999\r\n", .haveSpace(name: "myscript", size: 999_999)),
        .parses("HAVESPACE \"foobar\" 435\r\n", .haveSpace(name: "foobar", size: 435)),
        .parses("HAVESPACE \"x\" 4294967295\r\n", .haveSpace(name: "x", size: 4_294_967_295)),
        .parses("HAVESPACE \"x\" 0\r\n", .haveSpace(name: "x", size: 0)),
        .parses("Putscript \"foo\" {31+}\r\n\(rfcScript)\r\n", .putScript(name: "foo", script: rfcScript)),
        .parses(
            "Putscript \"mysievescript\" {\(mySieveScript.utf8.count)+}\r\n\(mySieveScript)\r\n",
            .putScript(name: "mysievescript", script: mySieveScript)),
        .parses("PUTSCRIPT \"a\" {5}\r\nkeep;\r\n", .putScript(name: "a", script: "keep;")),  // synchronizing form
        .parses("PUTSCRIPT {1+}\r\na {0+}\r\n\r\n", .putScript(name: "a", script: "")),
        .parses("PUTSCRIPT \"a\" \"keep;\"\r\n", .putScript(name: "a", script: "keep;")),
        .parses("Setactive \"vacationscript\"\r\n", .setActive(name: "vacationscript")),
        .parses("Setactive \"\"\r\n", .setActive(name: nil)),
        .parses("Getscript \"myscript\"\r\n", .getScript(name: "myscript")),
        .parses("GETSCRIPT \"clever\\\"script\"\r\n", .getScript(name: "clever\"script")),
        .parses("GETSCRIPT \"back\\\\slash\"\r\n", .getScript(name: "back\\slash")),
        .parses("GETSCRIPT \"vacation_\u{E4}\u{1F600}\"\r\n", .getScript(name: "vacation_\u{E4}\u{1F600}")),
        .parses("GETSCRIPT {13+}\r\nclever\"script\r\n", .getScript(name: "clever\"script")),
        .parses("Deletescript \"foo\"\r\n", .deleteScript(name: "foo")),
        .parses("Renamescript \"foo\" \"bar\"\r\n", .renameScript(oldName: "foo", newName: "bar")),
        .parses("RENAMESCRIPT  \"foo\"   \"bar\"  \r\n", .renameScript(oldName: "foo", newName: "bar")),
        .parses("CheckScript {31+}\r\n\(rfcScript)\r\n", .checkScript(script: rfcScript)),
        .parses("NOOP \"\(longestQuoted)\"\r\n", .noop(tag: longestQuoted)),
        .parses("AUTHENTICATE \"PLAIN\"\r\n", .authenticate(mechanism: "PLAIN", initialResponse: nil)),
        .parses("authenticate \"plain\" \"\"\r\n", .authenticate(mechanism: "PLAIN", initialResponse: [])),
        .parses(
            "AUTHENTICATE \"PLAIN\" \"AHRpbQB0YW5zdGFhZg==\"\r\n",
            .authenticate(mechanism: "PLAIN", initialResponse: Array("\u{0}tim\u{0}tanstaaf".utf8))),
        .parses(
            "Authenticate \"SCRAM-SHA-256\" {8+}\r\nbiwsbj1h\r\n",
            .authenticate(mechanism: "SCRAM-SHA-256", initialResponse: Array("n,,n=a".utf8))),
        // Pipelined commands come out one by one.
        .parses("NOOP\r\nLISTSCRIPTS\r\nLOGOUT\r\n", .noop(tag: nil), .listScripts, .logout),
        .parses("PUTSCRIPT \"a\" {10+}\r\nLOGOUT\r\n\r\n\r\nNOOP\r\n", .putScript(name: "a", script: "LOGOUT\r\n\r\n"), .noop(tag: nil)),
    ]

    static let invalid: [StreamVector] = [
        .fails("FOO\r\n", .unknownCommand("FOO")),
        .fails("NOOP1\r\n", .unknownCommand("NOOP1")),
        .fails("\r\n", .unknownCommand("")),
        .fails(" NOOP\r\n", .unknownCommand("")),
        .fails("\"NOOP\"\r\n", .unknownCommand("\"")),
        .fails(String(repeating: "A", count: 40) + "\r\n", .unknownCommand(String(repeating: "A", count: 16))),
        .fails("FOO {5+}\r\nab\r\nc\r\n", .unknownCommand("FOO")),  // the literal is skipped, not read as a command
        .fails("LOGOUT now\r\n", .invalidArguments("LOGOUT")),
        .fails("CAPABILITY \"x\"\r\n", .invalidArguments("CAPABILITY")),
        .fails("GETSCRIPT\r\n", .invalidArguments("GETSCRIPT")),
        .fails("GETSCRIPT myscript\r\n", .invalidArguments("GETSCRIPT")),
        .fails("GETSCRIPT \"a\" \"b\"\r\n", .invalidArguments("GETSCRIPT")),
        .fails("GETSCRIPT \"a\"\"b\"\r\n", .invalidArguments("GETSCRIPT")),
        .fails("NOOP\rX\r\n", .invalidArguments("NOOP")),
        .fails("HAVESPACE \"a\" -1\r\n", .invalidArguments("HAVESPACE")),
        .fails("HAVESPACE \"a\" 12x\r\n", .invalidArguments("HAVESPACE")),
        .fails("HAVESPACE \"a\" 4294967296\r\n", .invalidArguments("HAVESPACE")),
        .fails("HAVESPACE \"a\" \"5\"\r\n", .invalidArguments("HAVESPACE")),
        .fails("HAVESPACE \"a\"\r\n", .invalidArguments("HAVESPACE")),
        .fails("PUTSCRIPT \"a\" {3+}\r\nabc extra\r\n", .invalidArguments("PUTSCRIPT")),
        .fails("PUTSCRIPT \"a\" {3+}\r\nabc\"x\"\r\n", .invalidArguments("PUTSCRIPT")),
        .fails("RENAMESCRIPT \"a\" \"b\" \"c\"\r\n", .invalidArguments("RENAMESCRIPT")),
        .fails("AUTHENTICATE \"PL AIN\"\r\n", .invalidArguments("AUTHENTICATE")),
        .fails("AUTHENTICATE PLAIN\r\n", .invalidArguments("AUTHENTICATE")),
        .fails("AUTHENTICATE \"PLAIN\" \"not base64\"\r\n", .invalidBase64),
        .fails("AUTHENTICATE \"PLAIN\" \"AA=\"\r\n", .invalidBase64),
        .fails("GETSCRIPT \"\"\r\n", .invalidScriptName),
        .fails("GETSCRIPT \"a\u{1}b\"\r\n", .invalidScriptName),
        .fails("GETSCRIPT \"a\u{85}b\"\r\n", .invalidScriptName),
        .fails("GETSCRIPT \"a\u{2028}b\"\r\n", .invalidScriptName),
        .fails("GETSCRIPT {3+}\r\na\nb\r\n", .invalidScriptName),
        .fails("GETSCRIPT \"\(String(repeating: "n", count: 129))\"\r\n", .invalidScriptName),
        .fails("RENAMESCRIPT \"a\" \"\"\r\n", .invalidScriptName),
        .fails(bytes: Array("GETSCRIPT \"".utf8) + [0xFF] + Array("\"\r\n".utf8), .invalidEncoding),
        .fails(bytes: Array("PUTSCRIPT \"a\" {1+}\r\n".utf8) + [0xC3] + Array("\r\n".utf8), .invalidEncoding),
        .fails("GETSCRIPT \"abc\r\n", .invalidQuotedString),
        .fails("GETSCRIPT \"a\\x\"\r\n", .invalidQuotedString),
        .fails("GETSCRIPT \"a\u{0}\"\r\n", .invalidQuotedString),
        .fails("NOOP \"\(longestQuoted)q\"\r\n", .quotedStringTooLong),
        .fails("PUTSCRIPT \"a\" {3x}\r\n", .invalidLiteral),
        .fails("PUTSCRIPT \"a\" {}\r\n", .invalidLiteral),
        // Not a literal header, so what follows is read as the next command.
        StreamVector(
            input: Array("PUTSCRIPT \"a\" {3+} \r\nabc\r\nNOOP\r\n".utf8),
            expected: [.failure(.invalidLiteral), .failure(.unknownCommand("abc")), .value(.noop(tag: nil))]),
        .fails("PUTSCRIPT \"a\" {12345678901}\r\n", .invalidLiteral),
        .fails("NOOP" + String(repeating: " ", count: 5_000) + "\r\n", .lineTooLong),
        .fails("HAVESPACE \"a\" " + String(repeating: "1", count: 5_000) + "\r\n", .invalidArguments("HAVESPACE")),
        .fails("GETSCRIPT {1+}\r\na" + String(repeating: " ", count: 5_000) + "\r\n", .lineTooLong),
        // The literal is thrown away unread as it arrives, LOGOUT and all.
        .fails(
            "PUTSCRIPT \"a\" {20000+}\r\nLOGOUT\r\n" + String(repeating: "x", count: 19_992) + "\r\n",
            .literalTooLarge("PUTSCRIPT")),
        .fails("PUTSCRIPT \"a\" {20000}\r\n" + String(repeating: "x", count: 20_000) + " \"b\"\r\n", .literalTooLarge("PUTSCRIPT")),
    ]

    @Test(arguments: valid + invalid)
    func streamParsesTheSameHoweverItIsSplit(_ vector: StreamVector) {
        for (name, chunks) in chunkings(of: vector.input) {
            let transcript = feed(chunks, step: commandStep)
            #expect(transcript.outcomes == vector.expected, "\(name)")
            #expect(transcript.remaining.isEmpty, "\(name)")
        }
    }

    /// An incomplete command consumes nothing and parses once the rest arrives.
    @Test(arguments: [
        "NOOP", "NOOP\r", "NOOP \"ta", "NOOP \"ta\\", "PUTSCRIPT \"a\" {5", "PUTSCRIPT \"a\" {5+", "PUTSCRIPT \"a\" {5+}",
        "PUTSCRIPT \"a\" {5+}\r", "PUTSCRIPT \"a\" {5+}\r\nkee", "PUTSCRIPT \"a\" {5+}\r\nkeep;", "PUTSCRIPT \"a\" {5+}\r\nkeep;\r",
    ])
    func incompleteInputWaits(_ prefix: String) throws {
        var parser = ManageSieveCommandParser()
        var buffer = ByteBuffer(string: prefix)
        #expect(try parser.parseCommand(from: &buffer) == nil)
        #expect(buffer.readableBytes == prefix.utf8.count)
    }

    /// After login the session raises the literal limit to the script size.
    @Test func literalLimitFollowsTheSession() throws {
        let script = String(repeating: "#", count: 20_000)
        var parser = ManageSieveCommandParser()
        parser.maximumLiteralLength = ManageSieveLimits.scriptSize
        var buffer = ByteBuffer(string: "PUTSCRIPT \"big\" {20000+}\r\n\(script)\r\n")
        #expect(try parser.parseCommand(from: &buffer) == .putScript(name: "big", script: script))
    }

    /// A literal that would take the whole command past its limit is refused before any of
    /// its octets arrive.
    @Test func commandSizeIsBounded() {
        var parser = ManageSieveCommandParser(maximumLineLength: 64, maximumLiteralLength: 100)
        var buffer = ByteBuffer(string: "PUTSCRIPT {90+}\r\n" + String(repeating: "a", count: 90) + " {100+}\r\n")
        #expect(throws: ManageSieveParseError.commandTooLarge) { try parser.parseCommand(from: &buffer) }
    }

    /// RFC 5804 §2.2: bytes pipelined after STARTTLS are thrown away with any partial command.
    @Test func resetForgetsAPartialCommand() throws {
        var parser = ManageSieveCommandParser()
        var buffer = ByteBuffer(string: "PUTSCRIPT \"a\" {5+}\r\nke")
        #expect(try parser.parseCommand(from: &buffer) == nil)
        parser.reset()
        buffer.clear()
        buffer.writeString("NOOP\r\n")
        #expect(try parser.parseCommand(from: &buffer) == .noop(tag: nil))
    }

    /// `parse(encode(command)) == command`, literals and escapes included.
    @Test(arguments: [
        ManageSieveCommand.capability, .logout, .startTLS, .listScripts, .unauthenticate, .noop(tag: nil),
        .noop(tag: "STARTTLS-SYNC-42"), .noop(tag: "line\r\nbreak"), .haveSpace(name: "a b", size: 12),
        .putScript(name: "mysievescript", script: mySieveScript), .putScript(name: "q\"uote\\", script: ""),
        .setActive(name: nil), .setActive(name: "vacation"), .getScript(name: "\u{E4}"), .deleteScript(name: "foo"),
        .renameScript(oldName: "foo", newName: "bar"), .checkScript(script: rfcScript),
        .checkScript(script: String(repeating: "x", count: 2_000)),
        .authenticate(mechanism: "PLAIN", initialResponse: nil), .authenticate(mechanism: "PLAIN", initialResponse: []),
        .authenticate(mechanism: "SCRAM-SHA-256", initialResponse: Array(repeating: 0xAB, count: 1_500)),
    ])
    func roundTrip(_ command: ManageSieveCommand) throws {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        var parser = ManageSieveCommandParser()
        #expect(try parser.parseCommand(from: &buffer) == command)
        #expect(buffer.readableBytes == 0)
    }
}
