import Testing

@testable import Sieve

/// editheader's site policy, the edited message's size, and the envelope part "auth".
@Suite struct SieveHeaderEditPolicyTests {
    private let message = "Received: from a by b\nAuto-Submitted: no\nSubject: Hi\nX-A: 1\n\nBody\n"

    /// Edits change the size the `size` test sees: "X-B: 22" CRLF is 9 octets.
    @Test func sizeFollowsEdits() throws {
        let size = message.replacingLineFeeds().utf8.count
        let script = """
            require "editheader";
            addheader "X-B" "22";
            if size :over \(size + 8) { if size :under \(size + 10) { discard; } }
            """
        let added = #"{"action":"addheader","name":"X-B","value":"22","last":false}"#
        #expect(try runScript(script, message: message).actions == [added, discardJSON])
    }

    /// Received and Auto-Submitted are never deleted, but may be added; Subject is never protected.
    @Test func defaultProtection() throws {
        let script = """
            require "editheader";
            deleteheader "received"; deleteheader "auto-submitted"; deleteheader "subject";
            addheader "Received" "by sieve";
            """
        let result = try runResult(script, message: message)
        #expect(result.editedHeader?.map(\.name) == ["Received", "Received", "Auto-Submitted", "X-A"])
    }

    @Test func configuredProtection() throws {
        var context = SieveRunContext()
        context.headerEditPolicy = SieveHeaderEditPolicy(forbidAdd: ["X-New", "Subject"], forbidDelete: ["x-a"])
        let script = """
            require "editheader";
            deleteheader "X-A"; addheader "X-New" "1"; addheader "Subject" "Re";
            """
        let result = try runResult(script, message: message, context: context)
        #expect(result.editedHeader?.map(\.name) == ["Subject", "Received", "Auto-Submitted", "Subject", "X-A"])
    }

    @Test func sizeLimit() throws {
        var capabilities = SieveCapabilities.all
        capabilities.headerEditPolicy = SieveHeaderEditPolicy(maximumHeaderSize: 10)
        #expect(throws: SieveError.self) {
            try SieveScript.compile(#"require "editheader"; addheader "X-A" "0123456789";"#, capabilities: capabilities)
        }
        var context = SieveRunContext()
        context.headerEditPolicy = capabilities.headerEditPolicy
        let script = #"require ["editheader", "variables"]; set "v" "0123456789"; addheader "X-A" "${v}";"#
        #expect(throws: SieveRuntimeError.self) { try runResult(script, message: message, context: context) }
    }

    @Test func nulValueIsInvalid() {
        #expect(compileError(#"require ["editheader", "encoded-character"]; addheader "X-A" "a${hex:00}b";"#) != nil)
    }

    /// RFC 5293 §5: value patterns are optional even after a match type.
    @Test func matchTypeWithoutPatterns() throws {
        let result = try runResult(#"require "editheader"; deleteheader :matches "x-a";"#, message: message)
        #expect(result.editedHeader?.map(\.name) == ["Received", "Auto-Submitted", "Subject"])
    }

    @Test func envelopeAuth() throws {
        let script = #"require "envelope"; if envelope :is "auth" "user@example.com" { discard; }"#
        let program = try SieveScript.compile(script)
        var parsed = SieveMessage(parsing: Array("Subject: x\r\n\r\n".utf8), envelopeFrom: "a@b", envelopeTo: "c@d")
        #expect(try program.run(on: parsed).implicitKeep)
        parsed.envelopeAuth = "user@example.com"
        #expect(try !program.run(on: parsed).implicitKeep)
    }
}
